"""The dashboard's migrations: months recomputed in the institute's time zone (issue 20: the
dashboard said UTC, the contracts China time, and they disagreed for eight hours a month)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from services.dashboard.main import definition
from services.dashboard.tables import contracts, demands, payments
from shared.migrations import upgrade

pytestmark = pytest.mark.integration

BEFORE_MONTHS = "2f97da4a45f4"  # UTC months


async def test_the_migration_moves_months_to_the_institutes_time_zone(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/dashboard.db"
    await asyncio.to_thread(upgrade, definition.migrations, url, BEFORE_MONTHS)
    late_march = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 1 April, 00:30 in Jiangsu
    mid_march = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)
    d1, d2, c1, p1 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for ident, at in ((d1, late_march), (d2, mid_march)):
                await conn.execute(
                    sa.text(
                        "INSERT INTO dashboard_demands (id, confidential, submitted_at, submitted_month) "
                        "VALUES (:id, 0, :at, '2026-03')"
                    ),
                    {"id": ident.hex, "at": at.replace(tzinfo=None).isoformat(sep=" ")},
                )
            await conn.execute(
                sa.text("INSERT INTO dashboard_contracts (id, signed_at, signed_month) VALUES (:id, :at, '2026-03')"),
                {"id": c1.hex, "at": late_march.replace(tzinfo=None).isoformat(sep=" ")},
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO dashboard_payments (id, contract_id, amount, recorded_at, month) "
                    "VALUES (:id, :c, 10, :at, '2026-03')"
                ),
                {"id": p1.hex, "c": c1.hex, "at": late_march.replace(tzinfo=None).isoformat(sep=" ")},
            )
        await asyncio.to_thread(upgrade, definition.migrations, url)
        async with engine.connect() as conn:
            months = dict((await conn.execute(sa.select(demands.c.id, demands.c.submitted_month))).all())
            signed = (await conn.execute(sa.select(contracts.c.signed_month))).scalar_one()
            paid = (await conn.execute(sa.select(payments.c.month))).scalar_one()
    finally:
        await engine.dispose()
    assert months == {d1: "2026-04", d2: "2026-03"}
    assert signed == "2026-04" and paid == "2026-04"
