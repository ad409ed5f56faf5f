"""The outbox relay: publishes a service's outbox rows in order, then marks them.

Only one relay per service publishes at a time. On PostgreSQL the leader holds a
session-level advisory lock on a dedicated connection; a replica that cannot take it
waits and tries again, so per-aggregate order survives several replicas. On SQLite
(embedded mode, one process) the relay is always the leader.

The relay sleeps until there is work: a unit of work of its own process wakes it on commit
(``OutboxSignal``). On PostgreSQL the leader also LISTENs on its lock session (``OUTBOX_CHANNEL``)
for rows other processes wrote: a stand-by replica's relay passes each commit of its process on
as one NOTIFY (bursts coalesce), and one-off writers (jobs, imports, rebuilds) call
:func:`wake_relay` when done. The NOTIFY is sent after the commit, never inside the write's
transaction: a NOTIFY there serialises every committing transaction of the cluster (it measured
half the commits per second under 32 concurrent writers). A long poll
(``ITP_RELAY_POLL_INTERVAL_S``, 5 s) is only the fallback for a lost notification: an idle
relay costs nothing.

A crash between the broker's acknowledgement and the update that marks the rows
leaves them unpublished. A relay that takes the lead, or whose last publish failed, first
looks at the ends of the partitions it is about to write to and marks the rows whose events
are there already, so each event is on its topic once; consumers drop by event id whatever
duplicate could still get through (a replica that took over mid-batch). A database that goes
away after the acknowledgement (a restart) does not make the relay send again either: it
keeps what the broker acknowledged and marks it first once the database is back.
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
import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared import metrics, tracing
from shared.bus.base import Bus, Record
from shared.events.envelope import CONTENT_TYPE
from shared.logs import RepeatedFailure
from shared.outbox import OutboxSignal

log = logging.getLogger(__name__)


_FIRST_RETRY_S = 0.1  # after a failure; doubled up to 5 s
_STANDBY_RETRY_S = 1.0  # how often a stand-by relay tries to take the lead

OUTBOX_CHANNEL = "itp_outbox"
_NOTIFY = sa.text(f"SELECT pg_notify('{OUTBOX_CHANNEL}', '')")


async def wake_relay(engine: AsyncEngine) -> None:
    """Wake the relay leading for this database in another process, now that rows this process
    wrote to the outbox have committed (PostgreSQL; elsewhere its fallback poll finds them)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as conn:
        await conn.execute(_NOTIFY)
        await conn.commit()


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
        poll_interval_s: float = 5.0,
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
        self.poll_interval_s = poll_interval_s  # the fallback when no notification comes
        self.batch_size = batch_size
        # Constant statements, compiled once: a busy relay runs them many times a second.
        o = outbox
        self._select_pending = (
            sa.select(o.c.seq, o.c.topic, o.c.aggregate_id, o.c.payload, o.c.traceparent)
            .where(o.c.published_at.is_(None))
            .order_by(o.c.seq)
            .limit(sa.bindparam("limit", batch_size, type_=sa.Integer()))
        )
        self._mark = (
            sa.update(o)
            .where(o.c.seq.in_(sa.bindparam("seqs", expanding=True)))
            .values(published_at=sa.bindparam("now"))
        )
        # On PostgreSQL the two statements of a batch run on the unit of work's asyncpg pool
        # (when it has one): a busy relay runs them many times a second.
        self._driver_pool = driver_pool
        # The same select, compiled once for asyncpg; the update takes an array there (IN expands).
        pg = asyncpg_dialect()
        self._select_sql = str(self._select_pending.compile(dialect=pg))
        self._mark_sql = (
            f"UPDATE {pg.identifier_preparer.format_table(o)} SET published_at = $2 WHERE seq = ANY($1::bigint[])"
        )
        self._lock_conn: AsyncConnection | None = None
        self._lock_checked_at = 0.0
        self._stopping = asyncio.Event()
        self.published_total = 0
        self._unmarked: list[int] = []  # sequence numbers the broker acknowledged, not yet marked
        self._check_broker = True  # look for unmarked rows on the broker before sending them

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
                await conn.invalidate()  # never back to the pool: it may still be listening
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
            try:
                await self._listen(conn)
            except BaseException:
                await conn.invalidate()
                await conn.close()
                raise
            self._lock_conn = conn
            self._check_broker = True  # another leader may have sent rows it could not mark
            # Rows written while no relay listened (before this start, or during a failover).
            self.signal.notify()
            return True
        await conn.close()
        return False

    def _on_notification(self, *_: object) -> None:
        self.signal.notify()

    async def _listen(self, conn: AsyncConnection) -> None:
        """LISTEN for outbox notifications on the lock session (outside any transaction)."""
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.add_listener(OUTBOX_CHANNEL, self._on_notification)

    async def _unlisten(self, conn: AsyncConnection) -> None:
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.remove_listener(OUTBOX_CHANNEL, self._on_notification)

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
                await self._unlisten(conn)
                await conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_lock_key(self.service)})
                await conn.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    await conn.invalidate()  # a session in doubt is not pooled (it may hold the lock, or listen)
                raise
            finally:
                await conn.close()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows in sequence order; returns how many."""
        if self._unmarked:
            # Published, but the database went away before they were marked: mark them now
            # instead of sending them again (which would put each event on its topic twice).
            await self._mark_published(self._unmarked)
            self._unmarked = []
        pool = self._driver_pool()
        rows: Sequence[Any]
        if pool is not None:
            async with pool.acquire() as driver:
                rows = [_Row(*r) for r in await driver.fetch(self._select_sql, self.batch_size)]
        else:
            async with self._auto.connect() as conn:
                rows = (await conn.execute(self._select_pending, {"limit": self.batch_size})).all()
        if not rows:
            return 0
        if self._check_broker:
            # The previous leader (an earlier process, or this one before a failure) may have had
            # this batch acknowledged and died before marking it: what the broker already has is
            # marked, not sent a second time.
            sent = await self.bus.recent_event_ids(sorted({r.topic for r in rows}), self.batch_size)
            self._check_broker = False
            there = [r.seq for r in rows if orjson.loads(r.payload)["id"] in sent]
            if there:
                log.warning("outbox relay of %s: %d event(s) already on the broker, marked", self.service, len(there))
                await self._mark_published(there)
                rows = [r for r in rows if r.seq not in set(there)]
                if not rows:
                    return len(there)
        records = []
        for r in rows:
            headers = [("content-type", CONTENT_TYPE.encode())]
            if r.traceparent:
                headers.append(("traceparent", r.traceparent.encode()))
            records.append(Record(r.topic, r.aggregate_id.encode(), r.payload.encode(), headers))
        started, started_ns = time.perf_counter(), time.time_ns()
        try:
            await self.bus.publish(records)
        except BaseException:
            self._check_broker = True  # part of the batch may be there
            raise
        if tracing.tracing_on():
            published = [(r.topic, r.traceparent, orjson.loads(r.payload)["id"]) for r in rows]
            tracing.record_published(published, started_ns, time.time_ns(), self.service)
        self._unmarked = [r.seq for r in rows]
        await self._mark_published(self._unmarked)
        self._unmarked = []
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
        backoff = _FIRST_RETRY_S
        failure = RepeatedFailure(log, f"outbox relay of {self.service}")
        leader = metrics.RELAY_LEADER.labels(self.service)
        while not self._stopping.is_set():
            try:
                if not await self.try_lead():
                    leader.set(0)
                    await self._stand_by()
                    continue
                leader.set(1)
                n = await self.publish_pending()
                failure.recovered()
                backoff = _FIRST_RETRY_S
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

    async def _stand_by(self) -> None:
        """Until it is time to try for the lead again, pass this process's commits on to the leader."""
        deadline = time.monotonic() + _STANDBY_RETRY_S
        while not self._stopping.is_set() and (left := deadline - time.monotonic()) > 0:
            if await self.signal.wait(left) and not self._stopping.is_set():
                await wake_relay(self.engine)

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
