"""The contract lifecycle, exhaustively: every (state, action) pair is either one step with its
events, or an IllegalTransition (a 409) naming the current state and the actions allowed in it.
The same for every (milestone state, milestone action) pair."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from services.contracts.domain import (
    ACTION_EVENTS,
    MILESTONE_TRANSITIONS,
    TRANSITIONS,
    Contract,
    ContractAction,
    ContractStatus,
    IllegalMilestoneTransition,
    IllegalTransition,
    MilestoneAction,
    MilestoneStatus,
    Party,
    allowed_actions,
    allowed_milestone_actions,
)
from services.contracts.problems import domain_problem
from services.contracts.tests.unit.factories import M1, contract_in, fresh, later
from shared.events import contracts as ev
from shared.events.base import DomainEvent

S = ContractStatus
A = ContractAction
MS = MilestoneStatus
MA = MilestoneAction

# The lifecycle written out by hand, independently of TRANSITIONS, so a slip in either shows.
AMENDING = (S.AMENDMENT_DRAFT, S.AMENDMENT_SIGNED_BY_ENTERPRISE, S.AMENDMENT_SIGNED_BY_CARRIER)
BINDING = (S.IN_FORCE, *AMENDING)
EXPECTED: dict[tuple[ContractStatus, ContractAction], ContractStatus] = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.SIGNED_BY_ENTERPRISE, A.EDIT): S.DRAFT,
    (S.SIGNED_BY_CARRIER, A.EDIT): S.DRAFT,
    (S.AMENDMENT_DRAFT, A.EDIT): S.AMENDMENT_DRAFT,
    (S.AMENDMENT_SIGNED_BY_ENTERPRISE, A.EDIT): S.AMENDMENT_DRAFT,
    (S.AMENDMENT_SIGNED_BY_CARRIER, A.EDIT): S.AMENDMENT_DRAFT,
    (S.DRAFT, A.SIGN_AS_ENTERPRISE): S.SIGNED_BY_ENTERPRISE,
    (S.SIGNED_BY_CARRIER, A.SIGN_AS_ENTERPRISE): S.IN_FORCE,
    (S.AMENDMENT_DRAFT, A.SIGN_AS_ENTERPRISE): S.AMENDMENT_SIGNED_BY_ENTERPRISE,
    (S.AMENDMENT_SIGNED_BY_CARRIER, A.SIGN_AS_ENTERPRISE): S.IN_FORCE,
    (S.DRAFT, A.SIGN_AS_CARRIER): S.SIGNED_BY_CARRIER,
    (S.SIGNED_BY_ENTERPRISE, A.SIGN_AS_CARRIER): S.IN_FORCE,
    (S.AMENDMENT_DRAFT, A.SIGN_AS_CARRIER): S.AMENDMENT_SIGNED_BY_CARRIER,
    (S.AMENDMENT_SIGNED_BY_ENTERPRISE, A.SIGN_AS_CARRIER): S.IN_FORCE,
    (S.IN_FORCE, A.PROPOSE_AMENDMENT): S.AMENDMENT_DRAFT,
    (S.AMENDMENT_DRAFT, A.WITHDRAW_AMENDMENT): S.IN_FORCE,
    (S.AMENDMENT_SIGNED_BY_ENTERPRISE, A.WITHDRAW_AMENDMENT): S.IN_FORCE,
    (S.AMENDMENT_SIGNED_BY_CARRIER, A.WITHDRAW_AMENDMENT): S.IN_FORCE,
    **{(s, a): s for s in BINDING for a in (A.DELIVER_MILESTONE, A.ACCEPT_MILESTONE, A.REJECT_MILESTONE)},
    **{(s, A.RECORD_PAYMENT): s for s in BINDING},
    **{(s, A.CONVERT_GRANT): s for s in (*BINDING, S.COMPLETED)},
    (S.IN_FORCE, A.COMPLETE): S.COMPLETED,
    **{
        (s, A.TERMINATE): S.TERMINATED
        for s in (S.DRAFT, S.SIGNED_BY_ENTERPRISE, S.SIGNED_BY_CARRIER, S.IN_FORCE, *AMENDING)
    },
}

SIGNED = ev.ContractSignedByParty
EXPECTED_EVENTS: dict[ContractAction, list[type[DomainEvent]]] = {
    A.EDIT: [],
    A.SIGN_AS_ENTERPRISE: [SIGNED],
    A.SIGN_AS_CARRIER: [SIGNED],
    A.PROPOSE_AMENDMENT: [],
    A.WITHDRAW_AMENDMENT: [],
    A.DELIVER_MILESTONE: [ev.MilestoneDelivered],
    A.ACCEPT_MILESTONE: [ev.MilestoneAccepted],
    A.REJECT_MILESTONE: [ev.MilestoneRejected],
    A.RECORD_PAYMENT: [ev.PaymentRecorded],
    A.CONVERT_GRANT: [ev.GrantConvertedToEquity],
    A.COMPLETE: [ev.ContractCompleted],
    A.TERMINATE: [ev.ContractTerminated],
}
# The second signature puts the terms in force: the first version, or an amendment.
SECOND_SIGNATURE_EVENT: dict[ContractStatus, type[DomainEvent]] = {
    S.SIGNED_BY_CARRIER: ev.ContractSigned,
    S.SIGNED_BY_ENTERPRISE: ev.ContractSigned,
    S.AMENDMENT_SIGNED_BY_CARRIER: ev.ContractAmended,
    S.AMENDMENT_SIGNED_BY_ENTERPRISE: ev.ContractAmended,
}

USER_ACTIONS = [a for a in ContractAction if a is not A.COMPLETE]
ALL_PAIRS = list(itertools.product(ContractStatus, USER_ACTIONS))


def _with_m1(c: Contract, status: MilestoneStatus) -> Contract:
    """``c`` with its first milestone moved to ``status`` through the rules (only while binding)."""
    if c.status not in BINDING or status is MS.PENDING:
        return c
    c = c.deliver_milestone(M1, note="小试报告已提交", now=later(5))
    if status is MS.ACCEPTED:
        c = c.accept_milestone(M1, now=later(6))
    return fresh(c)


def _do(c: Contract, action: ContractAction) -> Contract:
    now = later(30)
    match action:
        case A.EDIT:
            return c.edit({"confidentiality_years": 7}, now=now)
        case A.SIGN_AS_ENTERPRISE:
            return c.sign(Party.ENTERPRISE, signed_by="张伟", subject="ent-user", now=now)
        case A.SIGN_AS_CARRIER:
            return c.sign(Party.CARRIER, signed_by="李娜", subject="car-user", now=now)
        case A.PROPOSE_AMENDMENT:
            return c.propose_amendment({"confidentiality_years": 8}, now=now)
        case A.WITHDRAW_AMENDMENT:
            return c.withdraw_amendment(now=now)
        case A.DELIVER_MILESTONE:
            return c.deliver_milestone(M1, note=None, now=now)
        case A.ACCEPT_MILESTONE:
            return _with_m1(c, MS.DELIVERED).accept_milestone(M1, now=now)
        case A.REJECT_MILESTONE:
            return _with_m1(c, MS.DELIVERED).reject_milestone(M1, reason="检测报告缺少循环寿命数据", now=now)
        case A.RECORD_PAYMENT:
            return _with_m1(c, MS.ACCEPTED).record_payment(
                M1, Decimal("100000.00"), paid_on=date(2026, 8, 1), now=now, recorded_by="finance"
            )[0]
        case A.CONVERT_GRANT:
            return c.convert_grant(
                commercialisation_event="成立常州锂源储能材料有限公司",
                occurred_on=date(2027, 5, 1),
                stake_percent=Decimal("8.5"),
                now=now,
            )
        case A.TERMINATE:
            return c.terminate(reason="企业战略调整", now=now)
    raise AssertionError(action)


def test_transitions_table_is_the_documented_lifecycle() -> None:
    assert TRANSITIONS == EXPECTED
    assert {a for _, a in TRANSITIONS} == set(ContractAction)
    assert {a: list(v) for a, v in ACTION_EVENTS.items()} == EXPECTED_EVENTS


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_every_state_action_pair(status: ContractStatus, action: ContractAction) -> None:
    c = contract_in(status)
    assert c.status is status
    if (status, action) not in EXPECTED:
        with pytest.raises(IllegalTransition) as info:
            _do(c, action)
        assert info.value.status is status
        assert info.value.allowed == allowed_actions(status)
        # Over HTTP: a 409 naming the current state and what is allowed in it.
        problem = domain_problem(info.value)
        assert problem.status == 409
        assert problem.extra == {"current_state": status.value, "allowed_actions": allowed_actions(status)}
        return
    before = c
    nxt = _do(c, action)
    assert nxt.status is EXPECTED[(status, action)]
    assert nxt.version > before.version
    expected_events = list(EXPECTED_EVENTS[action])
    if nxt.status is S.IN_FORCE and action in (A.SIGN_AS_ENTERPRISE, A.SIGN_AS_CARRIER):
        expected_events.append(SECOND_SIGNATURE_EVENT[status])
    assert [type(e) for e in nxt.events] == expected_events
    for e in nxt.events:
        assert e.aggregate_key == str(c.id)


@pytest.mark.parametrize("status", list(ContractStatus))
def test_allowed_actions_are_exactly_the_table(status: ContractStatus) -> None:
    assert allowed_actions(status) == [a.value for a in USER_ACTIONS if (status, a) in EXPECTED]


def test_completed_and_terminated_are_final_except_recording_the_grant_conversion() -> None:
    assert allowed_actions(S.TERMINATED) == []
    assert allowed_actions(S.COMPLETED) == [A.CONVERT_GRANT.value]


def test_complete_is_automatic_and_only_from_in_force() -> None:
    c = contract_in(S.IN_FORCE)
    with pytest.raises(IllegalTransition):
        contract_in(S.DRAFT)._target(A.COMPLETE)
    assert c._target(A.COMPLETE) is S.COMPLETED
    assert A.COMPLETE.value not in allowed_actions(S.IN_FORCE)


# --- milestones ------------------------------------------------------------------------------------

EXPECTED_MILESTONE: dict[tuple[MilestoneStatus, MilestoneAction], MilestoneStatus] = {
    (MS.PENDING, MA.DELIVER): MS.DELIVERED,
    (MS.REJECTED, MA.DELIVER): MS.DELIVERED,
    (MS.DELIVERED, MA.ACCEPT): MS.ACCEPTED,
    (MS.DELIVERED, MA.REJECT): MS.REJECTED,
    (MS.ACCEPTED, MA.PAY): MS.PAID,
    (MS.PENDING, MA.CANCEL): MS.CANCELLED,
    (MS.DELIVERED, MA.CANCEL): MS.CANCELLED,
    (MS.REJECTED, MA.CANCEL): MS.CANCELLED,
    (MS.ACCEPTED, MA.CANCEL): MS.CANCELLED,
}
MILESTONE_PAIRS = list(itertools.product(MilestoneStatus, [a for a in MilestoneAction if a is not MA.CANCEL]))


def test_milestone_table_is_the_documented_lifecycle() -> None:
    assert MILESTONE_TRANSITIONS == EXPECTED_MILESTONE


@pytest.mark.parametrize(
    ("mstatus", "maction"), MILESTONE_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in MILESTONE_PAIRS]
)
def test_every_milestone_state_action_pair_on_a_contract_in_force(
    mstatus: MilestoneStatus, maction: MilestoneAction
) -> None:
    c = contract_in(S.IN_FORCE)
    m = c.milestone(M1)
    paid = m.amount if mstatus is MS.PAID else Decimal("0.00")
    c = replace(
        c, milestones=tuple(replace(x, status=mstatus, paid_amount=paid) if x.id == M1 else x for x in c.milestones)
    )
    now = later(40)

    def act() -> Contract:
        match maction:
            case MA.DELIVER:
                return c.deliver_milestone(M1, note=None, now=now)
            case MA.ACCEPT:
                return c.accept_milestone(M1, now=now)
            case MA.REJECT:
                return c.reject_milestone(M1, reason="不符合验收标准", now=now)
            case MA.PAY:
                return c.record_payment(M1, m.amount, paid_on=date(2026, 8, 1), now=now, recorded_by="finance")[0]
        raise AssertionError(maction)

    if (mstatus, maction) not in EXPECTED_MILESTONE:
        with pytest.raises(IllegalMilestoneTransition) as info:
            act()
        assert info.value.status is mstatus
        assert info.value.allowed == allowed_milestone_actions(mstatus)
        problem = domain_problem(info.value)
        assert problem.status == 409
        assert problem.extra["current_state"] == mstatus.value
        assert problem.extra["allowed_actions"] == allowed_milestone_actions(mstatus)
        assert problem.extra["milestone_id"] == str(M1)
        return
    nxt = act()
    assert nxt.milestone(M1).status is EXPECTED_MILESTONE[(mstatus, maction)]
    assert nxt.status is S.IN_FORCE  # the other milestones are still open


def test_milestone_cancel_is_not_offered_as_an_action() -> None:
    for s in MilestoneStatus:
        assert MA.CANCEL.value not in allowed_milestone_actions(s)
