"""``/readyz``: the database reachable and migrated to this release's head; never the broker."""

from __future__ import annotations

import asyncio

from services.demand.main import definition
from shared.migrations import upgrade
from shared.testing import create_database, drop_database, migrated_template, service_client, unique


async def test_ready_when_migrated_to_head() -> None:
    name = unique("itp_test_demand_ready")
    url = await create_database(name, template=await migrated_template("demand", definition.migrations))
    try:
        async with service_client(definition, url) as client:
            r = await client.get("/readyz")
        assert r.status_code == 200
        assert r.json()["checks"] == {"database": "ok", "migrations": "ok"}
    finally:
        await drop_database(name)


async def test_an_unmigrated_database_is_not_ready() -> None:
    name = unique("itp_test_demand_unmigrated")
    url = await create_database(name)
    try:
        async with service_client(definition, url) as client:
            r = await client.get("/readyz")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["checks"]["database"] == "ok"
        assert r.json()["checks"]["migrations"].startswith("not migrated")
    finally:
        await drop_database(name)


async def test_a_database_behind_this_release_is_not_ready() -> None:
    name = unique("itp_test_demand_behind")
    url = await create_database(name)
    try:
        await asyncio.to_thread(upgrade, definition.migrations, url, "11e51259e9be")  # the first revision
        async with service_client(definition, url) as client:
            r = await client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["checks"]["migrations"].startswith("behind: at 11e51259e9be")
    finally:
        await drop_database(name)
