"""The outbox relay: publishes a service's outbox rows in order, then marks them.

Only one relay per service publishes at a time. On PostgreSQL the leader holds a
session-level advisory lock on a dedicated connection; a replica that cannot take it
waits and tries again, so per-aggregate order survives several replicas. On SQLite
(embedded mode, one process) the relay is always the leader.

A crash between the broker's acknowledgement and the update that marks the rows
leaves them unpublished: they are sent again, and consumers drop the duplicates by
event id. Nothing is lost; duplicates are expected and harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared import metrics
from shared.bus.base import Bus, Record
from shared.events.envelope import CONTENT_TYPE
from shared.logs import RepeatedFailure
from shared.outbox import OutboxSignal

log = logging.getLogger(__name__)


class _Row(NamedTuple):
    seq: int
    topic: str
    aggregate_id: str
    payload: str
    traceparent: str | None


def advisory_lock_key(service: str) -> int:
    """A stable 63-bit key per service for pg_try_advisory_lock."""
    return zlib.crc32(f"itp-outbox-relay:{service}".encode()) & 0x7FFFFFFF


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        outbox: sa.Table,
        bus: Bus,
        *,
        service: str,
        signal: OutboxSignal | None = None,
        poll_interval_s: float = 0.05,
        batch_size: int = 200,
        driver_pool: Callable[[], asyncpg.Pool | None] = lambda: None,
    ) -> None:
        self.engine = engine
        # Both statements of a batch stand alone (a select, then one update): autocommit saves
        # the BEGIN and COMMIT/ROLLBACK round trips around each.
        self._auto = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.outbox = outbox
        self.bus = bus
        self.service = service
        self.signal = signal or OutboxSignal()
        self.poll_interval_s = poll_interval_s
        self.batch_size = batch_size
        # Constant statements, compiled once: the relay runs them many times a second.
        o = outbox
        self._select_pending = (
            sa.select(o.c.seq, o.c.topic, o.c.aggregate_id, o.c.payload, o.c.traceparent)
            .where(o.c.published_at.is_(None))
            .order_by(o.c.seq)
            .limit(batch_size)
        )
        self._mark = (
            sa.update(o)
            .where(o.c.seq.in_(sa.bindparam("seqs", expanding=True)))
            .values(published_at=sa.bindparam("now"))
        )
        # On PostgreSQL the two statements of a batch run on the unit of work's asyncpg pool
        # (when it has one): the relay runs them many times a second.
        self._driver_pool = driver_pool
        self._select_sql = (
            f"SELECT seq, topic, aggregate_id, payload, traceparent FROM {o.name}"
            " WHERE published_at IS NULL ORDER BY seq LIMIT $1"
        )
        self._mark_sql = f"UPDATE {o.name} SET published_at = $2 WHERE seq = ANY($1::bigint[])"
        self._lock_conn: AsyncConnection | None = None
        self._lock_checked_at = 0.0
        self._stopping = asyncio.Event()
        self.published_total = 0

    @property
    def _is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def try_lead(self) -> bool:
        """Take the relay lead for this service; True if this relay now holds it."""
        if not self._is_postgres:
            return True
        if self._lock_conn is not None:
            now = time.monotonic()
            if now - self._lock_checked_at < 1.0:  # check the session at most once a second
                return True
            if await self._lock_session_alive(self._lock_conn):
                self._lock_checked_at = now
                return True
            # The session died (network, restart, terminated backend) and took the lock with it;
            # a replica may hold it now, so lead again only if the lock can be taken again.
            log.warning("outbox relay of %s lost its lock session; trying to lead again", self.service)
            conn, self._lock_conn = self._lock_conn, None
            with contextlib.suppress(Exception):
                await conn.close()
        conn = await self.engine.connect()
        try:
            got = (
                await conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": advisory_lock_key(self.service)})
            ).scalar_one()
            await conn.commit()  # end the implicit transaction; the session lock stays
        except BaseException:
            await conn.close()
            raise
        if got:
            self._lock_conn = conn
            return True
        await conn.close()
        return False

    @staticmethod
    async def _lock_session_alive(conn: AsyncConnection) -> bool:
        # A session-level advisory lock lives exactly as long as its session.
        try:
            await conn.execute(sa.text("SELECT 1"))
            await conn.commit()
        except Exception:
            return False
        return True

    async def release_lead(self) -> None:
        if self._lock_conn is not None:
            conn, self._lock_conn = self._lock_conn, None
            try:
                await conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_lock_key(self.service)})
                await conn.commit()
            finally:
                await conn.close()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows in sequence order; returns how many."""
        pool = self._driver_pool()
        rows: Sequence[Any]
        if pool is not None:
            async with pool.acquire() as driver:
                rows = [_Row(*r) for r in await driver.fetch(self._select_sql, self.batch_size)]
        else:
            async with self._auto.connect() as conn:
                rows = (await conn.execute(self._select_pending)).all()
        if not rows:
            return 0
        records = []
        for r in rows:
            headers = [("content-type", CONTENT_TYPE.encode())]
            if r.traceparent:
                headers.append(("traceparent", r.traceparent.encode()))
            records.append(Record(r.topic, r.aggregate_id.encode(), r.payload.encode(), headers))
        started = time.perf_counter()
        await self.bus.publish(records)
        await self._mark_published([r.seq for r in rows])
        metrics.RELAY_PUBLISH_DURATION.labels(self.service).observe(time.perf_counter() - started)
        metrics.RELAY_PUBLISHED.labels(self.service).inc(len(rows))
        self.published_total += len(rows)
        return len(rows)

    async def _mark_published(self, seqs: list[int]) -> None:
        pool = self._driver_pool()
        if pool is not None:
            async with pool.acquire() as driver:
                await driver.execute(self._mark_sql, seqs, datetime.now(UTC))
            return
        async with self._auto.connect() as conn:
            await conn.execute(self._mark, {"seqs": seqs, "now": datetime.now(UTC)})

    async def run(self) -> None:
        """Lead, publish, repeat until stopped; errors are logged and retried, never fatal."""
        backoff = self.poll_interval_s
        failure = RepeatedFailure(log, f"outbox relay of {self.service}")
        leader = metrics.RELAY_LEADER.labels(self.service)
        while not self._stopping.is_set():
            try:
                if not await self.try_lead():
                    leader.set(0)
                    await self._sleep(1.0)
                    continue
                leader.set(1)
                n = await self.publish_pending()
                failure.recovered()
                backoff = self.poll_interval_s
                if n < self.batch_size:
                    await self.signal.wait(self.poll_interval_s)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                metrics.RELAY_FAILURES.labels(self.service).inc()
                failure.failed(exc)
                leader.set(0)
                await self._drop_lead_quietly()
                backoff = min(backoff * 2, 5.0)
                await self._sleep(backoff)
        leader.set(0)
        await self._drop_lead_quietly()

    async def _drop_lead_quietly(self) -> None:
        try:
            await self.release_lead()
        except Exception:
            log.warning("could not release the relay lock cleanly", exc_info=True)
            self._lock_conn = None

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            pass

    def stop(self) -> None:
        self._stopping.set()
        self.signal.notify()
