"""Idempotency-Key on the matching service's creates: the key is the caller's own and is read only
after the permission check, and a retry sent while the original is in flight waits for it (the
curation decision that answered ``409 decided meanwhile`` to its own retry)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import sqlalchemy as sa

from services.matching import tables
from services.matching.tests.integration.support import (
    PM,
    STAFF,
    Matching,
    carrier_user,
    enterprise_user,
    matching_service,
)
from services.matching.tests.integration.test_curation_and_assignment import _setup
from shared.testing import auth_headers, retry_while_held

CONFLICTS = "/api/v1/matches/conflicts-of-interest"
DASHBOARD = auth_headers("dashboard_viewer", subject="dash")
FreshDb = Callable[[str], Awaitable[str]]


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def conflict_body() -> dict[str, Any]:
    return {"enterprise_id": str(uuid.uuid4()), "carrier_id": str(uuid.uuid4()), "reason": "同一集团下属单位"}


async def count(m: Matching, table: sa.Table, **where: Any) -> int:
    async with m.engine.connect() as conn:
        q = sa.select(sa.func.count()).select_from(table).where(*(table.c[k] == v for k, v in where.items()))
        return int((await conn.execute(q)).scalar_one())


async def test_another_caller_replaying_a_conflict_key_gets_what_it_would_get_without_it(fresh_db: FreshDb) -> None:
    async with matching_service(await fresh_db("matching"), background=False) as m:
        body = conflict_body()
        first = await m.client.post(CONFLICTS, json=body, headers=keyed(STAFF, "coi-1"))
        assert first.status_code == 201, first.text
        for headers in (carrier_user(body["carrier_id"]), enterprise_user(body["enterprise_id"]), DASHBOARD):
            r = await m.client.post(CONFLICTS, json=body, headers=keyed(headers, "coi-1"))
            assert r.status_code == 403 and first.json()["id"] not in r.text, r.text
        # Another curator gets the answer of its own create: the conflict is already configured.
        r = await m.client.post(CONFLICTS, json=body, headers=keyed(PM, "coi-1"))
        assert r.status_code == 409 and "idempotent-replayed" not in r.headers, r.text
        again = await m.client.post(CONFLICTS, json=body, headers=keyed(STAFF, "coi-1"))
        assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()


async def test_when_the_original_conflict_fails_the_retry_creates_it(fresh_db: FreshDb) -> None:
    async with matching_service(await fresh_db("matching"), background=False) as m:
        body = conflict_body()
        first, second = await retry_while_held(
            m.database_url,
            lambda: m.client.post(CONFLICTS, json=body, headers=keyed(STAFF, "coi-2")),
            original_fails=True,
        )
        assert not (isinstance(first, httpx.Response) and first.status_code < 500), first
        assert second.status_code == 201 and "idempotent-replayed" not in second.headers, second.text
        assert await count(m, tables.conflicts_of_interest, enterprise_id=uuid.UUID(body["enterprise_id"])) == 1


async def test_a_retried_decision_sent_while_the_original_is_in_flight_gets_the_original(fresh_db: FreshDb) -> None:
    async with matching_service(await fresh_db("matching")) as m:
        demand, ranked = await _setup(m)
        body = {"demand_id": str(demand.demand_id), "carrier_id": ranked[0], "decision": "accepted"}
        first, second = await retry_while_held(
            m.database_url, lambda: m.client.post("/api/v1/matches", json=body, headers=keyed(PM, "acc-1"))
        )
        assert isinstance(first, httpx.Response) and first.status_code == 201, first
        assert second.status_code == 201 and second.headers["idempotent-replayed"] == "true", second.text
        assert second.json() == first.json()
        assert await count(m, tables.match_decisions, demand_id=demand.demand_id) == 1
