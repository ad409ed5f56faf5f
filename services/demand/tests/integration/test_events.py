"""Every event the demand service publishes: written to the outbox in the request's transaction
as a complete CloudEvent, nothing written when the request fails, and relayed to the real
``itp.demand.events`` topic keyed by the demand id, in order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.demand.domain import DemandStatus
from services.demand.service import DemandService
from services.demand.tests.integration.helpers import (
    DEMAND_TOPIC,
    OPERATOR,
    DemandApp,
    act,
    assert_cloudevent,
    assert_problem,
    ce_type_of,
    create_demand,
    demand_body,
    enterprise_body,
    enterprise_user,
    message_of,
    outbox_rows,
    published_demand,
    read_back,
    register_enterprise,
    short_types,
)
from shared.events import contracts as contracts_ev
from shared.events import demand as ev
from shared.events import matching as matching_ev
from shared.events.envelope import CONTENT_TYPE

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def enterprise(demand: DemandApp) -> dict[str, Any]:
    return await register_enterprise(demand.client)


def _svc(demand: DemandApp) -> DemandService:
    svc: DemandService = demand.runtime.service
    return svc


# -- enterprises and centers ---------------------------------------------------------------


async def test_enterprise_registered(demand: DemandApp) -> None:
    body = enterprise_body(name_zh="常州精密制造有限公司", city="常州", industry_code="C34")
    r = await demand.client.post("/api/v1/enterprises", json=body, headers=OPERATOR)
    assert r.status_code == 201, r.text
    ent = r.json()
    [row] = await outbox_rows(demand.runtime, ent["id"])
    data = assert_cloudevent(row, ev.EnterpriseRegistered, ent["id"])
    assert data["enterprise_id"] == ent["id"]
    assert data["name"] == "常州精密制造有限公司"
    assert data["credit_code"] == body["credit_code"]
    assert (data["province"], data["city"], data["industry_code"]) == ("江苏", "常州", "C34")
    assert row.aggregate_type == "enterprise"


async def test_joint_innovation_center_established(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    r = await demand.client.post(
        f"/api/v1/enterprises/{enterprise['id']}/centers",
        json={"name": "新能动力联合创新中心", "established_on": "2023-09-01", "committed_funding": "12000000.50"},
        headers=OPERATOR,
    )
    assert r.status_code == 201, r.text
    center = r.json()
    [row] = await outbox_rows(demand.runtime, center["id"])
    data = assert_cloudevent(row, ev.JointInnovationCenterEstablished, center["id"])
    assert data["enterprise_id"] == enterprise["id"]
    assert data["established_on"] == "2023-09-01"
    assert data["committed_funding"] == "12000000.50"  # an exact decimal string, never a float


# -- the demand lifecycle through HTTP ------------------------------------------------------


async def test_demand_drafted_then_submitted(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    d = await create_demand(demand.client, enterprise["id"], submit=False)
    assert d["status"] == "draft"
    [drafted] = await outbox_rows(demand.runtime, d["id"])
    data = assert_cloudevent(drafted, ev.DemandDrafted, d["id"])
    assert (data["enterprise_id"], data["title"]) == (enterprise["id"], d["title"])

    submitted = await act(demand.client, d["id"], "submit", headers=enterprise_user(enterprise["id"]))
    assert (submitted["status"], submitted["version"]) == ("submitted", 2)
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandDrafted", "DemandSubmitted"]
    data = assert_cloudevent(rows[1], ev.DemandSubmitted, d["id"])
    assert data["description"] == d["description"]  # the full text travels with it
    assert data["budget"] == "2500000.00"
    assert data["currency"] == "CNY"
    assert data["fields"] == ["energy.batteries"]


async def test_create_submits_at_once_with_one_event(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    d = await create_demand(demand.client, enterprise["id"], confidentiality="confidential")
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandSubmitted"]
    data = assert_cloudevent(rows[0], ev.DemandSubmitted, d["id"])
    assert data["confidentiality"] == "confidential"


async def test_demand_published(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    d = await create_demand(demand.client, enterprise["id"], keywords=["热失控"], trl_current=2, trl_target=5)
    published = await act(demand.client, d["id"], "publish")
    assert published["status"] == "published"
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandSubmitted", "DemandPublished"]
    data = assert_cloudevent(rows[1], ev.DemandPublished, d["id"])
    assert data["keywords"] == ["热失控"]
    assert (data["trl_current"], data["trl_target"]) == (2, 5)
    assert data["deadline"] is not None and data["province"] == "江苏"


async def test_demand_updated_needs_a_current_if_match(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"])
    url = f"/api/v1/demands/{d['id']}"
    owner = enterprise_user(enterprise["id"])

    assert_problem(await c.patch(url, json={"title": "没有条件头的修改"}, headers=owner), 428, "precondition-required")
    stale = await c.patch(url, json={"title": "过期版本的修改"}, headers={**owner, "If-Match": '"v7"'})
    assert assert_problem(stale, 412, "precondition-failed")["current_version"] == 1

    r = await c.get(url, headers=owner)
    assert r.headers["ETag"] == '"v1"'
    r = await c.patch(
        url,
        json={"title": "修改后的热管理需求", "budget": "3000000.10"},
        headers={**owner, "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"v2"'
    assert (r.json()["title"], r.json()["budget"], r.json()["version"]) == ("修改后的热管理需求", "3000000.10", 2)

    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandSubmitted", "DemandUpdated"]  # nothing from the refused attempts
    data = assert_cloudevent(rows[1], ev.DemandUpdated, d["id"])
    assert data["changed"] == {"title": "修改后的热管理需求", "budget": "3000000.10"}
    assert data["version"] == 2

    # An edit that changes nothing is no new version and no event.
    r = await c.patch(url, json={"title": "修改后的热管理需求"}, headers={**owner, "If-Match": '"v2"'})
    assert (r.status_code, r.json()["version"]) == (200, 2)
    assert len(await outbox_rows(demand.runtime, d["id"])) == 2


async def test_demand_withdrawn(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    d = await published_demand(demand.client, enterprise["id"])
    w = await act(
        demand.client, d["id"], "withdraw", headers=enterprise_user(enterprise["id"]), json={"reason": "项目取消"}
    )
    assert (w["status"], w["status_reason"], w["allowed_actions"]) == ("withdrawn", "项目取消", [])
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows)[-1] == "DemandWithdrawn"
    assert assert_cloudevent(rows[-1], ev.DemandWithdrawn, d["id"])["reason"] == "项目取消"


async def test_demand_rejected_needs_a_reason(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    d = await create_demand(demand.client, enterprise["id"])
    assert_problem(
        await demand.client.post(f"/api/v1/demands/{d['id']}/reject", headers=OPERATOR), 422, "validation-error"
    )
    assert_problem(
        await demand.client.post(f"/api/v1/demands/{d['id']}/reject", headers=OPERATOR, json={"reason": "   "}),
        422,
        "validation-error",
    )
    assert short_types(await outbox_rows(demand.runtime, d["id"])) == ["DemandSubmitted"]

    rejected = await act(demand.client, d["id"], "reject", json={"reason": "需求描述不够具体，请补充技术指标"})
    assert (rejected["status"], rejected["version"]) == ("rejected", 2)
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandSubmitted", "DemandRejected"]
    assert assert_cloudevent(rows[1], ev.DemandRejected, d["id"])["reason"] == "需求描述不够具体，请补充技术指标"


async def test_demand_expired_by_the_scheduled_job(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    # Every other demand of this module has a deadline 180 days ahead; ``now`` below is 2 days ahead.
    c = demand.client
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    overdue = await published_demand(c, enterprise["id"], deadline=soon)
    overdue_submitted = await create_demand(c, enterprise["id"], deadline=soon)
    draft = await create_demand(c, enterprise["id"], deadline=soon, submit=False)
    withdrawn = await create_demand(c, enterprise["id"], deadline=soon)
    await act(c, withdrawn["id"], "withdraw", headers=enterprise_user(enterprise["id"]))
    not_yet = await published_demand(c, enterprise["id"], deadline=(datetime.now(UTC) + timedelta(days=3)).isoformat())

    now = datetime.now(UTC) + timedelta(days=2)
    assert await _svc(demand).expire_overdue(now=now) == 2
    assert await _svc(demand).expire_overdue(now=now) == 0  # nothing left to expire

    statuses = {}
    for name, d in {
        "overdue": overdue, "overdue_submitted": overdue_submitted, "draft": draft, "withdrawn": withdrawn,
        "not_yet": not_yet,
    }.items():  # fmt: skip
        statuses[name] = (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()["status"]
    assert statuses == {
        "overdue": "expired",
        "overdue_submitted": "expired",
        "draft": "draft",
        "withdrawn": "withdrawn",
        "not_yet": "published",
    }
    rows = await outbox_rows(demand.runtime, overdue["id"])
    assert short_types(rows) == ["DemandSubmitted", "DemandPublished", "DemandExpired"]
    data = assert_cloudevent(rows[-1], ev.DemandExpired, overdue["id"])
    assert datetime.fromisoformat(data["deadline"]) == datetime.fromisoformat(overdue["deadline"])
    assert short_types(await outbox_rows(demand.runtime, draft["id"])) == ["DemandDrafted"]


async def test_access_granted_and_revoked(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await published_demand(c, enterprise["id"], confidentiality="confidential")
    carrier = str(uuid.uuid4())
    owner = enterprise_user(enterprise["id"])
    url = f"/api/v1/demands/{d['id']}/access-grants"

    r = await c.post(url, json={"carrier_id": carrier}, headers=owner)
    assert r.status_code == 201, r.text
    r = await c.post(url, json={"carrier_id": carrier}, headers=owner)
    assert r.status_code == 200  # already granted: no second grant, no second event
    grants = (await c.get(url, headers=owner)).json()["items"]
    assert [g["carrier_id"] for g in grants] == [carrier]

    r = await c.delete(f"{url}/{carrier}", headers=owner)
    assert r.status_code == 204
    assert_problem(await c.delete(f"{url}/{carrier}", headers=owner), 404, "not-found")

    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandSubmitted", "DemandPublished", "DemandAccessGranted", "DemandAccessRevoked"]
    granted = assert_cloudevent(rows[2], ev.DemandAccessGranted, d["id"])
    assert (granted["carrier_id"], granted["granted_by"]) == (carrier, f"ent-user-{enterprise['id']}")
    revoked = assert_cloudevent(rows[3], ev.DemandAccessRevoked, d["id"])
    assert revoked["carrier_id"] == carrier


async def test_events_of_consumed_facts(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    """DemandMatched, DemandNegotiationStarted, DemandContracted, DemandClosed: one per consumed event."""
    d = await published_demand(demand.client, enterprise["id"])
    carrier, match, contract = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    consumer = demand.runtime.consumers[0]
    now = datetime.now(UTC)
    accepted = matching_ev.MatchAccepted(
        match_id=match, demand_id=d["id"], carrier_id=carrier, enterprise_id=enterprise["id"], accepted_by="pm-1",
        demand_title=d["title"], demand_type=d["demand_type"], accepted_at=now,
    )  # fmt: skip
    assert await consumer.process(message_of(accepted, source="/itp/matching")) == "applied"
    await act(demand.client, d["id"], "start-negotiation")  # staff may also record that talks began
    common = {"contract_id": contract, "demand_id": d["id"], "enterprise_id": enterprise["id"], "carrier_id": carrier}
    signed = contracts_ev.ContractSigned(
        **common, contract_type="technology_development", value=Decimal("2400000.00"), contract_version=1, signed_at=now
    )
    completed = contracts_ev.ContractCompleted(
        **common, value=Decimal("2400000.00"), paid_total=Decimal("2400000.00"), completed_at=now
    )
    for e in (signed, completed):
        assert await consumer.process(message_of(e, source="/itp/contracts")) == "applied"

    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == [
        "DemandSubmitted",
        "DemandPublished",
        "DemandMatched",
        "DemandAccessGranted",
        "DemandNegotiationStarted",
        "DemandContracted",
        "DemandClosed",
    ]
    assert assert_cloudevent(rows[2], ev.DemandMatched, d["id"])["carrier_id"] == str(carrier)
    assert assert_cloudevent(rows[3], ev.DemandAccessGranted, d["id"])["granted_by"] == f"match:{match}"
    assert_cloudevent(rows[4], ev.DemandNegotiationStarted, d["id"])
    assert assert_cloudevent(rows[5], ev.DemandContracted, d["id"])["contract_id"] == str(contract)
    assert assert_cloudevent(rows[6], ev.DemandClosed, d["id"])["contract_id"] == str(contract)
    # The consumed event's trace continues in the events it caused.
    assert all(r.cloudevent.get("traceparent") for r in rows[2:4])


# -- illegal transitions and rollbacks ------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "action", "current_state", "allowed"),
    [
        ("draft", "publish", "draft", ["submit", "withdraw"]),
        ("draft", "reject", "draft", ["submit", "withdraw"]),
        ("submitted", "submit", "submitted", ["publish", "reject", "withdraw", "expire"]),
        ("submitted", "start-negotiation", "submitted", ["publish", "reject", "withdraw", "expire"]),
        ("published", "publish", "published", ["reject", "withdraw", "match", "expire"]),
        ("withdrawn", "publish", "withdrawn", []),
        ("withdrawn", "withdraw", "withdrawn", []),
        ("rejected", "submit", "rejected", []),
    ],
)
async def test_illegal_transition_is_a_409_naming_state_and_actions(
    demand: DemandApp, enterprise: dict[str, Any], setup: str, action: str, current_state: str, allowed: list[str]
) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"], submit=setup != "draft")
    if setup == "published":
        await act(c, d["id"], "publish")
    elif setup == "withdrawn":
        await act(c, d["id"], "withdraw", headers=enterprise_user(enterprise["id"]))
    elif setup == "rejected":
        await act(c, d["id"], "reject", json={"reason": "不符合平台方向"})
    before = await outbox_rows(demand.runtime, d["id"])
    version = (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()["version"]

    headers = enterprise_user(enterprise["id"]) if action in ("submit", "withdraw") else OPERATOR
    r = await c.post(f"/api/v1/demands/{d['id']}/{action}", headers=headers, json={"reason": "理由说明"})
    body = assert_problem(r, 409, "illegal-transition")
    assert body["current_state"] == current_state
    assert body["allowed_actions"] == allowed
    assert body["current_state"] in body["detail"]

    assert await outbox_rows(demand.runtime, d["id"]) == before
    after = (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()
    assert (after["status"], after["version"]) == (current_state, version)


async def test_edit_of_a_closed_demand_is_a_409(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"])
    w = await act(c, d["id"], "withdraw", headers=enterprise_user(enterprise["id"]))
    r = await c.patch(
        f"/api/v1/demands/{d['id']}",
        json={"title": "撤回后再修改"},
        headers={**OPERATOR, "If-Match": f'"v{w["version"]}"'},
    )
    body = assert_problem(r, 409, "illegal-transition")
    assert (body["current_state"], body["allowed_actions"]) == ("withdrawn", [])
    assert short_types(await outbox_rows(demand.runtime, d["id"])) == ["DemandSubmitted", "DemandWithdrawn"]


async def test_failed_requests_roll_back_and_write_no_event(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    other = await register_enterprise(c)
    r = await c.post(
        f"/api/v1/enterprises/{other['id']}/centers",
        json={"name": "另一家的创新中心", "established_on": "2022-01-01", "committed_funding": "1000000.00"},
        headers=OPERATOR,
    )
    others_center = r.json()["id"]
    d = await create_demand(c, enterprise["id"])
    before = await outbox_rows(demand.runtime)

    # 422 raised inside the unit of work: the center belongs to another enterprise.
    r = await c.post("/api/v1/demands", json=demand_body(enterprise["id"], center_id=others_center), headers=OPERATOR)
    assert assert_problem(r, 422, "unknown-center")["errors"][0]["field"] == "center_id"
    # 422 from the domain after the row was locked: a rejection without a reason.
    assert_problem(await c.post(f"/api/v1/demands/{d['id']}/reject", headers=OPERATOR), 422, "validation-error")
    # 409: the demand is not published.
    assert_problem(
        await c.post(f"/api/v1/demands/{d['id']}/start-negotiation", headers=OPERATOR), 409, "illegal-transition"
    )
    # 409 duplicate credit code, found inside the unit of work.
    dup = enterprise_body(credit_code=enterprise["credit_code"])
    assert_problem(await c.post("/api/v1/enterprises", json=dup, headers=OPERATOR), 409, "duplicate-credit-code")
    # 412 stale version.
    assert_problem(
        await c.post(f"/api/v1/demands/{d['id']}/publish", headers={**OPERATOR, "If-Match": '"v9"'}),
        412,
        "precondition-failed",
    )
    # 404: no such enterprise to establish a center for.
    r = await c.post(
        f"/api/v1/enterprises/{uuid.uuid4()}/centers",
        json={"name": "不存在的企业中心", "established_on": "2022-01-01", "committed_funding": "1.00"},
        headers=OPERATOR,
    )
    assert r.status_code == 404

    assert await outbox_rows(demand.runtime) == before
    assert (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()["status"] == DemandStatus.SUBMITTED


# -- through the relay to the real broker ---------------------------------------------------


async def test_lifecycle_events_reach_kafka_in_order(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    owner = enterprise_user(enterprise["id"])
    consumer = demand.runtime.consumers[0]
    now = datetime.now(UTC)

    a = await create_demand(c, enterprise["id"], submit=False)
    await act(c, a["id"], "submit", headers=owner)
    r = await c.patch(
        f"/api/v1/demands/{a['id']}", json={"budget": "2600000.00"}, headers={**owner, "If-Match": '"v2"'}
    )
    assert r.status_code == 200, r.text
    await act(c, a["id"], "publish")
    carrier, contract = uuid.uuid4(), uuid.uuid4()
    for e in (
        matching_ev.MatchAccepted(
            match_id=uuid.uuid4(), demand_id=a["id"], carrier_id=carrier, enterprise_id=enterprise["id"],
            accepted_by="pm-1", demand_title=a["title"], demand_type=a["demand_type"], accepted_at=now,
        ),
        contracts_ev.ContractSigned(
            contract_id=contract, demand_id=a["id"], enterprise_id=enterprise["id"], carrier_id=carrier,
            contract_type="technology_development", value=Decimal("2600000.00"), contract_version=1, signed_at=now,
        ),
        contracts_ev.ContractCompleted(
            contract_id=contract, demand_id=a["id"], enterprise_id=enterprise["id"], carrier_id=carrier,
            value=Decimal("2600000.00"), paid_total=Decimal("2600000.00"), completed_at=now,
        ),
    ):  # fmt: skip
        assert await consumer.process(message_of(e, source="/itp/other")) == "applied"
    b = await published_demand(c, enterprise["id"])
    await act(c, b["id"], "withdraw", headers=owner, json={"reason": "转为自主研发"})
    x = await create_demand(c, enterprise["id"])
    await act(c, x["id"], "reject", json={"reason": "不属于平台支持范围"})

    expected = {d["id"]: await outbox_rows(demand.runtime, d["id"]) for d in (a, b, x)}
    assert short_types(expected[a["id"]]) == [
        "DemandDrafted",
        "DemandSubmitted",
        "DemandUpdated",
        "DemandPublished",
        "DemandMatched",
        "DemandAccessGranted",
        "DemandContracted",
        "DemandClosed",
    ]
    assert short_types(expected[b["id"]]) == ["DemandSubmitted", "DemandPublished", "DemandWithdrawn"]
    assert short_types(expected[x["id"]]) == ["DemandSubmitted", "DemandRejected"]

    while await demand.runtime.relay.publish_pending():
        pass
    assert all(r.published_at is not None for r in await outbox_rows(demand.runtime))

    got = await read_back(
        demand.bus,
        DEMAND_TOPIC,
        set(expected),
        lambda got: all(len(got[k]) >= len(rows) for k, rows in expected.items()),
    )
    for key, rows in expected.items():
        messages = got[key]
        assert [m.value for m in messages] == [r.payload.encode() for r in rows]  # same bytes, same order, once
        assert [ce_type_of(m) for m in messages] == short_types(rows)
        assert len({m.partition for m in messages}) == 1  # one key, one partition
        assert all(m.header("content-type") == CONTENT_TYPE.encode() for m in messages)
        assert all(m.header("traceparent") for m in messages)
