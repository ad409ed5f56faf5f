"""Idempotency-Key on the demand service's creates: the key is the caller's own and is read only
after the permission check, and a retry sent while the original is in flight waits for it."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa

from services.demand.tables import demands
from services.demand.tests.integration.helpers import (
    DASHBOARD,
    OPERATOR,
    DemandApp,
    carrier_user,
    demand_body,
    enterprise_user,
    register_enterprise,
)
from shared.testing import auth_headers, retry_while_held


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def database_url(demand: DemandApp) -> str:
    return str(demand.runtime.engine.url.render_as_string(hide_password=False))


async def demands_of(demand: DemandApp, enterprise_id: str) -> int:
    async with demand.runtime.engine.connect() as conn:
        q = sa.select(sa.func.count()).where(demands.c.enterprise_id == uuid.UUID(enterprise_id))
        return int((await conn.execute(q)).scalar_one())


async def test_another_caller_replaying_a_demand_key_gets_what_it_would_get_without_it(demand: DemandApp) -> None:
    ent = (await register_enterprise(demand.client))["id"]
    body = demand_body(ent, title="保密的电解质配方开发")
    first = await demand.client.post("/api/v1/demands", json=body, headers=keyed(enterprise_user(ent), "d-1"))
    assert first.status_code == 201, first.text
    other = str(uuid.uuid4())
    same_subject_other_enterprise = auth_headers("enterprise_user", subject=f"ent-user-{ent}", enterprise_id=other)
    for headers in (enterprise_user(other), same_subject_other_enterprise, carrier_user(uuid.uuid4()), DASHBOARD):
        r = await demand.client.post("/api/v1/demands", json=body, headers=keyed(headers, "d-1"))
        assert r.status_code == 403, r.text
        assert first.json()["id"] not in r.text and "idempotent-replayed" not in r.headers
    # An operator may create for the enterprise: it gets a demand of its own, not the stored one.
    r = await demand.client.post("/api/v1/demands", json=body, headers=keyed(OPERATOR, "d-1"))
    assert r.status_code == 201 and "idempotent-replayed" not in r.headers and r.json()["id"] != first.json()["id"]
    again = await demand.client.post("/api/v1/demands", json=body, headers=keyed(enterprise_user(ent), "d-1"))
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await demands_of(demand, ent) == 2


async def test_a_retried_demand_sent_while_the_original_is_in_flight_gets_the_original(demand: DemandApp) -> None:
    ent = (await register_enterprise(demand.client))["id"]
    body = demand_body(ent)
    first, second = await retry_while_held(
        database_url(demand),
        lambda: demand.client.post("/api/v1/demands", json=body, headers=keyed(enterprise_user(ent), "d-2")),
    )
    assert isinstance(first, httpx.Response) and first.status_code == 201, first
    assert second.status_code == 201 and second.headers["idempotent-replayed"] == "true", second.text
    assert second.json() == first.json()
    assert await demands_of(demand, ent) == 1


async def test_when_the_original_demand_fails_the_retry_creates_it(demand: DemandApp) -> None:
    ent = (await register_enterprise(demand.client))["id"]
    body = demand_body(ent)
    first, second = await retry_while_held(
        database_url(demand),
        lambda: demand.client.post("/api/v1/demands", json=body, headers=keyed(enterprise_user(ent), "d-3")),
        original_fails=True,
    )
    assert not (isinstance(first, httpx.Response) and first.status_code < 500), first
    assert second.status_code == 201 and "idempotent-replayed" not in second.headers, second.text
    assert await demands_of(demand, ent) == 1
