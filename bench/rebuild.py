"""Rebuild throughput: how many events/s ``itp rebuild`` replays into matching and the dashboard.

Publishes a synthetic record to topics of its own (a fresh ``ITP_TOPIC_PREFIX``): carriers,
people, demands submitted and published, some of them withdrawn or matched, contracts signed,
paid and completed. Then rebuilds matching's read model and the dashboard's projection, each
into a fresh migrated database, through the same code as ``itp rebuild`` (progress on stderr),
and prints the replay's events/s (the replay alone, and the whole rebuild) and this process's CPU
per event (what a machine shared with other work blurs least). Target: at least 1,000 events/s
for each (issue 21). ``--batch-size 1`` replays one event per transaction (the path before
batching) for a before/after on the same machine.

    .venv/bin/python -m bench.rebuild                    # about 12,000 events
    .venv/bin/python -m bench.rebuild --demands 20000    # about 50,000 events
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.event_latency import carrier_bodies
from bench.harness import create_topics, delete_topics, machine_info, pg_version
from itp.services import definition
from shared.bus.base import Record
from shared.bus.kafka import KafkaBus
from shared.events import contracts as ct
from shared.events import demand as dm
from shared.events import talent as tl
from shared.events import topics
from shared.events.base import DomainEvent
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.replay import REPLAY_BATCH_SIZE, kafka_end_offsets
from shared.testing import create_database, drop_database, kafka_bootstrap, migrated_template, unique


def record_of(n_carriers: int, n_people: int, n_demands: int) -> list[DomainEvent]:
    """A platform's history in publication order."""
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    out: list[DomainEvent] = []
    carriers = []
    for i, body in enumerate(carrier_bodies(n_carriers)):
        cid = uuid.uuid4()
        carriers.append(cid)
        out.append(
            tl.CarrierRegistered(
                carrier_id=cid,
                kind=body["kind"],
                name=body["name_zh"],
                city=body["city"],
                province=body["province"],
                fields=body["fields"],
                capabilities=body["capabilities"],
                keywords=body["keywords"],
                capacity=body["capacity"],
                registered_at=t0 + timedelta(seconds=i),
            )
        )
    for i in range(n_people):
        carrier = carriers[i % len(carriers)]
        fields = carrier_bodies(len(carriers))[i % len(carriers)]["fields"]
        out.append(
            tl.PersonRegistered(
                person_id=uuid.uuid4(),
                name=f"基准专家{i:05d}",
                roles=["project_manager" if i % 10 == 0 else "researcher"],
                carrier_id=carrier,
                fields=fields,
                keywords=[],
                languages=["zh"],
                capacity=2,
                registered_at=t0 + timedelta(minutes=1, seconds=i),
            )
        )
    enterprise = uuid.uuid4()
    for i in range(n_demands):
        at = t0 + timedelta(hours=1, minutes=i)
        demand = uuid.uuid4()
        demand_body: dict[str, Any] = {
            "demand_id": demand,
            "enterprise_id": enterprise,
            "title": f"固态电池电解质界面改性{i}",
            "description": "提升硫化物固态电解质与正极界面的稳定性，降低界面阻抗，循环寿命一千次以上。",
            "fields": ["energy.batteries"],
            "keywords": ["固态电池"],
            "demand_type": "joint_rnd",
            "budget": Decimal(100_000 + i),
        }
        out.append(dm.DemandSubmitted(**demand_body, submitted_at=at))
        out.append(dm.DemandPublished(**demand_body, published_at=at + timedelta(seconds=30)))
        if i % 4 == 1:
            out.append(dm.DemandWithdrawn(demand_id=demand, withdrawn_at=at + timedelta(days=1)))
        elif i % 4 == 2:
            carrier = carriers[i % len(carriers)]
            contract = uuid.uuid4()
            out.append(dm.DemandMatched(demand_id=demand, carrier_id=carrier, matched_at=at + timedelta(days=1)))
            parties: dict[str, Any] = {
                "contract_id": contract,
                "demand_id": demand,
                "enterprise_id": enterprise,
                "carrier_id": carrier,
                "contract_type": "joint_rnd",
                "value": Decimal(90_000 + i),
            }
            out.append(ct.ContractSigned(**parties, contract_version=1, signed_at=at + timedelta(days=2)))
            out.append(
                ct.PaymentRecorded(
                    payment_id=uuid.uuid4(),
                    contract_id=contract,
                    enterprise_id=enterprise,
                    carrier_id=carrier,
                    milestone_id=uuid.uuid4(),
                    amount=Decimal(45_000),
                    contract_paid_total=Decimal(45_000),
                    recorded_at=at + timedelta(days=3),
                )
            )
            out.append(
                ct.ContractCompleted(
                    contract_id=contract,
                    demand_id=demand,
                    enterprise_id=enterprise,
                    carrier_id=carrier,
                    value=parties["value"],
                    paid_total=Decimal(45_000),
                    completed_at=at + timedelta(days=30),
                )
            )
    return out


async def publish(events: Sequence[DomainEvent], names: dict[str, str]) -> None:
    bus = KafkaBus(kafka_bootstrap(), client_id="itp-bench-rebuild")
    await bus.start()
    headers = [("content-type", CONTENT_TYPE.encode())]
    try:
        for i in range(0, len(events), 2000):
            chunk = events[i : i + 2000]
            envs = [Envelope.wrap(e, source="/itp/bench", traceparent=None) for e in chunk]
            await bus.publish(
                [
                    Record(names[e.TOPIC], v.subject.encode(), v.to_json(), headers)
                    for e, v in zip(chunk, envs, strict=True)
                ]
            )
    finally:
        await bus.stop()


async def rebuild_one(service: str, names: dict[str, str], batch_size: int) -> dict[str, float]:
    from services.dashboard.rebuild import rebuild as rebuild_dashboard
    from services.matching.rebuild import TOPICS as MATCHING_TOPICS
    from services.matching.rebuild import rebuild as rebuild_matching
    from shared.db import create_engine

    module = sys.modules[rebuild_matching.__module__ if service == "matching" else rebuild_dashboard.__module__]
    module.REPLAY_BATCH_SIZE = batch_size  # type: ignore[attr-defined]  # 1: one event per transaction, as before
    spec = definition(service)
    db = unique(f"itp_bench_rebuild_{service}")
    url = await create_database(db, template=await migrated_template(service, spec.migrations))
    engine = create_engine(url, pool_size=6)
    bus = KafkaBus(kafka_bootstrap(), client_id=f"itp-bench-rebuild-{service}")
    await bus.start()
    try:
        wanted = [names[t] for t in (MATCHING_TOPICS if service == "matching" else topics.ALL)]
        rebuild = rebuild_matching if service == "matching" else rebuild_dashboard
        cpu = time.process_time()
        report = await rebuild(
            engine,
            bus,
            wanted,
            lambda: kafka_end_offsets(kafka_bootstrap(), wanted),
            group=f"bench-rebuild-{uuid.uuid4().hex[:8]}",
            progress=sys.stderr,
        )
        cpu = time.process_time() - cpu
    finally:
        await bus.stop()
        await engine.dispose()
        with contextlib.suppress(Exception):
            await drop_database(db)
    print(report, flush=True)
    if report.not_applied:
        raise RuntimeError(f"{service}: {len(report.not_applied)} event(s) not applied: {report.not_applied[:3]}")
    return {
        "messages": report.messages,
        "replay_events_per_s": report.messages / report.replay_seconds,
        "rebuild_events_per_s": report.messages / report.seconds,
        "cpu_ms_per_event": cpu * 1000 / report.messages,
    }


async def run(args: argparse.Namespace) -> int:
    info = machine_info("bench.rebuild", await pg_version())
    print(" ".join(f"{k}={v}" for k, v in info.items()), flush=True)
    prefix = f"benchrb{uuid.uuid4().hex[:6]}"
    created = await create_topics(prefix)
    names = topics.for_prefix(prefix)
    by_topic = {base: names[base.split(".")[1]] for base in topics.ALL}
    try:
        events = record_of(args.carriers, args.people, args.demands)
        t0 = time.monotonic()
        await publish(events, by_topic)
        print(f"published {len(events):,} events in {time.monotonic() - t0:.1f} s", flush=True)
        for service in args.services:
            r = await rebuild_one(service, by_topic, args.batch_size)
            print(
                f"{service}: {r['messages']:,} events replayed at {r['replay_events_per_s']:,.0f} events/s "
                f"(the whole rebuild: {r['rebuild_events_per_s']:,.0f} events/s; this process's CPU "
                f"{r['cpu_ms_per_event']:.2f} ms per event, PostgreSQL's not counted)",
                flush=True,
            )
    finally:
        with contextlib.suppress(Exception):
            await delete_topics(created)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--carriers", type=int, default=200)
    p.add_argument("--people", type=int, default=600)
    p.add_argument("--demands", type=int, default=4000)
    p.add_argument("--batch-size", type=int, default=REPLAY_BATCH_SIZE, help="events per transaction (1: the old path)")
    p.add_argument("--services", nargs="+", default=["matching", "dashboard"], choices=["matching", "dashboard"])
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
