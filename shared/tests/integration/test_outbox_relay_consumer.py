"""The outbox, the relay and the idempotent consumer against real PostgreSQL and Kafka."""

from __future__ import annotations

import uuid

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.kafka import KafkaBus
from shared.consumer import EventConsumer
from shared.events.envelope import Envelope
from shared.outbox import OutboxSignal, UnitOfWork, UnitOfWorkFactory
from shared.relay import OutboxRelay
from shared.testing import wait_for
from shared.tests.integration import kernel


def uow_factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(engine, kernel.outbox, source="/itp/kernel-test", signal=OutboxSignal())


async def write_note(uowf: UnitOfWorkFactory, aggregate_id: str, seq: int) -> None:
    async with uowf() as uow:
        await uow.conn.execute(sa.insert(kernel.notes).values(id=uuid.uuid4(), aggregate_id=aggregate_id, seq=seq))
        uow.emit(kernel.NoteWritten(aggregate_id=aggregate_id, seq=seq))


async def count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


def consumer(engine: AsyncEngine, bus: KafkaBus, group: str) -> EventConsumer:
    async def on_note(uow: UnitOfWork, event: kernel.NoteWritten, env: Envelope) -> None:
        await uow.conn.execute(
            sa.insert(kernel.applied).values(event_id=env.id, aggregate_id=event.aggregate_id, seq=event.seq)
        )

    return EventConsumer(
        group=group,
        topics=[kernel.TOPIC],
        bus=bus,
        uow=uow_factory(engine),
        processed=kernel.processed,
        handlers={kernel.NoteWritten: on_note},  # type: ignore[dict-item]
        max_retries=1,
        retry_backoff_s=0.01,
    )


async def test_rolled_back_transaction_leaves_neither_row_nor_event(engine: AsyncEngine) -> None:
    uowf = uow_factory(engine)
    try:
        async with uowf() as uow:
            await uow.conn.execute(sa.insert(kernel.notes).values(id=uuid.uuid4(), aggregate_id="a", seq=1))
            uow.emit(kernel.NoteWritten(aggregate_id="a", seq=1))
            raise RuntimeError("business rule failed after the write")
    except RuntimeError:
        pass
    assert await count(engine, kernel.notes) == 0
    assert await count(engine, kernel.outbox) == 0
    await write_note(uowf, "a", 2)
    assert await count(engine, kernel.outbox) == 1


async def test_outbox_event_reaches_kafka_as_a_cloudevent(engine: AsyncEngine, bus: KafkaBus) -> None:
    uowf = uow_factory(engine)
    agg = f"agg-{uuid.uuid4()}"
    await write_note(uowf, agg, 1)
    relay = OutboxRelay(engine, kernel.outbox, bus, service=f"kernel-{uuid.uuid4()}")
    assert await relay.publish_pending() == 1
    assert await relay.publish_pending() == 0  # marked published: not sent twice
    sub = bus.subscriber(f"probe-{uuid.uuid4()}", [kernel.TOPIC])
    await sub.start()
    try:

        async def mine() -> list[bytes] | None:
            got = [m.value for m in await sub.fetch(0.5) if m.key == agg.encode() and m.value]
            return got or None

        (value,) = await wait_for(mine, timeout_s=20, what="the event on Kafka")
    finally:
        await sub.stop()
    doc = orjson.loads(value)
    assert doc["specversion"] == "1.0"
    assert doc["type"] == kernel.NoteWritten.ce_type()
    assert doc["subject"] == agg
    assert doc["data"] == {"aggregate_id": agg, "seq": 1}
    assert doc["traceparent"].startswith("00-")
