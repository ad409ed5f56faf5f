"""Matches to teams: pure rules, no I/O.

The institute staffs projects with teams: a demand may be matched to two or more people led by one
of them. Each member must be active with free capacity (capacity above their active load). A
contract is signed by a legal entity, so a team's match names the carrier that contracts: the one
given, else the lead's employer; a team with neither cannot be matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    """What the rules look at in a member, from matching's read model of people."""

    person_id: str
    active: bool
    capacity: int
    active_load: int
    carrier_id: str | None


def contracting_carrier(members: Sequence[Member], lead_person_id: str, carrier_id: str | None) -> str:
    """The carrier that contracts for the team; ``ValueError`` (saying why) when the team may not
    be matched: a member inactive or without free capacity, or no carrier to contract."""
    for m in members:
        if not m.active:
            raise ValueError(f"team member {m.person_id} is not active")
        if m.active_load >= m.capacity:
            raise ValueError(f"team member {m.person_id} has no free capacity ({m.active_load} of {m.capacity})")
    lead = next(m for m in members if m.person_id == lead_person_id)
    chosen = carrier_id or lead.carrier_id
    if chosen is None:
        raise ValueError("a team needs a carrier to contract: give carrier_id, or a lead employed by a carrier")
    return chosen
