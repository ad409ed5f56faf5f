"""Property-based: for any sequence of actions, whatever the rules accept or refuse, paid never
exceeds the value, the milestones of signed terms add up to the value, the money recorded is the
money paid, and no forbidden state is ever reached."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.contracts.domain import (
    AMENDING,
    NEGOTIATING_FIRST,
    Contract,
    ContractStatus,
    DomainError,
    MilestoneSpec,
    MilestoneStatus,
    Party,
    Terms,
)
from services.contracts.tests.unit.factories import contract_in, draft, fresh, later, ready_terms

S = ContractStatus
MS = MilestoneStatus
SIGNED_STATES = {S.IN_FORCE, *AMENDING, S.COMPLETED}
OPEN_MILESTONE = {MS.PENDING, MS.DELIVERED, MS.ACCEPTED, MS.REJECTED}

cents = st.integers(min_value=1, max_value=500_000_00)
plan = st.lists(cents, min_size=1, max_size=4)
# Weighted towards progress (signing, delivering, accepting, paying), so that sequences reach
# contracts in force, amended, completed; the rarer actions still turn up in every run.
OPS: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
    "sign": st.tuples(st.just("sign"), st.sampled_from(list(Party))),
    "deliver": st.tuples(st.just("deliver"), st.integers(0, 4)),
    "accept": st.tuples(st.just("accept"), st.integers(0, 4)),
    "pay": st.tuples(st.just("pay"), st.integers(0, 4), cents, st.integers(0, 3).map(bool)),
    "edit": st.tuples(st.just("edit"), plan, st.booleans(), st.integers(0, 3)),
    "propose": st.tuples(st.just("propose"), plan, st.booleans(), st.integers(0, 3)),
    "withdraw": st.tuples(st.just("withdraw")),
    "reject": st.tuples(st.just("reject"), st.integers(0, 4)),
    "terminate": st.tuples(st.just("terminate"), st.integers(0, 9)),
    "convert": st.tuples(st.just("convert"), st.integers(1, 30)),
}
# Weighted towards progress (signing, delivering, accepting, paying), so that sequences reach
# contracts in force, amended and completed; the rarer actions still turn up in every run.
WEIGHTS = {"sign": 4, "deliver": 4, "accept": 4, "pay": 6, "edit": 1, "propose": 1, "withdraw": 1, "reject": 1}
op = st.sampled_from([k for k in OPS for _ in range(WEIGHTS.get(k, 1))]).flatmap(lambda k: OPS[k])


def _money(c: int) -> Decimal:
    return (Decimal(c) / 100).quantize(Decimal("0.01"))


def _specs(c: Contract, amounts: list[int], keep: int) -> list[MilestoneSpec]:
    """A plan of ``amounts``, keeping the ids of the first ``keep`` current milestones."""
    current = c.negotiated_terms.milestones if c.negotiated_terms else c.terms.milestones
    out = []
    for i, a in enumerate(amounts):
        mid = current[i].id if i < min(keep, len(current)) else None
        out.append(
            MilestoneSpec(f"里程碑{i + 1}", f"交付物{i + 1}", date(2026, 6, 1) + timedelta(days=30 * i), _money(a), mid)
        )
    return out


def _apply(c: Contract, o: tuple[Any, ...], step: int) -> tuple[Contract, Decimal]:
    """The contract after ``o`` and the money it recorded; refused actions change nothing."""
    now = later(step)
    kind = o[0]
    # Milestone actions aim at a milestone the action suits (index 0-2), or at any (3-4, often refused).
    suits = {"deliver": {MS.PENDING, MS.REJECTED}, "accept": {MS.DELIVERED}, "reject": {MS.DELIVERED}}
    suits["pay"] = {MS.ACCEPTED}

    def pick(i: int) -> Any:
        candidates = [m for m in c.milestones if m.status in suits.get(kind, set())] if i < 3 else []
        pool = candidates or list(c.milestones)
        return pool[i % len(pool)].id if pool else None

    try:
        if kind in ("edit", "propose"):
            _, amounts, exact, keep = o
            specs = _specs(c, amounts, keep)
            value = sum((s.amount for s in specs), Decimal("0.00")) + (Decimal("0.00") if exact else Decimal("0.01"))
            changes = {"milestones": specs, "value": value}
            return (c.edit(changes, now=now) if kind == "edit" else c.propose_amendment(changes, now=now)), Decimal(0)
        if kind == "sign":
            return c.sign(o[1], signed_by="签署人", subject="tester", now=now), Decimal(0)
        if kind == "withdraw":
            return c.withdraw_amendment(now=now), Decimal(0)
        if kind == "terminate":
            # One try in ten goes ahead: termination ends every sequence, so it stays rare.
            return (c.terminate(reason="协商解除", now=now) if o[1] == 0 else c), Decimal(0)
        if kind == "convert":
            return c.convert_grant(
                commercialisation_event="成立公司", occurred_on=date(2027, 1, 1), stake_percent=Decimal(o[1]), now=now
            ), Decimal(0)
        mid = pick(o[1])
        if mid is None:
            return c, Decimal(0)
        if kind == "deliver":
            return c.deliver_milestone(mid, note=None, now=now), Decimal(0)
        if kind == "accept":
            return c.accept_milestone(mid, now=now), Decimal(0)
        if kind == "reject":
            return c.reject_milestone(mid, reason="不合格", now=now), Decimal(0)
        if kind == "pay":
            _, _, amount_cents, whole = o
            m = c.milestone(mid)
            amount = m.outstanding if whole and m.outstanding > 0 else _money(amount_cents)
            nxt, payment = c.record_payment(mid, amount, paid_on=date(2026, 9, 1), now=now, recorded_by="finance")
            return nxt, payment.amount
    except (DomainError, ValueError):
        return c, Decimal(0)
    raise AssertionError(o)


def check_invariants(c: Contract, recorded: Decimal) -> None:
    # Money: never more paid than owed, and exactly what was recorded.
    assert c.paid_total == recorded
    assert Decimal(0) <= c.paid_total <= c.value
    for m in c.milestones:
        assert Decimal(0) <= m.paid_amount <= m.amount
        assert (m.status is MS.PAID) == (m.paid_amount == m.amount and m.status is not MS.CANCELLED)
    # Signed terms: milestones add up to the value, and the live milestones follow them.
    if c.status in SIGNED_STATES:
        assert c.signed_at is not None
        assert c.terms.milestones_total == c.value
        assert tuple(m.plan() for m in c.milestones) == c.terms.milestones
    if c.proposal is not None:
        assert c.status in AMENDING
    else:
        assert c.status not in AMENDING
    # Negotiating the first version: nothing delivered, nothing paid, not signed.
    if c.status in NEGOTIATING_FIRST:
        assert c.signed_at is None and all(m.status is MS.PENDING for m in c.milestones)
    # Signatures exist only on terms being negotiated, and match the state.
    expected = {
        S.SIGNED_BY_ENTERPRISE: (True, False),
        S.SIGNED_BY_CARRIER: (False, True),
        S.AMENDMENT_SIGNED_BY_ENTERPRISE: (True, False),
        S.AMENDMENT_SIGNED_BY_CARRIER: (False, True),
    }.get(c.status, (False, False))
    assert (c.enterprise_signature is not None, c.carrier_signature is not None) == expected
    # Completion: exactly when everything is paid (an open amendment defers it).
    if c.status is S.COMPLETED:
        assert c.milestones and all(m.status is MS.PAID for m in c.milestones) and c.paid_total == c.value
    if c.status is S.IN_FORCE:
        assert not all(m.status is MS.PAID for m in c.milestones)
    if c.status is S.TERMINATED:
        assert not any(m.status in OPEN_MILESTONE for m in c.milestones)


def _start(kind: str) -> Contract:
    """Where a sequence starts: a bare draft from a match, a complete draft, or further along."""
    if kind == "bare":
        bare = Terms(contract_type=ready_terms().contract_type, title="固态电解质开发", value=Decimal("0.00"))
        return draft(replace_scope(bare))
    if kind == "draft":
        return draft()
    if kind == "working":
        c = contract_in(S.IN_FORCE)
        c = c.deliver_milestone(c.milestones[0].id, note=None, now=later())
        c = c.deliver_milestone(c.milestones[1].id, note=None, now=later())
        return fresh(c.accept_milestone(c.milestones[1].id, now=later()))
    if kind == "accepted":
        c = contract_in(S.IN_FORCE)
        for m in c.milestones:
            c = c.deliver_milestone(m.id, note=None, now=later()).accept_milestone(m.id, now=later())
        return fresh(c)
    return contract_in(S(kind))


STARTS = ["bare", "draft", "working", "accepted", S.IN_FORCE.value, S.AMENDMENT_DRAFT.value, S.SIGNED_BY_CARRIER.value]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sampled_from(STARTS), ops=st.lists(op, min_size=1, max_size=60))
def test_no_sequence_of_actions_breaks_the_money_or_the_lifecycle(start: str, ops: list[tuple[Any, ...]]) -> None:
    c = _start(start)
    recorded = c.paid_total
    check_invariants(c, recorded)
    for step, o in enumerate(ops, start=1):
        before = c.status
        c, paid = _apply(fresh(c), o, step)
        recorded += paid
        check_invariants(c, recorded)
        if before in (S.COMPLETED, S.TERMINATED):
            assert c.status is before  # final states stay final


@settings(max_examples=200, deadline=None)
@given(
    amounts=st.lists(cents, min_size=1, max_size=5), payments=st.lists(st.tuples(st.integers(0, 4), cents), max_size=30)
)
def test_payments_in_any_amounts_never_overpay_and_complete_exactly_when_all_is_paid(
    amounts: list[int], payments: list[tuple[int, int]]
) -> None:
    c = draft()
    c = fresh(
        c.edit(
            {"milestones": _specs(c, amounts, 0), "value": sum((_money(a) for a in amounts), Decimal(0))}, now=later()
        )
    )
    c = fresh(c.sign(Party.ENTERPRISE, signed_by="甲方", subject="e", now=later(2)))
    c = fresh(c.sign(Party.CARRIER, signed_by="乙方", subject="c", now=later(3)))
    for i, m in enumerate(c.milestones):
        c = fresh(c.deliver_milestone(m.id, note=None, now=later(4 + i)).accept_milestone(m.id, now=later(4 + i)))
    recorded = Decimal("0.00")
    for step, (idx, amount) in enumerate(payments, start=10):
        c, paid = _apply(fresh(c), ("pay", idx, amount, False), step)
        recorded += paid
        check_invariants(c, recorded)
    # Finish paying whatever is left: the contract completes exactly then.
    for step, mid in enumerate([m.id for m in c.milestones], start=100):
        outstanding = c.milestone(mid).outstanding
        if outstanding > 0:
            assert c.status is S.IN_FORCE
            c, p = fresh(c).record_payment(mid, outstanding, paid_on=date(2026, 9, 1), now=later(step), recorded_by="f")
            recorded += p.amount
    check_invariants(c, recorded)
    assert c.status is S.COMPLETED and c.paid_total == c.value


def replace_scope(t: Terms) -> Terms:
    """A bare draft with everything but the value and milestones, which the actions set."""
    r = ready_terms()
    from dataclasses import replace

    return replace(
        t,
        scope=r.scope,
        starts_on=r.starts_on,
        ends_on=r.ends_on,
        ip_ownership=r.ip_ownership,
        ip_enterprise_share=r.ip_enterprise_share,
        ip_carrier_share=r.ip_carrier_share,
        investment=r.investment,
    )
