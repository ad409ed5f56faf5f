"""Matches to teams: who may be in one, and which carrier contracts for it."""

from __future__ import annotations

import pytest

from services.matching.teams import Member, contracting_carrier


def member(pid: str, *, carrier: str | None = "car-1", capacity: int = 2, load: int = 0, active: bool = True) -> Member:
    return Member(person_id=pid, active=active, capacity=capacity, active_load=load, carrier_id=carrier)


def test_the_lead_s_employer_contracts_unless_a_carrier_is_given() -> None:
    team = [member("p1", carrier="car-lead"), member("p2", carrier="car-other"), member("p3", carrier=None)]
    assert contracting_carrier(team, "p1", None) == "car-lead"
    assert contracting_carrier(team, "p2", None) == "car-other"
    assert contracting_carrier(team, "p1", "car-given") == "car-given"


def test_a_lead_without_a_carrier_needs_one_given() -> None:
    team = [member("p1", carrier=None), member("p2")]
    with pytest.raises(ValueError, match="needs a carrier"):
        contracting_carrier(team, "p1", None)
    assert contracting_carrier(team, "p1", "car-given") == "car-given"


@pytest.mark.parametrize(
    ("unfit", "why"),
    [(member("p2", capacity=2, load=2), "no free capacity"), (member("p2", active=False), "not active")],
)
def test_every_member_is_active_with_free_capacity(unfit: Member, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        contracting_carrier([member("p1"), unfit], "p1", None)
    assert contracting_carrier([member("p1"), member("p2", capacity=3, load=2)], "p1", None) == "car-1"
