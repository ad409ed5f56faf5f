"""Named locks held until the transaction ends: how two transactions that must see each other's
writes take turns.

Events of different topics or keys are applied at the same time (partitions run concurrently),
and a value derived from two of them (a contract's project manager, known from the match of its
demand; a carrier's track record) is lost when each transaction reads before the other commits.
Each side locks the names it derives from before it reads; the later one then sees what the
earlier committed. On PostgreSQL the lock is a transaction-scoped advisory lock; SQLite (the
embedded mode) has one writer at a time, and a transaction that read a snapshot someone else
then wrote fails on its own write and is retried (shared/failures.py).
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

_ADVISORY_XACT_LOCK = sa.text("SELECT pg_advisory_xact_lock(:id)")
# Several at once, one round trip: taken in the order of the array.
_ADVISORY_XACT_LOCKS = sa.text("SELECT count(pg_advisory_xact_lock(id)) FROM unnest(CAST(:ids AS bigint[])) AS id")


def lock_id(scope: str, key: str) -> int:
    """The advisory lock (a signed 64-bit integer) of one name in a scope."""
    return int.from_bytes(hashlib.sha256(f"{scope}\x1f{key}".encode()).digest()[:8], "big", signed=True)


async def hold(conn: AsyncConnection, scope: str, *keys: object) -> None:
    """Lock these names (None skipped) until the transaction ends, always in one order so two
    transactions that lock the same two names cannot wait for each other."""
    if conn.dialect.name != "postgresql":
        return
    ids = [lock_id(scope, key) for key in sorted({str(k) for k in keys if k is not None})]
    if len(ids) == 1:
        await conn.execute(_ADVISORY_XACT_LOCK, {"id": ids[0]})
    elif ids:
        await conn.execute(_ADVISORY_XACT_LOCKS, {"ids": ids})
