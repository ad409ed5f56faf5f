"""Test utilities: bounded polling, throwaway databases cloned from migrated templates, ports.

Integration tests need the real PostgreSQL and Kafka that ``deploy/local/up.sh`` starts;
the connection comes from ``ITP_PG_DSN`` (server, no database) and ``ITP_KAFKA_BOOTSTRAP``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg
import httpx

if TYPE_CHECKING:
    from shared.runtime import ServiceDefinition

T = TypeVar("T")

DEFAULT_PG_DSN = "postgresql+asyncpg://itp:itp@127.0.0.1:55432"
DEFAULT_KAFKA = "127.0.0.1:59092"


def pg_dsn() -> str:
    return os.environ.get("ITP_PG_DSN", DEFAULT_PG_DSN)


def kafka_bootstrap() -> str:
    return os.environ.get("ITP_KAFKA_BOOTSTRAP", DEFAULT_KAFKA)


async def consumer_group_settled(group: str, members: int) -> bool:
    """The consumer group is stable (its partitions assigned) with this many members: a test that
    needs every member to own partitions waits for this before it publishes."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap(), request_timeout_ms=10000)
    await admin.start()
    try:
        # DescribeGroups answers (error_code, group, state, protocol_type, protocol, members).
        described = [g for resp in await admin.describe_consumer_groups([group]) for g in resp.groups]
    finally:
        await admin.close()
    return any(g[2] == "Stable" and len(g[5]) == members for g in described)


def _raw(dsn: str) -> str:
    return dsn.replace("postgresql+asyncpg://", "postgresql://")


async def wait_for(
    probe: Callable[[], Awaitable[T | None]], *, timeout_s: float = 15.0, interval_s: float = 0.05, what: str = ""
) -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout_s`` times
    ``ITP_TEST_PATIENCE`` (default 3: a bound says when to give up, and a loaded CI machine is
    slower than the one a test was written on; nothing here measures speed)."""
    timeout_s *= float(os.environ.get("ITP_TEST_PATIENCE", "3"))
    deadline = time.monotonic() + timeout_s
    last: T | None = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what or probe}; last={last!r}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_port_block(n: int) -> int:
    """The first of ``n`` consecutive free ports (``itp stack --port P`` takes P .. P+5)."""
    import random

    for _ in range(200):
        base = random.randrange(20_000, 60_000 - n)
        socks: list[socket.socket] = []
        try:
            for port in range(base, base + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
        return base
    raise RuntimeError(f"no block of {n} free ports")


async def create_database(name: str, *, template: str | None = None) -> str:
    """Create database ``name`` (optionally cloned from ``template``); returns its SQLAlchemy URL."""
    conn = await asyncpg.connect(_raw(pg_dsn()) + "/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        tpl = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{tpl}')
    finally:
        await conn.close()
    return f"{pg_dsn()}/{name}"


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(_raw(pg_dsn()) + "/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


_TEMPLATES: dict[str, str] = {}
_TEMPLATE_LOCK: asyncio.Lock | None = None


async def migrated_template(service: str, migrations: Path) -> str:
    """A database migrated to head with ``service``'s Alembic tree, created once per process.

    Test databases are cloned from it (``CREATE DATABASE ... TEMPLATE``), which takes
    milliseconds instead of a migration run per test.
    """
    global _TEMPLATE_LOCK
    _TEMPLATE_LOCK = _TEMPLATE_LOCK or asyncio.Lock()
    async with _TEMPLATE_LOCK:
        if service not in _TEMPLATES:
            from shared.migrations import upgrade

            name = unique(f"itp_tpl_{service}")
            url = await create_database(name)
            await asyncio.to_thread(upgrade, migrations, url)
            _TEMPLATES[service] = name
        return _TEMPLATES[service]


async def drop_templates() -> None:
    for name in list(_TEMPLATES.values()):
        await drop_database(name)
    _TEMPLATES.clear()


async def table_rows(conn: Any, table: Any, *, ignore: Collection[str] = ()) -> list[tuple[str, ...]]:
    """Every row of ``table`` as text, sorted, without the ``ignore``d columns (timestamps and ids a
    rebuild legitimately writes anew): two states compare row by row."""
    import sqlalchemy as sa

    cols = [c for c in table.c if c.name not in ignore]
    rows = await conn.execute(sa.select(*cols))
    return sorted(tuple(str(v) for v in r) for r in rows)


def token_for(*roles: str, subject: str = "test-user", **claims: object) -> str:
    """A bearer token signed with the test settings' secret (what the services verify in tests).

    ``claims`` are enterprise_id, carrier_id or person_id (UUIDs or strings)."""
    from shared.auth import issue_token
    from shared.settings import ServiceSettings

    extra: dict[str, Any] = {k: str(v) for k, v in claims.items() if v is not None}
    return issue_token(ServiceSettings(env="test"), subject=subject, roles=list(roles), **extra)


def auth_headers(*roles: str, subject: str = "test-user", **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(*roles, subject=subject, **claims)}"}


@asynccontextmanager
async def service_client(definition: ServiceDefinition, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of ``definition``'s app over ``database_url`` (in-memory bus, no background tasks)."""
    from shared.bus.memory import InMemoryBus
    from shared.runtime import create_service_app
    from shared.settings import ServiceSettings

    settings = ServiceSettings(env="test", service_name=definition.name, database_url=database_url)
    app = create_service_app(definition, settings, InMemoryBus(), background=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{definition.name}") as client,
    ):
        yield client


class IdempotencyHold:
    """Holds creates that carry an ``Idempotency-Key`` mid-transaction, deterministically.

    A SHARE lock on the service's ``idempotency_keys`` table (taken on a connection of the test)
    lets creates read it but makes the insert that stores their answer wait, after the work is
    done and while their transaction (and its locks) is open. Creates without a key never touch
    the table and pass.
    """

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def waiting(self) -> list[int]:
        """The backends of this database waiting for a lock (any kind), oldest wait first."""
        # pg_stat_activity is read once per transaction unless the snapshot is cleared.
        await self.conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND pid <> pg_backend_pid() ORDER BY state_change"
        )
        return [int(r["pid"]) for r in rows]

    async def until_waiting(self, n: int, what: str) -> list[int]:
        async def probe() -> list[int] | None:
            pids = await self.waiting()
            return pids if len(pids) >= n else None

        return await wait_for(probe, what=what)

    async def fail(self, pid: int) -> None:
        """Cancel what backend ``pid`` is waiting for: its transaction fails and rolls back."""
        await self.conn.execute("SELECT pg_cancel_backend($1)", pid)


@asynccontextmanager
async def idempotency_hold(database_url: str) -> AsyncIterator[IdempotencyHold]:
    conn = await asyncpg.connect(_raw(database_url))
    try:
        tx = conn.transaction()
        await tx.start()
        await conn.execute("LOCK TABLE idempotency_keys IN SHARE MODE")
        try:
            yield IdempotencyHold(conn)
        finally:
            await tx.rollback()
    finally:
        await conn.close()


async def retry_while_held(
    database_url: str, send: Callable[[], Awaitable[httpx.Response]], *, original_fails: bool = False
) -> tuple[httpx.Response | BaseException, httpx.Response]:
    """Send a create, hold it mid-transaction, send the same request again (a client's retry),
    then let the original finish (or fail, with ``original_fails``); both answers.

    The retry is sent only once the original is held, and the original released only once the
    retry waits too: no sleeping, no race in the test itself."""
    async with idempotency_hold(database_url) as hold:
        original = asyncio.ensure_future(send())
        [held] = await hold.until_waiting(1, "the original create held before its commit")
        retry = asyncio.ensure_future(send())
        await hold.until_waiting(2, "the retry waiting for the original")
        if original_fails:
            await hold.fail(held)
            [first] = await asyncio.gather(original, return_exceptions=True)
            # The retry goes on, does the work and is held in its turn.
            await hold.until_waiting(1, "the retry held before its commit")
    if not original_fails:
        first = await original
    return first, await retry


class ThrowawayPostgres:
    """A PostgreSQL cluster of the test's own (Debian's binaries, a temporary directory, a free
    port), which the test may stop and start at will: never the shared one other tests use.

    ``start``/``stop`` run ``pg_ctl`` on this cluster's data directory only (its postmaster.pid).
    As root, the server runs as the ``postgres`` user, as PostgreSQL requires.
    """

    def __init__(self) -> None:
        import glob
        import tempfile

        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
        if not bins:
            raise RuntimeError("no /usr/lib/postgresql/*/bin/pg_ctl: install Debian's postgresql")
        self.bin = Path(bins[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="itp-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            import shutil

            shutil.chown(self.root, "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *cmd: str) -> None:
        import subprocess

        subprocess.run([*self._as_owner, *cmd], check=True, capture_output=True, cwd="/", timeout=60)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://itp@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        # Trust on loopback only, no fsync: a throwaway cluster for one test module.
        initdb = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "itp", "--auth=trust", "-N"]
        self._run(*initdb, "-E", "UTF8", "--locale=C")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c shared_buffers=16MB -c max_connections=60"
        )
        log = str(self.root / "log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    async def create_database(self, name: str) -> str:
        conn = await asyncpg.connect(_raw(self.url()))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)

    def destroy(self) -> None:
        import shutil

        if self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@asynccontextmanager
async def holding_locks(
    database_url: str, statement: str, *args: object
) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    """Run ``statement`` in a transaction kept open on a connection of its own (a ``SELECT ... FOR
    UPDATE`` holds rows, an ``INSERT`` holds a unique key), so that concurrent writers provably
    meet: yields ``waiting(n)``, which returns once ``n`` other sessions of the database wait on a
    lock. Leaving the block rolls the transaction back and lets them all go at once."""
    conn = await asyncpg.connect(_raw(database_url))
    try:
        tx = conn.transaction()
        await tx.start()
        await conn.execute(statement, *args)

        async def waiting(n: int) -> None:
            async def enough() -> bool:
                # Inside a transaction the statistics views keep their first snapshot: take a new one.
                await conn.execute("SELECT pg_stat_clear_snapshot()")
                count = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                return int(count) >= n

            await wait_for(enough, timeout_s=15, interval_s=0.02, what=f"{n} writers to wait on the lock")

        try:
            yield waiting
        finally:
            await tx.rollback()
    finally:
        await conn.close()
