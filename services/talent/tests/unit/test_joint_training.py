"""The joint-training lifecycle, exhaustively, and the enrolment rules: pure, no I/O."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from services.talent.domain import (
    TRAINEE_TRANSITIONS,
    EnrolmentRefused,
    IllegalTransition,
    PersonRole,
    Trainee,
    TraineeAction,
    TraineeStatus,
    check_enrolment,
    trainee_allowed_actions,
)
from shared.events import talent as ev

S = TraineeStatus
A = TraineeAction
NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
PERSON = uuid.UUID("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
SUPERVISOR = uuid.UUID("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e")
CARRIER = uuid.UUID("2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f")

# Written out independently of TRAINEE_TRANSITIONS, so a slip in either shows.
EXPECTED = {
    (S.ENROLLED, A.START_PLACEMENT): S.ON_PLACEMENT,
    (S.ON_PLACEMENT, A.GRADUATE): S.GRADUATED,
    (S.ENROLLED, A.WITHDRAW): S.WITHDRAWN,
    (S.ON_PLACEMENT, A.WITHDRAW): S.WITHDRAWN,
}


def trainee(status: TraineeStatus = S.ENROLLED) -> Trainee:
    t = Trainee.enrol(
        now=NOW,
        person_id=PERSON,
        programme=PersonRole.GRADUATE_STUDENT,
        university="东南大学",
        carrier_id=CARRIER,
        supervisor_id=SUPERVISOR,
        starts_on=date(2026, 9, 1),
        ends_on=date(2029, 6, 30),
    )
    from dataclasses import replace

    return replace(t, status=status, events=[])


def test_enrolment_records_trainee_enrolled() -> None:
    t = Trainee.enrol(
        now=NOW,
        person_id=PERSON,
        programme=PersonRole.POSTDOC,
        university="南京大学",
        carrier_id=CARRIER,
        supervisor_id=None,
        starts_on=date(2026, 9, 1),
        ends_on=date(2028, 8, 31),
    )
    assert (t.status, t.version) == (S.ENROLLED, 1)
    assert t.events == [
        ev.TraineeEnrolled(
            trainee_id=t.id,
            person_id=PERSON,
            university="南京大学",
            carrier_id=CARRIER,
            supervisor_id=None,
            starts_on=date(2026, 9, 1),
            ends_on=date(2028, 8, 31),
            enrolled_at=NOW,
        )
    ]


def test_the_table_is_the_rules() -> None:
    table = {(s, a): target for a, (sources, target) in TRAINEE_TRANSITIONS.items() for s in sources}
    assert table == EXPECTED


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)))
def test_every_state_and_action(status: TraineeStatus, action: TraineeAction) -> None:
    t = trainee(status)
    later = NOW + timedelta(days=30)
    if (status, action) in EXPECTED:
        nxt = t.apply(action, now=later, reason="家庭原因")
        assert nxt.status == EXPECTED[(status, action)]
        assert (nxt.version, nxt.updated_at) == (t.version + 1, later)
        assert t.status == status  # the original is untouched
        assert nxt.status_reason == ("家庭原因" if action is A.WITHDRAW else None)
    else:
        with pytest.raises(IllegalTransition) as info:
            t.apply(action, now=later, reason="家庭原因")
        assert info.value.status == status
        assert info.value.allowed == trainee_allowed_actions(status)
        assert action.value not in info.value.allowed


def test_allowed_actions_per_state() -> None:
    assert trainee_allowed_actions(S.ENROLLED) == ["start_placement", "withdraw"]
    assert trainee_allowed_actions(S.ON_PLACEMENT) == ["graduate", "withdraw"]
    assert trainee_allowed_actions(S.GRADUATED) == []
    assert trainee_allowed_actions(S.WITHDRAWN) == []


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_withdrawal_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(ValueError, match="reason"):
        trainee().apply(A.WITHDRAW, now=NOW, reason=reason)


def test_a_graduate_cannot_graduate_again_and_the_error_says_why() -> None:
    with pytest.raises(IllegalTransition, match="cannot graduate a trainee who is graduated"):
        trainee(S.GRADUATED).apply(A.GRADUATE, now=NOW)


def enrol(**kw: object) -> PersonRole:
    args: dict[str, object] = {
        "person_id": PERSON,
        "person_roles": ["graduate_student"],
        "programme": None,
        "starts_on": date(2026, 9, 1),
        "ends_on": date(2029, 6, 30),
        "supervisor_id": SUPERVISOR,
        "supervisor_roles": ["jitri_researcher"],
    }
    args.update(kw)
    return check_enrolment(**args)  # type: ignore[arg-type]


def test_the_programme_follows_the_role_held() -> None:
    assert enrol() is PersonRole.GRADUATE_STUDENT
    assert enrol(person_roles=["postdoc", "researcher"]) is PersonRole.POSTDOC
    assert enrol(person_roles=["postdoc", "graduate_student"], programme=PersonRole.POSTDOC) is PersonRole.POSTDOC


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"person_roles": ["researcher"]}, "person_id"),
        ({"person_roles": ["postdoc", "graduate_student"]}, "programme"),
        ({"programme": PersonRole.POSTDOC}, "programme"),
        ({"ends_on": date(2026, 9, 1)}, "ends_on"),
        ({"ends_on": date(2025, 1, 1)}, "ends_on"),
        ({"supervisor_id": PERSON}, "supervisor_id"),
        ({"supervisor_roles": ["graduate_student"]}, "supervisor_id"),
        ({"supervisor_roles": []}, "supervisor_id"),
    ],
)
def test_enrolment_refusals_name_the_field(kw: dict[str, object], field: str) -> None:
    with pytest.raises(EnrolmentRefused) as info:
        enrol(**kw)
    assert info.value.field == field


def test_no_supervisor_is_fine() -> None:
    assert enrol(supervisor_id=None, supervisor_roles=None) is PersonRole.GRADUATE_STUDENT
