"""Retention (`itp prune`) on PostgreSQL: old bookkeeping goes in batches, nothing else does."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.retention import RetentionSettings, prunables, prune
from shared.tests.integration import kernel

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=40)
RECENT = NOW - timedelta(days=1)


async def _seed(engine: AsyncEngine) -> None:
    def outbox_row(i: int, created: datetime, published: datetime | None) -> dict[str, object]:
        return {
            "event_id": f"00000000-0000-0000-0000-{i:012d}",
            "aggregate_type": "note",
            "aggregate_id": "n",
            "event_type": "T",
            "topic": "t",
            "payload": "{}",
            "created_at": created,
            "published_at": published,
        }

    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(kernel.outbox),
            [outbox_row(i, OLD, OLD) for i in range(5)]  # old and published: go
            + [outbox_row(10 + i, OLD, None) for i in range(2)]  # old but unpublished: stay
            + [outbox_row(20 + i, RECENT, RECENT) for i in range(2)],  # recent: stay
        )
        await conn.execute(
            sa.insert(kernel.processed),
            [{"consumer": "c", "event_id": f"old-{i}", "event_type": "T", "processed_at": OLD} for i in range(7)]
            + [{"consumer": "c", "event_id": f"new-{i}", "event_type": "T", "processed_at": RECENT} for i in range(3)],
        )
        await conn.execute(
            sa.insert(kernel.idempotency_keys),
            [
                {
                    "scope": "s",
                    "key": f"k{i}",
                    "request_hash": "h",
                    "status_code": 201,
                    "response_body": "{}",
                    "created_at": OLD if i < 3 else RECENT,
                }
                for i in range(5)
            ],
        )


async def _count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


async def test_prune_deletes_old_bookkeeping_in_batches_and_keeps_the_rest(engine: AsyncEngine) -> None:
    await _seed(engine)
    tables = prunables(
        RetentionSettings(), outbox=kernel.outbox, processed=kernel.processed, idempotency=kernel.idempotency_keys
    )
    # A batch of 2 forces several transactions per table.
    counts = await prune(engine, tables, batch_size=2, now=NOW)
    assert counts == {"outbox": 5, "processed_messages": 7, "idempotency_keys": 3}
    async with engine.connect() as conn:
        left = (await conn.execute(sa.select(kernel.outbox.c.published_at))).scalars().all()
    assert len(left) == 4
    assert sum(p is None for p in left) == 2  # unpublished rows are never pruned, however old
    assert await _count(engine, kernel.processed) == 3
    assert await _count(engine, kernel.idempotency_keys) == 2
    # A second run finds nothing.
    assert await prune(engine, tables, batch_size=2, now=NOW) == {
        "outbox": 0,
        "processed_messages": 0,
        "idempotency_keys": 0,
    }


async def test_prune_skips_rows_a_writer_holds_instead_of_waiting(engine: AsyncEngine) -> None:
    await _seed(engine)
    tables = prunables(RetentionSettings(), outbox=kernel.outbox, processed=kernel.processed, idempotency=None)
    async with engine.connect() as writer:
        await writer.begin()
        # A writer holds one old processed row (as a consumer's transaction would).
        await writer.execute(
            sa.select(kernel.processed).where(kernel.processed.c.event_id == "old-0").with_for_update()
        )
        counts = await asyncio.wait_for(prune(engine, tables, batch_size=100, now=NOW), timeout=10)
        await writer.rollback()
    assert counts["processed_messages"] == 6  # the held row is left for the next run
    assert await _count(engine, kernel.processed) == 4
