"""The stored view of a contract (what the list route serves) stays what a fresh render of the
contract's rows gives, after every change to the contract or its milestones; a view that is missing,
was left behind by a release that did not write it, or was rendered by another renderer is rendered
afresh, never served; ``itp views refresh`` stores the views of the contracts the migrations left
without one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.contracts.main import definition
from services.contracts.repository import ContractRepository
from services.contracts.tables import contracts
from services.contracts.tests.integration.harness import (
    PM,
    STAFF,
    Service,
    carrier_user,
    enterprise_user,
    running_service,
)
from services.contracts.tests.integration.test_drafting import consumer_for, match_accepted, message
from services.contracts.views import RENDERER, stored_view
from shared.events.envelope import Envelope
from shared.migrations import downgrade, upgrade
from shared.testing import auth_headers

INVESTMENT = {"grant_amount": "2000000.00", "company": "常州锂源储能材料有限公司", "team_holding_percent": "60"}
BEFORE_VIEWS = "22b72d432593"  # the revision before contracts.view


async def _stored(svc: Service, cid: str) -> Any:
    async with svc.engine.connect() as conn:
        return (
            await conn.execute(
                sa.select(
                    contracts.c.view,
                    contracts.c.view_version,
                    contracts.c.view_renderer,
                    contracts.c.version,
                    contracts.c.demand_id,
                ).where(contracts.c.id == uuid.UUID(cid))
            )
        ).one()


async def _rendered(svc: Service, cid: str) -> bytes:
    """The contract rendered afresh from its rows now."""
    async with svc.engine.connect() as conn:
        c = await ContractRepository(conn).get(uuid.UUID(cid))
    assert c is not None
    return stored_view(c).encode()


async def check_in_sync(svc: Service, cid: str) -> dict[str, Any]:
    """The stored view is, byte for byte, the contract rendered afresh from its rows now, and it is
    what GET answers and what the gateway's call (the demand's contracts, as the enterprise's user)
    answers."""
    r = await svc.client.get(f"/api/v1/contracts/{cid}", headers=STAFF)
    assert r.status_code == 200, r.text
    row = await _stored(svc, cid)
    assert row.view_version == row.version == int(r.headers["etag"].strip('"v')) and row.view_renderer == RENDERER
    assert row.view.encode() == r.content == await _rendered(svc, cid)
    body = r.json()
    page = await svc.client.get(
        "/api/v1/contracts", params={"demand_id": str(row.demand_id)}, headers=enterprise_user(body["enterprise_id"])
    )
    assert page.status_code == 200 and page.headers["content-type"] == "application/json"
    assert page.content == b'{"items":[' + r.content + b'],"next_cursor":null}'
    return dict(body)


def _if_match(c: dict[str, Any]) -> dict[str, str]:
    return {**STAFF, "If-Match": f'"v{c["version"]}"'}


async def test_the_stored_view_follows_every_change(svc: Service) -> None:
    c = await svc.create(amounts=("1000000.00", "2000000.00"), investment=INVESTMENT)
    cid, ent, car = c["id"], enterprise_user(c["enterprise_id"]), carrier_user(c["carrier_id"])
    url = f"/api/v1/contracts/{cid}"
    c = await check_in_sync(svc, cid)
    assert c["status"] == "draft"

    async def ok(r: Awaitable[Any]) -> dict[str, Any]:
        resp = await r
        assert resp.status_code in (200, 201), resp.text
        return await check_in_sync(svc, cid)

    c = await ok(svc.client.patch(url, json={"confidentiality_years": 8}, headers=_if_match(c)))
    c = await ok(svc.client.post(f"{url}/sign", json={"signatory": "法定代表人 张伟"}, headers=ent))
    assert c["status"] == "signed_by_enterprise"
    c = await ok(svc.client.patch(url, json={"confidentiality_years": 6}, headers=_if_match(c)))
    assert c["status"] == "draft" and c["signing"]["enterprise_signature"] is None  # the signature withdrawn
    await ok(svc.client.post(f"{url}/sign", json={}, headers=ent))
    c = await ok(svc.client.post(f"{url}/sign", json={}, headers=car))
    assert c["status"] == "in_force"

    m1, m2 = (m["id"] for m in c["milestones"])
    ms = f"{url}/milestones"
    await ok(svc.client.post(f"{ms}/{m1}/deliver", json={"note": "小试报告"}, headers=car))
    c = await ok(svc.client.post(f"{ms}/{m1}/reject", json={"reason": "缺少循环寿命测试数据"}, headers=ent))
    assert c["milestones"][0]["status"] == "rejected"
    await ok(svc.client.post(f"{ms}/{m1}/deliver", json={}, headers=car))
    c = await ok(svc.client.post(f"{ms}/{m1}/accept", headers=ent))
    await ok(svc.client.post(f"{ms}/{m1}/payments", json={"amount": "400000.00"}, headers=STAFF))
    c = await ok(svc.client.post(f"{ms}/{m1}/payments", json={"amount": "600000.00"}, headers=STAFF))
    assert (c["milestones"][0]["status"], c["paid_total"]) == ("paid", "1000000.00")

    # An amendment: proposed, changed, withdrawn; proposed again and signed by both.
    plan = [{k: m[k] for k in ("id", "title", "deliverables", "due_on", "amount")} for m in c["milestones"]]
    plan[1]["amount"] = "2200000.00"
    c = await ok(svc.client.post(f"{url}/amendment", json={"confidentiality_years": 9}, headers=_if_match(c)))
    assert c["status"] == "amendment_draft" and c["amendment"] is not None
    c = await ok(svc.client.patch(url, json={"confidentiality_years": 10}, headers=_if_match(c)))
    c = await ok(svc.client.post(f"{url}/amendment/withdraw", headers=STAFF))
    assert c["status"] == "in_force" and c["amendment"] is None
    await ok(
        svc.client.post(f"{url}/amendment", json={"value": "3200000.00", "milestones": plan}, headers=_if_match(c))
    )
    await ok(svc.client.post(f"{url}/sign", json={"party": "carrier"}, headers=PM))
    c = await ok(svc.client.post(f"{url}/sign", json={}, headers=ent))
    assert (c["status"], c["value"], c["contract_version"]) == ("in_force", "3200000.00", 3)  # 2 was withdrawn

    conversion = {"commercialisation_event": "成立常州锂源储能材料有限公司", "occurred_on": "2026-05-01"}
    conversion["stake_percent"] = "8.5"
    c = await ok(svc.client.post(f"{url}/grant-conversion", json=conversion, headers=STAFF))
    assert c["conversion"] is not None
    await ok(svc.client.post(f"{ms}/{m2}/deliver", json={}, headers=car))
    await ok(svc.client.post(f"{ms}/{m2}/accept", headers=ent))
    c = await ok(svc.client.post(f"{ms}/{m2}/payments", json={"amount": "2200000.00"}, headers=STAFF))
    assert c["status"] == "completed"

    # Terminated, with its unpaid milestones cancelled.
    t = await svc.signed()
    r = await svc.client.post(f"/api/v1/contracts/{t['id']}/terminate", json={"reason": "企业战略调整"}, headers=STAFF)
    assert r.status_code == 200, r.text
    t = await check_in_sync(svc, t["id"])
    assert t["status"] == "terminated" and {m["status"] for m in t["milestones"]} == {"cancelled"}


async def test_a_contract_drafted_from_matchaccepted_has_its_view(svc: Service) -> None:
    e = match_accepted()
    env = Envelope.wrap(e, source="/itp/matching", traceparent=None)
    assert await consumer_for(svc).process(message(env, 3)) == "applied"
    r = await svc.client.get("/api/v1/contracts", params={"match_id": str(e.match_id)}, headers=STAFF)
    [c] = r.json()["items"]
    assert c["demand_id"] == str(e.demand_id) and c["value"] == "3500000.00"
    await check_in_sync(svc, c["id"])


async def test_a_view_missing_left_behind_or_of_another_renderer_is_rendered_afresh(svc: Service) -> None:
    stale, missing, fine, older = await svc.signed(), await svc.create(), await svc.create(), await svc.create()
    async with svc.engine.begin() as conn:
        # As the previous release rendered it: the row's current version, another renderer's shape.
        await conn.execute(
            sa.update(contracts)
            .where(contracts.c.id == uuid.UUID(older["id"]))
            .values(view='{"old_shape":true}', view_renderer=RENDERER - 1)
        )
        # As an older release would leave them: the row moved on, the view did not (or never was).
        await conn.execute(
            sa.update(contracts)
            .where(contracts.c.id == uuid.UUID(stale["id"]))
            .values(view='{"stale":true}', view_version=contracts.c.version - 1)
        )
        await conn.execute(
            sa.update(contracts).where(contracts.c.id == uuid.UUID(missing["id"])).values(view=None, view_version=None)
        )
    for c in (stale, missing, fine, older):
        fresh = await svc.client.get(f"/api/v1/contracts/{c['id']}", headers=STAFF)
        assert fresh.content == await _rendered(svc, c["id"])  # never the stale or missing view
        for headers, params in (
            (STAFF, {"demand_id": c["demand_id"]}),
            (enterprise_user(c["enterprise_id"]), {"status": c["status"]}),  # the other way to run the list
        ):
            r = await svc.client.get("/api/v1/contracts", params=params, headers=headers)
            assert r.content == b'{"items":[' + fresh.content + b'],"next_cursor":null}'
    # Pages over several contracts, some rendered afresh, keep their order and their cursor.
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = (await svc.client.get("/api/v1/contracts", params=page, headers=STAFF)).json()
        seen += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [older["id"], fine["id"], missing["id"], stale["id"]]


async def test_a_user_of_both_an_enterprise_and_a_carrier_sees_the_contracts_of_either(svc: Service) -> None:
    e, k = str(uuid.uuid4()), str(uuid.uuid4())
    mine_e = await svc.create(enterprise_id=e)
    mine_k = await svc.create(carrier_id=k)
    await svc.create()
    both = auth_headers("enterprise_user", "carrier_user", enterprise_id=e, carrier_id=k)
    r = await svc.client.get("/api/v1/contracts", headers=both)
    assert [c["id"] for c in r.json()["items"]] == [mine_k["id"], mine_e["id"]]
    r = await svc.client.get("/api/v1/contracts", params={"demand_id": mine_e["demand_id"]}, headers=both)
    assert [c["id"] for c in r.json()["items"]] == [mine_e["id"]]


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
async def test_views_the_migrations_leave_empty_are_rendered_on_read_and_stored_by_itp_views_refresh(
    database: str, fresh_db: Callable[[str], Awaitable[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database == "postgresql":
        url = await fresh_db("contracts")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path}/contracts.db"
        await asyncio.to_thread(upgrade, definition.migrations, url)
    async with running_service(url) as svc:
        made = [await svc.signed(amounts=("100.00", "200.00")), await svc.create(investment=INVESTMENT)]
        await svc.deliver_accept(made[0], made[0]["milestones"][0]["id"])
        before = {c["id"]: (await svc.client.get(f"/api/v1/contracts/{c['id']}", headers=STAFF)).content for c in made}
    # Back to the revision before the views, then forward: the views are empty, never run by a migration.
    await asyncio.to_thread(downgrade, definition.migrations, url, BEFORE_VIEWS)
    await asyncio.to_thread(upgrade, definition.migrations, url)
    async with running_service(url) as svc:
        for cid, content in before.items():
            assert (await _stored(svc, cid)).view is None
            assert (await svc.client.get(f"/api/v1/contracts/{cid}", headers=STAFF)).content == content
    async with running_service(url) as svc:  # what ``itp views refresh`` runs
        assert await svc.runtime.service.refresh_views() == len(made)
    async with running_service(url) as svc:
        for cid, content in before.items():
            row = await _stored(svc, cid)
            assert row.view.encode() == content and (row.view_version, row.view_renderer) == (row.version, RENDERER)
            await check_in_sync(svc, cid)
