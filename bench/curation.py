"""Curation latency: ``POST /api/v1/matches`` through the gateway, quiet and while matching's consumer is saturated.

The multi-process stack (gateway, demand, talent, matching; real PostgreSQL and Kafka) gets
carriers and demands through the gateway; once their suggestions are there, a project manager
rejects suggested carriers (each rejection re-suggests at once: the heavier decision) at a steady
rate (open loop), first with the consumer idle, then while ``--drain`` demands published straight
to the demand topic keep matching's consumer busy (ranking, recording, rendering views in the
same process, on the same event loop). Prints p50/p99 of each phase. Target (issue 21): p99
under 50 ms, in both.

    .venv/bin/python -m bench.curation            # 20 decisions/s, 20 s per phase
    .venv/bin/python -m bench.curation --quick    # 8 s per phase: a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
import uuid
from collections.abc import Sequence
from typing import Any

import aiohttp
import orjson

from bench.event_latency import Subscriber, carrier_bodies, demand_bodies, drain
from bench.harness import (
    NO_RATE_LIMIT,
    Stack,
    create_topics,
    delete_topics,
    machine_info,
    percentile,
    pg_version,
    print_header,
)
from shared.events import topics
from shared.testing import auth_headers, unique, wait_for
from tests.e2e.slice import new_credit_code

ENTERPRISE = {
    "name_zh": "苏州新能动力科技有限公司",
    "province": "江苏",
    "city": "苏州",
    "industry_code": "C38",
    "size": "large",
    "contacts": [{"name": "李工"}],
}


async def decide(
    http: aiohttp.ClientSession, url: str, pairs: list[tuple[str, str]], *, rate: float, duration_s: float
) -> tuple[list[float], list[str]]:
    """Reject ``rate`` suggested carriers a second, open loop; the latencies (ms) and the failures."""
    pm = {"content-type": "application/json", **auth_headers("project_manager", person_id=str(uuid.uuid4()))}
    latencies: list[float] = []
    failures: list[str] = []

    async def one(demand_id: str, carrier_id: str) -> None:
        body = {"demand_id": demand_id, "carrier_id": carrier_id, "decision": "rejected", "reason": {"code": "other"}}
        t0 = time.monotonic()
        try:
            async with http.post(url, data=orjson.dumps(body), headers=pm) as r:
                answer = await r.read()
                if r.status != 201:
                    failures.append(f"{r.status} {answer[:160]!r}")
                    return
        except (aiohttp.ClientError, TimeoutError) as exc:
            failures.append(type(exc).__name__)
            return
        latencies.append((time.monotonic() - t0) * 1000)

    loop = asyncio.get_running_loop()
    n = min(len(pairs), int(rate * duration_s))
    start, tasks = loop.time() + 0.05, []
    for i in range(n):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(*pairs.pop())))
    await asyncio.gather(*tasks)
    return latencies, failures


def line(name: str, latencies: list[float], failures: list[str]) -> str:
    if not latencies:
        return f"-- {name}: no decision answered ({len(failures)} failed)"
    return (
        f"-- {name}: {len(latencies)} decisions   p50 {percentile(latencies, 50):.1f}   p99"
        f" {percentile(latencies, 99):.1f}   max {max(latencies):.1f} ms   failed {len(failures)}"
        + (f" (e.g. {failures[0]})" if failures else "")
    )


async def suggested_pairs(http: aiohttp.ClientSession, gateway: str, demand_ids: list[str]) -> list[tuple[str, str]]:
    """Every (demand, carrier) suggested, once each demand has suggestions."""
    staff = auth_headers("operator")
    shown: list[list[str]] = []
    for demand_id in demand_ids:
        carriers: list[str] = []

        async def listed(demand_id: str = demand_id, carriers: list[str] = carriers) -> bool:
            async with http.get(f"{gateway}/api/v1/demands/{demand_id}/suggestions", headers=staff) as r:
                if r.status == 200:
                    carriers[:] = [c["carrier_id"] for c in (await r.json()).get("carriers", [])]
            return bool(carriers)

        await wait_for(listed, timeout_s=120, interval_s=0.1, what="suggestions of the demands")
        shown.append(carriers)
    # Round robin over the demands (``decide`` takes from the end): decisions sent one after
    # another are about different demands, as a team of project managers would send them.
    return [
        (d, c[i]) for i in range(max(map(len, shown))) for d, c in zip(demand_ids, shown, strict=True) if i < len(c)
    ][::-1]


async def run(args: argparse.Namespace) -> int:
    duration = 8.0 if args.quick else args.duration
    print_header(
        "Curation latency: POST /api/v1/matches through the gateway",
        machine_info("bench.curation", await pg_version()),
        {"rate": f"{args.rate:g} decisions/s", "seconds per phase": duration, "carriers": args.carriers},
    )
    prefix = unique("itpbench")
    names = await create_topics(prefix)
    stack = Stack(
        services=["demand", "talent", "matching"],
        gateway=True,
        env_overrides={**NO_RATE_LIMIT, "ITP_TOPIC_PREFIX": prefix},
    )
    sub = Subscriber()
    try:
        async with stack, aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            await sub.start(topics.for_prefix(prefix)["matching"])
            gateway, admin = stack.url("gateway"), auth_headers("admin")
            for body in carrier_bodies(args.carriers):
                async with http.post(gateway + "/api/v1/carriers", json=body, headers=admin) as resp:
                    assert resp.status == 201, await resp.text()
            enterprise: dict[str, Any] = {**ENTERPRISE, "credit_code": new_credit_code()}
            async with http.post(gateway + "/api/v1/enterprises", json=enterprise, headers=admin) as resp:
                assert resp.status == 201, await resp.text()
                enterprise_id = (await resp.json())["id"]
            await stack.wait_published("talent")
            owner = {"content-type": "application/json", **auth_headers("enterprise_user", enterprise_id=enterprise_id)}
            demand_ids = []
            # Enough suggested carriers for both phases (each demand shows up to top_k of them).
            bodies = demand_bodies(enterprise_id)
            for i in range(int(2 * args.rate * duration / 5) + 1):
                async with http.post(gateway + "/api/v1/demands", data=bodies[i % len(bodies)], headers=owner) as resp:
                    assert resp.status == 201, await resp.text()
                    demand_ids.append((await resp.json())["id"])
            pairs = await suggested_pairs(http, gateway, demand_ids)
            print(f"  {len(pairs)} suggested carriers of {len(demand_ids)} demands to decide on", flush=True)
            url = gateway + "/api/v1/matches"
            quiet = await decide(http, url, pairs, rate=args.rate, duration_s=duration)
            print(line("consumer idle", *quiet), flush=True)
            busy = asyncio.create_task(drain(bodies, sub, topics.for_prefix(prefix)["demand"], args.drain))
            await asyncio.sleep(1.0)  # the consumer has a backlog
            saturated = await decide(http, url, pairs, rate=args.rate, duration_s=duration)
            backlog_left = not busy.done()
            print(line("consumer saturated", *saturated) + ("" if backlog_left else "  (!! the drain ended first)"))
            busy.cancel()  # the rest of the backlog is of no interest
            with contextlib.suppress(asyncio.CancelledError):
                await busy
    finally:
        await sub.stop()
        await delete_topics(names)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rate", type=float, default=20.0, help="decisions per second")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    p.add_argument("--carriers", type=int, default=20)
    p.add_argument("--drain", type=int, default=3000, help="demands published at once to saturate the consumer")
    p.add_argument("--quick", action="store_true")
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
