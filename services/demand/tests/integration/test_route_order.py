"""Every route is FastAPI's: the first declared route that matches answers, so a fixed path added
beside ``/demands/{demand_id}`` is reached (a pattern matched before FastAPI once took it)."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi import APIRouter

from services.demand.main import definition
from shared.testing import auth_headers, create_database, drop_database, migrated_template, service_client, unique

pytestmark = pytest.mark.integration


async def test_a_fixed_path_declared_first_answers_before_the_demand_id_pattern() -> None:
    extra = APIRouter(prefix="/api/v1")

    @extra.get("/demands/stats")
    async def stats() -> dict[str, str]:
        return {"route": "stats"}

    with_stats = dataclasses.replace(definition, routers=[extra, *definition.routers])
    name = unique("itp_test_demand_order")
    url = await create_database(name, template=await migrated_template("demand", definition.migrations))
    try:
        async with service_client(with_stats, url) as client:
            r = await client.get("/api/v1/demands/stats", headers=auth_headers("admin"))
            assert (r.status_code, r.json()) == (200, {"route": "stats"})
            r = await client.get("/api/v1/demands/not-a-uuid", headers=auth_headers("admin"))
            assert r.status_code == 422  # the demand route still validates its own path
    finally:
        await drop_database(name)
