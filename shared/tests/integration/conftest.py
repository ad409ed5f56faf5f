from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.kafka import KafkaBus
from shared.bus.memory import InMemoryBus
from shared.db import create_engine
from shared.events.topics import dlq
from shared.testing import create_database, drop_database, kafka_bootstrap, unique
from shared.tests.integration import kernel
from shared.tests.integration.harness import Stack


@pytest.fixture(scope="session")
async def _dropping() -> AsyncIterator[list[asyncio.Task[None]]]:
    """Databases being dropped. DROP DATABASE forces a checkpoint (slow with fsync on), so
    tests do not wait for it; the session waits for all of them at the end."""
    tasks: list[asyncio.Task[None]] = []
    yield tasks
    await asyncio.gather(*tasks)


@pytest.fixture
async def engine(_dropping: list[asyncio.Task[None]]) -> AsyncIterator[AsyncEngine]:
    """A fresh PostgreSQL database with the kernel test tables."""
    name = unique("itp_kernel")
    url = await create_database(name)
    eng = create_engine(url, pool_size=4)
    async with eng.begin() as conn:
        await conn.run_sync(kernel.metadata.create_all)
    yield eng
    await eng.dispose()
    _dropping.append(asyncio.create_task(drop_database(name)))


@pytest.fixture
async def bus() -> AsyncIterator[KafkaBus]:
    b = KafkaBus(kafka_bootstrap(), client_id="itp-kernel-test")
    await b.start()
    await b.ensure_topics([kernel.TOPIC, dlq(kernel.TOPIC)], 3)
    yield b
    await b.stop()


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """The embedded mode's database: a SQLite file with the kernel test tables."""
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path}/k.db")
    async with eng.begin() as conn:
        await conn.run_sync(kernel.metadata.create_all)
    yield eng
    await eng.dispose()


@pytest.fixture
async def memory_bus() -> AsyncIterator[InMemoryBus]:
    b = InMemoryBus()
    await b.start()
    await b.ensure_topics([kernel.TOPIC, dlq(kernel.TOPIC)], 3)
    yield b
    await b.stop()


@pytest.fixture(params=["pg-kafka", "sqlite-memory"])
def stack(request: pytest.FixtureRequest) -> Stack:
    """Both ways the kernel runs: PostgreSQL + Kafka, and the embedded SQLite + in-memory bus."""
    if request.param == "pg-kafka":
        return Stack(request.param, request.getfixturevalue("engine"), request.getfixturevalue("bus"))
    return Stack(request.param, request.getfixturevalue("sqlite_engine"), request.getfixturevalue("memory_bus"))
