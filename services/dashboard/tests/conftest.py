"""Fixtures of the dashboard's tests: a fresh migrated database per test (cloned from a template)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.dashboard.main import definition
from services.dashboard.tests.support import dashboard_database
from shared.db import create_engine
from shared.migrations import upgrade
from shared.testing import drop_database


@pytest.fixture
async def dashboard_db(_drop_templates: None) -> AsyncIterator[str]:
    """URL of a new dashboard database, migrated to head."""
    name, url = await dashboard_database()
    yield url
    await drop_database(name)


@pytest.fixture
async def pg_engine(dashboard_db: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(dashboard_db, pool_size=4)
    yield eng
    await eng.dispose()


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """The embedded mode's database: a SQLite file migrated with the dashboard's Alembic tree."""
    url = f"sqlite+aiosqlite:///{tmp_path}/dashboard.db"
    await asyncio.to_thread(upgrade, definition.migrations, url)
    eng = create_engine(url)
    yield eng
    await eng.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """Both databases the dashboard runs on: PostgreSQL, and SQLite in the embedded mode."""
    fixture = "pg_engine" if request.param == "postgresql" else "sqlite_engine"
    eng: AsyncEngine = request.getfixturevalue(fixture)
    return eng
