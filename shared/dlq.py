"""Dead letters: what waits in ``<topic>.dlq``, and putting it back or setting it aside.

A consumer sends a message it cannot apply to ``<topic>.dlq`` with ``dlq-*`` headers (error,
consumer, original topic, partition, offset, attempts). Nothing is deleted from a DLQ: the
consumer group ``<prefix>-dlq-redrive`` marks how far the operators have dealt with each
partition, so a dead letter *waits* from its offset up to that group's committed offset.

* ``redrive`` publishes each waiting dead letter again to its original topic with its original
  key (so the same partition) and its original headers (the ``dlq-*`` ones removed), then
  commits past it. Every consumer group of that topic sees it again: those that applied it skip
  it (their processed-messages row), the one that failed applies it once. A redriven event comes
  after events of its aggregate published since; a handler that cares checks versions.
* ``purge`` commits past waiting dead letters without republishing them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from shared import metrics
from shared.bus.admin import KafkaAdmin
from shared.bus.kafka import connection_options
from shared.events import topics
from shared.progress import Progress
from shared.settings import ServiceSettings

REDRIVE_GROUP = f"{topics.PREFIX}-dlq-redrive"
DLQ_SUFFIX = ".dlq"


def dlq_topics(names: list[str] | None = None) -> list[str]:
    """The dead-letter topics of ``names`` (source or DLQ topic names), or of every topic."""
    if not names:
        return [topics.dlq(t) for t in topics.ALL]
    return [n if n.endswith(DLQ_SUFFIX) else topics.dlq(n) for n in names]


@dataclass(frozen=True)
class PartitionState:
    topic: str
    partition: int
    start: int  # first offset still on the broker
    end: int  # next offset to be written
    handled: int  # the redrive group's committed offset (or start)

    @property
    def waiting(self) -> int:
        return max(0, self.end - max(self.handled, self.start))


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @property
    def ref(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k == name:
                return v.decode("utf-8", "replace")
        return None

    @property
    def original_topic(self) -> str:
        return self.header("dlq-original-topic") or self.topic.removesuffix(DLQ_SUFFIX)

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if not k.startswith("dlq-")]

    def summary(self) -> dict[str, Any]:
        event: dict[str, Any] = {}
        with contextlib.suppress(Exception):
            doc = orjson.loads(self.value or b"")
            if isinstance(doc, dict):
                event = {"id": doc.get("id"), "type": doc.get("type"), "subject": doc.get("subject")}
        return {
            "ref": self.ref,
            "key": (self.key or b"").decode("utf-8", "replace"),
            "event": event,
            "error": self.header("dlq-error"),
            "consumer": self.header("dlq-consumer"),
            "original": {
                "topic": self.original_topic,
                "partition": self.header("dlq-original-partition"),
                "offset": self.header("dlq-original-offset"),
            },
            "attempts": self.header("dlq-attempts"),
        }

    def detail(self) -> dict[str, Any]:
        doc = self.summary()
        doc["headers"] = {k: v.decode("utf-8", "replace") for k, v in self.headers}
        doc["value"] = (self.value or b"").decode("utf-8", "replace")
        return doc


@dataclass
class DeadLetters:
    """A short-lived client of the DLQs (one command, one scrape)."""

    settings: ServiceSettings
    group: str = REDRIVE_GROUP
    _consumer: AIOKafkaConsumer | None = field(default=None, init=False)

    async def __aenter__(self) -> DeadLetters:
        # A reader outside any group (it assigns partitions freely); the group's progress is
        # committed by a member of its own, assigned once (see mark_handled).
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            client_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            request_timeout_ms=15000,
            **connection_options(self.settings),
        )
        await self._consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    @property
    def consumer(self) -> AIOKafkaConsumer:
        assert self._consumer is not None, "use DeadLetters as an async context manager"
        return self._consumer

    async def partitions(self, dlqs: list[str]) -> list[PartitionState]:
        """Where each partition of these DLQs stands (topics the broker does not have are skipped)."""
        async with KafkaAdmin(self.settings) as admin:
            lags = [lag for t in dlqs for lag in await admin.group_lag(self.group, [t])]
        return [PartitionState(x.topic, x.partition, x.start, x.end, x.committed or x.start) for x in lags]

    async def waiting(self, dlqs: list[str]) -> AsyncIterator[DeadLetter]:
        """The dead letters waiting in these DLQs, partition by partition, in offset order."""
        c = self.consumer
        for state in await self.partitions(dlqs):
            if not state.waiting:
                continue
            tp = TopicPartition(state.topic, state.partition)
            c.assign([tp])
            c.seek(tp, max(state.handled, state.start))
            position = max(state.handled, state.start)
            while position < state.end:
                batch = await c.getmany(tp, timeout_ms=5000)
                records = batch.get(tp, [])
                if not records:
                    raise TimeoutError(f"{state.topic}[{state.partition}]: no record at offset {position}")
                for r in records:
                    if r.offset >= state.end:
                        break
                    position = r.offset + 1
                    yield DeadLetter(
                        r.topic, r.partition, r.offset, r.key, r.value, tuple((k, v) for k, v in r.headers or ())
                    )
        c.assign([])

    async def find(self, ref: str) -> DeadLetter | None:
        """One dead letter by its ``topic:partition:offset`` reference (waiting or not)."""
        topic, partition, offset = ref.rsplit(":", 2)
        c = self.consumer
        tp = TopicPartition(topic, int(partition))
        c.assign([tp])
        try:
            c.seek(tp, int(offset))
            batch = await c.getmany(tp, timeout_ms=5000, max_records=1)
            for r in batch.get(tp, []):
                if r.offset == int(offset):
                    return DeadLetter(
                        r.topic, r.partition, r.offset, r.key, r.value, tuple((k, v) for k, v in r.headers or ())
                    )
            return None
        finally:
            c.assign([])

    async def mark_handled(self, offsets: dict[tuple[str, int], int]) -> None:
        """Commit the redrive group's progress: per (topic, partition), the next offset to deal with."""
        if not offsets:
            return
        tps = {TopicPartition(t, p): o for (t, p), o in offsets.items()}
        # A group commits only partitions assigned to it: one member, assigned once, commits once.
        member = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            group_id=self.group,
            client_id=self.group,
            enable_auto_commit=False,
            request_timeout_ms=15000,
            **connection_options(self.settings),
        )
        await member.start()
        try:
            member.assign(list(tps))
            await member.commit({tp: OffsetAndMetadata(o, "") for tp, o in tps.items()})
        finally:
            await member.stop()

    async def redrive(
        self, dlqs: list[str], *, limit: int | None = None, progress: Progress | None = None
    ) -> list[DeadLetter]:
        """Publish the waiting dead letters again to their original topics (acknowledged by the
        broker before each partition's progress is committed); returns them. ``progress`` counts
        each one acknowledged."""
        found = [d async for d in self.waiting(dlqs)]
        if limit is not None:
            found = _first_per_partition(found, limit)
        if not found:
            return []
        if progress is not None:
            progress.total = len(found)
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            client_id=self.group,
            enable_idempotence=True,
            acks="all",
            **connection_options(self.settings),
        )
        await producer.start()
        try:
            futures = [
                await producer.send(d.original_topic, value=d.value, key=d.key, headers=d.original_headers())
                for d in found
            ]
            for acknowledged in asyncio.as_completed(futures):
                await acknowledged
                if progress is not None:
                    progress.advance()
        finally:
            await producer.stop()
        await self.mark_handled({tp: last + 1 for tp, last in _last_per_partition(found).items()})
        return found

    async def purge(self, dlqs: list[str]) -> int:
        """Set the waiting dead letters aside (not republished); returns how many."""
        states = [s for s in await self.partitions(dlqs) if s.waiting]
        await self.mark_handled({(s.topic, s.partition): s.end for s in states})
        return sum(s.waiting for s in states)


def _first_per_partition(letters: list[DeadLetter], limit: int) -> list[DeadLetter]:
    seen: dict[tuple[str, int], int] = {}
    out = []
    for d in letters:
        k = (d.topic, d.partition)
        if seen.get(k, 0) < limit:
            seen[k] = seen.get(k, 0) + 1
            out.append(d)
    return out


def _last_per_partition(letters: list[DeadLetter]) -> dict[tuple[str, int], int]:
    last: dict[tuple[str, int], int] = {}
    for d in letters:
        last[(d.topic, d.partition)] = max(d.offset, last.get((d.topic, d.partition), -1))
    return last


def dlq_refresher(settings: ServiceSettings, consumed: list[str]) -> metrics.Refresher:
    """Refreshes ``itp_dlq_pending_messages`` for the DLQs of the topics a service consumes."""
    dlqs = dlq_topics(consumed)

    async def refresh() -> None:
        try:
            async with asyncio.timeout(10), DeadLetters(settings) as letters:
                states = await letters.partitions(dlqs)
        except Exception:  # the broker's reachability is readiness's business; keep the last values
            return
        totals = dict.fromkeys(dlqs, 0)
        for s in states:
            totals[s.topic] += s.waiting
        for topic, n in totals.items():
            metrics.DLQ_PENDING.labels(topic).set(n)

    return refresh
