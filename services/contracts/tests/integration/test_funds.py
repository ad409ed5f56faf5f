"""The institute's funds, their investments and the portfolio (with converted grants), through
the contracts service's HTTP API on the real PostgreSQL: money exact, the stake policy and the
committed capital enforced, two investments at once never overcommit, events in the outbox."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from services.contracts.tables import outbox
from services.contracts.tests.integration.harness import DASHBOARD, PM, STAFF, Service, enterprise_user
from shared.outbox import decode_payload

pytestmark = pytest.mark.integration

FUND = {
    "name": "江苏产业技术研究院创新投资一号基金",
    "manager": "江苏省产业技术研究院资产管理有限公司",
    "committed_capital": "500000000.00",
    "institute_commitment": "50000000.00",
    "established_on": "2019-06-18",
}


async def _fund(svc: Service, **overrides: Any) -> dict[str, Any]:
    r = await svc.client.post("/api/v1/funds", json={**FUND, **overrides}, headers=STAFF)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _invest(svc: Service, fund: dict[str, Any], amount: str, **kw: Any) -> Any:
    body = {"company": "常州锂源储能材料有限公司", "amount": amount, "invested_on": "2020-03-02", **kw}
    return await svc.client.post(f"/api/v1/funds/{fund['id']}/investments", json=body, headers=STAFF)


async def _events(svc: Service, key: str) -> list[dict[str, Any]]:
    async with svc.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.payload).where(outbox.c.aggregate_id == key).order_by(outbox.c.seq)
        )
        return [decode_payload(r.payload) for r in rows]


async def test_a_fund_states_the_institutes_stake_and_the_social_capital_it_leveraged(svc: Service) -> None:
    f = await _fund(svc)
    assert (f["institute_stake_percent"], f["social_capital"], f["available"]) == (
        "10.0000",
        "450000000.00",
        "500000000.00",
    )
    (event,) = await _events(svc, f["id"])
    assert event["type"] == "cn.jitri.itp.FundEstablished.v1"
    assert event["data"]["social_capital"] == "450000000.00"
    assert (await svc.client.get(f"/api/v1/funds/{f['id']}", headers=PM)).json() == f
    # Outside the institute's policy (5-20 %), more than the fund, a float, a date to come: refused.
    r = await svc.client.post(
        "/api/v1/funds", json={**FUND, "name": "太少", "institute_commitment": "1000000.00"}, headers=STAFF
    )
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (409, "stake-outside-policy"), r.text
    assert r.json()["policy_max_percent"] == "20"
    r = await svc.client.post(
        "/api/v1/funds", json={**FUND, "name": "超额", "institute_commitment": "600000000.00"}, headers=STAFF
    )
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (409, "commitment-above-capital"), r.text
    r = await svc.client.post("/api/v1/funds", json={**FUND, "name": "浮点", "committed_capital": 5e8}, headers=STAFF)
    assert r.status_code == 422, r.text
    r = await svc.client.post(
        "/api/v1/funds", json={**FUND, "name": "未来", "established_on": "2999-01-01"}, headers=STAFF
    )
    assert r.status_code == 422, r.text
    r = await svc.client.post("/api/v1/funds", json=FUND, headers=STAFF)
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (409, "fund-exists"), r.text


async def test_who_may_see_and_change_funds(svc: Service) -> None:
    f = await _fund(svc)
    ent = enterprise_user(str(uuid.uuid4()))
    for headers in (PM, DASHBOARD, ent):  # only operators and admins establish funds or invest
        r = await svc.client.post("/api/v1/funds", json={**FUND, "name": "无权"}, headers=headers)
        assert r.status_code == 403, r.text
        assert (await _invest_as(svc, f, headers)).status_code == 403
    for path in (
        "/api/v1/funds",
        f"/api/v1/funds/{f['id']}",
        f"/api/v1/funds/{f['id']}/investments",
        "/api/v1/portfolio",
    ):
        assert (await svc.client.get(path, headers=DASHBOARD)).status_code == 403, path
        assert (await svc.client.get(path, headers=ent)).status_code == 403, path
        assert (await svc.client.get(path, headers=PM)).status_code == 200, path
    assert (await svc.client.get("/api/v1/portfolio/totals", headers=DASHBOARD)).status_code == 200
    assert (await svc.client.get("/api/v1/portfolio/totals", headers=ent)).status_code == 403


async def _invest_as(svc: Service, f: dict[str, Any], headers: dict[str, str]) -> Any:
    body = {"company": "某公司", "amount": "1.00", "invested_on": "2020-01-02"}
    return await svc.client.post(f"/api/v1/funds/{f['id']}/investments", json=body, headers=headers)


async def test_a_fund_never_invests_beyond_its_committed_capital_even_two_at_once(svc: Service) -> None:
    f = await _fund(svc, committed_capital="100000000.00", institute_commitment="10000000.00")
    r = await _invest(svc, f, "60000000.00", stake_percent="12.5")
    assert r.status_code == 201, r.text
    assert (r.json()["stake_percent"], r.json()["institute_look_through_percent"]) == ("12.5000", "1.2500")
    assert r.headers["Location"].endswith(f"/investments/{r.json()['id']}")
    # Two investments of 30 m at once: 40 m are left, so exactly one goes in.
    answers = await asyncio.gather(*(_invest(svc, f, "30000000.00", company=f"公司{i}") for i in range(2)))
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert (refused["type"].rsplit("/", 1)[-1], refused["available"]) == ("fund-overcommitted", "10000000.00")
    fund = (await svc.client.get(f"/api/v1/funds/{f['id']}", headers=STAFF)).json()
    assert (fund["invested_total"], fund["available"], fund["investments"]) == ("90000000.00", "10000000.00", 2)
    page = (await svc.client.get(f"/api/v1/funds/{f['id']}/investments?limit=1", headers=STAFF)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await svc.client.get(
        f"/api/v1/funds/{f['id']}/investments", params={"cursor": page["next_cursor"]}, headers=STAFF
    )
    assert {i["id"] for i in page["items"] + rest.json()["items"]} == {
        i["id"] for i in (await svc.client.get(f"/api/v1/funds/{f['id']}/investments", headers=STAFF)).json()["items"]
    }
    types = [e["type"] for e in await _events(svc, f["id"])]
    assert types == ["cn.jitri.itp.FundEstablished.v1"] + ["cn.jitri.itp.FundInvested.v1"] * 2
    r = await _invest(svc, f, "1.00", invested_on="2019-01-01")  # before the fund existed
    assert r.status_code == 422, r.text


async def test_the_portfolio_adds_the_equity_converted_grants_became(svc: Service) -> None:
    f = await _fund(svc)
    r = await _invest(svc, f, "20000000.00", stake_percent="15", invested_on="2020-05-06")
    assert r.status_code == 201, r.text
    c = await svc.signed(investment={"grant_amount": "2000000.00", "company": "常州锂源储能材料有限公司"})
    r = await svc.client.post(
        f"/api/v1/contracts/{c['id']}/grant-conversion",
        json={
            "commercialisation_event": "成立常州锂源储能材料有限公司",
            "occurred_on": "2020-07-01",
            "stake_percent": "8.5",
        },
        headers=STAFF,
    )
    assert r.status_code == 200, r.text
    body = (await svc.client.get("/api/v1/portfolio", headers=STAFF)).json()
    assert [(h["kind"], h["amount"], h["equity_percent"], h["institute_percent"]) for h in body["items"]] == [
        ("converted_grant", "2000000.00", "8.5000", "8.5000"),
        ("fund_investment", "20000000.00", "15.0000", "1.5000"),
    ]
    assert body["totals"] == {
        "currency": "CNY",
        "funds": 1,
        "committed_capital": "500000000.00",
        "institute_commitment": "50000000.00",
        "social_capital_leveraged": "450000000.00",
        "leverage_ratio": "9.00",
        "invested_total": "20000000.00",
        "fund_investments": 1,
        "converted_grants": 1,
        "converted_grant_amount": "2000000.00",
    }
    only = (await svc.client.get("/api/v1/portfolio?kind=converted_grant", headers=STAFF)).json()
    assert [h["contract_id"] for h in only["items"]] == [c["id"]]
    assert (await svc.client.get("/api/v1/portfolio/totals", headers=DASHBOARD)).json() == body["totals"]
