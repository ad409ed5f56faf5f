"""Replaying topics from the first offset: how read models and projections are rebuilt.

A rebuild empties its tables, asks where each partition ends *now*, and runs a consumer
under a fresh group from offset 0 up to those ends. Whatever the live consumer applied
before the tables were emptied was published before that moment, so the replay covers it.

The topics hold every event, dead-lettered or not (a dead letter is a copy): an event the
live consumer dead-lettered for a passing reason is applied by the replay, which is how a
rebuild repairs what a dead letter left out. One that fails again is held back, not sent to
the dead-letter topic a second time (it is there already), and the rebuild reports it and
exits with status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TextIO

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.base import Bus, Record, Subscriber
from shared.bus.memory import InMemoryBus
from shared.consumer import EventConsumer
from shared.progress import Progress

Ends = dict[tuple[str, int], int]

# How a replay's consumer applies what it reads: large batches, one partition at a time (batches
# of different partitions touch the same rows, a carrier and its people, a demand and its
# contract, and would wait for each other's locks; one after another, none waits).
REPLAY_BATCH_SIZE = 500
REPLAY_CONCURRENCY = 1


async def kafka_end_offsets(bootstrap: str, topic_names: Sequence[str], **options: Any) -> Ends:
    """Where each partition of the topics ends now (the next offset to be written); ``options``
    are the connection's TLS/SASL settings (shared.bus.kafka.connection_options)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000, **options)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, isolation_level="read_committed", **options)
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


async def replay(
    consumer: EventConsumer,
    bus: Bus,
    ends: Ends,
    *,
    idle_timeout_s: float = 60.0,
    progress: TextIO | None = None,
) -> int:
    """Feed ``consumer`` every message of its topics up to ``ends``; returns how many were read.

    Each fetch is applied as the live consumer applies one (``EventConsumer.apply_fetch``: in
    batches per partition, partitions concurrently). An infrastructure failure aborts the replay
    (run the rebuild again); nothing arriving for ``idle_timeout_s`` while partitions are still
    short is an error naming them. With ``progress``, how far it is is shown there (shared/progress.py)."""
    remaining = {tp: end for tp, end in ends.items() if end > 0}
    shown = Progress(
        "replayed events",
        sum(remaining.values()),
        stream=progress,
        enabled=None if progress is not None else False,
        piped_every_s=5.0,
        keep=True,
    )
    messages = 0
    sub = bus.subscriber(consumer.group, list(consumer.topics))
    await sub.start()
    try:
        with shown:
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
                for _, (_, failed) in (await consumer.apply_fetch(batch)).values():
                    if failed is not None:
                        raise failed[1]
                messages += len(batch)
                for m in batch:
                    tp = (m.topic, m.partition)
                    if tp in remaining and m.offset + 1 >= remaining[tp]:
                        del remaining[tp]
                shown.advance(len(batch))
    finally:
        await sub.stop()
    return messages


class HeldDeadLetters:
    """The bus of a replay's consumer: it reads through ``bus``, and its dead letters are held
    here (:attr:`held`) instead of being published again."""

    def __init__(self, bus: Bus) -> None:
        self._bus = bus
        self.held: list[Record] = []

    async def start(self) -> None:
        return None  # the caller owns the bus

    async def stop(self) -> None:
        return None

    async def publish(self, records: list[Record]) -> None:
        self.held.extend(records)

    def subscriber(self, group: str, topics: list[str]) -> Subscriber:
        return self._bus.subscriber(group, topics)

    async def ensure_topics(self, topics: list[str], partitions: int) -> None:
        await self._bus.ensure_topics(topics, partitions)

    async def recent_event_ids(self, topics: list[str], per_partition: int) -> set[str]:
        return await self._bus.recent_event_ids(topics, per_partition)

    def not_applied(self) -> list[str]:
        """One line per held event: where it is, its id and type, and why it failed."""
        lines = []
        for r in self.held:
            h = {k: v.decode(errors="replace") for k, v in r.headers}
            try:
                doc = json.loads(r.value)
                what = f"{doc.get('type')} {doc.get('id')}" if isinstance(doc, dict) else "not a CloudEvent"
            except ValueError:
                what = "not a CloudEvent"
            where = f"{h.get('dlq-original-topic')}[{h.get('dlq-original-partition')}]@{h.get('dlq-original-offset')}"
            lines.append(f"{where} {what}: {h.get('dlq-error')}")
        return lines


async def forget_dedupe(engine: AsyncEngine, processed: sa.Table, group: str) -> None:
    """The replay's own processed-message rows are of no further use once it is done."""
    async with engine.begin() as conn:
        await conn.execute(sa.delete(processed).where(processed.c.consumer == group))


class Report(Protocol):
    @property
    def not_applied(self) -> list[str]:
        """The events the replay could not apply (held back, see :class:`HeldDeadLetters`)."""
        ...


class Rebuild(Protocol):
    async def __call__(
        self,
        engine: AsyncEngine,
        bus: Bus,
        topic_names: Sequence[str],
        end_offsets: Callable[[], Awaitable[Ends]],
        *,
        group: str | None = None,
        idle_timeout_s: float = 60.0,
        progress: TextIO | None = None,
    ) -> Report: ...


def rebuild_command(service: str, what: str, rebuild: Rebuild, default_topics: Sequence[str]) -> Callable[..., None]:
    """The ``python -m services.<service>.rebuild`` command: replay the Kafka topics into ``what``."""

    async def run(args: argparse.Namespace) -> int:
        from shared.bus.kafka import KafkaBus, connection_options
        from shared.db import create_engine
        from shared.runtime import database_url_for
        from shared.settings import ServiceSettings

        settings = ServiceSettings(service_name=service)
        if settings.mode != "kafka":
            print(
                "a rebuild replays the Kafka topics: set ITP_MODE=kafka (the embedded bus lives only inside its "
                f"process; restart the embedded platform on an empty {service} database instead)",
                file=sys.stderr,
            )
            return 2
        engine = create_engine(database_url_for(service, settings), pool_size=2)
        bus = KafkaBus.from_settings(settings, client_id=f"itp-{service}-rebuild")
        await bus.start()
        try:
            report = await rebuild(
                engine,
                bus,
                args.topics,
                lambda: kafka_end_offsets(settings.kafka_bootstrap, args.topics, **connection_options(settings)),
                group=args.group,
                idle_timeout_s=args.idle_timeout,
                progress=sys.stderr,
            )
        finally:
            await bus.stop()
            await engine.dispose()
        print(report)
        if report.not_applied:
            print(f"{len(report.not_applied)} event(s) could not be applied:", file=sys.stderr)
            for line in report.not_applied:
                print(f"  {line}", file=sys.stderr)
            return 1
        return 0

    def main(argv: Sequence[str] | None = None) -> None:
        parser = argparse.ArgumentParser(
            prog=f"python -m services.{service}.rebuild", description=f"Rebuild {what} by replaying the topics."
        )
        parser.add_argument("--topics", nargs="+", default=list(default_topics), help="topics to replay")
        parser.add_argument("--group", help="consumer group of the replay (default: a fresh one)")
        parser.add_argument("--idle-timeout", type=float, default=60.0, help="give up when nothing arrives this long")
        sys.exit(asyncio.run(run(parser.parse_args(argv))))

    return main
