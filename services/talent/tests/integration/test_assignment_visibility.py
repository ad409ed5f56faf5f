"""Who reads assignments: an assignment names its target (a demand, maybe not published yet) and
who works on it. Staff read them all, a carrier user its own carrier's, nobody else any."""

from __future__ import annotations

import uuid

import pytest

from services.talent.tests.integration.helpers import (
    DASHBOARD,
    PROJECT_MANAGER,
    TalentApp,
    assert_problem,
    carrier_user,
    create_carrier,
    create_person,
    enterprise_user,
)

pytestmark = pytest.mark.integration


async def test_assignments_are_read_by_staff_and_the_carrier_concerned_only(talent: TalentApp) -> None:
    ours, theirs = await create_carrier(talent), await create_carrier(talent)
    researcher = await create_person(talent, ours["id"])
    pm = await create_person(talent, None, roles=["project_manager"], capacity=5)
    unpublished = uuid.uuid4()  # talent does not know whether a demand is published, nor whose it is
    contract = uuid.uuid4()
    made = {}
    async with talent.client(PROJECT_MANAGER) as c:
        for name, body in {
            "pm": {"target_id": str(unpublished), "person_id": pm["id"], "role": "project_manager"},
            "ours": {"target_id": str(unpublished), "carrier_id": ours["id"], "role": "carrier"},
            "theirs": {"target_id": str(unpublished), "carrier_id": theirs["id"], "role": "carrier"},
        }.items():
            r = await c.post("/api/v1/assignments", json={"target_type": "demand", **body})
            assert r.status_code == 201, r.text
            made[name] = r.json()["id"]
        r = await c.post(
            "/api/v1/assignments",
            json={
                "target_type": "contract",
                "target_id": str(contract),
                "person_id": researcher["id"],
                "role": "principal_investigator",
            },
        )
        assert r.status_code == 201, r.text
        made["researcher"] = r.json()["id"]
        listed = await c.get(f"/api/v1/assignments?target_id={unpublished}")
        assert {a["id"] for a in listed.json()["items"]} == {made["pm"], made["ours"], made["theirs"]}

    async with talent.client(carrier_user(ours["id"])) as c:
        mine = await c.get(f"/api/v1/assignments?target_id={unpublished}")
        assert [a["id"] for a in mine.json()["items"]] == [made["ours"]]
        everything = await c.get("/api/v1/assignments")
        assert {a["id"] for a in everything.json()["items"]} == {made["ours"], made["researcher"]}
        assert (await c.get(f"/api/v1/assignments?carrier_id={theirs['id']}")).json()["items"] == []
        assert (await c.get(f"/api/v1/assignments/{made['researcher']}")).status_code == 200
        for other in ("pm", "theirs"):
            assert_problem(await c.get(f"/api/v1/assignments/{made[other]}"), 404, "not-found")

    for headers in (enterprise_user(), DASHBOARD):
        async with talent.client(headers) as c:
            assert_problem(await c.get(f"/api/v1/assignments?target_id={unpublished}"), 403, "forbidden")
            assert_problem(await c.get(f"/api/v1/assignments/{made['pm']}"), 403, "forbidden")
