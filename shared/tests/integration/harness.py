"""Helpers for the kernel's integration tests: writing notes, a recording consumer, probes.

Everything here works the same on both stacks the kernel supports (PostgreSQL + Kafka,
SQLite + the in-memory bus), so each behaviour is tested through the same code.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import OffsetAndMetadata
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.base import Bus, Message, Record, Subscriber
from shared.bus.kafka import KafkaBus
from shared.bus.memory import partition_for
from shared.consumer import BatchScope, EventConsumer, Outcome
from shared.events.base import DomainEvent
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.outbox import OutboxSignal, UnitOfWork, UnitOfWorkFactory
from shared.testing import unique, wait_for
from shared.tests.integration import kernel

SOURCE = "/itp/kernel-test"
# Generous bounds: a Kafka group join plus a few hundred messages fit well inside them.
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Stack:
    """A database and a bus the kernel runs on: ``pg-kafka`` or ``sqlite-memory`` (embedded)."""

    name: str
    engine: AsyncEngine
    bus: Bus


def uow_factory(engine: AsyncEngine, signal: OutboxSignal | None = None) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(engine, kernel.outbox, source=SOURCE, signal=signal or OutboxSignal())


def new_aggregate(prefix: str = "agg") -> str:
    return f"{prefix}-{uuid.uuid4()}"


async def write_note(uowf: UnitOfWorkFactory, aggregate_id: str, seq: int) -> None:
    """One business transaction: a note row and its event in the outbox, committed together."""
    async with uowf() as uow:
        await uow.conn.execute(sa.insert(kernel.notes).values(id=uuid.uuid4(), aggregate_id=aggregate_id, seq=seq))
        uow.emit(kernel.NoteWritten(aggregate_id=aggregate_id, seq=seq))


def note_envelope(aggregate_id: str, seq: int) -> Envelope:
    return Envelope.wrap(kernel.NoteWritten(aggregate_id=aggregate_id, seq=seq), source=SOURCE, traceparent=None)


def record_of(envelope: Envelope) -> Record:
    """The record the relay would send for this envelope."""
    return Record(
        kernel.TOPIC, envelope.subject.encode(), envelope.to_json(), [("content-type", CONTENT_TYPE.encode())]
    )


def event_id_of(message: Message) -> str | None:
    try:
        doc = orjson.loads(message.value or b"")
    except orjson.JSONDecodeError:
        return None
    return str(doc.get("id")) if isinstance(doc, dict) and doc.get("id") else None


Fault = Callable[[int], BaseException | None]


class NoteHandler:
    """Applies ``NoteWritten`` into ``applied``; counts calls per event id; injects faults.

    ``faults[event_id](call_number)`` returns the exception to raise on that call, or None;
    ``fault(envelope)``, if set, is asked the same for every event.
    """

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.faults: dict[str, Fault] = {}
        self.fault: Callable[[Envelope], BaseException | None] | None = None

    async def __call__(self, uow: UnitOfWork, event: DomainEvent, env: Envelope) -> None:
        assert isinstance(event, kernel.NoteWritten)
        self.calls[env.id] += 1
        by_id = self.faults.get(env.id)
        exc = by_id(self.calls[env.id]) if by_id is not None else None
        if exc is None and self.fault is not None:
            exc = self.fault(env)
        if exc is not None:
            raise exc
        await uow.conn.execute(
            sa.insert(kernel.applied).values(event_id=env.id, aggregate_id=event.aggregate_id, seq=event.seq)
        )


class RecordingConsumer(EventConsumer):
    """The real consumer, remembering what happened to every message it was handed."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.deliveries: list[tuple[Message, str]] = []

    async def process(self, message: Message) -> Outcome:
        try:
            outcome = await super().process(message)
        except Exception as exc:
            self.deliveries.append((message, f"raised {type(exc).__name__}"))
            raise
        self.deliveries.append((message, outcome))
        return outcome

    def outcomes(self, event_id: str) -> list[str]:
        """What happened, delivery after delivery, to the event with this id."""
        return [outcome for m, outcome in self.deliveries if event_id_of(m) == event_id]

    def outcomes_by_key(self, key: str) -> list[str]:
        return [outcome for m, outcome in self.deliveries if m.key == key.encode()]


class SpyBus:
    """The real bus, except that its subscribers remember the batch they last handed out and
    call ``before_commit(message)`` (which may raise, as a crash would) before each commit."""

    def __init__(self, bus: Bus, before_commit: Callable[[Message], None] | None = None) -> None:
        self._bus = bus
        self.before_commit = before_commit
        self.last_batch: list[Message] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._bus, name)

    def subscriber(self, group: str, topics: list[str]) -> Subscriber:
        return _SpyingSubscriber(self, self._bus.subscriber(group, topics))


class _SpyingSubscriber:
    def __init__(self, spy: SpyBus, real: Subscriber) -> None:
        self._spy = spy
        self._real = real

    async def start(self) -> None:
        await self._real.start()

    async def stop(self) -> None:
        await self._real.stop()

    async def fetch(self, timeout_s: float) -> list[Message]:
        batch = await self._real.fetch(timeout_s)
        if batch:
            self._spy.last_batch = batch
        return batch

    async def commit(self, message: Message) -> None:
        if self._spy.before_commit is not None:
            self._spy.before_commit(message)
        await self._real.commit(message)

    async def rewind(self, message: Message) -> None:
        await self._real.rewind(message)

    async def pause(self, topic: str, partition: int) -> None:
        await self._real.pause(topic, partition)

    async def resume(self, topic: str, partition: int) -> None:
        await self._real.resume(topic, partition)


def make_consumer(
    stack: Stack,
    handler: NoteHandler,
    *,
    group: str | None = None,
    max_retries: int = 2,
    bus: Bus | SpyBus | None = None,
    batch_scope: BatchScope | None = None,
) -> RecordingConsumer:
    return RecordingConsumer(
        group=group or unique("kernel-test"),
        topics=[kernel.TOPIC],
        bus=bus or stack.bus,
        uow=uow_factory(stack.engine),
        processed=kernel.processed,
        handlers={kernel.NoteWritten: handler},
        max_retries=max_retries,
        retry_backoff_s=0.01,
        batch_scope=batch_scope,
    )


@asynccontextmanager
async def running(consumer: EventConsumer) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``consumer.run()`` as a task; stop it and wait for it (surfacing its errors) at the end."""
    task = asyncio.create_task(consumer.run(), name=f"consumer {consumer.group}")

    async def started() -> bool:
        if task.done():
            task.result()  # raises what killed it
            raise AssertionError("consumer task ended before it started")
        return consumer.started.is_set()

    try:
        await wait_for(started, timeout_s=TIMEOUT_S, what=f"consumer {consumer.group} to start")
        yield task
    finally:
        consumer.stop()
        await asyncio.wait_for(task, timeout=TIMEOUT_S)


async def until(probe: Callable[[], object], what: str, *, task: asyncio.Task[None] | None = None) -> None:
    """Bounded wait for a condition (sync or async probe); fails fast if ``task`` died."""

    async def check() -> bool:
        if task is not None and task.done():
            task.result()
            raise AssertionError(f"consumer task ended while waiting for {what}")
        value = probe()
        if asyncio.iscoroutine(value):
            value = await value
        return bool(value)

    await wait_for(check, timeout_s=TIMEOUT_S, what=what)


async def applied_seqs(engine: AsyncEngine, aggregate_id: str) -> list[int]:
    """The seqs applied for one aggregate, in the order the consumer applied them."""
    a = kernel.applied
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(a.c.seq).where(a.c.aggregate_id == aggregate_id).order_by(a.c.id))
        return [int(r.seq) for r in rows]


async def applied_event_ids(engine: AsyncEngine, aggregate_id: str) -> list[str]:
    a = kernel.applied
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(a.c.event_id).where(a.c.aggregate_id == aggregate_id).order_by(a.c.id))
        return [str(r.event_id) for r in rows]


async def outbox_rows(engine: AsyncEngine, aggregate_id: str) -> list[sa.Row[tuple[int, str, object]]]:
    o = kernel.outbox
    async with engine.connect() as conn:
        result = await conn.execute(
            sa.select(o.c.seq, o.c.event_id, o.c.published_at).where(o.c.aggregate_id == aggregate_id).order_by(o.c.seq)
        )
        return list(result.all())  # type: ignore[arg-type]


async def read_topic(bus: Bus, topic: str, keep: Callable[[Message], bool], *, count: int, what: str) -> list[Message]:
    """Read ``topic`` from the start with a fresh group until ``count`` kept messages arrived."""
    sub = bus.subscriber(unique("probe"), [topic])
    await sub.start()
    got: list[Message] = []
    try:

        async def enough() -> bool:
            got.extend(m for m in await sub.fetch(0.3) if keep(m))
            return len(got) >= count

        await wait_for(enough, timeout_s=TIMEOUT_S, interval_s=0.0, what=what)
    finally:
        await sub.stop()
    return got


def partition_of(stack: Stack, aggregate_id: str, partitions: int = 3) -> int:
    """The partition the bus puts this aggregate's records in."""
    key = aggregate_id.encode()
    if isinstance(stack.bus, KafkaBus):
        return int(DefaultPartitioner()(key, list(range(partitions)), list(range(partitions))))
    return partition_for(key, partitions)


async def start_group_at_end(stack: Stack, group: str) -> None:
    """Commit the topic's current end for a new group, so it skips what earlier tests of this
    run left on the shared Kafka topic (a fresh in-memory bus has no such history)."""
    if not isinstance(stack.bus, KafkaBus):
        return
    sub = stack.bus.subscriber(group, [kernel.TOPIC])
    await sub.start()
    try:
        consumer = sub._consumer
        await until(lambda: len(consumer.assignment()) == 3, f"{group} to own every partition")
        await consumer.seek_to_end()
        await consumer.commit({tp: OffsetAndMetadata(await consumer.position(tp), "") for tp in consumer.assignment()})
    finally:
        await sub.stop()


async def fresh_group(stack: Stack, prefix: str = "kernel-test") -> str:
    """A new consumer group that will read only what is published from now on.

    Call it before publishing: on Kafka the group starts at the topic's current end, so
    a test never waits for, nor acts on, what earlier tests of the run left there."""
    group = unique(prefix)
    await start_group_at_end(stack, group)
    return group
