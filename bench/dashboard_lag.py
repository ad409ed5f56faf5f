"""The embedded platform's dashboard: how far behind the last write it is (issue 20: at most 2 s).

Starts ``itp embedded`` (one process, SQLite, the in-process bus: what ``./dev run`` starts,
without the demo record) on a fresh data directory, registers ``--carriers`` carriers and an
enterprise, opens the dashboard's live stream through the gateway (``DemandSubmitted``, an
operator's token), then submits demands through the gateway at ``--rate`` a second for
``--duration`` seconds (open loop) and notes, for each, when its 201 came back and when the
dashboard announced it (announced once the projection has committed it: the KPIs count it).
Prints the lag's p50, p99 and max, and how long after the last 201 the dashboard had them all:

    dashboard lag: p50 X ms, p99 Y ms, max Z ms; caught up N ms after the last write

    .venv/bin/python -m bench.dashboard_lag                 # 30 s at 50 demands/s
    .venv/bin/python -m bench.dashboard_lag --duration 10   # a quicker look
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Sequence

import aiohttp
import orjson

from bench.event_latency import carrier_bodies, demand_bodies
from bench.harness import dashboard_arrivals, embedded_platform, machine_info, percentile
from shared.testing import auth_headers
from tests.e2e.slice import new_credit_code


async def measure(base: str, args: argparse.Namespace) -> dict[str, float]:
    admin = auth_headers("admin")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        for body in carrier_bodies(args.carriers):
            async with http.post(base + "/api/v1/carriers", json=body, headers=admin) as r:
                assert r.status == 201, await r.text()
        enterprise = {
            "name_zh": "苏州新能动力科技有限公司",
            "credit_code": new_credit_code(),
            "province": "江苏",
            "city": "苏州",
            "industry_code": "C38",
            "size": "large",
            "contacts": [{"name": "李工"}],
        }
        async with http.post(base + "/api/v1/enterprises", json=enterprise, headers=admin) as r:
            assert r.status == 201, await r.text()
            enterprise_id = (await r.json())["id"]
        headers = {"content-type": "application/json", **auth_headers("enterprise_user", enterprise_id=enterprise_id)}
        bodies = demand_bodies(enterprise_id)
        async with dashboard_arrivals(http, base, "DemandSubmitted") as arrivals:
            created: dict[str, float] = {}
            failed: list[str] = []

            async def post(i: int) -> None:
                async with http.post(base + "/api/v1/demands", data=bodies[i % len(bodies)], headers=headers) as r:
                    body = await r.read()
                    if r.status != 201:
                        failed.append(f"{r.status}: {body[:200]!r}")
                        return
                    created[orjson.loads(body)["id"]] = time.monotonic()

            loop = asyncio.get_running_loop()
            n = int(args.rate * args.duration)
            start = loop.time() + 0.05
            tasks = []
            for i in range(n):
                await asyncio.sleep(max(0.0, start + i / args.rate - loop.time()))
                tasks.append(asyncio.create_task(post(i)))
            await asyncio.gather(*tasks)
            last_write = max(created.values(), default=time.monotonic())
            deadline = time.monotonic() + args.settle
            while time.monotonic() < deadline and not all(d in arrivals for d in created):  # noqa: ASYNC110 - bounded poll
                await asyncio.sleep(0.02)
    lags = [(arrivals[d] - t) * 1000 for d, t in created.items() if d in arrivals]
    missing = len(created) - len(lags)
    if failed:
        print(f"  !! {len(failed)} demands not created, e.g. {failed[0]}", flush=True)
    if missing:
        print(f"  !! {missing} demands not on the dashboard within {args.settle:.0f} s", flush=True)
    caught_up = (max(arrivals[d] for d in created if d in arrivals) - last_write) * 1000 if lags else float("nan")
    return {
        "sent": n,
        "created": len(created),
        "missing": missing,
        "p50_ms": percentile(lags, 50) if lags else float("nan"),
        "p99_ms": percentile(lags, 99) if lags else float("nan"),
        "max_ms": max(lags, default=float("nan")),
        "caught_up_ms": max(0.0, caught_up),
    }


async def run(args: argparse.Namespace) -> int:
    info = machine_info("bench.dashboard_lag", "(embedded: SQLite)")
    print(" ".join(f"{k}={v}" for k, v in info.items()), flush=True)
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    async with embedded_platform() as base:
        r = await measure(base, args)
    print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)
    print(
        f"{r['created']}/{r['sent']} demands at {args.rate:g}/s for {args.duration:g} s, {args.carriers} carriers",
        flush=True,
    )
    print(
        f"dashboard lag: p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, max {r['max_ms']:.0f} ms;"
        f" caught up {r['caught_up_ms']:.0f} ms after the last write",
        flush=True,
    )
    return 0 if r["missing"] == 0 and r["created"] == r["sent"] else 1


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rate", type=float, default=50.0, help="demands per second")
    p.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    p.add_argument("--carriers", type=int, default=20, help="carriers registered first (matching ranks against them)")
    p.add_argument("--settle", type=float, default=120.0, help="at most this long for the dashboard to catch up")
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
