"""Who sees and changes what: enterprise and carrier users only their own contracts and their own
side of them; staff everything; dashboard viewers the totals only."""

from __future__ import annotations

import uuid

from services.contracts.tests.integration.harness import (
    DASHBOARD,
    PM,
    STAFF,
    Service,
    carrier_user,
    enterprise_user,
)

E1, E2 = str(uuid.uuid4()), str(uuid.uuid4())
CA, CB = str(uuid.uuid4()), str(uuid.uuid4())


async def _ids(svc: Service, headers: dict[str, str], **params: str) -> set[str]:
    r = await svc.client.get("/api/v1/contracts", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return {c["id"] for c in r.json()["items"]}


async def test_each_role_sees_only_what_it_may(svc: Service) -> None:
    k1 = await svc.create(enterprise_id=E1, carrier_id=CA)
    k2 = await svc.create(enterprise_id=E2, carrier_id=CB)
    k3 = await svc.create(enterprise_id=E1, carrier_id=CB)
    everything = {k1["id"], k2["id"], k3["id"]}

    assert await _ids(svc, STAFF) == everything
    assert await _ids(svc, PM) == everything
    assert await _ids(svc, enterprise_user(E1)) == {k1["id"], k3["id"]}
    assert await _ids(svc, enterprise_user(E1), enterprise_id=E2) == set()
    assert await _ids(svc, carrier_user(CB)) == {k2["id"], k3["id"]}
    assert await _ids(svc, carrier_user(CB), carrier_id=CB, enterprise_id=E1) == {k3["id"]}

    assert (await svc.client.get(f"/api/v1/contracts/{k1['id']}", headers=enterprise_user(E1))).status_code == 200
    # Another party's contract does not exist for you.
    for headers, cid in ((enterprise_user(E1), k2["id"]), (carrier_user(CA), k3["id"]), (carrier_user(CB), k1["id"])):
        r = await svc.client.get(f"/api/v1/contracts/{cid}", headers=headers)
        assert r.status_code == 404, r.text
        r = await svc.client.get(f"/api/v1/contracts/{cid}/versions", headers=headers)
        assert r.status_code == 404, r.text
    # Dashboards read totals, not contracts; nobody reads anonymously.
    assert (await svc.client.get("/api/v1/contracts", headers=DASHBOARD)).status_code == 403
    assert (await svc.client.get(f"/api/v1/contracts/{k1['id']}", headers=DASHBOARD)).status_code == 403
    assert (await svc.client.get("/api/v1/contracts")).status_code == 401
    r = await svc.client.get("/api/v1/contracts/totals", params={"by": "carrier"}, headers=DASHBOARD)
    assert r.status_code == 200


async def test_each_side_acts_only_for_itself(svc: Service) -> None:
    c = await svc.create(enterprise_id=E1, carrier_id=CA)
    cid = c["id"]
    sign = f"/api/v1/contracts/{cid}/sign"
    # The enterprise's user cannot sign for the carrier, nor for another enterprise's contract.
    r = await svc.client.post(sign, json={"party": "carrier"}, headers=enterprise_user(E1))
    assert r.status_code == 403 and r.json()["required_party"] == "carrier", r.text
    assert (await svc.client.post(sign, json={}, headers=enterprise_user(E2))).status_code == 404
    # Staff must say which side they record a signature for.
    r = await svc.client.post(sign, json={}, headers=STAFF)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "party"
    # A party's own user signs for its side without saying so.
    r = await svc.client.post(sign, json={"signatory": "张伟"}, headers=enterprise_user(E1))
    assert r.status_code == 200 and r.json()["status"] == "signed_by_enterprise", r.text
    assert r.json()["signing"]["enterprise_signature"]["signed_by"] == "张伟"
    r = await svc.client.post(sign, headers=carrier_user(CA))
    assert r.status_code == 200 and r.json()["status"] == "in_force", r.text

    m = r.json()["milestones"][0]["id"]
    base = f"/api/v1/contracts/{cid}/milestones/{m}"
    assert (await svc.client.post(f"{base}/deliver", headers=enterprise_user(E1))).status_code == 403
    assert (await svc.client.post(f"{base}/deliver", headers=carrier_user(CA))).status_code == 200
    assert (await svc.client.post(f"{base}/accept", headers=carrier_user(CA))).status_code == 403
    r = await svc.client.post(f"{base}/reject", json={"reason": "报告不完整"}, headers=carrier_user(CA))
    assert r.status_code == 403
    assert (await svc.client.post(f"{base}/accept", headers=enterprise_user(E1))).status_code == 200
    # Money, amendments, conversion and termination are recorded by staff.
    pay = {"amount": "1.00"}
    assert (await svc.client.post(f"{base}/payments", json=pay, headers=enterprise_user(E1))).status_code == 403
    assert (await svc.client.post(f"{base}/payments", json=pay, headers=carrier_user(CA))).status_code == 403
    r = await svc.client.post(
        f"/api/v1/contracts/{cid}/terminate", json={"reason": "不想做了"}, headers=carrier_user(CA)
    )
    assert r.status_code == 403
    r = await svc.client.patch(
        f"/api/v1/contracts/{cid}", json={"scope": "x" * 20}, headers={**enterprise_user(E1), "If-Match": '"v1"'}
    )
    assert r.status_code == 403
    assert (await svc.client.post(f"{base}/payments", json=pay, headers=PM)).status_code == 201


async def test_the_enterprise_proposes_terms_before_signing_and_the_carrier_answers_by_signing(svc: Service) -> None:
    c = await svc.create(enterprise_id=E1, carrier_id=CA, value="1000.00", amounts=("1000.00",))
    url = f"/api/v1/contracts/{c['id']}"
    v1 = {"If-Match": '"v1"'}
    assert (
        await svc.client.patch(url, json={"scope": "x" * 20}, headers={**carrier_user(CA), **v1})
    ).status_code == 403
    assert (
        await svc.client.patch(url, json={"scope": "x" * 20}, headers={**enterprise_user(E2), **v1})
    ).status_code == 404
    r = await svc.client.patch(
        url, json={"scope": "固态电解质配方与中试工艺，含样品检测。"}, headers={**enterprise_user(E1), **v1}
    )
    assert r.status_code == 200 and r.json()["status"] == "draft", r.text
    r = await svc.client.get(f"{url}/history", headers=STAFF)
    assert "edit" in [h["action"] for h in r.json()["items"]]
