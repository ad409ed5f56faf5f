"""The relay sleeps until there is work: a commit wakes it, in its process or (PostgreSQL) another."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from functools import partial

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.kafka import KafkaBus
from shared.bus.memory import InMemoryBus
from shared.db import create_engine
from shared.relay import OutboxRelay, wake_relay
from shared.tests.integration import kernel
from shared.tests.integration.harness import TIMEOUT_S, new_aggregate, outbox_rows, until, uow_factory, write_note

NO_POLL_S = 600.0  # far longer than the test: only a notification can wake the relay


@pytest.fixture
async def replica_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """A second engine on the same database, as another process would have."""
    other = create_engine(engine.url.render_as_string(hide_password=False), pool_size=2)
    yield other
    await other.dispose()


async def _published(engine: AsyncEngine, agg: str, n: int) -> bool:
    rows = await outbox_rows(engine, agg)
    return len(rows) == n and all(r.published_at is not None for r in rows)


async def test_a_commit_of_a_replica_wakes_the_leading_relay(
    engine: AsyncEngine, replica_engine: AsyncEngine, bus: KafkaBus
) -> None:
    """A replica's rows reach the broker at once: its stand-by relay passes its commits on to the
    leader (NOTIFY), whose own in-process signal never fires."""
    service = f"kernel-{uuid.uuid4()}"
    leader = OutboxRelay(engine, kernel.outbox, bus, service=service, poll_interval_s=NO_POLL_S)
    assert await leader.try_lead()
    standby = OutboxRelay(replica_engine, kernel.outbox, bus, service=service, poll_interval_s=NO_POLL_S)
    tasks = [asyncio.create_task(r.run()) for r in (leader, standby)]
    try:
        replica = uow_factory(replica_engine, standby.signal)
        agg = new_aggregate("notified")
        for round_ in range(1, 4):  # from the second on, the leader was asleep when the write came
            await write_note(replica, agg, round_)
            await until(partial(_published, engine, agg, round_), f"write {round_} to be published")
        assert (leader.published_total, standby.published_total) == (3, 0)
    finally:
        for r in (leader, standby):
            r.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT_S)


async def test_a_one_off_writer_wakes_the_leading_relay(
    engine: AsyncEngine, replica_engine: AsyncEngine, bus: KafkaBus
) -> None:
    """A job or an import (no relay of its own) wakes the service's relay when it is done."""
    relay = OutboxRelay(engine, kernel.outbox, bus, service=f"kernel-{uuid.uuid4()}", poll_interval_s=NO_POLL_S)
    task = asyncio.create_task(relay.run())
    try:
        job = uow_factory(replica_engine)
        agg = new_aggregate("job")
        for round_ in range(1, 3):
            await write_note(job, agg, round_)
            await wake_relay(replica_engine)
            await until(partial(_published, engine, agg, round_), f"write {round_} to be published")
    finally:
        relay.stop()
        await asyncio.wait_for(task, TIMEOUT_S)


async def test_rows_written_while_no_relay_listened_go_out_when_one_leads(engine: AsyncEngine, bus: KafkaBus) -> None:
    agg = new_aggregate("before")
    await write_note(uow_factory(engine), agg, 1)  # no relay listens yet
    relay = OutboxRelay(engine, kernel.outbox, bus, service=f"kernel-{uuid.uuid4()}", poll_interval_s=NO_POLL_S)
    task = asyncio.create_task(relay.run())
    try:
        await until(lambda: _published(engine, agg, 1), "the row written before the start to be published")
    finally:
        relay.stop()
        await asyncio.wait_for(task, TIMEOUT_S)


async def test_the_embedded_relay_is_woken_by_its_process_commits(
    sqlite_engine: AsyncEngine, memory_bus: InMemoryBus
) -> None:
    relay = OutboxRelay(sqlite_engine, kernel.outbox, memory_bus, service="embedded", poll_interval_s=NO_POLL_S)
    task = asyncio.create_task(relay.run())
    try:
        uowf = uow_factory(sqlite_engine, relay.signal)
        agg = new_aggregate("embedded")
        for seq in range(1, 4):
            await write_note(uowf, agg, seq)
            await until(partial(_published, sqlite_engine, agg, seq), f"write {seq} to be published")
    finally:
        relay.stop()
        await asyncio.wait_for(task, TIMEOUT_S)
