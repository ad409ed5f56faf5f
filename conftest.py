"""Fixtures shared by every test directory.

Integration and end-to-end tests are marked; ``deploy/local/up.sh`` (called by
``./dev test``) starts the real PostgreSQL and Kafka they use. Each test that needs a
service database gets a fresh one cloned from a template migrated once per session.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from hypothesis import HealthCheck, settings

from itp.services import migrations_dir
from shared.testing import create_database, drop_database, drop_templates, migrated_template, pg_dsn, unique

# Many tests send bad credentials on purpose, all from 127.0.0.1 and often to one app: the
# failed-authentication throttle (shared/limits.py) is tested with its own low limits
# (shared/tests/unit/test_limits.py, tests/e2e/test_door_limits.py) and kept out of the way elsewhere.
os.environ.setdefault("ITP_AUTH_FAILURE_BURST", "100000")

# Property tests explore the same examples on every run (derandomize: a red CI is a regression,
# never a lucky draw) and are not timed: a loaded CI machine generates inputs slowly, which says
# nothing about the code under test.
settings.register_profile(
    "itp", derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("ITP_HYPOTHESIS_PROFILE", "itp"))


@pytest.fixture(scope="session")
async def _drop_templates() -> AsyncIterator[None]:
    yield
    await drop_templates()


FreshDb = Callable[[str], Awaitable[str]]


@pytest.fixture
async def fresh_db(_drop_templates: None) -> AsyncIterator[FreshDb]:
    """``await fresh_db("demand")`` -> URL of a new, migrated database for that service."""
    created: list[str] = []

    async def make(service: str) -> str:
        name = unique(f"itp_test_{service}")
        url = await create_database(name, template=await migrated_template(service, migrations_dir(service)))
        created.append(name)
        return url

    yield make
    for name in created:
        await drop_database(name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests under an integration/ or e2e/ folder are marked as such automatically.
    for item in items:
        path = str(item.path)
        if "/integration/" in path:
            item.add_marker(pytest.mark.integration)
        if "/e2e/" in path or "/faults/" in path:
            item.add_marker(pytest.mark.e2e)
    if os.environ.get("ITP_SKIP_INFRA") == "1":
        skip = pytest.mark.skip(reason="ITP_SKIP_INFRA=1: no PostgreSQL/Kafka here")
        for item in items:
            if "integration" in item.keywords or "e2e" in item.keywords:
                item.add_marker(skip)


__all__ = ["FreshDb", "pg_dsn"]
