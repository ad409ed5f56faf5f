"""The transactional outbox and the unit of work that writes to it.

A service changes its state and records the resulting events in the same database
transaction; the relay publishes them afterwards. If the transaction rolls back,
neither the change nor the event exists; if the process dies after the commit, the
relay publishes the event when it comes back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
import orjson
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db import CONNECT_TIMEOUT_S, UTCDateTime, statement_cache_disabled
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.problems import Problem
from shared.tracing import current_traceparent, for_events

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
    """Wakes the relay as soon as a transaction with events commits (a long poll is the fallback)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()

    async def wait(self, timeout_s: float) -> bool:
        """Wait for a commit (at most ``timeout_s``); True if one came."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout_s)
        except TimeoutError:
            return False
        finally:
            self._event.clear()
        return True


# PostgreSQL's protocol takes at most 32767 parameters per statement.
_MAX_PARAMS = 30_000


def _fits_one_statement(inserts: list[_Insert]) -> bool:
    return 0 < sum(len(i.rows) * len(i.rows[0]) for i in inserts) <= _MAX_PARAMS


@dataclass
class _Insert:
    table: sa.Table
    rows: list[dict[str, Any]]
    problem: Problem | None  # what an integrity error of this insert means to the caller


_BATCH_SQL: dict[tuple[Any, ...], tuple[str, list[list[Any]]]] = {}


def _insert_batch(inserts: list[_Insert], dialect: sa.Dialect) -> tuple[str, list[Any]]:
    """Deferred inserts as one statement on PostgreSQL, and its arguments.

    ``WITH w0 AS (INSERT ...), w1 AS (INSERT ...) INSERT ...`` is one round trip and, outside a
    transaction, atomic on its own. The text is built once per shape (tables, columns, row counts)
    and asyncpg keeps it prepared; values go through each column's own bind processing, so the
    driver receives exactly what SQLAlchemy would have sent.
    """
    shape = tuple((i.table.name, tuple(i.rows[0]), len(i.rows)) for i in inserts)
    cached = _BATCH_SQL.get(shape)
    if cached is None:
        parts: list[str] = []
        processors: list[list[Any]] = []
        n = 0
        for ins in inserts:
            cols = [ins.table.c[name] for name in ins.rows[0]]
            processors.append([c.type.dialect_impl(dialect).bind_processor(dialect) for c in cols])
            tuples = []
            for _ in ins.rows:
                tuples.append("(" + ", ".join(f"${n + k + 1}" for k in range(len(cols))) + ")")
                n += len(cols)
            names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in cols)
            table = dialect.identifier_preparer.format_table(ins.table)
            parts.append(f"INSERT INTO {table} ({names}) VALUES {', '.join(tuples)}")
        *ctes, last = parts
        sql = ("WITH " + ", ".join(f"w{k} AS ({q})" for k, q in enumerate(ctes)) + " " if ctes else "") + last
        if len(_BATCH_SQL) >= 256:
            _BATCH_SQL.clear()
        cached = _BATCH_SQL[shape] = (sql, processors)
    sql, processors = cached
    args: list[Any] = []
    for ins, procs in zip(inserts, processors, strict=True):
        keys = list(ins.rows[0])
        for row in ins.rows:
            for key, proc in zip(keys, procs, strict=True):
                value = row[key]
                args.append(proc(value) if proc is not None and value is not None else value)
    return sql, args


@dataclass
class UnitOfWork:
    """One transaction of one service, with the events it will publish.

    Statements a repository executes on ``conn`` run at once. Inserts handed to :meth:`add` are
    written when the unit of work commits, together with the outbox rows of the events, so a
    create that only inserts costs one statement (and on PostgreSQL one round trip).
    """

    conn: AsyncConnection
    source: str
    outbox: sa.Table
    pending: list[DomainEvent] = field(default_factory=list)
    traceparent: str | None = None
    inserts: list[_Insert] = field(default_factory=list)
    emitted: bool = False  # events were queued for the outbox (the relay is woken after the commit)
    committed: list[Callable[[], None]] = field(default_factory=list)
    # When what this unit of work records happened: None is now. A history import sets the
    # original time; the use cases date their rows and events with now(), and the CloudEvents
    # ``time`` of every event it emits is this time.
    occurred_at: datetime | None = None

    def now(self) -> datetime:
        """The time the recorded facts happened: the import's original time, else the clock."""
        return self.occurred_at or datetime.now(UTC)

    def dated_by(self, cause: Envelope) -> None:
        """A consumer's reaction that records a consequence of ``cause`` (a demand matched by a
        match) is dated when the cause happened (its CloudEvents ``time``): a past fact's
        consequences land in its past, not when the event arrives."""
        self.occurred_at = cause.time

    def after_commit(self, apply: Callable[[], None]) -> None:
        """Run ``apply`` once the transaction has committed, never if it rolls back: the one way
        to change state kept in memory beside the database (a cache) with a transaction."""
        self.committed.append(apply)

    def emit(self, *events: DomainEvent) -> None:
        self.pending.extend(events)

    def add(self, table: sa.Table, row: dict[str, Any], *, on_integrity_error: Problem | None = None) -> None:
        """Insert ``row`` into ``table`` when the unit of work commits.

        ``on_integrity_error`` is raised instead of the database's error if this insert breaks a
        constraint (a foreign key naming something that does not exist, say).
        """
        last = self.inserts[-1] if self.inserts else None
        if (
            last is not None
            and last.table is table
            and last.problem is on_integrity_error
            and row.keys() == last.rows[0].keys()
        ):
            last.rows.append(row)
        else:
            self.inserts.append(_Insert(table, [row], on_integrity_error))

    def events_rows(self) -> list[Envelope]:
        """Queue the pending events as outbox rows (written with the other inserts)."""
        if not self.pending:
            return []
        now = datetime.now(UTC)
        envelopes = [
            Envelope.wrap(e, source=self.source, traceparent=self.traceparent, time=self.occurred_at)
            for e in self.pending
        ]
        self.emitted = True
        for ev, env in zip(self.pending, envelopes, strict=True):
            self.add(
                self.outbox,
                {
                    "event_id": env.id,
                    "aggregate_type": ev.AGGREGATE,
                    "aggregate_id": ev.aggregate_key,
                    "event_type": env.type,
                    "topic": ev.TOPIC,
                    "payload": env.to_json().decode(),
                    "traceparent": env.traceparent,
                    "created_at": now,
                },
            )
        self.pending.clear()
        return envelopes

    async def flush(self) -> None:
        """Write the deferred inserts, in the order they were added."""
        if not self.inserts:
            return
        inserts, self.inserts = self.inserts, []
        if self.conn.dialect.name == "postgresql" and _fits_one_statement(inserts):
            await self._flush_postgresql(inserts)
            return
        # Elsewhere, or too many values for one statement: one insert per table, through
        # SQLAlchemy, which opens the transaction first (so the batch stays atomic).
        for ins in inserts:
            try:
                await self.conn.execute(sa.insert(ins.table), ins.rows if len(ins.rows) > 1 else ins.rows[0])
            except IntegrityError:
                if ins.problem is not None:
                    raise ins.problem from None
                raise

    async def _flush_postgresql(self, inserts: list[_Insert]) -> None:
        fairy = await self.conn.get_raw_connection()
        driver = fairy.driver_connection
        assert driver is not None
        if not driver.is_in_transaction():
            # SQLAlchemy sends BEGIN with its first statement; the unit of work may go on after
            # this flush, so its transaction must be open before the batch is written.
            await self.conn.execute(_OPEN_TRANSACTION)
        await _execute_batch(driver, inserts, self.conn.dialect)


_OPEN_TRANSACTION = sa.text("SELECT 1")


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


async def _execute_batch(driver: Any, inserts: list[_Insert], dialect: sa.Dialect) -> None:
    """Run the deferred inserts as one statement on an asyncpg connection."""
    sql, args = _insert_batch(inserts, dialect)
    try:
        await driver.execute(sql, *args)
    except asyncpg.IntegrityConstraintViolationError as exc:
        for ins in inserts:
            if ins.problem is not None and getattr(exc, "table_name", None) == ins.table.name:
                raise ins.problem from None
        raise IntegrityError(sql, None, exc) from exc


class _LazyConnection:
    """The unit of work's connection, checked out and begun only when a statement needs it.

    A create that only adds rows never needs it: its rows and events are written at commit by
    one statement on a driver connection (see :meth:`UnitOfWorkFactory.__call__`).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._begin: AsyncExitStack | None = None
        self.opened: AsyncConnection | None = None

    @property
    def dialect(self) -> sa.Dialect:
        return self._engine.dialect

    async def open(self) -> AsyncConnection:
        if self.opened is None:
            # The exit is registered only once the connection is checked out and begun: a
            # connection that could not be opened leaves nothing to close (and its error intact).
            stack = AsyncExitStack()
            self.opened = await stack.enter_async_context(self._engine.begin())
            self._begin = stack
        return self.opened

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self.open()).execute(*args, **kwargs)

    async def get_raw_connection(self) -> Any:
        return await (await self.open()).get_raw_connection()

    async def close(self, exc: BaseException | None) -> None:
        """Commit (``exc`` is None) or roll back, and return the connection to the pool."""
        if self._begin is not None:
            begin, self._begin, self.opened = self._begin, None, None
            if exc is None:
                await begin.aclose()
            else:
                await begin.__aexit__(type(exc), exc, exc.__traceback__)


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
        # On PostgreSQL, a small asyncpg pool for units of work that only add rows: they commit
        # with one statement and never touch SQLAlchemy's connection machinery (see start()).
        self.driver_pool: asyncpg.Pool | None = None

    async def start(self, max_size: int) -> None:
        """Open the driver pool (PostgreSQL only; elsewhere every commit goes through SQLAlchemy)."""
        if self.engine.dialect.name != "postgresql" or self.driver_pool is not None:
            return
        # SQLAlchemy's own URL options are not asyncpg's: drop them from the driver's DSN.
        query = {k: v for k, v in self.engine.url.query.items() if k != "prepared_statement_cache_size"}
        url = self.engine.url.set(drivername="postgresql", query=query)
        self.driver_pool = await asyncpg.create_pool(
            url.render_as_string(hide_password=False),
            statement_cache_size=0 if statement_cache_disabled(self.engine.url) else 100,
            # Connections open on first use: a service starts while its database is away.
            min_size=0,
            max_size=max_size,
            timeout=CONNECT_TIMEOUT_S,
            server_settings={"jit": "off", "application_name": "itp"},
            # The default reset (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) is a round trip on
            # every release; these connections only ever run one statement outside a transaction.
            reset=_no_reset,
        )

    async def close(self) -> None:
        if self.driver_pool is not None:
            pool, self.driver_pool = self.driver_pool, None
            await pool.close()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads only (autocommit): nothing written through it is atomic."""
        async with self.reader.connect() as conn:
            yield conn

    @asynccontextmanager
    async def __call__(
        self, traceparent: str | None = None, *, occurred_at: datetime | None = None
    ) -> AsyncIterator[UnitOfWork]:
        """A unit of work; ``occurred_at`` (UTC-aware) dates what it records in the past (history import)."""
        if occurred_at is not None and occurred_at.tzinfo is None:
            raise ValueError("occurred_at must carry a time zone")
        parent = traceparent or current_traceparent.get()
        lazy = _LazyConnection(self.engine)
        uow = UnitOfWork(
            cast(AsyncConnection, lazy),
            self.source,
            self.outbox,
            traceparent=for_events(parent),
            occurred_at=occurred_at.astimezone(UTC) if occurred_at is not None else None,
        )
        try:
            yield uow
            uow.events_rows()
            if lazy.opened is None and self.driver_pool is not None and _fits_one_statement(uow.inserts):
                # Nothing ran yet: the rows and the events are one statement, atomic on its own.
                inserts, uow.inserts = uow.inserts, []
                async with self.driver_pool.acquire() as driver:
                    await _execute_batch(driver, inserts, self.engine.dialect)
            else:
                await uow.flush()
                await lazy.close(None)
        except BaseException as exc:
            await lazy.close(exc)
            raise
        for apply in uow.committed:
            apply()
        if uow.emitted:
            self.signal.notify()


def decode_payload(payload: str) -> dict[str, object]:
    """The stored CloudEvent as a dict (for tests and audits)."""
    doc = orjson.loads(payload)
    assert isinstance(doc, dict)
    return doc
