"""The events talent consumes (ContractSigned, ContractCompleted, ContractTerminated, MatchAccepted)
keep each carrier's and person's load and track record current: each applied once when delivered
twice, and the whole chain once more through the real broker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from services.talent.tables import contract_records, processed_messages
from services.talent.tests.integration.helpers import (
    OPERATOR,
    TalentApp,
    assert_problem,
    create_carrier,
    create_person,
    get_json,
    last_seq,
    message_of,
    outbox_rows,
    read_scalar,
    record_of,
    running_consumer,
    types_of,
)
from shared.events import contracts as contracts_ev
from shared.events import matching as matching_ev
from shared.testing import wait_for

pytestmark = pytest.mark.integration

MATCHING = "/itp/matching"
CONTRACTS = "/itp/contracts"


def match_accepted(demand_id: uuid.UUID, carrier_id: Any, pm_id: Any) -> matching_ev.MatchAccepted:
    return matching_ev.MatchAccepted(
        match_id=uuid.uuid4(),
        demand_id=demand_id,
        carrier_id=carrier_id,
        enterprise_id=uuid.uuid4(),
        project_manager_id=pm_id,
        accepted_by="pm-1",
        demand_title="车用固态锂电池电解质开发",
        demand_type="technology_development",
        budget=Decimal("2500000.00"),
        score=0.91,
        accepted_at=datetime.now(UTC),
    )


def signed(contract_id: uuid.UUID, demand_id: Any, carrier_id: Any, pm_id: Any = None, version: int = 1) -> Any:
    return contracts_ev.ContractSigned(
        contract_id=contract_id,
        demand_id=demand_id,
        enterprise_id=uuid.uuid4(),
        carrier_id=carrier_id,
        project_manager_id=pm_id,
        contract_type="technology_development",
        value=Decimal("2400000.00"),
        contract_version=version,
        signed_at=datetime.now(UTC),
    )


def completed(contract_id: uuid.UUID, demand_id: Any, carrier_id: Any, pm_id: Any = None) -> Any:
    return contracts_ev.ContractCompleted(
        contract_id=contract_id,
        demand_id=demand_id,
        enterprise_id=uuid.uuid4(),
        carrier_id=carrier_id,
        project_manager_id=pm_id,
        value=Decimal("2600000.00"),
        paid_total=Decimal("2600000.00"),
        completed_at=datetime.now(UTC),
    )


def terminated(contract_id: uuid.UUID, demand_id: Any, carrier_id: Any) -> Any:
    return contracts_ev.ContractTerminated(
        contract_id=contract_id,
        demand_id=demand_id,
        enterprise_id=uuid.uuid4(),
        carrier_id=carrier_id,
        reason="企业战略调整",
        cancelled_milestones=2,
        terminated_at=datetime.now(UTC),
    )


def engineer(contract: uuid.UUID, person: dict[str, Any]) -> dict[str, Any]:
    return {"target_type": "contract", "target_id": str(contract), "role": "engineer", "person_id": person["id"]}


async def twice(t: TalentApp, event: Any, source: str) -> None:
    """Deliver the same CloudEvent twice (a redelivery): applied, then a duplicate."""
    m = message_of(event, source=source)
    assert await t.consumer.process(m) == "applied"
    assert await t.consumer.process(m) == "duplicate"


async def loads(t: TalentApp, carrier: dict[str, Any], *people: dict[str, Any]) -> list[int]:
    out = [(await get_json(t, f"/api/v1/carriers/{carrier['id']}"))["active_load"]]
    for p in people:
        out.append((await get_json(t, f"/api/v1/people/{p['id']}"))["active_load"])
    return out


async def test_contract_signed_engages_carrier_and_project_manager_once(talent: TalentApp) -> None:
    carrier = await create_carrier(talent, capacity=3)
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学")
    contract, demand = uuid.uuid4(), uuid.uuid4()
    seq = await last_seq(talent)
    event = signed(contract, demand, carrier["id"], pm["id"])
    await twice(talent, event, CONTRACTS)
    assert await loads(talent, carrier, pm) == [1, 1]
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == ["AssignmentMade", "AssignmentMade", "CapacityChanged", "CapacityChanged"]
    assert {(r.data["carrier_id"], r.data["person_id"], r.data["role"]) for r in rows[:2]} == {
        (carrier["id"], None, "contractor"),
        (None, pm["id"], "project_manager"),
    }
    assert {(r.data["subject_type"], r.data["active_load"]) for r in rows[2:]} == {("carrier", 1), ("person", 1)}
    # A later signature of an amended version changes the value, not the loads.
    seq = await last_seq(talent)
    await twice(talent, signed(contract, demand, carrier["id"], pm["id"], version=2), CONTRACTS)
    assert await loads(talent, carrier, pm) == [1, 1]
    assert await outbox_rows(talent, after_seq=seq) == []
    processed = await read_scalar(
        talent,
        sa.select(sa.func.count())
        .select_from(processed_messages)
        .where(processed_messages.c.event_type == contracts_ev.ContractSigned.ce_type()),
    )
    assert processed >= 2


async def test_match_accepted_names_the_contracts_project_manager(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学")
    demand, contract = uuid.uuid4(), uuid.uuid4()
    await twice(talent, match_accepted(demand, carrier["id"], pm["id"]), MATCHING)
    assert (await get_json(talent, f"/api/v1/carriers/{carrier['id']}"))["matches_accepted"] == 1
    # The contract does not name its project manager: the accepted match does.
    await twice(talent, signed(contract, demand, carrier["id"], None), CONTRACTS)
    assert await loads(talent, carrier, pm) == [1, 1]
    pm_id = await read_scalar(
        talent,
        sa.select(contract_records.c.project_manager_id).where(contract_records.c.contract_id == contract),
    )
    assert str(pm_id) == pm["id"]


async def test_a_match_accepted_after_the_signature_still_engages_the_project_manager(talent: TalentApp) -> None:
    # Two topics, no order between them: the signature may arrive before the accepted match.
    carrier = await create_carrier(talent)
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学")
    demand, contract = uuid.uuid4(), uuid.uuid4()
    await twice(talent, signed(contract, demand, carrier["id"], None), CONTRACTS)
    assert await loads(talent, carrier, pm) == [1, 0]
    seq = await last_seq(talent)
    await twice(talent, match_accepted(demand, carrier["id"], pm["id"]), MATCHING)
    assert await loads(talent, carrier, pm) == [1, 1]
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == ["AssignmentMade", "CapacityChanged"]
    assert (rows[0].data["person_id"], rows[0].data["target_id"]) == (pm["id"], str(contract))
    # The completion credits the project manager too.
    await twice(talent, completed(contract, demand, carrier["id"]), CONTRACTS)
    assert (await get_json(talent, f"/api/v1/people/{pm['id']}"))["completed_contracts"] == 1


async def test_contract_completed_releases_everyone_and_credits_the_track_record_once(talent: TalentApp) -> None:
    carrier = await create_carrier(talent, capacity=1)
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学", capacity=2)
    researcher = await create_person(talent, carrier["id"], roles=["researcher"])
    bystander = await create_person(talent, carrier["id"], roles=["researcher"])
    contract, demand = uuid.uuid4(), uuid.uuid4()
    async with talent.client(OPERATOR) as c:
        # The PM brokered the demand before it became a contract: the signature adds no second load.
        r = await c.post(
            "/api/v1/assignments",
            json={"target_type": "demand", "target_id": str(demand), "role": "project_manager", "person_id": pm["id"]},
        )
        assert r.status_code == 201, r.text
    await twice(talent, signed(contract, demand, carrier["id"], pm["id"]), CONTRACTS)
    async with talent.client(OPERATOR) as c:
        r = await c.post(
            "/api/v1/assignments",
            json=engineer(contract, researcher),
        )
        assert r.status_code == 201, r.text
    assert await loads(talent, carrier, pm, researcher) == [1, 1, 1]

    seq = await last_seq(talent)
    await twice(talent, completed(contract, demand, carrier["id"], pm["id"]), CONTRACTS)
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows).count("AssignmentReleased") == 3  # the PM on the demand, the contractor, the engineer
    assert all(r.data["reason"] == "contract_completed" for r in rows if r.type == "AssignmentReleased")
    assert sorted(r.data["active_load"] for r in rows if r.type == "CapacityChanged") == [0, 0, 0]
    assert await loads(talent, carrier, pm, researcher) == [0, 0, 0]
    c_body = await get_json(talent, f"/api/v1/carriers/{carrier['id']}")
    assert (c_body["completed_contracts"], c_body["contract_value"]) == (1, "2600000.00")
    for p in (pm, researcher):
        body = await get_json(talent, f"/api/v1/people/{p['id']}")
        assert (body["completed_contracts"], body["contract_value"]) == (1, "2600000.00")
    body = await get_json(talent, f"/api/v1/people/{bystander['id']}")
    assert (body["completed_contracts"], body["contract_value"]) == (0, "0.00")

    # Another completion event of the same contract (a new id, so not a duplicate) changes nothing.
    seq = await last_seq(talent)
    assert await talent.consumer.process(message_of(completed(contract, demand, carrier["id"]), source=CONTRACTS)) == (
        "applied"
    )
    assert await outbox_rows(talent, after_seq=seq) == []
    assert (await get_json(talent, f"/api/v1/carriers/{carrier['id']}"))["completed_contracts"] == 1
    # Nobody joins a completed contract.
    async with talent.client(OPERATOR) as c:
        r = await c.post(
            "/api/v1/assignments",
            json=engineer(contract, bystander),
        )
    assert assert_problem(r, 409, "contract-closed")["contract_status"] == "completed"


async def test_contract_terminated_releases_without_credit(talent: TalentApp) -> None:
    carrier = await create_carrier(talent, capacity=0)  # a signed contract counts even over capacity
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学", capacity=0)
    contract, demand = uuid.uuid4(), uuid.uuid4()
    await twice(talent, signed(contract, demand, carrier["id"], pm["id"]), CONTRACTS)
    assert await loads(talent, carrier, pm) == [1, 1]
    seq = await last_seq(talent)
    await twice(talent, terminated(contract, demand, carrier["id"]), CONTRACTS)
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows).count("AssignmentReleased") == 2
    assert {r.data["reason"] for r in rows if r.type == "AssignmentReleased"} == {"contract_terminated"}
    assert await loads(talent, carrier, pm) == [0, 0]
    body = await get_json(talent, f"/api/v1/carriers/{carrier['id']}")
    assert (body["completed_contracts"], body["contract_value"]) == (0, "0.00")
    status = await read_scalar(
        talent, sa.select(contract_records.c.status).where(contract_records.c.contract_id == contract)
    )
    assert status == "terminated"
    # A signature arriving after the end changes nothing.
    seq = await last_seq(talent)
    await twice(talent, signed(contract, demand, carrier["id"], pm["id"]), CONTRACTS)
    assert await outbox_rows(talent, after_seq=seq) == []
    assert await loads(talent, carrier, pm) == [0, 0]


async def test_a_match_and_a_contract_of_one_demand_applied_at_once_see_each_other(talent: TalentApp) -> None:
    """Partitions run concurrently, so a demand's MatchAccepted (which names its project manager)
    and its ContractSigned (which does not) can be applied at the same time. Each must see what
    the other committed, or the project manager never takes the contract on."""
    carrier = await create_carrier(talent, capacity=5)
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学")
    demand, contract = uuid.uuid4(), uuid.uuid4()
    svc = talent.runtime.service
    signing, release = asyncio.Event(), asyncio.Event()

    async def sign() -> None:
        async with talent.runtime.uow() as uow:
            await svc.contract_signed(uow, signed(contract, demand, carrier["id"]))
            signing.set()
            await release.wait()  # the signature's transaction is still open

    async def accept() -> None:
        async with talent.runtime.uow() as uow:
            await svc.match_accepted(uow, match_accepted(demand, carrier["id"], pm["id"]))

    signer = asyncio.create_task(sign())
    await asyncio.wait_for(signing.wait(), timeout=30)
    accepter = asyncio.create_task(accept())
    waiting = sa.text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )

    async def acceptance_waits() -> bool:
        return bool(await read_scalar(talent, waiting))

    try:
        await wait_for(acceptance_waits, timeout_s=30, what="the acceptance to wait for the open signature")
    finally:
        release.set()
        await asyncio.gather(signer, accepter)
    assert await loads(talent, carrier, pm) == [1, 1]


async def test_consumed_events_through_the_real_broker(talent: TalentApp) -> None:
    carrier = await create_carrier(talent, capacity=5)
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学")
    demand, done, stopped = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    accepted = match_accepted(demand, carrier["id"], pm["id"])
    async with running_consumer(talent) as consumer:
        # Every record twice on the topic: the redelivery a producer retry would cause.
        records = [
            record_of(accepted, source=MATCHING),
            record_of(signed(done, demand, carrier["id"]), source=CONTRACTS),
            record_of(signed(stopped, None, carrier["id"], pm["id"]), source=CONTRACTS),
        ]
        await talent.bus.publish([r for rec in records for r in (rec, rec)])

        async def engaged() -> bool:
            return await loads(talent, carrier, pm) == [2, 2]

        await wait_for(engaged, timeout_s=30, what="both signed contracts to engage carrier and PM")
        finish = [
            record_of(completed(done, demand, carrier["id"]), source=CONTRACTS),
            record_of(terminated(stopped, None, carrier["id"]), source=CONTRACTS),
        ]
        await talent.bus.publish([r for rec in finish for r in (rec, rec)])

        async def released() -> bool:
            return await loads(talent, carrier, pm) == [0, 0]

        await wait_for(released, timeout_s=30, what="both contracts to release carrier and PM")

        async def all_handled() -> bool:
            return consumer.stats.applied + consumer.stats.duplicates >= 10

        await wait_for(all_handled, timeout_s=30, what="every delivery to be handled")
        assert (consumer.stats.applied, consumer.stats.duplicates, consumer.stats.dead_lettered) == (5, 5, 0)
    body = await get_json(talent, f"/api/v1/carriers/{carrier['id']}")
    assert (body["matches_accepted"], body["completed_contracts"], body["contract_value"]) == (1, 1, "2600000.00")
    person = await get_json(talent, f"/api/v1/people/{pm['id']}")
    assert (person["completed_contracts"], person["contract_value"]) == (1, "2600000.00")
