"""A unit of work dated in the past (the history import) dates what it records and the
CloudEvents ``time`` of its events; otherwise both are now."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from shared.events.demand import DemandWithdrawn
from shared.outbox import OutboxSignal, UnitOfWork, UnitOfWorkFactory, outbox_table

OUTBOX = outbox_table(sa.MetaData())


def _times(uow: UnitOfWork) -> list[str]:
    uow.events_rows()
    return [orjson.loads(row["payload"])["time"] for ins in uow.inserts for row in ins.rows]


def _withdrawn(at: datetime) -> DemandWithdrawn:
    return DemandWithdrawn(demand_id=uuid.uuid4(), reason="预算取消", withdrawn_at=at)


def test_each_batch_of_events_carries_the_time_its_step_happened() -> None:
    uow = UnitOfWork(cast(AsyncConnection, None), "/itp/demand", OUTBOX)
    first = datetime(2019, 5, 6, 1, 30, tzinfo=UTC)
    uow.occurred_at = first
    assert uow.now() == first
    uow.emit(_withdrawn(uow.now()))
    uow.events_rows()  # the first step's events are bound to its time
    uow.occurred_at = first + timedelta(days=4)
    uow.emit(_withdrawn(uow.now()))
    assert _times(uow) == ["2019-05-06T01:30:00Z", "2019-05-10T01:30:00Z"]


def test_without_a_date_it_is_now() -> None:
    uow = UnitOfWork(cast(AsyncConnection, None), "/itp/demand", OUTBOX)
    before = datetime.now(UTC)
    uow.emit(_withdrawn(uow.now()))
    (stamp,) = _times(uow)
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) >= before


async def test_the_date_must_carry_a_time_zone_and_is_kept_in_utc() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    factory = UnitOfWorkFactory(engine, OUTBOX, source="/test", signal=OutboxSignal())
    with pytest.raises(ValueError, match="time zone"):
        async with factory(occurred_at=datetime(2019, 1, 1)):
            pass
    china = timezone(timedelta(hours=8))
    async with factory(occurred_at=datetime(2019, 1, 1, 8, tzinfo=china)) as uow:
        seen: Any = uow.now()
    assert seen == datetime(2019, 1, 1, tzinfo=UTC) and seen.tzinfo is UTC
    await engine.dispose()
