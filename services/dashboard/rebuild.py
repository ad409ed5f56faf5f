"""Rebuild the dashboard's projection from scratch by replaying every topic from its start.

    ITP_MODE=kafka python -m services.dashboard.rebuild

Empties the projection, notes where each partition of each topic ends, and replays the
topics from offset 0 under a fresh consumer group, through the same handlers as the live
consumer, until every partition has been read up to that end. The live service may keep
running meanwhile: its handlers and these are safe to apply twice and in any order, so the
projection converges; events published after the start are applied by the live consumer.
Nothing is announced to the live stream. Replays need the topics' whole history
(``retention.ms=-1`` on the event topics).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.ext.asyncio import AsyncEngine

from services.dashboard import tables
from services.dashboard.handlers import build_handlers
from services.dashboard.repository import DashboardRepository
from services.dashboard.service import Projection
from shared.bus.base import Bus
from shared.bus.memory import InMemoryBus
from shared.consumer import EventConsumer
from shared.db import create_engine
from shared.events import topics as platform_topics
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.runtime import database_url_for
from shared.settings import ServiceSettings

Ends = dict[tuple[str, int], int]


@dataclass
class RebuildReport:
    group: str
    messages: int
    applied: int
    duplicates: int
    ignored: int
    dead_lettered: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"rebuilt the dashboard projection from {self.messages} messages in {self.seconds:.1f} s "
            f"(applied {self.applied}, duplicates {self.duplicates}, ignored {self.ignored}, "
            f"dead-lettered {self.dead_lettered}; group {self.group})"
        )


async def kafka_end_offsets(bootstrap: str, topic_names: Sequence[str]) -> Ends:
    """Where each partition of the topics ends now (the next offset to be written)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, isolation_level="read_committed")
    await admin.start()
    await consumer.start()
    try:
        tps = []
        for t in await admin.describe_topics(list(topic_names)):
            if t["error_code"] != 0:
                raise RuntimeError(f"topic {t['topic']} is not available (run `itp topics create`)")
            tps += [TopicPartition(t["topic"], p["partition"]) for p in t["partitions"]]
        ends = await consumer.end_offsets(tps)
        begins = await consumer.beginning_offsets(tps)
        # A partition whose records all expired has nothing to replay.
        return {(tp.topic, tp.partition): end if end > begins[tp] else 0 for tp, end in ends.items()}
    finally:
        await consumer.stop()
        await admin.close()


def memory_end_offsets(bus: InMemoryBus, topic_names: Sequence[str]) -> Ends:
    ends: Ends = {}
    for t in topic_names:
        for m in bus.messages(t):
            ends[(t, m.partition)] = max(ends.get((t, m.partition), 0), m.offset + 1)
    return ends


async def rebuild(
    engine: AsyncEngine,
    bus: Bus,
    topic_names: Sequence[str],
    end_offsets: Callable[[], Awaitable[Ends]],
    *,
    group: str | None = None,
    idle_timeout_s: float = 60.0,
) -> RebuildReport:
    """Empty the projection and replay ``topic_names`` into it up to their current ends.

    ``end_offsets`` is asked after the projection was emptied: whatever the live consumer
    applied before that point was published before it, so the replay covers it."""
    group = group or f"itp-dashboard-rebuild-{uuid.uuid4().hex[:12]}"
    started = time.monotonic()
    async with engine.begin() as conn:
        await DashboardRepository(conn).clear()
    remaining = {tp: end for tp, end in (await end_offsets()).items() if end > 0}
    consumer = EventConsumer(
        group=group,
        topics=list(topic_names),
        bus=bus,
        uow=UnitOfWorkFactory(engine, tables.outbox, source="/itp/dashboard", signal=OutboxSignal()),
        processed=tables.processed_messages,
        handlers=build_handlers(Projection()),
    )
    messages = 0
    sub = bus.subscriber(group, list(topic_names))
    await sub.start()
    try:
        idle_since = time.monotonic()
        while remaining:
            batch = await sub.fetch(0.5)
            if not batch:
                if time.monotonic() - idle_since > idle_timeout_s:
                    missing = ", ".join(f"{t}[{p}] up to {o}" for (t, p), o in sorted(remaining.items()))
                    raise RuntimeError(
                        f"replay stalled: nothing arrived for {idle_timeout_s} s; still missing {missing}"
                    )
                continue
            idle_since = time.monotonic()
            for m in batch:
                await consumer.process(m)  # an infrastructure failure aborts: run the rebuild again
                messages += 1
                tp = (m.topic, m.partition)
                if tp in remaining and m.offset + 1 >= remaining[tp]:
                    del remaining[tp]
    finally:
        await sub.stop()
    async with engine.begin() as conn:  # the replay's own dedupe rows are of no further use
        await conn.execute(sa.delete(tables.processed_messages).where(tables.processed_messages.c.consumer == group))
    s = consumer.stats
    return RebuildReport(
        group, messages, s.applied, s.duplicates, s.ignored, s.dead_lettered, time.monotonic() - started
    )


async def _main(args: argparse.Namespace) -> int:
    from shared.bus.kafka import KafkaBus

    settings = ServiceSettings(service_name="dashboard")
    if settings.mode != "kafka":
        print(
            "a rebuild replays the Kafka topics: set ITP_MODE=kafka (the embedded bus lives only inside its process; "
            "restart the embedded platform on an empty dashboard database instead)",
            file=sys.stderr,
        )
        return 2
    engine = create_engine(database_url_for("dashboard", settings), pool_size=2)
    bus = KafkaBus(settings.kafka_bootstrap, client_id="itp-dashboard-rebuild")
    await bus.start()
    try:
        report = await rebuild(
            engine,
            bus,
            args.topics,
            lambda: kafka_end_offsets(settings.kafka_bootstrap, args.topics),
            group=args.group,
            idle_timeout_s=args.idle_timeout,
        )
    finally:
        await bus.stop()
        await engine.dispose()
    print(report)
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.dashboard.rebuild",
        description="Rebuild the dashboard projection by replaying the topics.",
    )
    parser.add_argument(
        "--topics", nargs="+", default=list(platform_topics.ALL), help="topics to replay (default: all)"
    )
    parser.add_argument("--group", help="consumer group of the replay (default: a fresh one)")
    parser.add_argument("--idle-timeout", type=float, default=60.0, help="give up when nothing arrives for this long")
    sys.exit(asyncio.run(_main(parser.parse_args(argv))))


if __name__ == "__main__":
    main()
