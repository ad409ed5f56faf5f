from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from services.contracts.tests.integration.harness import Service, running_service


@pytest.fixture
async def svc(fresh_db: Callable[[str], Awaitable[str]]) -> AsyncIterator[Service]:
    """The contracts service on a fresh, migrated PostgreSQL database and the real Kafka broker."""
    async with running_service(await fresh_db("contracts")) as service:
        yield service
