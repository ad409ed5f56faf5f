"""The demand lifecycle, exhaustively: every (status, action) pair is either one step
with one event or an IllegalTransition naming the state and what is allowed from it."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.demand.domain import (
    TRANSITIONS,
    Demand,
    DemandAction,
    DemandStatus,
    IllegalTransition,
    allowed_actions,
)
from services.demand.tests.unit.factories import ENTERPRISE_ID, NOW, demand_attrs, make_demand
from shared.events import demand as ev
from shared.events.base import DomainEvent

S = DemandStatus
A = DemandAction

# The business rules written out independently of TRANSITIONS, so a slip in either shows.
EXPECTED: dict[tuple[DemandStatus, DemandAction], DemandStatus] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.PUBLISH): S.PUBLISHED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.PUBLISHED, A.REJECT): S.REJECTED,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.PUBLISHED, A.WITHDRAW): S.WITHDRAWN,
    (S.MATCHED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_NEGOTIATION, A.WITHDRAW): S.WITHDRAWN,
    (S.PUBLISHED, A.MATCH): S.MATCHED,
    (S.MATCHED, A.START_NEGOTIATION): S.IN_NEGOTIATION,
    (S.MATCHED, A.CONTRACT): S.CONTRACTED,
    (S.IN_NEGOTIATION, A.CONTRACT): S.CONTRACTED,
    (S.CONTRACTED, A.CLOSE): S.CLOSED,
    (S.SUBMITTED, A.EXPIRE): S.EXPIRED,
    (S.PUBLISHED, A.EXPIRE): S.EXPIRED,
    (S.MATCHED, A.EXPIRE): S.EXPIRED,
}

EVENT_FOR: dict[DemandAction, type[DomainEvent]] = {
    A.SUBMIT: ev.DemandSubmitted,
    A.PUBLISH: ev.DemandPublished,
    A.REJECT: ev.DemandRejected,
    A.WITHDRAW: ev.DemandWithdrawn,
    A.MATCH: ev.DemandMatched,
    A.START_NEGOTIATION: ev.DemandNegotiationStarted,
    A.CONTRACT: ev.DemandContracted,
    A.CLOSE: ev.DemandClosed,
    A.EXPIRE: ev.DemandExpired,
}

TERMINAL = {S.CLOSED, S.WITHDRAWN, S.REJECTED, S.EXPIRED}
LATER = NOW + timedelta(hours=1)
REF_ID = uuid.UUID("0b7e5d1c-2a3f-4e6d-9c8b-7a6f5e4d3c2b")
ALL_PAIRS = list(itertools.product(DemandStatus, DemandAction))


def _apply(d: Demand, action: DemandAction) -> Demand:
    return d.apply(action, now=LATER, reason="预算调整，暂停该需求", ref_id=REF_ID)


def test_transitions_table_is_the_documented_lifecycle() -> None:
    table = {(s, a): target for a, (sources, target) in TRANSITIONS.items() for s in sources}
    assert table == EXPECTED
    assert set(TRANSITIONS) == set(DemandAction)


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_every_status_action_pair(status: DemandStatus, action: DemandAction) -> None:
    d = make_demand(status)
    if (status, action) in EXPECTED:
        nxt = _apply(d, action)
        assert nxt.status is EXPECTED[(status, action)]
        assert nxt.version == d.version + 1
        assert nxt.updated_at == LATER
        assert len(nxt.events) == 1
        event = nxt.events[0]
        assert type(event) is EVENT_FOR[action]
        assert event.aggregate_key == str(d.id)
        # The original is untouched: the aggregate is immutable.
        assert d.status is status and d.version == 1 and d.events == []
    else:
        with pytest.raises(IllegalTransition) as info:
            _apply(d, action)
        assert info.value.status is status
        assert info.value.action == action.value
        assert info.value.allowed == allowed_actions(status)
        assert status.value in str(info.value) and action.value in str(info.value)


@pytest.mark.parametrize("status", list(DemandStatus))
def test_allowed_actions_lists_exactly_the_legal_ones(status: DemandStatus) -> None:
    assert set(allowed_actions(status)) == {a.value for (s, a) in EXPECTED if s is status}


@pytest.mark.parametrize("status", sorted(TERMINAL))
def test_terminal_states_allow_nothing(status: DemandStatus) -> None:
    assert allowed_actions(status) == []


def test_every_status_is_reachable_from_draft() -> None:
    reached = {S.DRAFT}
    frontier = [S.DRAFT]
    while frontier:
        s = frontier.pop()
        for a in allowed_actions(s):
            t = TRANSITIONS[DemandAction(a)][1]
            if t not in reached:
                reached.add(t)
                frontier.append(t)
    assert reached == set(DemandStatus)


def test_create_as_draft_records_drafted() -> None:
    d = Demand.create(now=NOW, submit=False, **demand_attrs())
    assert d.status is S.DRAFT and d.version == 1
    assert d.created_at == d.updated_at == NOW
    assert len(d.events) == 1
    e = d.events[0]
    assert isinstance(e, ev.DemandDrafted)
    assert (e.demand_id, e.enterprise_id, e.drafted_at) == (d.id, ENTERPRISE_ID, NOW)


def test_create_submitted_records_submitted_with_full_text() -> None:
    d = Demand.create(now=NOW, submit=True, **demand_attrs())
    assert d.status is S.SUBMITTED and d.version == 1
    assert len(d.events) == 1
    e = d.events[0]
    assert isinstance(e, ev.DemandSubmitted)
    assert e.title == d.title and e.description == d.description
    assert e.budget == d.budget and e.deadline == d.deadline
    assert e.demand_type == "technology_development" and e.confidentiality == "public"
    assert e.submitted_at == NOW


def test_publish_event_carries_the_demand() -> None:
    d = make_demand(S.SUBMITTED)
    e = d.apply(A.PUBLISH, now=LATER).events[0]
    assert isinstance(e, ev.DemandPublished)
    assert e.fields == d.fields and e.keywords == d.keywords and e.city == "常州市"
    assert e.published_at == LATER


def test_reference_ids_travel_in_match_contract_close() -> None:
    matched = make_demand(S.PUBLISHED).apply(A.MATCH, now=LATER, ref_id=REF_ID)
    assert isinstance(matched.events[0], ev.DemandMatched) and matched.events[0].carrier_id == REF_ID
    contracted = matched.apply(A.CONTRACT, now=LATER, ref_id=REF_ID)
    assert isinstance(contracted.events[0], ev.DemandContracted) and contracted.events[0].contract_id == REF_ID
    closed = contracted.apply(A.CLOSE, now=LATER, ref_id=REF_ID)
    assert isinstance(closed.events[0], ev.DemandClosed) and closed.events[0].contract_id == REF_ID
    assert closed.version == 4


@pytest.mark.parametrize("reason", [None, "", "   ", "\t\n"])
@pytest.mark.parametrize("status", [S.SUBMITTED, S.PUBLISHED])
def test_reject_needs_a_reason(status: DemandStatus, reason: str | None) -> None:
    d = make_demand(status)
    with pytest.raises(ValueError, match="reason"):
        d.apply(A.REJECT, now=LATER, reason=reason)


def test_reject_records_reason() -> None:
    nxt = make_demand(S.SUBMITTED).apply(A.REJECT, now=LATER, reason="需求描述不完整")
    assert nxt.status_reason == "需求描述不完整"
    e = nxt.events[0]
    assert isinstance(e, ev.DemandRejected) and e.reason == "需求描述不完整" and e.rejected_at == LATER


def test_reject_from_illegal_state_is_illegal_even_without_reason() -> None:
    # The state check comes first: a draft cannot be rejected, whatever the reason.
    with pytest.raises(IllegalTransition):
        make_demand(S.DRAFT).apply(A.REJECT, now=LATER)


def test_withdraw_keeps_optional_reason_and_other_actions_keep_previous_reason() -> None:
    w = make_demand(S.PUBLISHED).apply(A.WITHDRAW, now=LATER)
    assert w.status_reason is None
    e = w.events[0]
    assert isinstance(e, ev.DemandWithdrawn) and e.reason is None
    w2 = make_demand(S.MATCHED).apply(A.WITHDRAW, now=LATER, reason="内部研发已解决")
    assert w2.status_reason == "内部研发已解决"
    published = make_demand(S.SUBMITTED, status_reason="earlier note").apply(A.PUBLISH, now=LATER, reason="ignored")
    assert published.status_reason == "earlier note"


def test_expire_event_carries_deadline() -> None:
    d = make_demand(S.PUBLISHED)
    e = d.apply(A.EXPIRE, now=LATER).events[0]
    assert isinstance(e, ev.DemandExpired)
    assert e.deadline == d.deadline and e.expired_at == LATER


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list(DemandAction)), max_size=12))
def test_any_action_sequence_keeps_version_and_status_consistent(actions: list[DemandAction]) -> None:
    d = make_demand(S.DRAFT)
    applied = 0
    for action in actions:
        sources, target = TRANSITIONS[action]
        if d.status in sources:
            d = _apply(d, action)
            applied += 1
            assert d.status is target
            assert len(d.events) == 1
        else:
            with pytest.raises(IllegalTransition):
                _apply(d, action)
    assert d.version == 1 + applied
