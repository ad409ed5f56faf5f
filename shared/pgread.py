"""Hot reads straight through asyncpg on a connection of the engine's pool (PostgreSQL only).

One statement through SQLAlchemy's connection, compiled-statement and result layers costs a
few hundred microseconds of CPU; through asyncpg alone a few tens. ``PgReader`` borrows a
connection from the engine's own pool (its size, limits and disposal stay the engine's), runs
one constant SQL text on the driver (asyncpg prepares and caches it per connection) and hands
the connection back. No transaction: like ``UnitOfWorkFactory.read()``, each statement is
autocommit at READ COMMITTED. Never write through it. A service keeps the SQLAlchemy version
of each such read for SQLite (the embedded mode), and a test that both answer alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

T = TypeVar("T")


class PgReader:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @staticmethod
    def supports(engine: AsyncEngine) -> bool:
        return engine.dialect.name == "postgresql" and engine.dialect.driver == "asyncpg"

    @classmethod
    def for_engine(cls, engine: AsyncEngine) -> PgReader | None:
        """A reader on PostgreSQL; None elsewhere (the caller reads through SQLAlchemy)."""
        return cls(engine) if cls.supports(engine) else None

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return await self._run(lambda driver: driver.fetch(sql, *args))

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        return await self._run(lambda driver: driver.fetchrow(sql, *args))

    async def _run(self, call: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
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
