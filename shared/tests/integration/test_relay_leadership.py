"""One relay per service leads, with a PostgreSQL session-level advisory lock."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.kafka import KafkaBus
from shared.bus.memory import InMemoryBus
from shared.db import create_engine
from shared.relay import OutboxRelay, advisory_lock_key
from shared.tests.integration import kernel
from shared.tests.integration.harness import TIMEOUT_S, new_aggregate, outbox_rows, until, uow_factory, write_note


@pytest.fixture
async def replica_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """A second engine on the same database, as another replica of the service would have."""
    other = create_engine(engine.url.render_as_string(hide_password=False), pool_size=2)
    yield other
    await other.dispose()


async def _lock_holders(engine: AsyncEngine, service: str) -> list[int]:
    """Backends holding the service's relay lock (a bigint key shows as classid/objid halves)."""
    key = advisory_lock_key(service)
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid = :hi AND objid = :lo AND objsubid = 1"
            ),
            {"hi": key >> 32, "lo": key & 0xFFFFFFFF},
        )
        return [int(r.pid) for r in rows]


async def _release_quietly(*relays: OutboxRelay) -> None:
    for r in relays:
        with contextlib.suppress(Exception):
            await r.release_lead()


async def test_only_one_relay_leads_until_the_leader_releases(
    engine: AsyncEngine, replica_engine: AsyncEngine, bus: KafkaBus
) -> None:
    service = f"kernel-{uuid.uuid4()}"
    a = OutboxRelay(engine, kernel.outbox, bus, service=service)
    b = OutboxRelay(replica_engine, kernel.outbox, bus, service=service)
    try:
        assert await a.try_lead() is True
        assert await b.try_lead() is False
        assert await b.try_lead() is False  # still not, however often it asks
        assert await a.try_lead() is True  # the leader keeps the lead
        assert len(await _lock_holders(engine, service)) == 1

        # The lock is per service: another service's relay on the same database leads too.
        other = OutboxRelay(replica_engine, kernel.outbox, bus, service=f"{service}-other")
        assert await other.try_lead() is True
        await other.release_lead()

        await a.release_lead()
        assert await _lock_holders(engine, service) == []
        assert await b.try_lead() is True
        assert await a.try_lead() is False
        assert len(await _lock_holders(engine, service)) == 1
        await b.release_lead()
        assert await a.try_lead() is True
    finally:
        await _release_quietly(a, b)


async def test_leader_whose_lock_session_died_gives_up_the_lead(
    engine: AsyncEngine, replica_engine: AsyncEngine, bus: KafkaBus
) -> None:
    """A dropped session frees the lock for a replica: the old leader must notice, or two relays
    would publish side by side and one aggregate's events could leave out of order."""
    service = f"kernel-{uuid.uuid4()}"
    a = OutboxRelay(engine, kernel.outbox, bus, service=service)
    b = OutboxRelay(replica_engine, kernel.outbox, bus, service=service)
    try:
        assert await a.try_lead() is True
        (pid,) = await _lock_holders(engine, service)
        async with replica_engine.connect() as conn:
            await conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await until(b.try_lead, "the replica to take the freed lock")
        assert await a.try_lead() is False
        assert len(await _lock_holders(engine, service)) == 1

        # Once the lock is free again, the old leader leads again, on a new session.
        await b.release_lead()
        assert await a.try_lead() is True
        assert (await _lock_holders(engine, service)) not in ([], [pid])
    finally:
        await _release_quietly(a, b)


async def test_only_the_leader_publishes_when_two_relays_run(
    engine: AsyncEngine, replica_engine: AsyncEngine, bus: KafkaBus
) -> None:
    service = f"kernel-{uuid.uuid4()}"
    agg = new_aggregate("led")
    a = OutboxRelay(engine, kernel.outbox, bus, service=service)
    b = OutboxRelay(replica_engine, kernel.outbox, bus, service=service)
    assert await a.try_lead() is True  # a leads from the start, b runs as a stand-by
    tasks = [asyncio.create_task(r.run()) for r in (a, b)]
    try:
        uowf = uow_factory(engine, a.signal)
        for seq in range(1, 21):
            await write_note(uowf, agg, seq)

        async def all_published() -> bool:
            return all(r.published_at is not None for r in await outbox_rows(engine, agg))

        await until(all_published, "the outbox to be published")
        assert (a.published_total, b.published_total) == (20, 0)
    finally:
        for r in (a, b):
            r.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT_S)
    # A stopped relay lets go of the lock.
    assert await _lock_holders(engine, service) == []


async def test_embedded_relay_always_leads(sqlite_engine: AsyncEngine, memory_bus: InMemoryBus) -> None:
    """SQLite means one process: no lock to take, every relay is the leader."""
    a = OutboxRelay(sqlite_engine, kernel.outbox, memory_bus, service="embedded")
    b = OutboxRelay(sqlite_engine, kernel.outbox, memory_bus, service="embedded")
    assert (await a.try_lead(), await b.try_lead()) == (True, True)
