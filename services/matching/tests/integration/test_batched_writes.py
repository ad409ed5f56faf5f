"""A rebuild's batch writes the status moves and contract records of its events with one statement
per table (``merge_status``/``move_statuses``, ``merge_contract``/``upsert_contracts``): the rows
must be those the events leave applied one by one (``set_demand_status``, ``record_contract``), in
any delivery order, on PostgreSQL and on SQLite (the embedded mode)."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.matching import tables
from services.matching.main import definition
from services.matching.repository import MatchingRepository, merge_contract, merge_status
from shared.db import create_engine
from shared.migrations import upgrade

FreshDb = Callable[[str], Awaitable[str]]
AT = datetime(2026, 3, 1, tzinfo=UTC)
ENTERPRISE, CARRIER = uuid.uuid4(), uuid.uuid4()


@pytest.fixture(params=["postgresql", "sqlite"])
async def engines(
    request: pytest.FixtureRequest, fresh_db: FreshDb, tmp_path: Path
) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two empty databases of one kind: one for the events one by one, one for the batch."""
    urls = []
    for name in ("one_by_one", "batch"):
        if request.param == "postgresql":
            urls.append(await fresh_db("matching"))
        else:
            url = f"sqlite+aiosqlite:///{tmp_path}/{name}.db"
            await asyncio.to_thread(upgrade, definition.migrations, url)
            urls.append(url)
    one, batch = create_engine(urls[0], pool_size=2), create_engine(urls[1], pool_size=2)
    yield one, batch
    await one.dispose()
    await batch.dispose()


def demand(demand_id: uuid.UUID) -> dict[str, Any]:
    return {
        "demand_id": demand_id,
        "enterprise_id": ENTERPRISE,
        "title": "固态电池",
        "description": "",
        "fields": [],
        "keywords": [],
        "demand_type": "joint_rnd",
        "status": "published",
        "published_at": AT,
        "updated_at": AT,
    }


def contract(contract_id: uuid.UUID, demand_id: uuid.UUID | None, status: str, value: str, day: int) -> dict[str, Any]:
    """As ``ReadModel.contract_changed`` records each kind of contract event."""
    return {
        "contract_id": contract_id,
        "demand_id": demand_id,
        "enterprise_id": ENTERPRISE,
        "carrier_id": CARRIER,
        "status": status,
        "value": Decimal(value),
        "signed_at": AT + timedelta(days=day) if status == "signed" else None,
        "completed_at": AT + timedelta(days=day) if status == "completed" else None,
    }


async def rows(engine: AsyncEngine) -> dict[str, list[tuple[str, ...]]]:
    out = {}
    async with engine.connect() as conn:
        for table, key, cols in (
            (tables.demand_profiles, "demand_id", ("status",)),
            (tables.contract_records, "contract_id", ("demand_id", "status", "value", "signed_at", "completed_at")),
        ):
            result = await conn.execute(sa.select(table).order_by(table.c[key]))
            out[table.name] = [tuple(str(getattr(r, c)) for c in (key, *cols)) for r in result]
    return out


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
async def test_a_batch_writes_the_rows_its_events_write_one_by_one(
    engines: tuple[AsyncEngine, AsyncEngine], seed: int | None
) -> None:
    demands = [uuid.uuid4() for _ in range(4)]
    c1, c2, c3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    moves: list[tuple[uuid.UUID, str]] = [
        (demands[0], "matched"),
        (demands[0], "contracted"),
        (demands[1], "withdrawn"),
        (demands[1], "expired"),  # the same rank: the first one stays
        (demands[2], "in_negotiation"),
        (demands[2], "matched"),  # backwards: ignored
        (uuid.uuid4(), "closed"),  # a demand not known here
    ]
    contracts = [
        contract(c1, demands[0], "signed", "100.00", 1),
        contract(c1, demands[0], "completed", "120.00", 9),
        contract(c2, demands[2], "signed", "50.00", 2),
        contract(c2, demands[2], "terminated", "0", 3),
        contract(c2, demands[2], "completed", "50.00", 4),  # after the termination: ignored
        contract(c3, None, "completed", "70.00", 5),  # its signing arrives after it
        contract(c3, None, "signed", "70.00", 1),
    ]
    if seed is not None:
        random.Random(seed).shuffle(moves)
        random.Random(seed).shuffle(contracts)
    one, batch = engines
    for engine in engines:
        async with engine.begin() as conn:
            await MatchingRepository(conn).upsert_demands([demand(d) for d in demands], AT)

    async with one.begin() as conn:
        repo = MatchingRepository(conn)
        for demand_id, status in moves:
            await repo.set_demand_status(demand_id, status, AT)
        for values in contracts:
            await repo.record_contract(values)

    # Already stored: a batch meets rows the previous batch wrote.
    statuses: dict[uuid.UUID, str] = {}
    merged: dict[uuid.UUID, dict[str, Any]] = {}
    for demand_id, status in moves[:3]:
        statuses[demand_id] = merge_status(statuses.get(demand_id), status)
    for values in contracts[:3]:
        merged[values["contract_id"]] = merge_contract(merged.get(values["contract_id"]), values)
    async with batch.begin() as conn:
        await MatchingRepository(conn).move_statuses(statuses, AT)
        await MatchingRepository(conn).upsert_contracts(list(merged.values()))
    statuses, merged = {}, {}
    for demand_id, status in moves[3:]:
        statuses[demand_id] = merge_status(statuses.get(demand_id), status)
    for values in contracts[3:]:
        merged[values["contract_id"]] = merge_contract(merged.get(values["contract_id"]), values)
    async with batch.begin() as conn:
        await MatchingRepository(conn).move_statuses(statuses, AT)
        await MatchingRepository(conn).upsert_contracts(list(merged.values()))

    expected = await rows(one)
    assert len(expected["contract_records"]) == 3
    assert await rows(batch) == expected
