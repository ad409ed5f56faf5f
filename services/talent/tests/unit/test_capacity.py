"""Capacity rules and who may be assigned to what: pure, no I/O."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.talent.domain import (
    AssignmentRefused,
    OverCapacity,
    SubjectType,
    TargetType,
    carrier_load_increase,
    check_capacity,
    check_person_assignment,
)

SUBJECT = uuid.UUID("3f2b8c1e-6a4d-4e5f-9a0b-1c2d3e4f5a6b")


def test_taking_the_last_free_slot_is_allowed() -> None:
    assert check_capacity(SubjectType.PERSON, SUBJECT, capacity=3, active_load=2) == 3


def test_one_more_than_capacity_is_refused_naming_the_current_load() -> None:
    with pytest.raises(OverCapacity) as info:
        check_capacity(SubjectType.CARRIER, SUBJECT, capacity=3, active_load=3)
    exc = info.value
    assert (exc.subject_type, exc.subject_id, exc.capacity, exc.active_load) == (SubjectType.CARRIER, SUBJECT, 3, 3)
    assert "is at 3 of 3 active projects" in str(exc)


def test_a_person_message_speaks_of_assignments() -> None:
    with pytest.raises(OverCapacity, match="1 of 1 concurrent assignments"):
        check_capacity(SubjectType.PERSON, SUBJECT, capacity=1, active_load=1)


def test_zero_capacity_takes_nothing() -> None:
    with pytest.raises(OverCapacity):
        check_capacity(SubjectType.PERSON, SUBJECT, capacity=0, active_load=0)


def test_adding_nothing_passes_even_over_capacity() -> None:
    # A carrier already on the contract takes no new project when another of its researchers joins.
    assert check_capacity(SubjectType.CARRIER, SUBJECT, capacity=1, active_load=4, adding=0) == 4


@given(capacity=st.integers(0, 50), load=st.integers(0, 60), adding=st.integers(1, 3))
def test_allowed_exactly_when_the_new_load_fits(capacity: int, load: int, adding: int) -> None:
    try:
        new = check_capacity(SubjectType.PERSON, SUBJECT, capacity=capacity, active_load=load, adding=adding)
    except OverCapacity as exc:
        assert load + adding > capacity
        assert exc.active_load == load
    else:
        assert new == load + adding <= capacity


def test_a_carrier_counts_distinct_projects() -> None:
    contract = ("contract", uuid.uuid4())
    other = ("contract", uuid.uuid4())
    assert carrier_load_increase({contract}, contract) == 0
    assert carrier_load_increase({contract}, other) == 1
    assert carrier_load_increase(set(), other) == 1


@pytest.mark.parametrize("target", [TargetType.DEMAND, TargetType.CONTRACT])
def test_a_project_manager_manages_demands_and_contracts(target: TargetType) -> None:
    check_person_assignment(["project_manager"], role="project_manager", target_type=target)


def test_only_a_project_manager_manages() -> None:
    with pytest.raises(AssignmentRefused) as info:
        check_person_assignment(["researcher", "postdoc"], role="project_manager", target_type=TargetType.DEMAND)
    assert info.value.field == "person_id"


@pytest.mark.parametrize(
    "role", ["strategic_scientist", "jitri_researcher", "researcher", "graduate_student", "postdoc"]
)
def test_researchers_join_contracts_with_a_role(role: str) -> None:
    check_person_assignment([role], role="principal_investigator", target_type=TargetType.CONTRACT)


def test_researchers_do_not_go_to_demands() -> None:
    with pytest.raises(AssignmentRefused) as info:
        check_person_assignment(["researcher"], role="engineer", target_type=TargetType.DEMAND)
    assert info.value.field == "target_type"


def test_a_pure_project_manager_is_no_researcher() -> None:
    with pytest.raises(AssignmentRefused) as info:
        check_person_assignment(["project_manager"], role="engineer", target_type=TargetType.CONTRACT)
    assert info.value.field == "person_id"
