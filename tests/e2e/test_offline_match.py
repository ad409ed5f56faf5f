"""Issue 19: a project manager records, through the gateway, a match made outside the platform's
suggestions, to a carrier or to a team of people; it moves the demand to matched and drafts the
contract (with the team's contracting carrier), as an accepted suggestion does."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from shared.testing import auth_headers, wait_for
from tests.e2e.authz_world import person_body
from tests.e2e.slice import demand_body, new_credit_code

# Nothing in a battery demand's text or fields points at it: it would not be suggested for one.
SHIPYARD_LAB = {
    "kind": "research_institute",
    "name_zh": "船舶减振降噪实验室",
    "name_en": "Ship Vibration and Noise Laboratory",
    "city": "镇江",
    "province": "江苏",
    "fields": ["acoustics.noise"],
    "capabilities": "船舶动力装置减振、舱室噪声控制与水下辐射噪声测试。",
    "keywords": ["减振", "降噪"],
    "capacity": 2,
}


async def _carrier(admin: httpx.AsyncClient) -> str:
    r = await admin.post(
        "/api/v1/carriers", json={**SHIPYARD_LAB, "name_zh": f"船舶减振降噪实验室{uuid.uuid4().hex[:6]}"}
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _published_demand(admin: httpx.AsyncClient) -> tuple[str, str]:
    r = await admin.post(
        "/api/v1/enterprises",
        json={
            "name_zh": "无锡动力电池有限公司",
            "credit_code": new_credit_code(),
            "province": "江苏",
            "city": "无锡",
            "industry_code": "C38",
            "size": "large",
            "contacts": [{"name": "周工"}],
        },
    )
    assert r.status_code == 201, r.text
    enterprise_id = r.json()["id"]
    r = await admin.post("/api/v1/demands", json=demand_body(enterprise_id))
    assert r.status_code == 201, r.text
    demand_id = r.json()["id"]
    assert (await admin.post(f"/api/v1/demands/{demand_id}/publish")).status_code == 200
    return enterprise_id, str(demand_id)


PM = auth_headers("project_manager", subject="pm-offline", person_id=str(uuid.uuid4()))


async def _record(admin: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    """Recorded once matching has learnt of the publication and the people (404/409 until then)."""

    async def recorded() -> dict[str, Any] | None:
        resp = await admin.post(
            "/api/v1/matches/offline", json=body, headers={**PM, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert resp.status_code in (201, 404, 409), resp.text
        return dict(resp.json()) if resp.status_code == 201 else None

    return await wait_for(recorded, timeout_s=60, interval_s=0.2, what="matching to record the offline match")


async def _drafted(admin: httpx.AsyncClient, match_id: str) -> dict[str, Any]:
    async def drafted() -> dict[str, Any] | None:
        resp = await admin.get("/api/v1/contracts", params={"match_id": match_id})
        assert resp.status_code == 200, resp.text
        items = resp.json()["items"]
        return dict(items[0]) if items else None

    return await wait_for(drafted, timeout_s=60, interval_s=0.2, what="the contract draft of the offline match")


async def test_an_offline_match_is_recorded_and_drafts_the_contract(embedded_gateway: httpx.AsyncClient) -> None:
    admin = embedded_gateway
    carrier_id = await _carrier(admin)
    enterprise_id, demand_id = await _published_demand(admin)
    body = {"demand_id": demand_id, "carrier_id": carrier_id, "reason": "在船舶展会上结识，企业点名合作"}
    # Only curators; the reason is required (problem+json naming it).
    as_enterprise = auth_headers("enterprise_user", enterprise_id=enterprise_id)
    r = await admin.post("/api/v1/matches/offline", json=body, headers=as_enterprise)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    r = await admin.post("/api/v1/matches/offline", json={**body, "reason": ""}, headers=PM)
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["reason"], r.text

    match = await _record(admin, body)
    assert (match["origin"], match["decision"], match["carrier_id"]) == ("offline", "accepted", carrier_id)
    assert match["reason"]["note"] == body["reason"] and match["team"] is None
    got = await admin.get(f"/api/v1/matches/{match['match_id']}")
    assert got.status_code == 200 and got.json()["origin"] == "offline"
    r = await admin.post("/api/v1/matches/offline", json=body, headers=PM)
    assert r.status_code == 409 and r.json()["current_state"] == "accepted", r.text

    async def matched() -> bool:
        return bool((await admin.get(f"/api/v1/demands/{demand_id}")).json()["status"] == "matched")

    await wait_for(matched, timeout_s=60, interval_s=0.2, what="the demand to be matched")
    draft = await _drafted(admin, match["match_id"])
    assert draft["status"] == "draft" and draft["carrier_id"] == carrier_id and draft["demand_id"] == demand_id


async def test_a_match_to_a_team_drafts_the_contract_with_the_lead_s_carrier(
    embedded_gateway: httpx.AsyncClient,
) -> None:
    admin = embedded_gateway
    carrier_id = await _carrier(admin)
    people = []
    for carrier in (carrier_id, None):  # the lead at the lab, a university researcher beside
        r = await admin.post("/api/v1/people", json=person_body(carrier, "researcher", capacity=2))
        assert r.status_code == 201, r.text
        people.append(r.json()["id"])
    _, demand_id = await _published_demand(admin)
    team = {
        "lead_person_id": people[0],
        "members": [
            {"person_id": people[0], "role": "principal_investigator"},
            {"person_id": people[1], "role": "engineer"},
        ],
    }
    match = await _record(admin, {"demand_id": demand_id, "team": team, "reason": "组建校企联合攻关团队"})
    assert (match["carrier_id"], match["team"], match["origin"]) == (carrier_id, team, "offline")
    draft = await _drafted(admin, match["match_id"])
    assert draft["status"] == "draft" and draft["carrier_id"] == carrier_id and draft["demand_id"] == demand_id
