"""Demand rules outside the lifecycle table: editing, deadlines, teasers."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from services.demand.domain import (
    EDITABLE_FIELDS,
    EDITABLE_STATES,
    Confidentiality,
    Demand,
    DemandStatus,
    IllegalTransition,
    allowed_actions,
    budget_band,
    check_trl,
)
from services.demand.tests.unit.factories import NOW, demand_attrs, make_demand
from shared.events import demand as ev

S = DemandStatus
LATER = NOW + timedelta(minutes=5)


# --- update ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(EDITABLE_STATES))
def test_update_in_editable_state_records_changed_fields(status: DemandStatus) -> None:
    d = make_demand(status)
    new_deadline = NOW + timedelta(days=365)
    changes = {
        "title": "高镍正极材料高温循环寿命提升",
        "budget": Decimal("4200000.50"),
        "deadline": new_deadline,
        "confidentiality": Confidentiality.CONFIDENTIAL,
        "keywords": d.keywords,  # unchanged: not reported
    }
    nxt = d.update(changes, now=LATER)
    assert nxt.status is status
    assert nxt.version == d.version + 1
    assert nxt.updated_at == LATER
    assert nxt.title == changes["title"] and nxt.budget == Decimal("4200000.50")
    assert len(nxt.events) == 1
    e = nxt.events[0]
    assert isinstance(e, ev.DemandUpdated)
    assert e.demand_id == d.id and e.version == nxt.version and e.updated_at == LATER
    # Only the changed fields, JSON-ready: Decimal as an exact string, datetimes ISO 8601, enums by value.
    assert e.changed == {
        "title": "高镍正极材料高温循环寿命提升",
        "budget": "4200000.50",
        "deadline": new_deadline.isoformat(),
        "confidentiality": "confidential",
    }


def test_update_of_fresh_demand_carries_only_the_update_event() -> None:
    created = Demand.create(now=NOW, submit=True, **demand_attrs())
    nxt = created.update({"city": "苏州市"}, now=LATER)
    assert [type(e) for e in nxt.events] == [ev.DemandUpdated]


@pytest.mark.parametrize("status", sorted(EDITABLE_STATES))
def test_unchanged_update_emits_nothing(status: DemandStatus) -> None:
    d = make_demand(status)
    same = d.update({"title": d.title, "budget": Decimal("3500000"), "fields": list(d.fields)}, now=LATER)
    assert same is d
    assert same.events == [] and same.version == d.version
    assert d.update({}, now=LATER) is d


@pytest.mark.parametrize("status", sorted(set(DemandStatus) - EDITABLE_STATES))
def test_update_outside_editable_states_is_illegal(status: DemandStatus) -> None:
    d = make_demand(status)
    with pytest.raises(IllegalTransition) as info:
        d.update({"title": "新的标题文本"}, now=LATER)
    assert info.value.status is status
    assert info.value.action == "update"
    assert info.value.allowed == allowed_actions(status)


def test_update_checks_trl_order() -> None:
    d = make_demand(S.DRAFT)  # trl 3 -> 6
    with pytest.raises(ValueError, match="readiness"):
        d.update({"trl_target": 3}, now=LATER)
    with pytest.raises(ValueError, match="readiness"):
        d.update({"trl_current": 7}, now=LATER)
    assert d.update({"trl_current": 5}, now=LATER).trl_current == 5


@pytest.mark.parametrize("field", ["status", "version", "id", "enterprise_id", "created_at", "status_reason"])
def test_update_refuses_fields_that_are_not_editable(field: str) -> None:
    # Status, version, ids and timestamps move only through transitions.
    d = make_demand(S.DRAFT)
    values: dict[str, object] = {
        "status": S.CLOSED,
        "version": 99,
        "id": uuid.uuid4(),
        "enterprise_id": uuid.uuid4(),
        "created_at": LATER,
        "status_reason": "sneaky",
    }
    with pytest.raises(ValueError, match=f"not editable: {field}"):
        d.update({field: values[field], "title": "新的标题文本"}, now=LATER)


def test_editable_fields_are_attributes_and_exclude_lifecycle_ones() -> None:
    attributes = {f.name for f in dataclasses.fields(Demand)}
    assert attributes >= EDITABLE_FIELDS
    assert not EDITABLE_FIELDS & {"id", "enterprise_id", "status", "version", "created_at", "updated_at", "events"}


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [(None, None, True), (None, 5, True), (3, None, True), (3, 4, True), (3, 3, False), (6, 2, False)],
)
def test_check_trl(current: int | None, target: int | None, ok: bool) -> None:
    if ok:
        check_trl(current, target)
    else:
        with pytest.raises(ValueError):
            check_trl(current, target)


# --- deadlines -------------------------------------------------------------------------------

OPEN_FOR_EXPIRY = {S.SUBMITTED, S.PUBLISHED, S.MATCHED}


@pytest.mark.parametrize("status", list(DemandStatus))
def test_is_overdue(status: DemandStatus) -> None:
    d = make_demand(status, deadline=NOW)
    expirable = status in OPEN_FOR_EXPIRY
    assert d.is_overdue(NOW + timedelta(seconds=1)) is expirable
    assert d.is_overdue(NOW) is expirable  # the deadline itself is already too late
    assert d.is_overdue(NOW - timedelta(seconds=1)) is False


def test_without_deadline_never_overdue() -> None:
    d = make_demand(S.PUBLISHED, deadline=None)
    assert d.is_overdue(NOW + timedelta(days=3650)) is False


# --- teaser and budget bands -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "band"),
    [
        (None, None),
        (Decimal("0"), "< 0.5M CNY"),
        (Decimal("499999.99"), "< 0.5M CNY"),
        (Decimal("500000"), "0.5M-2M CNY"),
        (Decimal("1999999.99"), "0.5M-2M CNY"),
        (Decimal("2000000.00"), "2M-10M CNY"),
        (Decimal("9999999.99"), "2M-10M CNY"),
        (Decimal("10000000"), "10M-50M CNY"),
        (Decimal("49999999.99"), "10M-50M CNY"),
        (Decimal("50000000"), ">= 50M CNY"),
        (Decimal("1710000000"), ">= 50M CNY"),
    ],
)
def test_budget_band_boundaries(budget: Decimal | None, band: str | None) -> None:
    assert budget_band(budget) == band


def test_teaser_hides_details() -> None:
    d = make_demand(S.PUBLISHED, confidentiality=Confidentiality.CONFIDENTIAL)
    t = d.teaser()
    assert t == {
        "id": str(d.id),
        "title": d.title,
        "fields": d.fields,
        "demand_type": "technology_development",
        "budget_band": "2M-10M CNY",
        "status": "published",
        "confidentiality": "confidential",
        "teaser": True,
    }
    for secret in ("description", "budget", "contact", "enterprise_id", "expected_outcome"):
        assert secret not in t


def test_the_visibility_table_knows_every_state_and_the_teaser_every_field_it_shows() -> None:
    from shared import visibility

    assert visibility.ALL_STATES == {s.value for s in S}
    d = make_demand(S.PUBLISHED, confidentiality=Confidentiality.CONFIDENTIAL)
    assert all(visibility.field_class(k) is visibility.FieldClass.TEASER for k in d.teaser())


def test_the_documented_teaser_is_exactly_what_a_teaser_carries() -> None:
    """The OpenAPI schema of a teaser is derived from the visibility table: a value the table adds to
    the teaser, or one the domain stops sending, shows up here."""
    from services.demand.schemas import DemandTeaser

    t = make_demand(S.PUBLISHED, confidentiality=Confidentiality.CONFIDENTIAL).teaser()
    assert set(DemandTeaser.model_fields) == set(t)
    assert DemandTeaser.model_validate(t).model_dump(mode="json") == t
