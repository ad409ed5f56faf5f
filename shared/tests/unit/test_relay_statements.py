"""The relay's statements on asyncpg come from its Core statements: the outbox table's name is quoted
as the dialect quotes it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from shared.bus.memory import InMemoryBus
from shared.relay import OutboxRelay


def test_a_table_name_that_needs_quoting_is_quoted() -> None:
    outbox = sa.Table(
        "Outbox",  # mixed case: unquoted, PostgreSQL would fold it to another table
        sa.MetaData(),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("topic", sa.String),
        sa.Column("aggregate_id", sa.String),
        sa.Column("payload", sa.Text),
        sa.Column("traceparent", sa.String),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    relay = OutboxRelay(create_async_engine("sqlite+aiosqlite://"), outbox, InMemoryBus(), service="t", batch_size=7)
    assert 'FROM "Outbox"' in relay._select_sql and "LIMIT $1::INTEGER" in relay._select_sql
    assert relay._mark_sql.startswith('UPDATE "Outbox" SET')
