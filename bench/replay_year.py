"""The institute's year replayed through the gateway, as fast as a client can send it (issue 21).

Loads the demo record's supply side through ``POST /api/v1/talent/imports`` (the carriers and
people of ``itp demo-data``), registers its enterprises, then submits and publishes its 589
demands with ``--concurrency`` clients at once, and notes for each when its suggestions became
usable: when the dashboard's live stream announced its ``MatchesSuggested``, the event matching
publishes once the suggestions are stored (the stream adds its own delay, so this is an upper
bound). Then project managers accept the best suggested carrier of as many demands as the institute
matched (563), retrying a 503 with the same ``Idempotency-Key`` as a careful client does, and the
dashboard's KPIs are read back until they equal what the client drove (bounded).

    .venv/bin/python -m bench.replay_year              # the multi-process stack (PostgreSQL, Kafka)
    .venv/bin/python -m bench.replay_year --embedded   # the embedded platform (./dev run, no demo)

Targets (issue 21): on the multi-process stack, suggestions usable within 5 s of publication
(p99); on the embedded platform, no 503 and every figure the client drove equals the dashboard's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp

from bench.harness import (
    NO_RATE_LIMIT,
    Stack,
    create_topics,
    dashboard_arrivals,
    delete_topics,
    embedded_platform,
    machine_info,
    percentile,
    print_header,
)
from itp import demo
from shared.testing import auth_headers, unique

RETRIES = 5  # a 503 is retried this many times, with the same Idempotency-Key
DEMAND_KEYS = (
    "title", "description", "fields", "keywords", "demand_type", "expected_outcome", "trl_current", "trl_target",
    "budget", "province", "city", "contact", "confidentiality",
)  # fmt: skip


def demand_body(row: dict[str, Any], enterprise_id: str, now: datetime) -> dict[str, Any]:
    """A demand of the record as a client sends it today: its deadline as far ahead as it was then."""
    ahead = datetime.fromisoformat(row["deadline"]) - datetime.fromisoformat(row["submitted_at"])
    return {k: row[k] for k in DEMAND_KEYS} | {"enterprise_id": enterprise_id, "deadline": (now + ahead).isoformat()}


class Client:
    """The replaying client: every answer counted by status, 503s retried with the same key."""

    def __init__(self, http: aiohttp.ClientSession, base: str, concurrency: int) -> None:
        self.http, self.base = http, base
        self.statuses: Counter[str] = Counter()
        self.samples: dict[str, Any] = {}  # the first answer of each refused kind
        self.latencies_ms: dict[str, list[float]] = {}  # per kind of call, from sending to the answer
        self.gate = asyncio.Semaphore(concurrency)

    async def send(
        self, what: str, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> tuple[int, Any, dict[str, str]]:
        """One call, retried on 503 after its ``Retry-After`` (with the same headers and key)."""
        headers = {"Idempotency-Key": str(uuid.uuid4()), **headers} if method == "POST" else headers
        async with self.gate:
            for _ in range(RETRIES):
                try:
                    t = time.monotonic()
                    async with self.http.request(method, self.base + path, json=body, headers=headers) as r:
                        self.statuses[f"{what} {r.status}"] += 1
                        answer = await r.json(content_type=None) if r.content_length != 0 else None
                        self.latencies_ms.setdefault(what, []).append((time.monotonic() - t) * 1000)
                        if r.status >= 400:
                            self.samples.setdefault(f"{what} {r.status}", answer)
                        if r.status != 503:
                            return r.status, answer, dict(r.headers)
                        pause = min(float(r.headers.get("Retry-After", "1")), 5.0)
                except aiohttp.ServerDisconnectedError:  # a kept-alive connection the server had closed
                    self.statuses[f"{what} disconnected"] += 1
                    pause = 0.0
                await asyncio.sleep(pause)
        return 503, None, {}


async def replay(base: str, args: argparse.Namespace) -> dict[str, Any]:
    data = demo.generate()
    rows = [r.values for r in data.history]
    admin, staff = auth_headers("admin"), auth_headers("operator")
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        client = Client(http, base, args.concurrency)
        t0 = time.monotonic()
        ndjson = {**admin, "content-type": "application/x-ndjson"}
        async with http.post(base + "/api/v1/talent/imports", data=data.talent, headers=ndjson) as r:
            assert r.status == 200, await r.text()
        enterprises: dict[str, str] = {}

        async def register(row: dict[str, Any]) -> None:
            body = {k: v for k, v in row.items() if k not in ("type", "source_id", "registered_at")}
            status, answer, _ = await client.send("enterprise", "POST", "/api/v1/enterprises", admin, body)
            assert status == 201, answer
            enterprises[row["source_id"]] = answer["id"]

        await asyncio.gather(*(register(r) for r in rows if r["type"] == "enterprise"))
        print(f"  supply side and {len(enterprises)} enterprises in {time.monotonic() - t0:.1f} s", flush=True)

        async with dashboard_arrivals(http, base, "MatchesSuggested") as suggested:
            published: dict[str, float] = {}
            intended = Decimal(0)
            now = datetime.now(UTC)

            async def submit(row: dict[str, Any]) -> None:
                nonlocal intended
                owner = auth_headers("enterprise_user", enterprise_id=enterprises[row["enterprise"]])
                body = demand_body(row, enterprises[row["enterprise"]], now)
                status, answer, headers = await client.send("demand", "POST", "/api/v1/demands", owner, body)
                if status != 201:
                    return
                intended += Decimal(row["budget"])
                if_match = {"If-Match": headers["ETag"]} if "ETag" in headers else {}
                path = f"/api/v1/demands/{answer['id']}/publish"
                status, _, _ = await client.send("publish", "POST", path, staff | if_match)
                if status == 200:
                    published[answer["id"]] = time.monotonic()

            demands = [r for r in rows if r["type"] == "demand"]
            t_publish = time.monotonic()
            await asyncio.gather(*(submit(r) for r in demands))
            publishing_s = time.monotonic() - t_publish
            print(f"  {len(published)} of {len(demands)} demands published in {publishing_s:.1f} s", flush=True)
            await bounded(lambda: all(d in suggested for d in published), args.settle)
            latencies = [max(0.0, suggested[d] - t) * 1000 for d, t in published.items() if d in suggested]

            to_match = sorted(published)[: len({r["demand"] for r in rows if r["type"] == "match"})]
            matched: set[str] = set()

            async def accept(demand_id: str) -> None:
                pm = auth_headers("project_manager", person_id=str(uuid.uuid4()))
                path = f"/api/v1/demands/{demand_id}/suggestions"
                status, answer, _ = await client.send("suggestions", "GET", path, pm)
                carriers = (answer or {}).get("carriers", []) if status == 200 else []
                if not carriers:
                    return
                body = {"demand_id": demand_id, "carrier_id": carriers[0]["carrier_id"], "decision": "accepted"}
                status, _, _ = await client.send("match", "POST", "/api/v1/matches", pm, body)
                if status == 201:
                    matched.add(demand_id)

            await asyncio.gather(*(accept(d) for d in to_match))
            driven = {
                "submitted": client.statuses["demand 201"],
                "published": len(published),
                "matched": len(matched),
                "intended": f"{intended:.2f}",
            }
            shown: dict[str, Any] = {}

            async def agrees() -> bool:
                async with http.get(base + "/api/v1/dashboard/kpis", headers=staff) as r:
                    kpis = await r.json()
                shown.update({k: kpis["funnel"][k] for k in ("submitted", "published", "matched")})
                shown["intended"] = kpis["money"]["intended"]
                return shown == driven

            await bounded(agrees, args.settle)
    return {
        "publishing_s": publishing_s,
        "latencies_ms": latencies,
        "unsuggested": len(published) - len(latencies),
        "calls_ms": client.latencies_ms,
        "statuses": client.statuses,
        "samples": client.samples,
        "driven": driven,
        "shown": shown,
    }


async def bounded(check: Callable[[], Awaitable[bool] | bool], timeout_s: float) -> None:
    """Poll ``check`` every 50 ms until it holds or ``timeout_s`` has passed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if await result if isinstance(result, Awaitable) else result:
            return
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def multi_process() -> AsyncIterator[str]:
    prefix = unique("itpbench")
    names = await create_topics(prefix)
    stack = Stack(
        services=["demand", "talent", "matching", "contracts", "dashboard"],
        gateway=True,
        env_overrides={**NO_RATE_LIMIT, "ITP_TOPIC_PREFIX": prefix},
    )
    try:
        async with stack:
            yield stack.url("gateway")
    finally:
        await delete_topics(names)


async def run(args: argparse.Namespace) -> int:
    mode = "embedded platform" if args.embedded else "multi-process stack"
    print_header(
        f"The institute's year replayed through the gateway ({mode})",
        machine_info("bench.replay_year", "(embedded: SQLite)" if args.embedded else "PostgreSQL"),
        {"concurrency": args.concurrency, "settle s": args.settle},
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    async with embedded_platform() if args.embedded else multi_process() as base:
        r = await replay(base, args)
    print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)
    lat = r["latencies_ms"]
    if lat:
        print(
            f"publication -> suggestions usable: p50 {percentile(lat, 50):.0f} ms, p99 {percentile(lat, 99):.0f} ms,"
            f" max {max(lat):.0f} ms ({len(lat)} demands published in {r['publishing_s']:.1f} s;"
            f" {r['unsuggested']} never suggested within {args.settle:.0f} s)"
        )
    for what, ms in sorted(r["calls_ms"].items()):
        print(f"  {what} calls: p50 {percentile(ms, 50):.0f} ms, p99 {percentile(ms, 99):.0f} ms, max {max(ms):.0f} ms")
    print("answers: " + ", ".join(f"{k}: {n}" for k, n in sorted(r["statuses"].items())))
    for kind, answer in sorted(r["samples"].items()):
        print(f"  first {kind}: {str(answer)[:200]}")
    differences = [k for k in r["driven"] if r["driven"][k] != r["shown"].get(k)]
    for k in r["driven"]:
        print(f"  {k:>10}: client {r['driven'][k]}, dashboard {r['shown'].get(k)}")
    unavailable = sum(n for k, n in r["statuses"].items() if k.endswith(" 503"))
    print(f"503 answers: {unavailable}; figures that differ: {len(differences)} {differences or ''}")
    return 1 if differences or r["unsuggested"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--embedded", action="store_true", help="the embedded platform instead of the multi-process stack")
    p.add_argument("--concurrency", type=int, default=16, help="calls in flight at once")
    p.add_argument("--settle", type=float, default=180.0, help="seconds to wait for suggestions and the dashboard")
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
