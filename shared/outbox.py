"""The transactional outbox and the unit of work that writes to it.

A service changes its state and records the resulting events in the same database
transaction; the relay publishes them afterwards. If the transaction rolls back,
neither the change nor the event exists; if the process dies after the commit, the
relay publishes the event when it comes back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db import UTCDateTime
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.tracing import child_of, current_traceparent

_BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    """The outbox of one service: one row per event, published in ``seq`` order."""
    return sa.Table(
        "outbox",
        metadata,
        sa.Column("seq", _BigIntId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("aggregate_type", sa.String(64), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        # The whole CloudEvent, serialised once at write time; the relay sends these bytes.
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("traceparent", sa.String(55)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime()),
        sa.Index(
            "ix_outbox_unpublished",
            "seq",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        ),
    )


def processed_messages_table(metadata: sa.MetaData) -> sa.Table:
    """Events a consumer has applied, written in the same transaction as the effect."""
    return sa.Table(
        "processed_messages",
        metadata,
        sa.Column("consumer", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
    )


class OutboxSignal:
    """Wakes the relay as soon as a transaction with events commits (polling is the fallback)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()

    async def wait(self, timeout_s: float) -> None:
        try:
            await asyncio.wait_for(self._event.wait(), timeout_s)
        except TimeoutError:
            pass
        self._event.clear()


@dataclass
class UnitOfWork:
    """One transaction of one service, with the events it will publish."""

    conn: AsyncConnection
    source: str
    outbox: sa.Table
    pending: list[DomainEvent] = field(default_factory=list)
    traceparent: str | None = None

    def emit(self, *events: DomainEvent) -> None:
        self.pending.extend(events)

    async def flush_events(self) -> list[Envelope]:
        """Write the pending events to the outbox (inside the transaction)."""
        if not self.pending:
            return []
        now = datetime.now(UTC)
        envelopes = [Envelope.wrap(e, source=self.source, traceparent=self.traceparent) for e in self.pending]
        rows = [
            {
                "event_id": env.id,
                "aggregate_type": ev.AGGREGATE,
                "aggregate_id": ev.aggregate_key,
                "event_type": env.type,
                "topic": ev.TOPIC,
                "payload": env.to_json().decode(),
                "traceparent": env.traceparent,
                "created_at": now,
            }
            for ev, env in zip(self.pending, envelopes, strict=True)
        ]
        await self.conn.execute(sa.insert(self.outbox), rows)
        self.pending.clear()
        return envelopes


class UnitOfWorkFactory:
    """Opens units of work for one service and wakes its relay after each commit."""

    def __init__(self, engine: AsyncEngine, outbox: sa.Table, *, source: str, signal: OutboxSignal) -> None:
        self.engine = engine
        # Reads run in autocommit: one round trip per query instead of BEGIN, query, ROLLBACK.
        # At READ COMMITTED every statement takes its own snapshot anyway, so a read-only
        # transaction would add round trips and no consistency.
        self.reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.outbox = outbox
        self.source = source
        self.signal = signal

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads only (autocommit): nothing written through it is atomic."""
        async with self.reader.connect() as conn:
            yield conn

    @asynccontextmanager
    async def __call__(self, traceparent: str | None = None) -> AsyncIterator[UnitOfWork]:
        parent = traceparent or current_traceparent.get()
        async with self.engine.begin() as conn:
            uow = UnitOfWork(conn, self.source, self.outbox, traceparent=child_of(parent))
            yield uow
            wrote = bool(await uow.flush_events())
        if wrote:
            self.signal.notify()


def decode_payload(payload: str) -> dict[str, object]:
    """The stored CloudEvent as a dict (for tests and audits)."""
    doc = orjson.loads(payload)
    assert isinstance(doc, dict)
    return doc
