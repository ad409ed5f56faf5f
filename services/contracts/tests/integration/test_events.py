"""Every contracts event, produced by real use cases over HTTP, written to the outbox in the same
transaction as the change, and published by the relay to the real Kafka topic as a CloudEvent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa

from services.contracts.tables import outbox
from services.contracts.tests.integration.harness import (
    STAFF,
    Service,
    TopicTail,
    carrier_user,
    enterprise_user,
)
from shared.bus.base import Message
from shared.events import contracts as ev
from shared.events import topics
from shared.events.envelope import Envelope

ALL_TYPES = {
    cls.TYPE
    for cls in (
        ev.ContractDrafted,
        ev.ContractSignedByParty,
        ev.ContractSigned,
        ev.ContractAmended,
        ev.MilestoneDelivered,
        ev.MilestoneAccepted,
        ev.MilestoneRejected,
        ev.PaymentRecorded,
        ev.GrantConvertedToEquity,
        ev.ContractCompleted,
        ev.ContractTerminated,
    )
}

INVESTMENT = {
    "grant_amount": "2000000.00",
    "company": "常州锂源储能材料有限公司",
    "team_holding_percent": "60",
    "equity_incentive_percent": "10",
}


async def _full_life(svc: Service) -> dict[str, Any]:
    """Drafted, signed, a milestone rejected and redelivered, paid, amended, grant converted, completed."""
    c = await svc.create(amounts=("1000000.00", "2000000.00"), investment=INVESTMENT)
    cid = c["id"]
    m1, m2 = (m["id"] for m in c["milestones"])
    await svc.sign(c, "enterprise")
    c = await svc.sign(c, "carrier")
    assert c["status"] == "in_force"

    base = f"/api/v1/contracts/{cid}/milestones/{m1}"
    r = await svc.client.post(f"{base}/deliver", json={"note": "小试报告"}, headers=carrier_user(c["carrier_id"]))
    assert r.status_code == 200, r.text
    r = await svc.client.post(
        f"{base}/reject", json={"reason": "缺少循环寿命测试数据"}, headers=enterprise_user(c["enterprise_id"])
    )
    assert r.status_code == 200 and r.json()["milestones"][0]["status"] == "rejected", r.text
    await svc.deliver_accept(c, m1)
    r = await svc.pay(c, m1, "1000000.00", reference="BOC-2026-0001")
    assert r.status_code == 201, r.text

    # Amendment: the second milestone costs 200,000.00 more; both parties sign the new version.
    c = await svc.get(cid)
    plan = [{k: m[k] for k in ("id", "title", "deliverables", "due_on", "amount")} for m in c["milestones"]]
    plan[1]["amount"] = "2200000.00"
    r = await svc.client.post(
        f"/api/v1/contracts/{cid}/amendment",
        json={"value": "3200000.00", "milestones": plan},
        headers={**STAFF, "If-Match": f'"v{c["version"]}"'},
    )
    assert r.status_code == 200 and r.json()["status"] == "amendment_draft", r.text
    await svc.sign(c, "carrier")
    c = await svc.sign(c, "enterprise")
    assert (c["status"], c["value"], c["contract_version"]) == ("in_force", "3200000.00", 2)

    r = await svc.client.post(
        f"/api/v1/contracts/{cid}/grant-conversion",
        json={
            "commercialisation_event": "成立常州锂源储能材料有限公司",
            "occurred_on": "2026-05-01",
            "stake_percent": "8.5",
        },
        headers=STAFF,
    )
    assert r.status_code == 200, r.text
    assert r.json()["conversion"]["conversion_valuation"] == "23529411.76"

    await svc.deliver_accept(c, m2)
    r = await svc.pay(c, m2, "2200000.00")
    assert r.status_code == 201, r.text
    assert r.json()["contract"]["status"] == "completed"
    return c


async def test_every_contracts_event_goes_through_the_outbox_to_kafka(svc: Service) -> None:
    c = await _full_life(svc)
    cid = c["id"]
    assert await svc.outbox_types(cid) == [
        "ContractDrafted",
        "ContractSignedByParty",
        "ContractSignedByParty",
        "ContractSigned",
        "MilestoneDelivered",
        "MilestoneRejected",
        "MilestoneDelivered",
        "MilestoneAccepted",
        "PaymentRecorded",
        "ContractSignedByParty",
        "ContractSignedByParty",
        "ContractAmended",
        "GrantConvertedToEquity",
        "MilestoneDelivered",
        "MilestoneAccepted",
        "PaymentRecorded",
        "ContractCompleted",
    ]
    other = await svc.signed()
    r = await svc.client.post(
        f"/api/v1/contracts/{other['id']}/terminate",
        json={"reason": "企业战略调整，双方协商一致解除合同"},
        headers=STAFF,
    )
    assert r.status_code == 200 and r.json()["status"] == "terminated", r.text
    assert (await svc.outbox_types(other["id"]))[-1] == "ContractTerminated"

    ours = {cid, other["id"]}
    expected = len(await svc.outbox_events(cid)) + len(await svc.outbox_events(other["id"]))
    async with TopicTail(topics.CONTRACTS) as tail:
        while await svc.runtime.relay.publish_pending():
            pass
        got = await tail.until(
            lambda ms: len([m for m in ms if (m.key or b"").decode() in ours]) >= expected,
            what="every contracts event on the topic",
        )
    mine = [m for m in got if (m.key or b"").decode() in ours]
    assert len(mine) == expected
    envelopes = [_envelope(m) for m in mine]
    assert {e.type.split(".")[-2] for e in envelopes} == ALL_TYPES
    for m, e in zip(mine, envelopes, strict=True):
        assert m.key is not None and e.subject == m.key.decode()  # key = subject = contract id
        assert e.source == "/itp/contracts"
        assert m.header("content-type") == b"application/cloudevents+json; charset=utf-8"
        assert e.event() is not None  # parses into its declared class
    # One contract's events keep their order on the topic.
    assert [e.type.split(".")[-2] for e in envelopes if e.subject == cid] == await svc.outbox_types(cid)
    by_type = {e.type.split(".")[-2]: e for e in envelopes if e.subject == cid}
    assert by_type["ContractAmended"].data["value"] == "3200000.00"  # exact decimal strings on the wire
    assert by_type["ContractAmended"].data["contract_version"] == 2
    assert by_type["ContractCompleted"].data["paid_total"] == "3200000.00"
    assert by_type["GrantConvertedToEquity"].data["equity_percent"] == "8.5000"
    assert by_type["PaymentRecorded"].data["contract_paid_total"] == "3200000.00"
    async with svc.engine.connect() as conn:
        unpublished = (
            await conn.execute(sa.select(sa.func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
        ).scalar_one()
    assert unpublished == 0


async def test_a_refused_change_leaves_no_event_behind(svc: Service) -> None:
    c = await svc.signed(amounts=("100.00",))
    m = c["milestones"][0]["id"]
    before = await svc.outbox_types(c["id"])
    await svc.deliver_accept(c, m)
    r = await svc.pay(c, m, "100.01")
    assert r.status_code == 409 and r.json()["type"] == "/problems/overpayment", r.text
    assert r.json()["outstanding"] == "100.00"
    assert await svc.outbox_types(c["id"]) == [*before, "MilestoneDelivered", "MilestoneAccepted"]
    assert (await svc.get(c["id"]))["paid_total"] == "0.00"


async def test_payment_recorded_carries_exact_amounts(svc: Service) -> None:
    c = await svc.signed(amounts=("0.10", "0.20"))
    m1 = c["milestones"][0]["id"]
    await svc.deliver_accept(c, m1)
    for amount in ("0.03", "0.07"):
        assert (await svc.pay(c, m1, amount)).status_code == 201
    payments = [e for e in await svc.outbox_events(c["id"]) if e["type"].endswith("PaymentRecorded.v1")]
    assert [p["data"]["contract_paid_total"] for p in payments] == ["0.03", "0.10"]
    assert Decimal(payments[-1]["data"]["amount"]) == Decimal("0.07")
    view = await svc.get(c["id"])
    assert (view["paid_total"], view["outstanding"], view["milestones"][0]["status"]) == ("0.10", "0.20", "paid")


def _envelope(m: Message) -> Envelope:
    env = Envelope.from_json(m.value)
    assert orjson.loads(m.value or b"{}")["specversion"] == "1.0"
    return env
