"""Reads defined once, as SQLAlchemy Core statements, and run the cheapest way that gives the same rows.

One statement through SQLAlchemy's connection, compiled-statement and result layers costs a
few hundred microseconds of CPU; through asyncpg alone a few tens. ``Reader`` runs a constant
Core statement (built once, at import or per shape of filters) with its values:

- on PostgreSQL with asyncpg, when SQLAlchemy would only pass the values through (no expanding
  IN list, no type that converts a bound value), the statement is compiled once for the dialect
  and sent to the driver on a connection borrowed from the engine's own pool (asyncpg prepares
  and caches it per connection);
- anywhere else (SQLite, the embedded mode) and for any other statement, SQLAlchemy executes it
  on ``UnitOfWorkFactory.read()``.

Either way no transaction: each statement is autocommit at READ COMMITTED. Rows are mappings
(column name -> value). Never write through it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

from shared.outbox import UnitOfWorkFactory

T = TypeVar("T")
Row = Mapping[Any, Any]  # column name -> value


@functools.lru_cache(maxsize=1024)
def asyncpg_plan(stmt: sa.Executable, dialect: sa.Dialect) -> tuple[str, tuple[str, ...], dict[str, Any]] | None:
    """``stmt`` as asyncpg takes it (SQL, parameter names in order, the values bound in the statement
    itself), or None when SQLAlchemy would do more than pass the values through: an IN list, or a
    type that converts values."""
    compiled = cast(SQLCompiler, cast(sa.ClauseElement, stmt).compile(dialect=dialect))
    for bind in compiled.binds.values():
        if bind.expanding or bind.type.bind_processor(dialect) is not None:
            return None
    return compiled.string, tuple(compiled.positiontup or ()), compiled.params


def on_driver(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "asyncpg"


class Reader:
    """Runs read statements of one service's database (see the module's docstring)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self.engine: AsyncEngine = uow.engine
        self.driver = on_driver(self.engine)

    async def all(self, stmt: sa.Executable, values: Mapping[str, Any]) -> list[Row]:
        plan = asyncpg_plan(stmt, self.engine.dialect) if self.driver else None
        if plan is not None:
            sql, names, bound = plan
            args = [values[name] if name in values else bound[name] for name in names]
            return list(await self._on_driver(lambda driver: driver.fetch(sql, *args)))
        async with self.uow.read() as conn:
            return [r._mapping for r in await conn.execute(stmt, dict(values))]

    async def first(self, stmt: sa.Executable, values: Mapping[str, Any]) -> Row | None:
        rows = await self.all(stmt, values)
        return rows[0] if rows else None

    async def _on_driver(self, call: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        # Pool checkout and return are synchronous SQLAlchemy code that may await the driver
        # (to open, reset or close a connection): hence greenlet_spawn around the return.
        proxied = await self.engine.raw_connection()
        driver: asyncpg.Connection = proxied.driver_connection
        try:
            result = await call(driver)
        except asyncpg.PostgresError:
            # The server refused the statement; the connection itself is fine.
            await greenlet_spawn(proxied.close)
            raise
        except BaseException:
            # A lost connection, a cancellation mid-query: never hand this connection out again.
            await greenlet_spawn(proxied.invalidate)
            raise
        await greenlet_spawn(proxied.close)
        return result
