"""Inserts deferred to the commit of a unit of work, on PostgreSQL (one statement) and SQLite."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.outbox import UnitOfWorkFactory, decode_payload
from shared.problems import Problem
from shared.tests.integration import kernel
from shared.tests.integration.test_outbox_relay_consumer import count, uow_factory

UNKNOWN_NOTE = Problem(422, "unknown-note", "no such note")


@pytest.fixture(params=["postgresql", "sqlite"])
def any_engine(request: pytest.FixtureRequest) -> AsyncEngine:
    engine: AsyncEngine = request.getfixturevalue("engine" if request.param == "postgresql" else "sqlite_engine")
    return engine


@pytest.fixture(params=["sqlalchemy-connection", "driver-pool"])
async def pg_uowf(request: pytest.FixtureRequest, engine: AsyncEngine) -> AsyncIterator[UnitOfWorkFactory]:
    """Both ways a unit of work commits on PostgreSQL: through its SQLAlchemy connection, and
    (when nothing ran before the commit) by one statement on the driver pool, as services do."""
    uowf = uow_factory(engine)
    if request.param == "driver-pool":
        await uowf.start(max_size=2)
    yield uowf
    await uowf.close()


def note(seq: int = 1) -> dict[str, object]:
    return {"id": uuid.uuid4(), "aggregate_id": "agg", "seq": seq}


async def test_deferred_rows_and_events_are_written_at_commit_with_their_types(any_engine: AsyncEngine) -> None:
    uowf = uow_factory(any_engine)
    n = note()
    at = datetime(2026, 11, 29, 16, 30, tzinfo=timezone(timedelta(hours=8)))
    async with uowf() as uow:
        uow.add(kernel.notes, n)
        uow.add(kernel.note_tags, {"note_id": n["id"], "tag": "电池", "meta": {"w": Decimal("0.25")}, "tagged_at": at})
        uow.add(kernel.note_tags, {"note_id": n["id"], "tag": "储能", "meta": None, "tagged_at": None})
        uow.emit(kernel.NoteWritten(aggregate_id="agg", seq=1))
        assert await count(any_engine, kernel.notes) == 0  # nothing is written before the commit
    async with any_engine.connect() as conn:
        tags = (await conn.execute(sa.select(kernel.note_tags).order_by(kernel.note_tags.c.id))).all()
        payloads = (await conn.execute(sa.select(kernel.outbox.c.payload))).scalars().all()
    assert [(t.note_id, t.tag, t.meta) for t in tags] == [(n["id"], "电池", {"w": "0.25"}), (n["id"], "储能", None)]
    assert tags[0].tagged_at == at and tags[0].tagged_at.tzinfo is not None  # the same instant, as UTC
    assert [decode_payload(p)["data"] for p in payloads] == [{"aggregate_id": "agg", "seq": 1}]


async def test_a_broken_constraint_raises_the_declared_problem_and_writes_nothing(any_engine: AsyncEngine) -> None:
    uowf = uow_factory(any_engine)
    with pytest.raises(Problem) as caught:
        async with uowf() as uow:
            uow.add(kernel.notes, note())
            uow.add(kernel.note_tags, {"note_id": uuid.uuid4(), "tag": "x"}, on_integrity_error=UNKNOWN_NOTE)
            uow.emit(kernel.NoteWritten(aggregate_id="agg", seq=1))
    assert caught.value is UNKNOWN_NOTE
    assert await count(any_engine, kernel.notes) == 0
    assert await count(any_engine, kernel.outbox) == 0


async def test_deferred_rows_join_the_transaction_a_repository_already_opened(any_engine: AsyncEngine) -> None:
    uowf = uow_factory(any_engine)
    n = note()
    with pytest.raises(RuntimeError):
        async with uowf() as uow:
            await uow.conn.execute(sa.insert(kernel.notes).values(**n))  # opens the transaction
            uow.add(kernel.note_tags, {"note_id": n["id"], "tag": "x"})
            await uow.flush()
            raise RuntimeError("a rule fails after the flush")
    assert await count(any_engine, kernel.notes) == 0
    assert await count(any_engine, kernel.note_tags) == 0


async def test_a_batch_too_large_for_one_statement_is_still_atomic(any_engine: AsyncEngine) -> None:
    """11,000 rows of 3 values exceed one PostgreSQL statement's 32,767 parameters."""
    uowf = uow_factory(any_engine)
    with pytest.raises(Problem):
        async with uowf() as uow:
            for i in range(11_000):
                uow.add(kernel.notes, note(i))
            uow.add(kernel.note_tags, {"note_id": uuid.uuid4(), "tag": "x"}, on_integrity_error=UNKNOWN_NOTE)
    assert await count(any_engine, kernel.notes) == 0
    async with uowf() as uow:
        for i in range(11_000):
            uow.add(kernel.notes, note(i))
    assert await count(any_engine, kernel.notes) == 11_000


async def test_rows_with_the_same_columns_in_another_order_are_written_correctly(engine: AsyncEngine) -> None:
    uowf = uow_factory(engine)
    a, b = note(1), note(2)
    async with uowf() as uow:
        uow.add(kernel.notes, a)
        uow.add(kernel.notes, {"seq": b["seq"], "aggregate_id": "other", "id": b["id"]})
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(kernel.notes.c.id, kernel.notes.c.aggregate_id, kernel.notes.c.seq))).all()
    assert sorted((r.seq, r.aggregate_id, r.id) for r in rows) == [(1, "agg", a["id"]), (2, "other", b["id"])]


async def test_the_driver_pool_commits_a_create_and_maps_its_integrity_errors(pg_uowf: UnitOfWorkFactory) -> None:
    engine = pg_uowf.engine
    n = note()
    with pytest.raises(Problem):
        async with pg_uowf() as uow:
            uow.add(kernel.notes, n)
            uow.add(kernel.note_tags, {"note_id": uuid.uuid4(), "tag": "x"}, on_integrity_error=UNKNOWN_NOTE)
            uow.emit(kernel.NoteWritten(aggregate_id="agg", seq=1))
    assert (await count(engine, kernel.notes), await count(engine, kernel.outbox)) == (0, 0)
    async with pg_uowf() as uow:
        uow.add(kernel.notes, n)
        uow.add(kernel.note_tags, {"note_id": n["id"], "tag": "x"})
        uow.emit(kernel.NoteWritten(aggregate_id="agg", seq=1))
    assert (await count(engine, kernel.notes), await count(engine, kernel.outbox)) == (1, 1)


async def test_a_failure_after_an_explicit_flush_rolls_the_flushed_rows_back(pg_uowf: UnitOfWorkFactory) -> None:
    """A flush before any other statement must open the transaction, not write in autocommit."""
    with pytest.raises(RuntimeError):
        async with pg_uowf() as uow:
            uow.add(kernel.notes, note())
            await uow.flush()
            await uow.conn.execute(sa.insert(kernel.notes).values(**note(2)))
            raise RuntimeError("a rule fails later in the unit of work")
    assert await count(pg_uowf.engine, kernel.notes) == 0


async def test_money_keeps_every_digit_on_the_way_in(pg_uowf: UnitOfWorkFactory) -> None:
    """A float would turn 9,999,999,999,999,999.99 into 1e16 (and overflow NUMERIC(18,2))."""
    n = note()
    money = Decimal("9999999999999999.99")
    async with pg_uowf() as uow:
        uow.add(kernel.notes, n)
        uow.add(kernel.note_tags, {"note_id": n["id"], "tag": "x", "amount": money})
    async with pg_uowf.engine.connect() as conn:
        assert (await conn.execute(sa.select(kernel.note_tags.c.amount))).scalar_one() == money
