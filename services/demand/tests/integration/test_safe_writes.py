"""Safe writes against the real database: Idempotency-Key on creates (also under concurrency),
unique credit codes (also under concurrency), and ETag/If-Match so that two operators editing
at once cannot lose an update."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from services.demand.main import definition
from services.demand.tests.integration.helpers import (
    OPERATOR,
    OPERATOR_2,
    DemandApp,
    assert_problem,
    create_demand,
    demand_body,
    demand_count,
    enterprise_body,
    enterprise_count,
    enterprise_user,
    outbox_rows,
    register_enterprise,
    short_types,
)
from shared.testing import holding_locks, service_client

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def enterprise(demand: DemandApp) -> dict[str, Any]:
    return await register_enterprise(demand.client)


async def _post_demand(c: httpx.AsyncClient, body: dict[str, Any], key: str, enterprise_id: str) -> httpx.Response:
    return await c.post(
        "/api/v1/demands", json=body, headers={**enterprise_user(enterprise_id), "Idempotency-Key": key}
    )


# -- Idempotency-Key -------------------------------------------------------------------------


async def test_retried_create_returns_the_first_result(demand: DemandApp) -> None:
    c = demand.client
    ent = await register_enterprise(c)
    body, key = demand_body(ent["id"]), f"create-{uuid.uuid4()}"

    first = await _post_demand(c, body, key, ent["id"])
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    retry = await _post_demand(c, body, key, ent["id"])
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"] == f"/api/v1/demands/{first.json()['id']}"
    assert retry.headers["ETag"] == first.headers["ETag"]

    assert await demand_count(demand.runtime, ent["id"]) == 1
    assert short_types(await outbox_rows(demand.runtime, first.json()["id"])) == ["DemandSubmitted"]


async def test_same_key_with_another_body_is_422_and_creates_nothing(demand: DemandApp) -> None:
    c = demand.client
    ent = await register_enterprise(c)
    key = f"create-{uuid.uuid4()}"
    first = await _post_demand(c, demand_body(ent["id"]), key, ent["id"])
    assert first.status_code == 201
    before = await outbox_rows(demand.runtime)

    other = await _post_demand(c, demand_body(ent["id"], title="另一个不同的需求标题"), key, ent["id"])
    assert_problem(other, 422, "idempotency-key-reused")
    assert await demand_count(demand.runtime, ent["id"]) == 1
    assert await outbox_rows(demand.runtime) == before


async def test_concurrent_first_requests_with_one_key_create_one_demand(demand: DemandApp) -> None:
    c = demand.client
    ent = await register_enterprise(c)
    keys = [f"race-{uuid.uuid4()}" for _ in range(4)]
    bodies = {k: demand_body(ent["id"], title=f"并发幂等测试需求{i}") for i, k in enumerate(keys)}
    attempts = [k for k in keys for _ in range(3)]  # three racing first requests per key
    responses = await asyncio.gather(*(_post_demand(c, bodies[k], k, ent["id"]) for k in attempts))

    by_key: dict[str, list[httpx.Response]] = {}
    for k, r in zip(attempts, responses, strict=True):
        assert r.status_code == 201, r.text
        by_key.setdefault(k, []).append(r)
    for k, rs in by_key.items():
        assert len({r.json()["id"] for r in rs}) == 1, k  # every racer got the one demand
        assert sum("Idempotent-Replayed" not in r.headers for r in rs) == 1, k  # exactly one created it
    assert await demand_count(demand.runtime, ent["id"]) == len(keys)
    for rs in by_key.values():
        assert short_types(await outbox_rows(demand.runtime, rs[0].json()["id"])) == ["DemandSubmitted"]


async def test_idempotent_enterprise_registration(demand: DemandApp) -> None:
    c = demand.client
    body = enterprise_body()
    headers = {**OPERATOR, "Idempotency-Key": f"ent-{uuid.uuid4()}"}
    first = await c.post("/api/v1/enterprises", json=body, headers=headers)
    retry = await c.post("/api/v1/enterprises", json=body, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert await enterprise_count(demand.runtime, body["credit_code"]) == 1
    assert len(await outbox_rows(demand.runtime, first.json()["id"])) == 1


async def test_idempotency_key_too_long_is_400(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    r = await _post_demand(demand.client, demand_body(enterprise["id"]), "k" * 201, enterprise["id"])
    assert_problem(r, 400, "bad-idempotency-key")


# -- unique credit codes --------------------------------------------------------------------------


async def test_duplicate_credit_code_is_409(demand: DemandApp) -> None:
    c = demand.client
    first = await register_enterprise(c)
    before = await outbox_rows(demand.runtime)
    for code in (first["credit_code"], first["credit_code"].lower(), f"  {first['credit_code']} "):
        r = await c.post("/api/v1/enterprises", json=enterprise_body(credit_code=code), headers=OPERATOR)
        body = assert_problem(r, 409, "duplicate-credit-code")
        assert body["existing_id"] == first["id"]
    assert await enterprise_count(demand.runtime, first["credit_code"]) == 1
    assert await outbox_rows(demand.runtime) == before


async def test_concurrent_registrations_of_one_credit_code(demand: DemandApp) -> None:
    c = demand.client
    body = enterprise_body()
    responses = await asyncio.gather(*(c.post("/api/v1/enterprises", json=body, headers=OPERATOR) for _ in range(4)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409], [r.text for r in responses]
    for r in responses:
        if r.status_code == 409:
            assert_problem(r, 409, "duplicate-credit-code")
    assert await enterprise_count(demand.runtime, body["credit_code"]) == 1
    registered = [
        row
        for row in await outbox_rows(demand.runtime)
        if row.event_type.endswith("EnterpriseRegistered.v1") and row.data["credit_code"] == body["credit_code"]
    ]
    assert len(registered) == 1


# -- ETag / If-Match ------------------------------------------------------------------------------


async def test_two_operators_edit_at_once_second_gets_412(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"])
    url = f"/api/v1/demands/{d['id']}"
    tag_1 = (await c.get(url, headers=OPERATOR)).headers["ETag"]
    tag_2 = (await c.get(url, headers=OPERATOR_2)).headers["ETag"]
    assert tag_1 == tag_2 == '"v1"'

    r1 = await c.patch(url, json={"title": "一号操作员修改的标题"}, headers={**OPERATOR, "If-Match": tag_1})
    assert r1.status_code == 200
    assert r1.headers["ETag"] == '"v2"'
    r2 = await c.patch(url, json={"budget": "9900000.00"}, headers={**OPERATOR_2, "If-Match": tag_2})
    assert assert_problem(r2, 412, "precondition-failed")["current_version"] == 2

    now = (await c.get(url, headers=OPERATOR)).json()
    assert (now["title"], now["budget"], now["version"]) == ("一号操作员修改的标题", "2500000.00", 2)
    assert short_types(await outbox_rows(demand.runtime, d["id"])) == ["DemandSubmitted", "DemandUpdated"]

    # The second operator reloads and retries: now both changes are kept.
    r2 = await c.patch(url, json={"budget": "9900000.00"}, headers={**OPERATOR_2, "If-Match": r1.headers["ETag"]})
    assert r2.status_code == 200
    now = (await c.get(url, headers=OPERATOR)).json()
    assert (now["title"], now["budget"], now["version"]) == ("一号操作员修改的标题", "9900000.00", 3)


async def test_concurrent_edits_with_one_etag_keep_exactly_one(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"])
    url = f"/api/v1/demands/{d['id']}"
    changes = [{"title": f"并发修改标题{i}", "budget": f"{i + 1}000000.00"} for i in range(4)]
    responses = await asyncio.gather(
        *(c.patch(url, json=ch, headers={**OPERATOR, "If-Match": '"v1"'}) for ch in changes)
    )
    assert sorted(r.status_code for r in responses) == [200, 412, 412, 412], [r.text for r in responses]
    [winner] = [ch for ch, r in zip(changes, responses, strict=True) if r.status_code == 200]

    now = (await c.get(url, headers=OPERATOR)).json()
    assert (now["title"], now["budget"], now["version"]) == (winner["title"], winner["budget"], 2)
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandSubmitted", "DemandUpdated"]
    assert rows[1].data["changed"] == winner


async def test_transition_with_stale_if_match_is_412(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"])
    url = f"/api/v1/demands/{d['id']}"
    r = await c.patch(url, json={"city": "无锡"}, headers={**OPERATOR, "If-Match": '"v1"'})
    assert r.headers["ETag"] == '"v2"'

    assert_problem(await c.post(f"{url}/publish", headers={**OPERATOR, "If-Match": '"v1"'}), 412, "precondition-failed")
    assert (await c.get(url, headers=OPERATOR)).json()["status"] == "submitted"
    r = await c.post(f"{url}/publish", headers={**OPERATOR, "If-Match": 'W/"v2"'})  # weak form accepted
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"v3"'


@pytest.mark.parametrize("if_match", ['"1"', "garbage", '"version-1"'])
async def test_if_match_that_names_no_version_is_412(
    demand: DemandApp, enterprise: dict[str, Any], if_match: str
) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"])
    r = await c.patch(f"/api/v1/demands/{d['id']}", json={"city": "无锡"}, headers={**OPERATOR, "If-Match": if_match})
    assert_problem(r, 412, "precondition-failed")
    assert (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()["city"] == "苏州"


async def test_patch_validates_like_create(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"])
    url = f"/api/v1/demands/{d['id']}"
    h = {**OPERATOR, "If-Match": '"v1"'}
    assert_problem(await c.patch(url, json={"status": "published"}, headers=h), 422, "validation-error")
    assert_problem(await c.patch(url, json={"trl_target": 2}, headers=h), 422, "validation-error")  # below current 3
    assert_problem(await c.patch(url, json={"budget": "-1.00"}, headers=h), 422, "validation-error")
    assert_problem(await c.patch(url, json={"title": "短"}, headers=h), 422, "validation-error")
    assert_problem(await c.patch(url, json={"fields": ["no.such.field"]}, headers=h), 422, "validation-error")
    after = (await c.get(url, headers=OPERATOR)).json()
    assert after["version"] == 1
    assert short_types(await outbox_rows(demand.runtime, d["id"])) == ["DemandSubmitted"]


@pytest.mark.parametrize("budget", [2500000, 2500000.5])
async def test_a_budget_is_an_exact_decimal_string_never_a_json_number(demand: DemandApp, budget: float) -> None:
    c = demand.client
    ent = await register_enterprise(c)
    r = await c.post("/api/v1/demands", json=demand_body(ent["id"], budget=budget), headers=enterprise_user(ent["id"]))
    assert [e["field"] for e in assert_problem(r, 422, "validation-error")["errors"]] == ["budget"]
    assert await demand_count(demand.runtime, ent["id"]) == 0
    d = await create_demand(c, ent["id"], budget="2500000")
    assert d["budget"] == "2500000.00"
    r = await c.patch(
        f"/api/v1/demands/{d['id']}",
        json={"budget": budget},
        headers={**enterprise_user(ent["id"]), "If-Match": '"v1"'},
    )
    assert [e["field"] for e in assert_problem(r, 422, "validation-error")["errors"]] == ["budget"]
    r = await c.post(
        f"/api/v1/enterprises/{ent['id']}/centers",
        json={"name": "联合创新中心", "established_on": "2025-01-01", "committed_funding": 1000000},
        headers=OPERATOR,
    )
    assert [e["field"] for e in assert_problem(r, 422, "validation-error")["errors"]] == ["committed_funding"]


async def test_two_writers_on_two_replicas_with_one_if_match_give_one_success_and_one_412(demand: DemandApp) -> None:
    """As in production: two replicas over one database, both requests provably in flight together
    (a third session holds the demand's row until both wait on it)."""
    ent = await register_enterprise(demand.client)
    d = await create_demand(demand.client, ent["id"])
    url, db = f"/api/v1/demands/{d['id']}", demand.runtime.database_url
    async with service_client(definition, db) as one, service_client(definition, db) as two:
        async with holding_locks(db, "SELECT id FROM demands WHERE id = $1::uuid FOR UPDATE", d["id"]) as waiting:
            writes = [
                asyncio.create_task(client.patch(url, json={"budget": budget}, headers={**headers, "If-Match": '"v1"'}))
                for client, headers, budget in (
                    (one, enterprise_user(ent["id"]), "3000000.00"),
                    (two, OPERATOR, "4000000.00"),
                )
            ]
            await waiting(2)
        results = await asyncio.gather(*writes)
    assert sorted(r.status_code for r in results) == [200, 412], [r.text for r in results]
    [winner] = [r.json() for r in results if r.status_code == 200]
    now = (await demand.client.get(url, headers=OPERATOR)).json()
    assert (now["budget"], now["version"]) == (winner["budget"], 2)
    assert short_types(await outbox_rows(demand.runtime, d["id"])) == ["DemandSubmitted", "DemandUpdated"]
