"""Drafting: from matching's MatchAccepted (consumed once however often it is delivered, also
through the real broker), or by an operator referring to the match."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from services.contracts import handlers
from services.contracts.tables import accepted_matches, contracts, processed_messages
from services.contracts.tests.integration.harness import STAFF, Service, TopicTail, carrier_user, contract_body
from shared.bus.base import Message, Record
from shared.consumer import EventConsumer
from shared.events import topics
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.events.matching import MatchAccepted
from shared.testing import unique


def match_accepted(**overrides: Any) -> MatchAccepted:
    attrs: dict[str, Any] = {
        "match_id": uuid.uuid4(),
        "demand_id": uuid.uuid4(),
        "carrier_id": uuid.uuid4(),
        "enterprise_id": uuid.uuid4(),
        "project_manager_id": uuid.uuid4(),
        "accepted_by": "pm:陈思远",
        "demand_title": "高镍三元正极材料循环寿命提升",
        "demand_type": "technology_development",
        "budget": Decimal("3500000.00"),
        "center_id": uuid.uuid4(),
        "score": 0.7825,
        "accepted_at": datetime.now(UTC),
    }
    attrs.update(overrides)
    return MatchAccepted(**attrs)


def consumer_for(svc: Service) -> EventConsumer:
    """The service's own MatchAccepted consumer, in a group of its own."""
    return EventConsumer(
        group=unique("itp-contracts-drafting-test"),
        topics=[topics.MATCHING],
        bus=svc.bus,
        uow=svc.runtime.uow,
        processed=processed_messages,
        handlers=handlers.handlers(svc.runtime),
        max_retries=1,
        retry_backoff_s=0.01,
    )


def message(env: Envelope, offset: int = 0) -> Message:
    return Message(topics.MATCHING, 0, offset, env.subject.encode(), env.to_json(), ())


async def contracts_for(svc: Service, match_id: uuid.UUID) -> list[Any]:
    async with svc.engine.connect() as conn:
        return list((await conn.execute(sa.select(contracts).where(contracts.c.match_id == match_id))).all())


async def test_match_accepted_delivered_twice_drafts_one_contract(svc: Service) -> None:
    e = match_accepted()
    env = Envelope.wrap(e, source="/itp/matching", traceparent=None)
    consumer = consumer_for(svc)
    assert await consumer.process(message(env, 7)) == "applied"
    assert await consumer.process(message(env, 8)) == "duplicate"
    rows = await contracts_for(svc, e.match_id)
    assert len(rows) == 1
    c = await svc.get(str(rows[0].id))
    assert c["status"] == "draft" and c["allowed_actions"] == [
        "edit",
        "sign_as_enterprise",
        "sign_as_carrier",
        "terminate",
    ]
    assert (c["enterprise_id"], c["carrier_id"], c["demand_id"]) == (
        str(e.enterprise_id),
        str(e.carrier_id),
        str(e.demand_id),
    )
    assert (c["project_manager_id"], c["center_id"]) == (str(e.project_manager_id), str(e.center_id))
    assert (c["title"], c["contract_type"], c["value"]) == (e.demand_title, e.demand_type, "3500000.00")
    # What a real operator sees: a draft to complete before anyone can sign it.
    assert c["signing"]["problems"] == [
        "the scope of work is not written",
        "the contract period (starts_on, ends_on) is not set",
        "IP ownership is not agreed",
        "there are no milestones",
    ]
    assert await svc.outbox_types(c["id"]) == ["ContractDrafted"]
    drafted = (await svc.outbox_events(c["id"]))[0]["data"]
    assert drafted["match_id"] == str(e.match_id) and drafted["value"] == "3500000.00"
    # A second MatchAccepted for the same match (a new event id) still drafts nothing new.
    again = Envelope.wrap(e, source="/itp/matching", traceparent=None)
    assert await consumer.process(message(again, 9)) == "applied"
    assert len(await contracts_for(svc, e.match_id)) == 1


async def test_match_accepted_without_budget_drafts_a_zero_value_to_complete(svc: Service) -> None:
    e = match_accepted(budget=None, demand_type="technology_consulting")
    await consumer_for(svc).process(message(Envelope.wrap(e, source="/itp/matching", traceparent=None)))
    [row] = await contracts_for(svc, e.match_id)
    c = await svc.get(str(row.id))
    assert (c["value"], c["contract_type"]) == ("0.00", "technology_consulting")
    assert "the contract value is not set" in c["signing"]["problems"]
    r = await svc.client.post(f"/api/v1/contracts/{c['id']}/sign", json={"party": "carrier"}, headers=STAFF)
    assert r.status_code == 409 and r.json()["type"] == "/problems/not-ready-to-sign", r.text


async def test_match_accepted_through_the_broker_is_applied_once(svc: Service) -> None:
    e = match_accepted()
    env = Envelope.wrap(e, source="/itp/matching", traceparent=None)
    record = Record(
        topics.MATCHING, str(e.demand_id).encode(), env.to_json(), [("content-type", CONTENT_TYPE.encode())]
    )
    consumer = consumer_for(svc)
    async with TopicTail(topics.MATCHING) as tail:
        await svc.bus.publish([record, record])  # at-least-once: the same event delivered twice
        got = await tail.until(
            lambda ms: sum(1 for m in ms if m.key == str(e.demand_id).encode()) >= 2, what="both deliveries"
        )
    outcomes = [await consumer.process(m) for m in got if m.key == str(e.demand_id).encode()]
    assert outcomes == ["applied", "duplicate"]
    assert len(await contracts_for(svc, e.match_id)) == 1
    async with svc.engine.connect() as conn:
        seen = (await conn.execute(sa.select(accepted_matches).where(accepted_matches.c.match_id == e.match_id))).one()
    assert seen.budget == Decimal("3500000.00")


async def test_an_operator_drafts_for_a_known_match_and_only_once(svc: Service) -> None:
    e = match_accepted()
    # The match is known (consumed) and already has its draft: a second one is a 409 naming it.
    await consumer_for(svc).process(message(Envelope.wrap(e, source="/itp/matching", traceparent=None)))
    [row] = await contracts_for(svc, e.match_id)
    r = await svc.client.post("/api/v1/contracts", json={"match_id": str(e.match_id)}, headers=STAFF)
    assert r.status_code == 409 and r.json()["contract_id"] == str(row.id), r.text
    # Terminated: the operator drafts the match again, the parties coming from the match.
    r = await svc.client.post(f"/api/v1/contracts/{row.id}/terminate", json={"reason": "条款需重新谈判"}, headers=STAFF)
    assert r.status_code == 200, r.text
    r = await svc.client.post(
        "/api/v1/contracts",
        json={"match_id": str(e.match_id), "value": "3000000.00", "scope": "重新谈判后的工作范围与交付要求"},
        headers=STAFF,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["enterprise_id"], body["carrier_id"], body["title"]) == (
        str(e.enterprise_id),
        str(e.carrier_id),
        e.demand_title,
    )
    assert body["value"] == "3000000.00" and body["created_by"] == "operator-zhang"
    assert r.headers["location"] == f"/api/v1/contracts/{body['id']}" and r.headers["etag"] == '"v1"'
    # A redelivered MatchAccepted does not bring back a third contract.
    await consumer_for(svc).process(message(Envelope.wrap(e, source="/itp/matching", traceparent=None)))
    assert len(await contracts_for(svc, e.match_id)) == 2
    # The parties of a known match cannot be overridden.
    r = await svc.client.post(
        "/api/v1/contracts",
        json={"match_id": str(match_accepted().match_id)},
        headers=STAFF,
    )
    assert r.status_code == 422 and r.json()["type"] == "/problems/unknown-match", r.text
    assert {x["field"] for x in r.json()["errors"]} == {"enterprise_id", "carrier_id", "title", "contract_type"}


async def test_drafting_is_for_staff_and_idempotent(svc: Service) -> None:
    body = contract_body()
    r = await svc.client.post("/api/v1/contracts", json=body, headers=carrier_user(body["carrier_id"]))
    assert r.status_code == 403
    assert (await svc.client.post("/api/v1/contracts", json=body)).status_code == 401
    first = await svc.client.post("/api/v1/contracts", json=body, headers={**STAFF, "Idempotency-Key": "c-001"})
    again = await svc.client.post("/api/v1/contracts", json=body, headers={**STAFF, "Idempotency-Key": "c-001"})
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert len(await contracts_for(svc, uuid.UUID(body["match_id"]))) == 1


async def test_bad_terms_are_422_naming_the_field(svc: Service) -> None:
    cases: list[tuple[dict[str, Any], str | None]] = [
        ({"ip_enterprise_share": "60", "ip_carrier_share": "40.5"}, "body"),
        ({"value": "12.345"}, "value"),
        ({"value": 1000.5}, "value"),
        ({"milestones": [{"title": "阶段", "deliverables": "报告", "due_on": "2026-05-01", "amount": "0"}]}, None),
        ({"investment": {"grant_amount": "100.00", "team_holding_percent": "101"}}, None),
        ({"title": None}, "body"),
    ]
    for overrides, field in cases:
        r = await svc.client.post("/api/v1/contracts", json=contract_body(**overrides), headers=STAFF)
        assert r.status_code == 422, (overrides, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        if field:
            assert any(e["field"] == field for e in r.json()["errors"]), r.json()
