"""Async database engines and the unit of work.

Engines are built by a factory at start-up (never at import). A repository receives
an ``AsyncConnection`` and never commits: the unit of work (one request, or one handled
message) opens the transaction and commits once.
"""

from __future__ import annotations

import os
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import URL, Connection, event, make_url
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# JSON that is JSONB on PostgreSQL and JSON text on SQLite.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class UTCDateTime(sa.types.TypeDecorator[Any]):
    """A timezone-aware UTC timestamp on both PostgreSQL and SQLite.

    SQLite stores no offset, so values read back are re-attached to UTC; naive values
    are refused on the way in, so nothing local-time sneaks in.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: times are timezone-aware UTC")
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        from datetime import UTC

        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _json_dumps(value: Any) -> str:
    # orjson, with Decimal as an exact string (never a float) for JSON columns.
    from shared.responses import dumps

    return dumps(value).decode()


# Seconds a connection attempt may take before it counts as the database being unreachable.
CONNECT_TIMEOUT_S = 5.0


def statement_cache_disabled(url: str | URL) -> bool:
    """Whether the database URL asks for no prepared-statement cache (PgBouncer, transaction mode)."""
    return make_url(url).query.get("prepared_statement_cache_size") == "0"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Create an async engine for PostgreSQL (asyncpg) or SQLite (aiosqlite)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": 30}, json_serializer=_json_dumps, json_deserializer=orjson.loads
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            # The driver begins a transaction only at its first write, so the reads before it saw
            # whatever others committed meanwhile (lost updates), and a deferred transaction that
            # writes after another commit is refused at once ("database is locked"; no busy timeout
            # helps). A transaction takes the write lock up front instead; writers queue, readers
            # on autocommit connections (``UnitOfWorkFactory.read``) never wait (WAL).
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # Behind PgBouncer in transaction mode, prepared statements cannot be cached per connection:
    # ``?prepared_statement_cache_size=0`` on the URL turns both caches off (SQLAlchemy's and asyncpg's).
    statement_cache = {"statement_cache_size": 0} if statement_cache_disabled(url) else {}
    engine = create_async_engine(
        url,
        echo=echo,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=pool_size,
        # Few overflow connections: they are closed on return, so a busy service would churn them.
        max_overflow=max(4, pool_size // 4),
        # No pre-ping round trip per checkout: _discard_closed below costs nothing.
        pool_pre_ping=False,
        # asyncpg's prepared statement cache stays on; JIT off keeps short OLTP queries fast. A
        # database that does not answer fails a connection attempt in seconds, not asyncpg's 60.
        connect_args={
            "server_settings": {"jit": "off", "application_name": "itp"},
            "timeout": CONNECT_TIMEOUT_S,
            **statement_cache,
        },
    )
    if engine.dialect.driver == "asyncpg":
        event.listen(engine.sync_engine, "checkout", _discard_closed)
    return engine


def _discard_closed(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Never hand out a pooled connection the server has closed (a restart, a terminated backend).

    asyncpg notices the closed socket by itself; raising ``InvalidatePoolError`` makes the pool
    replace this connection and every other one opened before it, so a service recovers from a
    database restart without a failed request per stale connection.
    """
    driver = getattr(dbapi_conn, "driver_connection", None)
    if driver is not None and driver.is_closed():
        raise InvalidatePoolError("connection closed by the server")
