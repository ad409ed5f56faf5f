"""The embedded mode's SQLite: transactions that read and then write queue behind each other.

A deferred ``BEGIN`` takes its read snapshot at the first statement; when another connection
commits a write before this transaction writes, SQLite refuses the write at once ("database is
locked", a busy snapshot) whatever the busy timeout: the request answered 503. Every transaction
that is not an autocommit read starts with ``BEGIN IMMEDIATE`` instead (``shared.db``).
"""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.tests.integration import kernel

WRITERS = 24


async def test_concurrent_read_then_write_transactions_all_commit(sqlite_engine: AsyncEngine) -> None:
    notes = kernel.notes
    counter = uuid.uuid4()
    async with sqlite_engine.begin() as conn:
        await conn.execute(sa.insert(notes), [{"id": counter, "aggregate_id": "counter", "seq": 0}])

    async def increment() -> None:
        async with sqlite_engine.begin() as conn:
            n = (await conn.execute(sa.select(notes.c.seq).where(notes.c.id == counter))).scalar_one()
            await asyncio.sleep(0)  # another writer may run here
            await conn.execute(sa.update(notes).where(notes.c.id == counter).values(seq=n + 1))

    await asyncio.gather(*(increment() for _ in range(WRITERS)))
    async with sqlite_engine.connect() as conn:
        n = (await conn.execute(sa.select(notes.c.seq).where(notes.c.id == counter))).scalar_one()
    assert n == WRITERS  # every increment committed, none lost to a stale read


async def test_autocommit_reads_do_not_take_the_write_lock(sqlite_engine: AsyncEngine) -> None:
    reader = sqlite_engine.execution_options(isolation_level="AUTOCOMMIT")
    async with sqlite_engine.begin() as writer:
        await writer.execute(sa.insert(kernel.notes), [{"id": uuid.uuid4(), "aggregate_id": "held", "seq": 1}])
        async with reader.connect() as conn:  # while the writer holds the lock
            assert (await conn.execute(sa.select(sa.func.count()).select_from(kernel.notes))).scalar_one() == 0
