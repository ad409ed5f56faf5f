"""Drafts no one pursues close: with their demand (withdrawn, expired, closed; consumed once,
in either order with the match), and after a time without activity (the scheduled job)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.contracts.service import ContractService
from services.contracts.tests.integration.harness import STAFF, Service
from services.contracts.tests.integration.test_drafting import consumer_for, contracts_for, match_accepted
from shared.bus.base import Message
from shared.events import topics
from shared.events.demand import DemandExpired, DemandWithdrawn
from shared.events.envelope import Envelope


def demand_message(event: DemandExpired | DemandWithdrawn, offset: int) -> Message:
    env = Envelope.wrap(event, source="/itp/demand", traceparent=None)
    return Message(topics.DEMAND, 0, offset, env.subject.encode(), env.to_json(), ())


def match_message(demand_id: uuid.UUID, offset: int) -> tuple[uuid.UUID, Message]:
    e = match_accepted(demand_id=demand_id)
    env = Envelope.wrap(e, source="/itp/matching", traceparent=None)
    return e.match_id, Message(topics.MATCHING, 0, offset, env.subject.encode(), env.to_json(), ())


async def test_a_withdrawn_demand_closes_its_drafts_once_and_a_later_match_drafts_nothing(svc: Service) -> None:
    consumer = consumer_for(svc)
    demand_id = uuid.uuid4()
    first, m1 = match_message(demand_id, 1)
    assert await consumer.process(m1) == "applied"
    half_signed = await svc.sign(await svc.create(demand_id=str(demand_id)), "enterprise")
    assert half_signed["status"] == "signed_by_enterprise"
    in_force = await svc.signed(demand_id=str(demand_id))
    drafts = [str(r.id) for r in await contracts_for(svc, first)] + [half_signed["id"]]

    withdrawn = DemandWithdrawn(demand_id=demand_id, reason="预算取消", withdrawn_at=datetime.now(UTC))
    assert await consumer.process(demand_message(withdrawn, 3)) == "applied"
    assert await consumer.process(demand_message(withdrawn, 4)) == "applied"  # a second copy: no-op

    for cid in drafts:
        c = await svc.get(cid)
        assert c["status"] == "terminated", c
        assert (await svc.outbox_types(cid)).count("ContractTerminated") == 1
    assert (await svc.get(in_force["id"]))["status"] == "in_force"  # signed by both: not a draft
    late, m3 = match_message(demand_id, 5)  # matching's event reached us after the demand's
    assert await consumer.process(m3) == "applied"
    assert await contracts_for(svc, late) == []


async def test_an_expired_demand_leaves_contracts_in_force_alone(svc: Service) -> None:
    consumer = consumer_for(svc)
    c = await svc.signed()
    expired = DemandExpired(
        demand_id=uuid.UUID(c["demand_id"]),
        deadline=datetime.now(UTC),
        expired_at=datetime.now(UTC),
    )
    assert await consumer.process(demand_message(expired, 1)) == "applied"
    assert (await svc.get(c["id"]))["status"] == "in_force"


async def test_drafts_untouched_for_the_idle_time_are_closed_and_touched_ones_are_not(svc: Service) -> None:
    idle = await svc.create()
    busy = await svc.create()
    mid = datetime.now(UTC)
    r = await svc.client.patch(
        f"/api/v1/contracts/{busy['id']}",
        json={"scope": "补充中试与检测要求，含第三方检测报告。"},
        headers={**STAFF, "If-Match": '"v1"'},
    )
    assert r.status_code == 200, r.text
    service = ContractService(svc.runtime.uow)

    # 90 days after `mid`: idle was last touched before it, busy after it.
    assert await service.close_idle_drafts(timedelta(days=90), now=mid + timedelta(days=90)) == 1

    closed = await svc.get(idle["id"])
    assert closed["status"] == "terminated", closed
    assert (await svc.get(busy["id"]))["status"] == "draft"
    assert (await svc.outbox_types(idle["id"])).count("ContractTerminated") == 1
    assert await service.close_idle_drafts(timedelta(days=90), now=mid + timedelta(days=90)) == 0
