"""Hot reads straight through asyncpg on a pooled connection (PostgreSQL only).

A read that runs on every composed page (the people assigned to a demand) costs several
hundred microseconds of CPU through SQLAlchemy's connection, compiled-statement and result
layers, and a few tens through asyncpg alone. ``PgReader`` borrows a connection from the
engine's own pool (so pool size, limits and disposal stay the engine's), runs one constant
SQL text on the driver (asyncpg prepares and caches it per connection), and hands the
connection back. There is no transaction: like ``UnitOfWorkFactory.read()`` each statement
is autocommit at READ COMMITTED. Never write through it.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn


class PgReader:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @staticmethod
    def supports(engine: AsyncEngine) -> bool:
        return engine.dialect.name == "postgresql" and engine.dialect.driver == "asyncpg"

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        # Pool checkout and return are synchronous SQLAlchemy code that may await the driver
        # (opening or closing a connection), hence greenlet_spawn around both.
        proxied = await self.engine.raw_connection()
        driver: asyncpg.Connection = proxied.driver_connection
        try:
            rows: list[asyncpg.Record] = await driver.fetch(sql, *args)
        except asyncpg.PostgresError:
            # The server refused the statement; the connection itself is fine.
            await greenlet_spawn(proxied.close)
            raise
        except BaseException:
            # Lost connection, cancellation mid-query: never hand this connection out again.
            await greenlet_spawn(proxied.invalidate)
            raise
        await greenlet_spawn(proxied.close)
        return rows
