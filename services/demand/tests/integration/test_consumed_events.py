"""The events the demand service consumes (MatchAccepted, ContractSigned, ContractCompleted):
each applied once when delivered twice, a fact that does not fit the state applied as a no-op,
and the whole chain once more through the real broker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from services.demand.tables import processed_messages
from services.demand.tests.integration.helpers import (
    OPERATOR,
    DemandApp,
    act,
    carrier_user,
    create_demand,
    enterprise_user,
    get_status,
    message_of,
    outbox_rows,
    position_group_at_end,
    published_demand,
    register_enterprise,
    short_types,
)
from shared.bus.base import Message, Record
from shared.consumer import EventConsumer
from shared.events import contracts as contracts_ev
from shared.events import matching as matching_ev
from shared.events.base import DomainEvent
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.testing import unique, wait_for

pytestmark = pytest.mark.integration

MATCHING = "/itp/matching"
CONTRACTS = "/itp/contracts"


@pytest.fixture(scope="module")
async def enterprise(demand: DemandApp) -> dict[str, Any]:
    return await register_enterprise(demand.client)


def match_accepted(d: dict[str, Any], carrier: uuid.UUID) -> matching_ev.MatchAccepted:
    return matching_ev.MatchAccepted(
        match_id=uuid.uuid4(),
        demand_id=d["id"],
        carrier_id=carrier,
        enterprise_id=d["enterprise_id"],
        project_manager_id=uuid.uuid4(),
        accepted_by="pm-1",
        demand_title=d["title"],
        demand_type=d["demand_type"],
        budget=d["budget"],
        score=0.87,
        accepted_at=datetime.now(UTC),
    )


def contract_signed(d: dict[str, Any], contract: uuid.UUID, carrier: uuid.UUID) -> contracts_ev.ContractSigned:
    return contracts_ev.ContractSigned(
        contract_id=contract,
        demand_id=d["id"],
        enterprise_id=d["enterprise_id"],
        carrier_id=carrier,
        contract_type="technology_development",
        value=Decimal("2400000.00"),
        contract_version=1,
        signed_at=datetime.now(UTC),
    )


def contract_completed(
    d: dict[str, Any], contract: uuid.UUID, carrier: uuid.UUID, demand_id: str | None = None
) -> contracts_ev.ContractCompleted:
    return contracts_ev.ContractCompleted(
        contract_id=contract,
        demand_id=uuid.UUID(demand_id or d["id"]),
        enterprise_id=d["enterprise_id"],
        carrier_id=carrier,
        value=Decimal("2400000.00"),
        paid_total=Decimal("2400000.00"),
        completed_at=datetime.now(UTC),
    )


async def deliver_twice(demand: DemandApp, event: DomainEvent, source: str) -> tuple[str, str]:
    """The same record (same CloudEvent id) delivered twice, as a redelivery after a crash would."""
    message = message_of(event, source=source)
    redelivered = Message(message.topic, message.partition, message.offset, message.key, message.value, message.headers)
    consumer = demand.runtime.consumers[0]
    return await consumer.process(message), await consumer.process(redelivered)


async def processed_ids(demand: DemandApp, group: str) -> set[str]:
    p = processed_messages
    async with demand.runtime.engine.connect() as conn:
        rows = await conn.execute(sa.select(p.c.event_id).where(p.c.consumer == group))
    return {r.event_id for r in rows}


async def test_match_accepted_once_matches_and_grants_access(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await published_demand(c, enterprise["id"], confidentiality="confidential")
    carrier = uuid.uuid4()
    r = await c.get(f"/api/v1/demands/{d['id']}", headers=carrier_user(carrier))
    assert "description" not in r.json()  # only the teaser before the match

    assert await deliver_twice(demand, match_accepted(d, carrier), MATCHING) == ("applied", "duplicate")

    assert await get_status(c, d["id"]) == "matched"
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == ["DemandSubmitted", "DemandPublished", "DemandMatched", "DemandAccessGranted"]
    assert rows[2].data["carrier_id"] == str(carrier)
    assert rows[3].data["carrier_id"] == str(carrier)
    r = await c.get(f"/api/v1/demands/{d['id']}", headers=carrier_user(carrier))
    assert r.json()["description"] == d["description"]  # the matched carrier reads it in full


async def test_a_past_match_and_signature_move_the_demand_when_they_happened(
    demand: DemandApp, enterprise: dict[str, Any]
) -> None:
    """A history import's MatchAccepted and ContractSigned (CloudEvents ``time`` in the past):
    the demand is matched and contracted then, not when the events arrive."""
    c = demand.client
    d = await published_demand(c, enterprise["id"])
    carrier, contract = uuid.uuid4(), uuid.uuid4()
    matched_at, signed_at = datetime(2019, 7, 15, 2, 30, tzinfo=UTC), datetime(2019, 9, 2, 6, 0, tzinfo=UTC)
    consumer = demand.runtime.consumers[0]
    for event, source, at in (
        (match_accepted(d, carrier).model_copy(update={"accepted_at": matched_at}), MATCHING, matched_at),
        (contract_signed(d, contract, carrier).model_copy(update={"signed_at": signed_at}), CONTRACTS, signed_at),
    ):
        env = Envelope.wrap(event, source=source, traceparent=None, time=at)
        assert await consumer.process(message_of(event, source=source, envelope=env)) == "applied"

    assert await get_status(c, d["id"]) == "contracted"
    rows = {r.event_type.split(".")[-2]: r for r in await outbox_rows(demand.runtime, d["id"])}
    assert rows["DemandMatched"].data["matched_at"][:19] == "2019-07-15T02:30:00"
    assert rows["DemandContracted"].data["contracted_at"][:19] == "2019-09-02T06:00:00"
    assert rows["DemandContracted"].cloudevent["time"] == "2019-09-02T06:00:00Z"


async def test_second_match_accepted_starts_negotiation(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await published_demand(c, enterprise["id"], confidentiality="confidential")
    first, second = uuid.uuid4(), uuid.uuid4()
    assert await deliver_twice(demand, match_accepted(d, first), MATCHING) == ("applied", "duplicate")
    assert await deliver_twice(demand, match_accepted(d, second), MATCHING) == ("applied", "duplicate")

    assert await get_status(c, d["id"]) == "in_negotiation"
    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows)[2:] == [
        "DemandMatched",
        "DemandAccessGranted",
        "DemandNegotiationStarted",
        "DemandAccessGranted",
    ]
    assert [r.data["carrier_id"] for r in rows if r.event_type.endswith("AccessGranted.v1")] == [
        str(first),
        str(second),
    ]
    for carrier in (first, second):
        assert "description" in (await c.get(f"/api/v1/demands/{d['id']}", headers=carrier_user(carrier))).json()


async def test_contract_signed_then_completed_each_once(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    c = demand.client
    d = await published_demand(c, enterprise["id"])
    carrier, contract = uuid.uuid4(), uuid.uuid4()
    await deliver_twice(demand, match_accepted(d, carrier), MATCHING)
    await act(c, d["id"], "start-negotiation")
    before = len(await outbox_rows(demand.runtime, d["id"]))

    assert await deliver_twice(demand, contract_signed(d, contract, carrier), CONTRACTS) == ("applied", "duplicate")
    assert await get_status(c, d["id"]) == "contracted"
    assert await deliver_twice(demand, contract_completed(d, contract, carrier), CONTRACTS) == ("applied", "duplicate")
    assert await get_status(c, d["id"]) == "closed"

    rows = (await outbox_rows(demand.runtime, d["id"]))[before:]
    assert short_types(rows) == ["DemandContracted", "DemandClosed"]
    assert {r.data["contract_id"] for r in rows} == {str(contract)}
    view = (await c.get(f"/api/v1/demands/{d['id']}", headers=carrier_user(carrier))).json()
    assert (view["status"], view["allowed_actions"]) == ("closed", [])


async def test_contract_signed_straight_from_matched(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    d = await published_demand(demand.client, enterprise["id"])
    carrier = uuid.uuid4()
    await deliver_twice(demand, match_accepted(d, carrier), MATCHING)
    assert await deliver_twice(demand, contract_signed(d, uuid.uuid4(), carrier), CONTRACTS) == ("applied", "duplicate")
    assert await get_status(demand.client, d["id"]) == "contracted"


async def test_events_that_do_not_fit_the_state_are_applied_as_no_ops(
    demand: DemandApp, enterprise: dict[str, Any]
) -> None:
    c = demand.client
    consumer = demand.runtime.consumers[0]
    d = await published_demand(c, enterprise["id"])
    before = await outbox_rows(demand.runtime, d["id"])
    version = (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()["version"]
    dead_before = consumer.stats.dead_lettered
    carrier, contract = uuid.uuid4(), uuid.uuid4()

    late = contract_completed(d, contract, carrier)  # ContractCompleted on a published demand
    early = contract_signed(d, contract, carrier)  # ContractSigned before any match
    unknown = match_accepted({**d, "id": str(uuid.uuid4())}, carrier)  # a demand this service never had
    no_demand = contracts_ev.ContractCompleted(
        contract_id=contract, demand_id=None, enterprise_id=d["enterprise_id"], carrier_id=carrier,
        value=Decimal("1.00"), paid_total=Decimal("1.00"), completed_at=datetime.now(UTC),
    )  # fmt: skip
    for event, source in ((late, CONTRACTS), (early, CONTRACTS), (unknown, MATCHING), (no_demand, CONTRACTS)):
        message = message_of(event, source=source)
        assert await consumer.process(message) == "applied", event
        assert await consumer.process(message) == "duplicate", event  # recorded: a redelivery is skipped

    assert consumer.stats.dead_lettered == dead_before
    assert await get_status(c, d["id"]) == "published"
    assert await outbox_rows(demand.runtime, d["id"]) == before
    assert (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()["version"] == version


@pytest.mark.parametrize("state", ["draft", "submitted", "withdrawn"])
async def test_match_accepted_that_does_not_fit_is_a_no_op(
    demand: DemandApp, enterprise: dict[str, Any], state: str
) -> None:
    c = demand.client
    d = await create_demand(c, enterprise["id"], confidentiality="confidential", submit=state != "draft")
    if state == "withdrawn":
        await act(c, d["id"], "withdraw", headers=enterprise_user(enterprise["id"]))
    before = await outbox_rows(demand.runtime, d["id"])

    assert await deliver_twice(demand, match_accepted(d, uuid.uuid4()), MATCHING) == ("applied", "duplicate")

    assert await get_status(c, d["id"]) == state
    assert short_types(await outbox_rows(demand.runtime, d["id"])) == short_types(before)


async def test_unknown_event_types_are_ignored(demand: DemandApp) -> None:
    consumer = demand.runtime.consumers[0]
    suggested = matching_ev.MatchesSuggested(
        demand_id=uuid.uuid4(), suggestion_set_id=uuid.uuid4(), carriers=[], suggested_at=datetime.now(UTC)
    )
    assert await consumer.process(message_of(suggested, source=MATCHING)) == "ignored"


async def test_consumed_events_through_the_real_broker(demand: DemandApp, enterprise: dict[str, Any]) -> None:
    """MatchAccepted (published twice), ContractSigned and ContractCompleted go through Kafka to a
    running consumer of the demand service's lifecycle handlers.

    The consumer reads with a group of its own, positioned at the end of the shared topics, so
    neither earlier runs' events nor another process of the ``itp-demand-lifecycle`` group interfere.
    """
    c = demand.client
    d = await published_demand(c, enterprise["id"], confidentiality="confidential")
    carrier, contract = uuid.uuid4(), uuid.uuid4()
    spec = demand.runtime.consumers[0]
    group = unique("itp-demand-it-lifecycle")
    await position_group_at_end(group, spec.topics)
    consumer = EventConsumer(
        group=group,
        topics=spec.topics,
        bus=demand.bus,
        uow=demand.runtime.uow,
        processed=spec.processed,
        handlers=spec.handlers,
        max_retries=spec.max_retries,
        retry_backoff_s=spec.retry_backoff_s,
    )
    task = asyncio.create_task(consumer.run())

    async def publish(event: DomainEvent, source: str, times: int = 1) -> str:
        env = Envelope.wrap(event, source=source, traceparent=None)
        record = Record(
            event.TOPIC, event.aggregate_key.encode(), env.to_json(), [("content-type", CONTENT_TYPE.encode())]
        )
        await demand.bus.publish([record] * times)
        return env.id

    async def status_is(status: str) -> bool:
        return await get_status(c, d["id"]) == status

    try:
        ids = [await publish(match_accepted(d, carrier), MATCHING, times=2)]
        await wait_for(lambda: status_is("matched"), timeout_s=30, what="MatchAccepted via Kafka")
        ids.append(await publish(contract_signed(d, contract, carrier), CONTRACTS))
        await wait_for(lambda: status_is("contracted"), timeout_s=30, what="ContractSigned via Kafka")
        ids.append(await publish(contract_completed(d, contract, carrier), CONTRACTS))
        await wait_for(lambda: status_is("closed"), timeout_s=30, what="ContractCompleted via Kafka")

        async def duplicate_seen() -> bool:
            return consumer.stats.duplicates >= 1

        await wait_for(duplicate_seen, timeout_s=30, what="the second MatchAccepted to be skipped")
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 30)

    rows = await outbox_rows(demand.runtime, d["id"])
    assert short_types(rows) == [
        "DemandSubmitted",
        "DemandPublished",
        "DemandMatched",
        "DemandAccessGranted",
        "DemandContracted",
        "DemandClosed",
    ]
    # Each of ours was applied (a dead-lettered event would not be recorded as processed). Other
    # processes may publish to these shared topics meanwhile, so the stats are not asserted.
    assert set(ids) <= await processed_ids(demand, group)
    view = (await c.get(f"/api/v1/demands/{d['id']}", headers=carrier_user(carrier))).json()
    assert view["description"] == d["description"]
