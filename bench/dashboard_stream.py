"""The dashboard's live event stream with 100 concurrent subscribers: delivery latency.

The dashboard service runs as its own process (one uvicorn worker, uvloop + httptools, as
``itp serve`` runs it) on a fresh database, its projection consumer on a topic of this run.
This process opens 100 Server-Sent Event streams to it (``/api/v1/dashboard/events``, a
dashboard viewer's token as ``?access_token=``) and, at a steady rate, publishes events in
two ways, measuring for every (event, subscriber) pair the time from publish to receipt of
the whole SSE frame:

a. Kafka produce -> receipt: a ``DemandSubmitted`` CloudEvent produced to the topic (clock
   read just before the produce call). The path: broker, the dashboard's consumer, the
   projection's transaction, the broadcast after the commit, the HTTP stream.
b. broadcaster publish -> receipt: a bench-only route of the server calls the broadcaster
   directly and answers with the clock read just before the call: fan-out and HTTP only.

Both clocks are CLOCK_MONOTONIC of the same machine, shared by the two processes. The
subscribers all run in this one Python process (its parsing adds to the figures); the machine
is shared by the server, the subscribers, PostgreSQL and Kafka.

    .venv/bin/python -m bench.dashboard_stream            # 3 rounds of 20 s at 20 events/s, each way
    .venv/bin/python -m bench.dashboard_stream --quick    # 1 round of 5 s: a smoke run
    .venv/bin/python -m bench.dashboard_stream serve ...  # (the server process; started by the above)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import APIRouter, Request

from bench.harness import (
    machine_info,
    median,
    percentile,
    pg_version,
    print_header,
    start_server,
    stop_server,
    wait_ready,
)
from shared.bus.base import Record
from shared.events import topics
from shared.events.demand import DemandSubmitted
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.testing import (
    auth_headers,
    create_database,
    drop_database,
    free_port,
    kafka_bootstrap,
    migrated_template,
    token_for,
    unique,
)

SOURCE = "/itp/bench"


def demand_event(n: int) -> Envelope:
    event = DemandSubmitted(
        demand_id=uuid.uuid4(),
        enterprise_id=uuid.UUID(int=1),
        title=f"基准测试需求 {n}",
        description="用于测量实时事件流延迟的技术需求。",
        fields=["it.sensors"],
        keywords=["基准"],
        demand_type="technology_development",
        submitted_at=datetime.now(UTC),
    )
    return Envelope.wrap(event, source=SOURCE, traceparent=None)


# -- the server process -----------------------------------------------------------------------


def serve(args: argparse.Namespace) -> None:
    """The dashboard as deployed, consuming ``--topic``, plus a bench-only publish route."""
    import uvicorn

    from services.dashboard import handlers
    from services.dashboard.live import Broadcaster
    from services.dashboard.main import definition
    from shared.bus.kafka import KafkaBus
    from shared.runtime import ConsumerSpec, create_service_app
    from shared.settings import ServiceSettings

    bench = APIRouter()

    @bench.post("/bench/publish")
    async def publish(request: Request) -> dict[str, Any]:
        broadcaster: Broadcaster = request.app.state.runtime.state["broadcaster"]
        env = demand_event(0)
        started = time.monotonic()
        delivered = broadcaster.publish(env)
        return {"id": env.id, "t": started, "delivered": delivered}

    bench_definition = dataclasses.replace(
        definition,
        routers=[*definition.routers, bench],
        consumers=[ConsumerSpec(args.consumer, [args.topic], handlers.handlers)],
    )
    settings = ServiceSettings(service_name="dashboard", mode="kafka", database_url=args.database_url)
    app = create_service_app(bench_definition, settings, KafkaBus(settings.kafka_bootstrap, client_id="itp-bench"))
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
        timeout_graceful_shutdown=2,
    )


# -- the subscribers --------------------------------------------------------------------------


@dataclass
class Subscribers:
    """``n`` event streams, noting when each event id arrived on each of them."""

    url: str
    token: str
    n: int
    received: list[dict[str, float]] = field(default_factory=list)
    connected: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, session: aiohttp.ClientSession) -> None:
        self.received = [{} for _ in range(self.n)]
        self.tasks = [asyncio.create_task(self._read(session, i)) for i in range(self.n)]
        deadline = time.monotonic() + 30
        while self.connected < self.n:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {self.connected}/{self.n} streams connected")
            for t in self.tasks:
                if t.done():
                    t.result()
            await asyncio.sleep(0.05)

    async def _read(self, session: aiohttp.ClientSession, i: int) -> None:
        params = {"access_token": self.token, "types": "DemandSubmitted"}
        async with session.get(self.url + "/api/v1/dashboard/events", params=params) as r:
            if r.status != 200:
                raise RuntimeError(f"stream {i}: HTTP {r.status}: {await r.text()}")
            seen = self.received[i]
            current: str | None = None
            async for line in r.content:
                if line.startswith(b"id: "):
                    current = line[4:].strip().decode()
                elif line == b"\n" and current is not None:
                    seen[current] = time.monotonic()  # the whole frame is in
                    current = None
                elif line.startswith(b": connected"):
                    self.connected += 1

    async def stop(self) -> None:
        for t in self.tasks:
            t.cancel()
        for t in self.tasks:
            with contextlib.suppress(BaseException):
                await t


@dataclass
class RoundResult:
    way: str
    sent: int
    latencies_ms: list[float]
    missing: int

    def figures(self) -> dict[str, float]:
        lat = self.latencies_ms
        return {
            "p50_ms": percentile(lat, 50),
            "p90_ms": percentile(lat, 90),
            "p99_ms": percentile(lat, 99),
            "max_ms": max(lat),
            "deliveries": len(lat),
            "missing": self.missing,
        }


async def one_round(
    way: str,
    publish: Any,
    subs: Subscribers,
    *,
    rate: float,
    duration_s: float,
) -> RoundResult:
    """Publish at ``rate`` for ``duration_s`` (on schedule, never in bursts), then collect."""
    sent: dict[str, float] = {}
    interval = 1.0 / rate
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < duration_s:
        event_id, t = await publish(n)
        sent[event_id] = t
        n += 1
        await asyncio.sleep(max(0.0, start + n * interval - time.monotonic()))
    # Everything sent gets its chance to arrive (bounded).
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(len(set(sent) - set(r)) for r in subs.received):  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    latencies = [(r[i] - t) * 1000 for r in subs.received for i, t in sent.items() if i in r]
    missing = len(sent) * subs.n - len(latencies)
    for r in subs.received:
        r.clear()
    return RoundResult(way, len(sent), latencies, missing)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    duration = 5.0 if args.quick else args.duration
    rounds = 1 if args.quick else args.rounds
    info = machine_info("bench.dashboard_stream", await pg_version())
    print_header(
        "Dashboard event stream: publish -> receipt by each of the SSE subscribers",
        info,
        {
            "subscribers": args.subscribers,
            "rate": f"{args.rate:g} events/s",
            "seconds per round": duration,
            "rounds": rounds,
        },
    )
    from services.dashboard.main import definition
    from shared.bus.kafka import KafkaBus

    topic = f"itp.bench.dashstream.{uuid.uuid4().hex[:8]}"
    db = unique("itp_bench_dashboard")
    url = await create_database(db, template=await migrated_template("dashboard", definition.migrations))
    bus = KafkaBus(kafka_bootstrap(), client_id="itp-bench-producer")
    await bus.start()
    await bus.ensure_topics([topic, topics.dlq(topic)], 3)
    port = free_port()
    logdir = Path(tempfile.mkdtemp(prefix="itp-bench-dashboard-"))
    env = {**os.environ, "ITP_ENV": "development", "ITP_KAFKA_BOOTSTRAP": kafka_bootstrap()}
    cmd = [
        sys.executable,
        "-m",
        "bench.dashboard_stream",
        "serve",
        "--port",
        str(port),
        "--database-url",
        url,
        "--topic",
        topic,
        "--consumer",
        f"bench-{uuid.uuid4().hex[:8]}",
    ]
    server = start_server("dashboard", cmd, env, port, logdir, "/readyz")
    results: list[RoundResult] = []
    stats: dict[str, Any] = {}
    try:
        await wait_ready([server])
        subs = Subscribers(server.url, token_for("dashboard_viewer", subject="bench"), args.subscribers)
        connector = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            await subs.start(session)

            async def via_kafka(n: int) -> tuple[str, float]:
                ev = demand_event(n)
                record = Record(topic, ev.subject.encode(), ev.to_json(), [("content-type", CONTENT_TYPE.encode())])
                t = time.monotonic()
                await bus.publish([record])
                return ev.id, t

            async def via_broadcaster(n: int) -> tuple[str, float]:
                async with session.post(server.url + "/bench/publish") as r:
                    body = await r.json()
                return str(body["id"]), float(body["t"])

            ways = {"kafka produce": via_kafka, "broadcaster publish": via_broadcaster}
            for way, publish in ways.items():  # warm-up: the consumer's group join, first queries
                warm = await one_round(way, publish, subs, rate=args.rate, duration_s=2.0)
                if not warm.latencies_ms:
                    raise RuntimeError(f"nothing arrived during the {way} warm-up:\n{server.log_tail()}")
            for i in range(rounds):
                for way, publish in ways.items():
                    r = await one_round(way, publish, subs, rate=args.rate, duration_s=duration)
                    results.append(r)
                    f = r.figures()
                    print(
                        f"-- round {i + 1}/{rounds}, {way:>19}: {r.sent} events x {subs.n} subscribers"
                        f"   p50 {f['p50_ms']:.1f}   p90 {f['p90_ms']:.1f}   p99 {f['p99_ms']:.1f}"
                        f"   max {f['max_ms']:.1f} ms   missing {r.missing}",
                        flush=True,
                    )
            async with session.get(
                server.url + "/api/v1/dashboard/stream-stats", headers=auth_headers("operator")
            ) as resp:
                stats = await resp.json()
            await subs.stop()
    finally:
        stop_server(server)
        await bus.stop()
        await drop_database(db)
        await delete_topics([topic, topics.dlq(topic)])
    out = summarize(info, args, duration, results, stats)
    report(out)
    return out


async def delete_topics(names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap(), request_timeout_ms=15000)
    await admin.start()
    try:
        await admin.delete_topics(names)
    except Exception as exc:  # a leftover bench topic harms nobody
        print(f"  (could not delete {names}: {exc})")
    finally:
        await admin.close()


def summarize(
    info: dict[str, str], args: argparse.Namespace, duration: float, results: list[RoundResult], stats: dict[str, Any]
) -> dict[str, Any]:
    ways: dict[str, Any] = {}
    for way in dict.fromkeys(r.way for r in results):
        mine = [r for r in results if r.way == way]
        per_round = [r.figures() for r in mine]
        pooled = [x for r in mine for x in r.latencies_ms]
        ways[way] = {
            "median_of_rounds": {k: median([f[k] for f in per_round]) for k in per_round[0]},
            "pooled": {
                "p50_ms": percentile(pooled, 50),
                "p99_ms": percentile(pooled, 99),
                "max_ms": max(pooled),
                "deliveries": len(pooled),
            },
            "sent": sum(r.sent for r in mine),
            "missing": sum(r.missing for r in mine),
        }
    return {
        "machine": info,
        "settings": {
            "subscribers": args.subscribers,
            "rate": args.rate,
            "duration_s": duration,
            "rounds": len(results) // max(1, len(ways)),
        },
        "ways": ways,
        "stream_stats": stats,
    }


def report(out: dict[str, Any]) -> None:
    s = out["settings"]
    print(
        f"\n== {s['subscribers']} subscribers, {s['rate']:g} events/s, medians of {s['rounds']} round(s)"
        f" (server counters: {out['stream_stats']})"
    )
    print("| publish -> receipt by each subscriber | p50 | p90 | p99 | max | deliveries | missing |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for way, w in out["ways"].items():
        m = w["median_of_rounds"]
        print(
            f"| {way} | {m['p50_ms']:.1f} ms | {m['p90_ms']:.1f} ms | {m['p99_ms']:.1f} ms | {m['max_ms']:.1f} ms"
            f" | {w['pooled']['deliveries']} | {w['missing']} |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        sp = argparse.ArgumentParser(prog="bench.dashboard_stream serve")
        sp.add_argument("--port", type=int, required=True)
        sp.add_argument("--database-url", required=True)
        sp.add_argument("--topic", required=True)
        sp.add_argument("--consumer", required=True)
        serve(sp.parse_args(argv[1:]))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="one round of 5 s: a smoke run")
    p.add_argument("--subscribers", type=int, default=100)
    p.add_argument("--rate", type=float, default=20.0, help="events per second, each way")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per round, each way")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    if not 0 < args.rate <= 500:
        p.error("--rate must be in (0, 500]")
    out = asyncio.run(run(args))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False))
    return 0 if all(w["missing"] == 0 for w in out["ways"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
