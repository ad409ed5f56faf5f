"""The visibility table: who may see what of a demand, by relation, state and class of value."""

from __future__ import annotations

import uuid

import pytest

from shared import visibility as v
from shared.auth import Actor, Role
from shared.visibility import Access, FieldClass, Relation, Sight

ENTERPRISE = uuid.uuid4()
UNPUBLISHED = ("draft", "submitted", "withdrawn", "rejected", "expired")
PUBLISHED = ("published", "matched", "in_negotiation", "contracted", "closed")


def test_the_table_has_a_rule_for_every_relation_and_class() -> None:
    assert set(v.RULES) == set(Relation)
    for rule in v.RULES.values():
        assert set(rule.access) == set(FieldClass)
        assert rule.states <= v.ALL_STATES
    assert v.PUBLISHED_STATES == set(PUBLISHED)
    assert v.ALL_STATES == set(PUBLISHED) | set(UNPUBLISHED)


@pytest.mark.parametrize("status", sorted(v.ALL_STATES))
@pytest.mark.parametrize("rel", [Relation.STAFF, Relation.OWNER])
def test_staff_and_the_owner_see_every_demand_in_full(rel: Relation, status: str) -> None:
    for confidential in (False, True):
        assert v.sight(rel, status, confidential=confidential, granted=False) is Sight.FULL


@pytest.mark.parametrize("rel", [Relation.CARRIER, Relation.OTHER_ENTERPRISE, Relation.DASHBOARD_VIEWER])
def test_others_see_a_demand_only_from_its_publication(rel: Relation) -> None:
    for status in UNPUBLISHED:
        for confidential in (False, True):
            for granted in (False, True):
                assert v.sight(rel, status, confidential=confidential, granted=granted) is Sight.NONE
    for status in PUBLISHED:
        assert v.sight(rel, status, confidential=False, granted=False) is Sight.FULL
        assert v.sight(rel, status, confidential=True, granted=False) is Sight.TEASER


def test_only_a_carrier_with_a_grant_sees_a_confidential_demand_in_full() -> None:
    assert v.sight(Relation.CARRIER, "published", confidential=True, granted=True) is Sight.FULL
    for rel in (Relation.OTHER_ENTERPRISE, Relation.DASHBOARD_VIEWER):
        assert v.sight(rel, "published", confidential=True, granted=True) is Sight.TEASER
    assert v.RULES[Relation.CARRIER].access[FieldClass.DERIVED] is Access.IF_PUBLIC_OR_GRANTED


def test_a_derived_value_is_as_confidential_as_its_source() -> None:
    for rule in v.RULES.values():
        assert rule.access[FieldClass.DERIVED] == rule.access[FieldClass.HIDDEN]


def test_nobody_sees_nothing() -> None:
    for status in v.ALL_STATES:
        assert v.sight(Relation.NOBODY, status, confidential=False, granted=True) is Sight.NONE


@pytest.mark.parametrize(
    ("actor", "relation"),
    [
        (Actor("s", frozenset({Role.OPERATOR})), Relation.STAFF),
        (Actor("s", frozenset({Role.PROJECT_MANAGER, Role.CARRIER_USER}), carrier_id=uuid.uuid4()), Relation.STAFF),
        (Actor("e", frozenset({Role.ENTERPRISE_USER}), enterprise_id=ENTERPRISE), Relation.OWNER),
        (Actor("e", frozenset({Role.ENTERPRISE_USER}), enterprise_id=uuid.uuid4()), Relation.OTHER_ENTERPRISE),
        (Actor("c", frozenset({Role.CARRIER_USER}), carrier_id=uuid.uuid4()), Relation.CARRIER),
        (Actor("d", frozenset({Role.DASHBOARD_VIEWER})), Relation.DASHBOARD_VIEWER),
        # A binding without its role counts for nothing.
        (Actor("x", frozenset({Role.DASHBOARD_VIEWER}), enterprise_id=ENTERPRISE), Relation.DASHBOARD_VIEWER),
        (Actor("x", frozenset()), Relation.NOBODY),
    ],
)
def test_the_relation_of_a_caller(actor: Actor, relation: Relation) -> None:
    assert v.relation_of(actor, ENTERPRISE) is relation


def test_as_seen_keeps_the_teaser_blanks_derived_values_and_drops_hidden_ones() -> None:
    entry = {
        "demand_id": "d",
        "title": "光伏组件效率提升",
        "status": "published",
        "carrier_id": "c",
        "description": "钙钛矿叠层",
        "enterprise_id": "e",
        "matched_terms": ["钙钛", "钛矿"],
        "explanation": ["matched terms: 钙钛"],
        "score": 0.61,
        "rank": 1,
        "components": {"text": 0.4, "region": 1.0, "trl": 1.0, "budget": 0.3, "fields": 1.0, "capacity": 0.5},
        "something_new": "not classified yet",
    }
    assert v.as_seen(entry, Sight.FULL) == entry
    assert v.as_seen(entry, Sight.TEASER) == {
        "demand_id": "d",
        "title": "光伏组件效率提升",
        "status": "published",
        "carrier_id": "c",
        "matched_terms": [],
        "explanation": [],
        "score": None,
        "rank": None,
        "components": {"fields": 1.0, "capacity": 0.5},
        "teaser": True,
    }
    with pytest.raises(ValueError):
        v.as_seen(entry, Sight.NONE)


def test_the_teaser_of_values() -> None:
    assert v.teaser_of({"id": "d", "title": "t", "budget": "1", "budget_band": "< 0.5M CNY", "city": "苏州"}) == {
        "id": "d",
        "title": "t",
        "budget_band": "< 0.5M CNY",
        "teaser": True,
    }
