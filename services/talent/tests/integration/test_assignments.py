"""Assignments over HTTP under capacity: a 409 naming the current load, release frees capacity,
concurrent requests cannot overbook, and AssignmentMade / AssignmentReleased / CapacityChanged."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from services.talent.tests.integration.helpers import (
    OPERATOR,
    PROJECT_MANAGER,
    TalentApp,
    assert_problem,
    carrier_user,
    create_carrier,
    create_person,
    get_json,
    last_seq,
    outbox_rows,
    tag,
    types_of,
)

pytestmark = pytest.mark.integration


def assign(target_type: str, target_id: Any, role: str, person: Any = None, carrier: Any = None) -> dict[str, Any]:
    return {
        "target_type": target_type,
        "target_id": str(target_id),
        "role": role,
        "person_id": str(person["id"]) if person else None,
        "carrier_id": str(carrier["id"]) if carrier else None,
    }


async def test_person_over_capacity_is_a_409_naming_the_load_until_released(talent: TalentApp) -> None:
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学", capacity=2)
    demands = [uuid.uuid4() for _ in range(3)]
    seq = await last_seq(talent)
    async with talent.client(PROJECT_MANAGER) as c:
        made = []
        for d in demands[:2]:
            r = await c.post("/api/v1/assignments", json=assign("demand", d, "project_manager", pm))
            assert r.status_code == 201, r.text
            made.append(r.json())
        r = await c.post("/api/v1/assignments", json=assign("demand", demands[2], "project_manager", pm))
        problem = assert_problem(r, 409, "over-capacity")
        assert (problem["subject_type"], problem["subject_id"]) == ("person", pm["id"])
        assert (problem["capacity"], problem["active_load"]) == (2, 2)
        assert "2 of 2" in problem["detail"]
        r = await c.post("/api/v1/assignments", json=assign("demand", demands[0], "project_manager", pm))
        assert_problem(r, 409, "already-assigned")
        assert (await get_json(talent, f"/api/v1/people/{pm['id']}"))["active_load"] == 2

        r = await c.post(f"/api/v1/assignments/{made[0]['id']}/release", json={"reason": "需求撤回"})
        assert r.status_code == 200 and r.json()["status"] == "released" and r.json()["release_reason"] == "需求撤回"
        assert_problem(await c.post(f"/api/v1/assignments/{made[0]['id']}/release"), 409, "illegal-transition")
        r = await c.post("/api/v1/assignments", json=assign("demand", demands[2], "project_manager", pm))
        assert r.status_code == 201, r.text
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == [
        "AssignmentMade",
        "CapacityChanged",
        "AssignmentMade",
        "CapacityChanged",
        "AssignmentReleased",
        "CapacityChanged",
        "AssignmentMade",
        "CapacityChanged",
    ]
    assert [r.data["active_load"] for r in rows if r.type == "CapacityChanged"] == [1, 2, 1, 2]
    assert rows[0].data == {
        "assignment_id": made[0]["id"],
        "person_id": pm["id"],
        "carrier_id": None,
        "target_type": "demand",
        "target_id": str(demands[0]),
        "role": "project_manager",
        "made_at": rows[0].data["made_at"],
    }
    assert rows[4].data["reason"] == "需求撤回" and rows[4].aggregate_id == made[0]["id"]


async def test_a_researcher_engages_the_carrier_whose_capacity_counts_distinct_projects(talent: TalentApp) -> None:
    carrier = await create_carrier(talent, capacity=1)
    alice = await create_person(talent, carrier["id"], roles=["researcher"], capacity=3)
    bob = await create_person(talent, carrier["id"], roles=["postdoc"], capacity=3)
    first, second = uuid.uuid4(), uuid.uuid4()
    async with talent.client(carrier_user(carrier["id"])) as c:
        r = await c.post("/api/v1/assignments", json=assign("contract", first, "principal_investigator", alice))
        assert r.status_code == 201 and r.json()["carrier_id"] == carrier["id"]
        # A second researcher on the same contract adds no project to the carrier.
        r = await c.post("/api/v1/assignments", json=assign("contract", first, "engineer", bob))
        assert r.status_code == 201, r.text
        r = await c.post("/api/v1/assignments", json=assign("contract", second, "engineer", bob))
        problem = assert_problem(r, 409, "over-capacity")
        assert (problem["subject_type"], problem["subject_id"], problem["active_load"]) == (
            "carrier",
            carrier["id"],
            1,
        )
        # A carrier user neither assigns project managers nor puts carriers on things.
        pm = await create_person(talent, carrier["id"], roles=["project_manager"])
        assert_problem(
            await c.post("/api/v1/assignments", json=assign("demand", uuid.uuid4(), "project_manager", pm)),
            403,
            "forbidden",
        )
        assert_problem(
            await c.post("/api/v1/assignments", json=assign("demand", uuid.uuid4(), "partner", carrier=carrier)),
            403,
            "forbidden",
        )
    assert (await get_json(talent, f"/api/v1/carriers/{carrier['id']}"))["active_load"] == 1
    listed = await get_json(talent, f"/api/v1/assignments?carrier_id={carrier['id']}&status=active")
    assert {a["person_id"] for a in listed["items"]} == {alice["id"], bob["id"]}


async def test_who_goes_where(talent: TalentApp) -> None:
    carrier = await create_carrier(talent, capacity=5)
    researcher = await create_person(talent, carrier["id"], roles=["researcher"])
    pm = await create_person(talent, carrier["id"], roles=["project_manager"])
    inactive = await create_person(talent, carrier["id"], roles=["researcher"], status="inactive")
    async with talent.client(OPERATOR) as c:

        async def refused(body: dict[str, Any], field: str) -> None:
            problem = assert_problem(await c.post("/api/v1/assignments", json=body), 422, "assignment-refused")
            assert [e["field"] for e in problem["errors"]] == [field], problem

        await refused(assign("demand", uuid.uuid4(), "researcher", researcher), "target_type")
        await refused(assign("demand", uuid.uuid4(), "project_manager", researcher), "person_id")
        await refused(assign("contract", uuid.uuid4(), "engineer", pm), "person_id")
        await refused(assign("demand", uuid.uuid4(), "broker", pm), "target_type")  # a PM is project_manager
        r = await c.post("/api/v1/assignments", json=assign("contract", uuid.uuid4(), "project_manager", pm))
        assert r.status_code == 201 and r.json()["carrier_id"] is None  # a project manager engages no carrier
        both = {**assign("demand", uuid.uuid4(), "project_manager", pm), "carrier_id": carrier["id"]}
        assert_problem(await c.post("/api/v1/assignments", json=both), 422, "validation-error")
        r = await c.post("/api/v1/assignments", json=assign("contract", uuid.uuid4(), "engineer", inactive))
        assert_problem(r, 409, "person-inactive")
        r = await c.post("/api/v1/assignments", json=assign("contract", uuid.uuid4(), "engineer", {"id": uuid.uuid4()}))
        assert_problem(r, 422, "unknown-person")
        r = await c.post("/api/v1/assignments", json=assign("demand", uuid.uuid4(), "partner", carrier=carrier))
        assert r.status_code == 201 and r.json()["person_id"] is None


async def test_concurrent_assignments_never_overbook(talent: TalentApp) -> None:
    person = await create_person(talent, None, roles=["project_manager"], university="南京大学", capacity=2)

    async def one(i: int) -> int:
        async with talent.client(OPERATOR) as c:
            r = await c.post("/api/v1/assignments", json=assign("demand", uuid.uuid4(), "project_manager", person))
        return r.status_code

    codes = await asyncio.gather(*(one(i) for i in range(8)))
    assert sorted(codes) == [201, 201] + [409] * 6
    assert (await get_json(talent, f"/api/v1/people/{person['id']}"))["active_load"] == 2


async def test_assignment_create_is_idempotent(talent: TalentApp) -> None:
    person = await create_person(talent, None, roles=["project_manager"], university="南京大学", capacity=5)
    body = assign("demand", uuid.uuid4(), "project_manager", person)
    key = {"Idempotency-Key": tag()}
    async with talent.client(OPERATOR) as c:
        a = await c.post("/api/v1/assignments", json=body, headers=key)
        b = await c.post("/api/v1/assignments", json=body, headers=key)
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
    assert b.headers["idempotent-replayed"] == "true"
    assert (await get_json(talent, f"/api/v1/people/{person['id']}"))["active_load"] == 1
