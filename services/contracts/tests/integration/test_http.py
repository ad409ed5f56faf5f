"""HTTP behaviour: ETag and If-Match, 409 naming the state, versions and history, lists and filters."""

from __future__ import annotations

import uuid
from typing import Any

from services.contracts.tests.integration.harness import STAFF, Service, carrier_user, enterprise_user


def _if_match(c: dict[str, Any]) -> dict[str, str]:
    return {**STAFF, "If-Match": f'"v{c["version"]}"'}


async def test_editing_needs_the_etag_you_read(svc: Service) -> None:
    c = await svc.create(value="1000.00", amounts=("1000.00",))
    url = f"/api/v1/contracts/{c['id']}"
    r = await svc.client.get(url, headers=STAFF)
    assert r.headers["etag"] == '"v1"'
    assert (await svc.client.patch(url, json={"value": "2000.00"}, headers=STAFF)).status_code == 428
    r = await svc.client.patch(url, json={"value": "2000.00"}, headers={**STAFF, "If-Match": '"v9"'})
    assert r.status_code == 412 and r.json()["current_version"] == 1
    r = await svc.client.patch(url, json={"value": "2000.00"}, headers=_if_match(c))
    assert r.status_code == 200 and r.headers["etag"] == '"v2"', r.text
    edited = r.json()
    assert edited["value"] == "2000.00"
    assert edited["signing"]["problems"] == ["milestone amounts add up to 1000.00, not the contract value 2000.00"]
    # The whole plan is sent; a milestone keeps its id.
    plan = [{k: edited["milestones"][0][k] for k in ("id", "title", "deliverables", "due_on")}]
    plan[0]["amount"] = "1500.00"
    plan.append({"title": "验收", "deliverables": "验收报告", "due_on": "2026-12-01", "amount": "500.00"})
    r = await svc.client.patch(url, json={"milestones": plan}, headers=_if_match(edited))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["milestones"][0]["id"] == edited["milestones"][0]["id"] and len(body["milestones"]) == 2
    assert body["milestones_total"] == "2000.00" and body["signing"]["problems"] == []


async def test_a_signature_on_changed_terms_is_withdrawn(svc: Service) -> None:
    c = await svc.create()
    signed = await svc.sign(c, "carrier")
    assert signed["status"] == "signed_by_carrier"
    r = await svc.client.patch(
        f"/api/v1/contracts/{c['id']}", json={"confidentiality_years": 10}, headers=_if_match(signed)
    )
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["signing"]["carrier_signature"] is None


async def test_illegal_actions_are_409_naming_the_state_and_what_is_allowed(svc: Service) -> None:
    c = await svc.create()
    await svc.sign(c, "enterprise")
    r = await svc.client.post(f"/api/v1/contracts/{c['id']}/sign", headers=enterprise_user(c["enterprise_id"]))
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["type"] == "/problems/illegal-transition" and body["current_state"] == "signed_by_enterprise"
    assert body["allowed_actions"] == ["edit", "sign_as_carrier", "terminate"]
    c = await svc.sign(c, "carrier")
    m = c["milestones"][0]["id"]
    r = await svc.client.post(
        f"/api/v1/contracts/{c['id']}/milestones/{m}/accept", headers=enterprise_user(c["enterprise_id"])
    )
    assert r.status_code == 409
    assert (r.json()["current_state"], r.json()["allowed_actions"], r.json()["milestone_id"]) == (
        "pending",
        ["deliver"],
        m,
    )
    r = await svc.client.post(
        f"/api/v1/contracts/{c['id']}/milestones/{uuid.uuid4()}/deliver", headers=carrier_user(c["carrier_id"])
    )
    assert r.status_code == 404
    r = await svc.client.patch(f"/api/v1/contracts/{c['id']}", json={"value": "1.00"}, headers=_if_match(c))
    assert r.status_code == 409 and r.json()["current_state"] == "in_force"
    assert "propose_amendment" in r.json()["allowed_actions"]


async def test_versions_keep_the_history_of_amendments(svc: Service) -> None:
    c = await svc.signed(amounts=("1000.00", "2000.00"))
    cid = c["id"]
    plan = [{k: m[k] for k in ("id", "title", "deliverables", "due_on", "amount")} for m in c["milestones"]]
    plan[1]["amount"] = "2500.00"
    r = await svc.client.post(
        f"/api/v1/contracts/{cid}/amendment", json={"value": "3500.00", "milestones": plan}, headers=_if_match(c)
    )
    assert r.status_code == 200, r.text
    amendment = r.json()["amendment"]
    assert amendment["version"] == 2 and amendment["changes"]["value"] == "3500.00"
    assert r.json()["value"] == "3000.00"  # still the version in force
    await svc.sign(c, "enterprise")
    c = await svc.sign(c, "carrier")
    assert (c["value"], c["contract_version"], c["amendment"]) == ("3500.00", 2, None)
    # A second amendment, withdrawn.
    r = await svc.client.post(
        f"/api/v1/contracts/{cid}/amendment", json={"confidentiality_years": 9}, headers=_if_match(c)
    )
    assert r.status_code == 200
    r = await svc.client.post(f"/api/v1/contracts/{cid}/amendment/withdraw", headers=STAFF)
    assert r.status_code == 200 and r.json()["status"] == "in_force"

    r = await svc.client.get(f"/api/v1/contracts/{cid}/versions", headers=carrier_user(c["carrier_id"]))
    assert r.status_code == 200
    versions = r.json()["items"]
    assert [(v["number"], v["status"]) for v in versions] == [(1, "superseded"), (2, "signed"), (3, "withdrawn")]
    v1, v2, _ = versions
    assert v1["terms"]["value"] == "3000.00" and v1["enterprise_signature"]["party"] == "enterprise"
    assert v2["terms"]["value"] == "3500.00" and v2["changes"]["value"] == "3500.00"
    assert v2["enterprise_signature"] and v2["carrier_signature"] and v2["signed_at"]

    r = await svc.client.get(f"/api/v1/contracts/{cid}/history", params={"limit": 100}, headers=STAFF)
    actions = [(h["action"], h["status_after"]) for h in r.json()["items"]]
    assert actions[0] == ("draft", "draft") and actions[-1] == ("withdraw_amendment", "in_force")
    assert ("propose_amendment", "amendment_draft") in actions
    assert r.json()["items"][0]["actor"] == "operator-zhang"


async def test_lists_filter_and_page_with_a_cursor(svc: Service) -> None:
    carrier = str(uuid.uuid4())
    pm = str(uuid.uuid4())
    drafts = [await svc.create(carrier_id=carrier, project_manager_id=pm) for _ in range(3)]
    signed = await svc.signed(carrier_id=carrier)
    other = await svc.create()

    async def ids(**params: Any) -> list[str]:
        r = await svc.client.get("/api/v1/contracts", params=params, headers=STAFF)
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["items"]]

    newest_first = [signed["id"], *reversed([d["id"] for d in drafts])]
    assert await ids(carrier_id=carrier) == newest_first
    assert await ids(project_manager_id=pm) == [d["id"] for d in reversed(drafts)]
    assert await ids(status="in_force") == [signed["id"]]
    assert set(await ids(status=["draft", "in_force"])) == {*newest_first, other["id"]}
    signed_on = signed["signed_at"][:10]  # UTC; the filter is by China day, which is the same or the next
    assert await ids(carrier_id=carrier, signed_from="2000-01-01", signed_to="2100-01-01") == [signed["id"]]
    assert await ids(signed_to="2000-01-01") == []
    assert await ids(signed_from=signed_on, carrier_id=carrier) == [signed["id"]]
    assert await ids(active_on="2026-06-01", carrier_id=carrier) == newest_first
    assert await ids(active_on="2030-01-01") == []

    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"carrier_id": carrier, "limit": 1}
        if cursor:
            params["cursor"] = cursor
        r = await svc.client.get("/api/v1/contracts", params=params, headers=STAFF)
        body = r.json()
        seen += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == newest_first
    assert (await svc.client.get("/api/v1/contracts", params={"cursor": "nonsense"}, headers=STAFF)).status_code == 400
    assert (await svc.client.get("/api/v1/contracts", params={"limit": 101}, headers=STAFF)).status_code == 422


async def test_payments_are_listed_and_a_retried_payment_is_recorded_once(svc: Service) -> None:
    c = await svc.signed(amounts=("100.00", "50.00"))
    m = c["milestones"][0]["id"]
    await svc.deliver_accept(c, m)
    url = f"/api/v1/contracts/{c['id']}/milestones/{m}/payments"
    key = {**STAFF, "Idempotency-Key": "pay-2026-0001"}
    first = await svc.client.post(url, json={"amount": "60.00", "reference": "ICBC-1"}, headers=key)
    again = await svc.client.post(url, json={"amount": "60.00", "reference": "ICBC-1"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers["idempotent-replayed"] == "true"
    assert first.json()["milestone"] == {"status": "accepted", "amount": "100.00", "paid_amount": "60.00"}
    r = await svc.client.post(url, json={"amount": "40.00", "paid_on": "2999-01-01"}, headers=STAFF)
    assert r.status_code == 422
    assert (await svc.client.post(url, json={"amount": "40.00"}, headers=STAFF)).status_code == 201
    r = await svc.client.get(
        f"/api/v1/contracts/{c['id']}/payments", params={"limit": 1}, headers=enterprise_user(c["enterprise_id"])
    )
    assert r.status_code == 200 and len(r.json()["items"]) == 1 and r.json()["next_cursor"]
    r2 = await svc.client.get(
        f"/api/v1/contracts/{c['id']}/payments",
        params={"limit": 1, "cursor": r.json()["next_cursor"]},
        headers=STAFF,
    )
    assert [p["amount"] for p in r.json()["items"] + r2.json()["items"]] == ["60.00", "40.00"]
    assert r.json()["items"][0]["reference"] == "ICBC-1"
