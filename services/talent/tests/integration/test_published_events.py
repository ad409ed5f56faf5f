"""Every event the talent service publishes reaches the real broker as a CloudEvent keyed by its
aggregate id, through the outbox and the relay."""

from __future__ import annotations

import uuid

import pytest

from services.talent.tests.integration.helpers import (
    OPERATOR,
    TALENT_TOPIC,
    TalentApp,
    TopicTail,
    carrier_body,
    create_carrier,
    create_person,
    last_seq,
    outbox_rows,
)
from shared.events import talent as ev
from shared.events.base import DomainEvent

pytestmark = pytest.mark.integration

PUBLISHED: set[type[DomainEvent]] = {
    ev.CarrierRegistered,
    ev.CarrierProfileUpdated,
    ev.PersonRegistered,
    ev.PersonProfileUpdated,
    ev.TraineeEnrolled,
    ev.TraineePlacementStarted,
    ev.TraineeGraduated,
    ev.TraineeWithdrawn,
    ev.AssignmentMade,
    ev.AssignmentReleased,
    ev.CapacityChanged,
}


async def test_every_published_event_reaches_kafka(talent: TalentApp) -> None:
    seq = await last_seq(talent)
    carrier = await create_carrier(talent, capacity=2)
    supervisor = await create_person(talent, carrier["id"], roles=["researcher"])
    student = await create_person(talent, None, roles=["graduate_student"], university="东南大学")
    other_student = await create_person(talent, None, roles=["graduate_student"], university="东南大学")
    async with talent.client(OPERATOR) as c:
        r = await c.put(
            f"/api/v1/carriers/{carrier['id']}",
            json=carrier_body(name_zh=carrier["name_zh"], capacity=4),
            headers={"If-Match": '"v1"'},
        )
        assert r.status_code == 200, r.text
        r = await c.patch(f"/api/v1/people/{student['id']}", json={"capacity": 1}, headers={"If-Match": '"v1"'})
        assert r.status_code == 200, r.text
        r = await c.post(
            "/api/v1/trainees",
            json={
                "person_id": student["id"],
                "university": "东南大学",
                "carrier_id": carrier["id"],
                "supervisor_id": supervisor["id"],
                "starts_on": "2026-09-01",
                "ends_on": "2028-06-30",
            },
        )
        assert r.status_code == 201, r.text
        trainee = r.json()["id"]
        for action in ("start-placement", "graduate"):
            assert (await c.post(f"/api/v1/trainees/{trainee}/{action}")).status_code == 200
        r = await c.post(
            "/api/v1/trainees",
            json={
                "person_id": other_student["id"],
                "university": "东南大学",
                "carrier_id": carrier["id"],
                "starts_on": "2026-09-01",
                "ends_on": "2028-06-30",
            },
        )
        assert r.status_code == 201, r.text
        r = await c.post(f"/api/v1/trainees/{r.json()['id']}/withdraw", json={"reason": "转入企业"})
        assert r.status_code == 200, r.text
        r = await c.post(
            "/api/v1/assignments",
            json={
                "target_type": "contract",
                "target_id": str(uuid.uuid4()),
                "role": "engineer",
                "person_id": supervisor["id"],
            },
        )
        assert r.status_code == 201, r.text
        r = await c.post(f"/api/v1/assignments/{r.json()['id']}/release", json={"reason": "合同变更"})
        assert r.status_code == 200, r.text
    rows = await outbox_rows(talent, after_seq=seq)
    assert {r.type for r in rows} == {cls.TYPE for cls in PUBLISHED}

    async with TopicTail(TALENT_TOPIC) as tail:
        while await talent.runtime.relay.publish_pending():
            pass
        got = await tail.collect({r.event_id for r in rows})
    for row in rows:
        ce = got[row.event_id]
        cls = next(c for c in PUBLISHED if c.TYPE == row.type)
        assert ce["type"] == cls.ce_type() and ce["specversion"] == "1.0" and ce["source"] == "/itp/talent"
        assert ce["subject"] == ce["_key"] == row.aggregate_id == str(ce["data"][cls.KEY])
        cls.model_validate(ce["data"])
    published = await outbox_rows(talent, after_seq=seq)
    assert all(r.published_at is not None for r in published)


async def test_profile_events_carry_the_english_name(talent: TalentApp) -> None:
    """Issue 19: a bilingual carrier's and person's ``name_en`` travels beside the (Chinese) name,
    so that matching indexes it; a carrier named only in English does not repeat it."""
    seq = await last_seq(talent)
    bilingual = await create_carrier(talent)
    english_only = await create_carrier(talent, name_zh=None, name_en=f"Acoustics Lab {uuid.uuid4().hex[:6]}")
    person = await create_person(talent, bilingual["id"])
    async with talent.client(OPERATOR) as c:
        body = carrier_body(name_zh=bilingual["name_zh"], name_en="Advanced Energy Storage Institute")
        r = await c.put(f"/api/v1/carriers/{bilingual['id']}", json=body, headers={"If-Match": '"v1"'})
        assert r.status_code == 200, r.text
        r = await c.patch(f"/api/v1/people/{person['id']}", json={"capacity": 1}, headers={"If-Match": '"v1"'})
        assert r.status_code == 200, r.text
    data = {(r.type, r.aggregate_id): r.data for r in await outbox_rows(talent, after_seq=seq)}
    registered = data[("CarrierRegistered", bilingual["id"])]
    assert (registered["name"], registered["name_en"]) == (bilingual["name_zh"], "Institute of Advanced Energy Storage")
    updated = data[("CarrierProfileUpdated", bilingual["id"])]
    assert (updated["name"], updated["name_en"]) == (bilingual["name_zh"], "Advanced Energy Storage Institute")
    only = data[("CarrierRegistered", english_only["id"])]
    assert (only["name"], only["name_en"]) == (english_only["name_en"], None)
    for kind in ("PersonRegistered", "PersonProfileUpdated"):
        assert data[(kind, person["id"])]["name_en"] == "Wang Xiaoming", kind
