"""Who sees contact data of people and enterprises: one rule for every service."""

from __future__ import annotations

import uuid

import pytest

from shared.auth import Actor, Role
from shared.contact import can_see_contact, without_contact_data

HOME = uuid.uuid4()
OURS = uuid.uuid4()


@pytest.mark.parametrize(
    ("actor", "sees_person", "sees_enterprise"),
    [
        (Actor("op", frozenset({Role.OPERATOR})), True, True),
        (Actor("admin", frozenset({Role.ADMIN})), True, True),
        (Actor("cu", frozenset({Role.CARRIER_USER}), carrier_id=HOME), True, False),
        (Actor("cu2", frozenset({Role.CARRIER_USER}), carrier_id=uuid.uuid4()), False, False),
        (Actor("ent", frozenset({Role.ENTERPRISE_USER}), enterprise_id=OURS), False, True),
        (Actor("ent2", frozenset({Role.ENTERPRISE_USER}), enterprise_id=uuid.uuid4()), False, False),
        (Actor("pm", frozenset({Role.PROJECT_MANAGER})), False, False),
        (Actor("dash", frozenset({Role.DASHBOARD_VIEWER})), False, False),
        # A carrier_id or enterprise_id claim without its role grants nothing.
        (Actor("pm", frozenset({Role.PROJECT_MANAGER}), carrier_id=HOME, enterprise_id=OURS), False, False),
    ],
)
def test_who_sees_contact_data(actor: Actor, sees_person: bool, sees_enterprise: bool) -> None:
    assert can_see_contact(actor, carrier_id=HOME) is sees_person
    assert can_see_contact(actor, enterprise_id=OURS) is sees_enterprise


def test_nobody_but_operators_sees_contact_of_a_party_of_no_one() -> None:
    assert not can_see_contact(Actor("cu", frozenset({Role.CARRIER_USER}), carrier_id=HOME))
    assert not can_see_contact(Actor("ent", frozenset({Role.ENTERPRISE_USER}), enterprise_id=OURS))


def test_a_contact_without_its_data_keeps_its_name() -> None:
    assert without_contact_data({"name": "王工", "email": "w@x.cn", "phone": "+86 512 1234567", "wechat": "w"}) == {
        "name": "王工"
    }
