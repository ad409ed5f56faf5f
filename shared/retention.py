"""Retention: prune what only bookkeeping needs, past configurable ages, in small batches.

Three tables grow with every request and every event, and are needed only for a while:

- ``outbox`` rows once published (the topic is the record from then on; unpublished rows are
  never touched, whatever their age);
- ``processed_messages``, the consumers' duplicate guard: a redelivery can only come from offsets
  not yet committed, which is minutes, so a month is generous;
- ``idempotency_keys``: a client retries within hours, so a week is generous.

Each batch is its own short transaction that deletes at most ``batch_size`` rows, chosen with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL: a row a writer holds is skipped (taken next time), so
pruning never makes a request wait for more than one small batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncEngine


class RetentionSettings(BaseSettings):
    """``ITP_RETENTION_*``: ages in days, and the batch size."""

    model_config = SettingsConfigDict(env_prefix="ITP_RETENTION_", extra="ignore")

    outbox_days: float = Field(default=7, gt=0)
    processed_messages_days: float = Field(default=30, gt=0)
    idempotency_keys_days: float = Field(default=7, gt=0)
    batch_size: int = Field(default=1000, ge=1, le=100_000)


@dataclass(frozen=True)
class Prunable:
    """A table, its age column, and the condition a row must also meet to go."""

    table: sa.Table
    age_column: str
    days: float
    only_if: sa.ColumnElement[bool] | None = None

    def old_rows(self, cutoff: datetime) -> sa.ColumnElement[bool]:
        condition = self.table.c[self.age_column] < cutoff
        return condition if self.only_if is None else sa.and_(condition, self.only_if)


def prunables(
    settings: RetentionSettings, *, outbox: sa.Table, processed: sa.Table, idempotency: sa.Table | None
) -> list[Prunable]:
    """What a service prunes: its outbox (published rows only), its consumers' processed ids and,
    if it has creates, its idempotency keys."""
    found = [
        Prunable(outbox, "published_at", settings.outbox_days, outbox.c.published_at.is_not(None)),
        Prunable(processed, "processed_at", settings.processed_messages_days),
    ]
    if idempotency is not None:
        found.append(Prunable(idempotency, "created_at", settings.idempotency_keys_days))
    return found


async def prune_table(engine: AsyncEngine, what: Prunable, *, batch_size: int, now: datetime | None = None) -> int:
    """Delete ``what``'s rows older than its age, batch by batch; returns how many went."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=what.days)
    key = list(what.table.primary_key.columns)
    victims = sa.select(*key).where(what.old_rows(cutoff)).limit(batch_size)
    if engine.dialect.name == "postgresql":
        victims = victims.with_for_update(skip_locked=True)
    doomed = victims.subquery()
    statement = sa.delete(what.table).where(sa.tuple_(*key).in_(sa.select(*doomed.c)))
    total = 0
    while True:
        async with engine.begin() as conn:
            deleted = (await conn.execute(statement)).rowcount or 0
        total += deleted
        if deleted < batch_size:
            return total


async def prune(
    engine: AsyncEngine, tables: list[Prunable], *, batch_size: int, now: datetime | None = None
) -> dict[str, int]:
    """Prune every table of one service; returns the rows deleted per table."""
    return {p.table.name: await prune_table(engine, p, batch_size=batch_size, now=now) for p in tables}
