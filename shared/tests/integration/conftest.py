from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.kafka import KafkaBus
from shared.db import create_engine
from shared.events.topics import dlq
from shared.testing import create_database, drop_database, kafka_bootstrap, unique
from shared.tests.integration import kernel


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    """A fresh PostgreSQL database with the kernel test tables."""
    name = unique("itp_kernel")
    url = await create_database(name)
    eng = create_engine(url, pool_size=4)
    async with eng.begin() as conn:
        await conn.run_sync(kernel.metadata.create_all)
    yield eng
    await eng.dispose()
    await drop_database(name)


@pytest.fixture
async def bus() -> AsyncIterator[KafkaBus]:
    b = KafkaBus(kafka_bootstrap(), client_id="itp-kernel-test")
    await b.start()
    await b.ensure_topics([kernel.TOPIC, dlq(kernel.TOPIC)], 3)
    yield b
    await b.stop()
