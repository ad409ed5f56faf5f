"""Joint training over HTTP: enrolment rules, the lifecycle, illegal transitions as 409s naming the
state and what is allowed, and its events (enrolled, placed, graduated) in the outbox."""

from __future__ import annotations

from typing import Any

import pytest

from services.talent.tests.integration.helpers import (
    DASHBOARD,
    OPERATOR,
    TalentApp,
    assert_problem,
    carrier_user,
    create_carrier,
    create_person,
    enterprise_user,
    last_seq,
    outbox_rows,
    tag,
    types_of,
)

pytestmark = pytest.mark.integration


def enrolment(student: dict[str, Any], carrier: dict[str, Any], supervisor: dict[str, Any] | None, **kw: Any) -> dict:
    body = {
        "person_id": student["id"],
        "university": "东南大学",
        "carrier_id": carrier["id"],
        "supervisor_id": supervisor["id"] if supervisor else None,
        "starts_on": "2026-09-01",
        "ends_on": "2029-06-30",
    }
    body.update(kw)
    return body


async def test_enrol_then_placement_then_graduation(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    supervisor = await create_person(talent, carrier["id"], roles=["jitri_researcher"])
    student = await create_person(talent, None, roles=["graduate_student"], university="东南大学")
    seq = await last_seq(talent)
    async with talent.client(carrier_user(carrier["id"])) as c:
        r = await c.post(
            "/api/v1/trainees", json=enrolment(student, carrier, supervisor), headers={"Idempotency-Key": tag()}
        )
        assert r.status_code == 201, r.text
        t = r.json()
        assert (t["status"], t["programme"], t["allowed_actions"]) == (
            "enrolled",
            "graduate_student",
            ["start_placement", "withdraw"],
        )
        url = f"/api/v1/trainees/{t['id']}"
        r = await c.post(f"{url}/graduate")
        body = assert_problem(r, 409, "illegal-transition")
        assert body["current_state"] == "enrolled"
        assert body["allowed_actions"] == ["start_placement", "withdraw"]
        assert_problem(await c.post(f"{url}/start-placement", headers={"If-Match": '"v7"'}), 412, "precondition-failed")
        r = await c.post(f"{url}/start-placement", headers={"If-Match": '"v1"'})
        assert r.status_code == 200 and r.json()["status"] == "on_placement" and r.headers["etag"] == '"v2"'
        r = await c.post(f"{url}/graduate")
        assert r.status_code == 200 and r.json()["status"] == "graduated" and r.json()["allowed_actions"] == []
        body = assert_problem(await c.post(f"{url}/withdraw", json={"reason": "太晚了"}), 409, "illegal-transition")
        assert body["current_state"] == "graduated" and body["allowed_actions"] == []
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == ["TraineeEnrolled", "TraineePlacementStarted", "TraineeGraduated"]
    for moved in rows[1:]:  # the dashboard counts trainees placed and graduated (issue 20)
        assert moved.data == {
            "trainee_id": t["id"],
            "person_id": student["id"],
            "carrier_id": carrier["id"],
            "at": moved.data["at"],
        }
    assert rows[0].data == {
        "trainee_id": t["id"],
        "person_id": student["id"],
        "university": "东南大学",
        "carrier_id": carrier["id"],
        "supervisor_id": supervisor["id"],
        "starts_on": "2026-09-01",
        "ends_on": "2029-06-30",
        "enrolled_at": rows[0].data["enrolled_at"],
    }
    async with talent.client(DASHBOARD) as c:
        listed = (await c.get("/api/v1/trainees", params={"carrier_id": carrier["id"], "status": "graduated"})).json()
    assert [x["id"] for x in listed["items"]] == [t["id"]]


async def test_enrolment_rules(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    researcher = await create_person(talent, carrier["id"], roles=["researcher"])
    postdoc = await create_person(talent, None, roles=["postdoc"], university="南京大学")
    both = await create_person(talent, None, roles=["graduate_student", "postdoc"], university="南京大学")
    other_student = await create_person(talent, None, roles=["graduate_student"], university="南京大学")
    async with talent.client(OPERATOR) as c:

        async def refused(body: dict[str, Any], field: str) -> None:
            r = await c.post("/api/v1/trainees", json=body)
            problem = assert_problem(r, 422, "enrolment-refused")
            assert [e["field"] for e in problem["errors"]] == [field], problem

        await refused(enrolment(researcher, carrier, None), "person_id")  # not a student or postdoc
        await refused(enrolment(both, carrier, None), "programme")  # which one?
        await refused(enrolment(postdoc, carrier, None, programme="graduate_student"), "programme")
        await refused(enrolment(postdoc, carrier, None, ends_on="2026-08-01"), "ends_on")
        await refused(enrolment(postdoc, carrier, postdoc), "supervisor_id")
        await refused(enrolment(postdoc, carrier, other_student), "supervisor_id")  # a student supervises no one

        r = await c.post("/api/v1/trainees", json=enrolment(both, carrier, researcher, programme="postdoc"))
        assert r.status_code == 201 and r.json()["programme"] == "postdoc"
        r = await c.post("/api/v1/trainees", json=enrolment(both, carrier, researcher, programme="postdoc"))
        assert assert_problem(r, 409, "already-enrolled")["existing_id"]
        # After withdrawing, the person can enrol again.
        tid = (await c.get("/api/v1/trainees", params={"person_id": both["id"]})).json()["items"][0]["id"]
        assert_problem(await c.post(f"/api/v1/trainees/{tid}/withdraw"), 422, "validation-error")
        r = await c.post(f"/api/v1/trainees/{tid}/withdraw", json={"reason": "转入企业博士后工作站"})
        assert r.status_code == 200 and r.json()["status_reason"] == "转入企业博士后工作站"
        r = await c.post("/api/v1/trainees", json=enrolment(both, carrier, researcher, programme="graduate_student"))
        assert r.status_code == 201, r.text
    # Another carrier's user can neither enrol here nor move this trainee.
    other = await create_carrier(talent)
    async with talent.client(carrier_user(other["id"])) as c:
        assert_problem(await c.post("/api/v1/trainees", json=enrolment(postdoc, carrier, None)), 403, "forbidden")
        assert_problem(await c.post(f"/api/v1/trainees/{r.json()['id']}/start-placement"), 403, "forbidden")
    # Why a trainee withdrew is said to staff and the hosting carrier only.
    for reader, says in (
        (OPERATOR, True),
        (carrier_user(carrier["id"]), True),
        (carrier_user(other["id"]), False),
        (DASHBOARD, False),
        (enterprise_user(), False),
    ):
        async with talent.client(reader) as c:
            listed = (await c.get("/api/v1/trainees", params={"person_id": both["id"]})).json()["items"]
            one = (await c.get(f"/api/v1/trainees/{tid}")).json()
        reasons = {x["id"]: x["status_reason"] for x in listed}
        assert (reasons[tid], one["status_reason"]) == (("转入企业博士后工作站",) * 2 if says else (None, None))
