"""The gateway's credential store (ADR 0005): its migration, the keys' rules, the cache."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from services.gateway.credentials import ApiKeyStore, describe
from services.gateway.tables import MIGRATIONS, metadata
from shared.db import create_engine
from shared.migrations import upgrade
from shared.problems import Problem
from shared.testing import wait_for

ENTERPRISE = "97b2be68-7a8e-4a0e-a59f-2162048fd530"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path}/gateway.db"
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    engine = create_engine(url)
    yield engine
    await engine.dispose()


async def test_the_migration_builds_the_tables_the_code_declares(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    assert diff == []


async def test_a_key_must_be_one_the_services_accept(engine: AsyncEngine) -> None:
    store = ApiKeyStore(engine)
    for roles, claims, message in [
        (["superuser"], {}, "unknown roles"),
        ([], {}, "unknown roles"),
        (["enterprise_user"], {}, "needs --enterprise-id"),
        (["carrier_user"], {}, "needs --carrier-id"),
        (["enterprise_user"], {"enterprise_id": "acme"}, "must be a UUID"),
    ]:
        with pytest.raises(ValueError, match=message):
            await store.create(subject="portal", roles=roles, **claims)
    assert await store.list() == []


async def test_verify_and_revoke(engine: AsyncEngine) -> None:
    store = ApiKeyStore(engine)
    key = await store.create(subject="portal", roles=["enterprise_user"], enterprise_id=ENTERPRISE)
    prefix, key_id, secret = key.split("_", 2)
    assert prefix == "itpk" and len(secret) >= 40
    found = await store.verify(key)
    assert (found.key_id, found.roles, found.enterprise_id) == (key_id, ["enterprise_user"], ENTERPRISE)
    for wrong in (f"itpk_{key_id}_{secret[:-1]}x", f"itpk_{key_id}", "itpk__", "nope", f"xxxx_{key_id}_{secret}"):
        with pytest.raises(Problem) as exc:
            await store.verify(wrong)
        assert (exc.value.status, exc.value.slug) == (401, "invalid-api-key")
    assert await store.revoke(key_id) and not await store.revoke("unknown")
    with pytest.raises(Problem) as exc:
        await store.verify(key)
    assert exc.value.slug == "revoked-api-key"
    (shown,) = [describe(k) for k in await store.list()]
    assert shown["revoked"] is True and "key_hash" not in shown and secret not in str(shown)


async def test_another_replica_sees_a_revocation_within_its_cache_time(engine: AsyncEngine) -> None:
    writer, replica = ApiKeyStore(engine), ApiKeyStore(engine, cache_s=0.3)
    key = await writer.create(subject="portal", roles=["operator"])
    await replica.verify(key)  # cached as valid
    assert await writer.revoke(key.split("_")[1])
    await replica.verify(key)  # still within its cache time: accepted

    async def refused() -> bool:
        try:
            await replica.verify(key)
        except Problem as exc:
            return exc.slug == "revoked-api-key"
        return False

    await wait_for(refused, timeout_s=2, interval_s=0.05, what="the replica refusing the revoked key")
