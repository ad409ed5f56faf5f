"""Contract rules: pure, no I/O.

A technical cooperation contract is one aggregate: its terms (the version in force, or the
draft being negotiated), its live milestones, the signatures on the version being signed,
a pending amendment and the grant-to-equity conversion. Every change goes through a
method here that checks the lifecycle table, applies the rule and records its events.

The lifecycle is an explicit table, ``TRANSITIONS[(status, action)] -> status``; anything
not in it is an ``IllegalTransition`` naming the current state and the allowed actions.
Milestones have their own table, ``MILESTONE_TRANSITIONS``. Money is ``Decimal`` with two
decimal places throughout; percentages are ``Decimal`` too.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.calendar import institute_month
from shared.events import contracts as ev
from shared.events.base import DomainEvent
from shared.records import jsonable, to_json

MONEY_QUANTUM = Decimal("0.01")
PERCENT_QUANTUM = Decimal("0.01")
STAKE_QUANTUM = Decimal("0.0001")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
MAX_MILESTONES = 50


def money(v: Decimal) -> Decimal:
    """An exact CNY amount with two decimal places (fen); more precision is an error, not rounded."""
    q = v.quantize(MONEY_QUANTUM)
    if q != v:
        raise ValueError(f"{v} has more than two decimal places")
    return q


# --- vocabulary ----------------------------------------------------------------------------


class ContractType(enum.StrEnum):
    """How Chinese technology contracts are registered."""

    DEVELOPMENT = "technology_development"
    TRANSFER = "technology_transfer"
    CONSULTING = "technology_consulting"
    SERVICE = "technology_service"


class IpOwnership(enum.StrEnum):
    ENTERPRISE = "enterprise"
    CARRIER = "carrier"
    JOINT = "joint"


class Confidentiality(enum.StrEnum):
    PUBLIC = "public"
    CONFIDENTIAL = "confidential"


class Party(enum.StrEnum):
    ENTERPRISE = "enterprise"
    CARRIER = "carrier"


class ContractStatus(enum.StrEnum):
    DRAFT = "draft"
    SIGNED_BY_ENTERPRISE = "signed_by_enterprise"
    SIGNED_BY_CARRIER = "signed_by_carrier"
    IN_FORCE = "in_force"
    AMENDMENT_DRAFT = "amendment_draft"
    AMENDMENT_SIGNED_BY_ENTERPRISE = "amendment_signed_by_enterprise"
    AMENDMENT_SIGNED_BY_CARRIER = "amendment_signed_by_carrier"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class ContractAction(enum.StrEnum):
    EDIT = "edit"  # change the terms under negotiation (the draft, or the pending amendment)
    SIGN_AS_ENTERPRISE = "sign_as_enterprise"
    SIGN_AS_CARRIER = "sign_as_carrier"
    PROPOSE_AMENDMENT = "propose_amendment"
    WITHDRAW_AMENDMENT = "withdraw_amendment"
    DELIVER_MILESTONE = "deliver_milestone"
    ACCEPT_MILESTONE = "accept_milestone"
    REJECT_MILESTONE = "reject_milestone"
    RECORD_PAYMENT = "record_payment"
    CONVERT_GRANT = "convert_grant"
    COMPLETE = "complete"  # automatic: the last milestone accepted and paid
    TERMINATE = "terminate"


class MilestoneStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAID = "paid"
    CANCELLED = "cancelled"


class MilestoneAction(enum.StrEnum):
    DELIVER = "deliver"
    ACCEPT = "accept"
    REJECT = "reject"
    PAY = "pay"
    CANCEL = "cancel"  # only through the termination of the contract


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"  # under negotiation (the first draft or a proposed amendment)
    SIGNED = "signed"  # in force
    SUPERSEDED = "superseded"  # was in force, replaced by a signed amendment
    WITHDRAWN = "withdrawn"  # a proposed amendment given up
    VOID = "void"  # a first draft never signed (the contract was terminated)


S = ContractStatus
A = ContractAction
MS = MilestoneStatus
MA = MilestoneAction

NEGOTIATING_FIRST = frozenset({S.DRAFT, S.SIGNED_BY_ENTERPRISE, S.SIGNED_BY_CARRIER})
AMENDING = frozenset({S.AMENDMENT_DRAFT, S.AMENDMENT_SIGNED_BY_ENTERPRISE, S.AMENDMENT_SIGNED_BY_CARRIER})
NEGOTIATING = NEGOTIATING_FIRST | AMENDING
# The contract binds the parties: milestones can be delivered, accepted and paid.
BINDING = frozenset({S.IN_FORCE}) | AMENDING
FINAL = frozenset({S.COMPLETED, S.TERMINATED})

# (state, action) -> the state it leads to. Milestone actions and grant conversion keep the state.
TRANSITIONS: dict[tuple[ContractStatus, ContractAction], ContractStatus] = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    # Changing terms a party has signed withdraws that signature.
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
    **{(s, A.WITHDRAW_AMENDMENT): S.IN_FORCE for s in AMENDING},
    # The version in force keeps running while an amendment is negotiated.
    **{(s, a): s for s in BINDING for a in (A.DELIVER_MILESTONE, A.ACCEPT_MILESTONE, A.REJECT_MILESTONE)},
    **{(s, A.RECORD_PAYMENT): s for s in BINDING},
    **{(s, A.CONVERT_GRANT): s for s in (*BINDING, S.COMPLETED)},
    (S.IN_FORCE, A.COMPLETE): S.COMPLETED,
    **{(s, A.TERMINATE): S.TERMINATED for s in (*NEGOTIATING, S.IN_FORCE)},
}

# What each action records (a completed signature or the last payment adds ContractSigned,
# ContractAmended or ContractCompleted). Edits and amendment proposals record no event: they
# are negotiation, audited in the contract's history; the signed result is the event.
ACTION_EVENTS: dict[ContractAction, tuple[type[DomainEvent], ...]] = {
    A.EDIT: (),
    A.SIGN_AS_ENTERPRISE: (ev.ContractSignedByParty,),
    A.SIGN_AS_CARRIER: (ev.ContractSignedByParty,),
    A.PROPOSE_AMENDMENT: (),
    A.WITHDRAW_AMENDMENT: (),
    A.DELIVER_MILESTONE: (ev.MilestoneDelivered,),
    A.ACCEPT_MILESTONE: (ev.MilestoneAccepted,),
    A.REJECT_MILESTONE: (ev.MilestoneRejected,),
    A.RECORD_PAYMENT: (ev.PaymentRecorded,),
    A.CONVERT_GRANT: (ev.GrantConvertedToEquity,),
    A.COMPLETE: (ev.ContractCompleted,),
    A.TERMINATE: (ev.ContractTerminated,),
}

MILESTONE_TRANSITIONS: dict[tuple[MilestoneStatus, MilestoneAction], MilestoneStatus] = {
    (MS.PENDING, MA.DELIVER): MS.DELIVERED,
    (MS.REJECTED, MA.DELIVER): MS.DELIVERED,  # a rejected milestone can be delivered again
    (MS.DELIVERED, MA.ACCEPT): MS.ACCEPTED,
    (MS.DELIVERED, MA.REJECT): MS.REJECTED,
    # Paid once the payments reach the amount; a part payment leaves it accepted.
    (MS.ACCEPTED, MA.PAY): MS.PAID,
    **{(s, MA.CANCEL): MS.CANCELLED for s in (MS.PENDING, MS.DELIVERED, MS.REJECTED, MS.ACCEPTED)},
}
# Settled work: an amendment keeps these milestones exactly as they are.
LOCKED_MILESTONE_STATES = frozenset({MS.DELIVERED, MS.ACCEPTED, MS.PAID, MS.CANCELLED})


def allowed_actions(status: ContractStatus) -> list[str]:
    """What can be done to a contract in ``status`` (the automatic completion is not listed)."""
    return [a.value for a in ContractAction if a is not A.COMPLETE and (status, a) in TRANSITIONS]


def allowed_milestone_actions(status: MilestoneStatus) -> list[str]:
    return [a.value for a in MilestoneAction if a is not MA.CANCEL and (status, a) in MILESTONE_TRANSITIONS]


# --- errors ----------------------------------------------------------------------------------


class DomainError(Exception):
    """A business rule refused the change (the service answers 409)."""


class IllegalTransition(DomainError):
    def __init__(self, status: ContractStatus, action: ContractAction) -> None:
        self.status = status
        self.action = action
        self.allowed = allowed_actions(status)
        super().__init__(f"cannot {action.value.replace('_', ' ')} a contract that is {status.value}")


class IllegalMilestoneTransition(DomainError):
    def __init__(self, milestone_id: uuid.UUID, status: MilestoneStatus, action: MilestoneAction) -> None:
        self.milestone_id = milestone_id
        self.status = status
        self.action = action
        self.allowed = allowed_milestone_actions(status)
        super().__init__(f"cannot {action.value} milestone {milestone_id}: it is {status.value}")


class RuleViolation(DomainError):
    """A state-dependent rule (not ready to sign, overpayment, settled milestone...)."""

    def __init__(self, slug: str, detail: str, **extra: Any) -> None:
        self.slug = slug
        self.extra = extra
        super().__init__(detail)


class UnknownMilestone(DomainError):
    def __init__(self, milestone_id: uuid.UUID) -> None:
        self.milestone_id = milestone_id
        super().__init__(f"milestone {milestone_id} is not part of this contract")


# --- terms -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneSpec:
    """A milestone as written in the terms; ``id`` None for a new one."""

    title: str
    deliverables: str
    due_on: date
    amount: Decimal
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class MilestonePlan:
    """A milestone as written in one version of the terms."""

    id: uuid.UUID
    title: str
    deliverables: str
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class InvestmentTerms:
    """Allocation and investment: an institute grant that converts into equity in a company
    when the technology is commercialised, plus the team-holding and incentive shares."""

    grant_amount: Decimal
    company: str | None = None  # may be named only when the company is founded
    stake_percent: Decimal | None = None  # an agreed stake for the grant, or
    conversion_valuation: Decimal | None = None  # an agreed valuation (stake = grant / valuation)
    team_holding_percent: Decimal | None = None
    equity_incentive_percent: Decimal | None = None


@dataclass(frozen=True)
class Terms:
    contract_type: ContractType
    title: str
    value: Decimal
    scope: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    ip_ownership: IpOwnership | None = None
    ip_enterprise_share: Decimal | None = None
    ip_carrier_share: Decimal | None = None
    confidentiality: Confidentiality = Confidentiality.CONFIDENTIAL
    confidentiality_years: int | None = None
    milestones: tuple[MilestonePlan, ...] = ()
    investment: InvestmentTerms | None = None

    @property
    def milestones_total(self) -> Decimal:
        return sum((m.amount for m in self.milestones), ZERO)


TERM_FIELDS = frozenset(
    {
        "contract_type",
        "title",
        "value",
        "scope",
        "starts_on",
        "ends_on",
        "ip_ownership",
        "ip_enterprise_share",
        "ip_carrier_share",
        "confidentiality",
        "confidentiality_years",
        "milestones",
        "investment",
    }
)


def _percent(v: Decimal, name: str, *, quantum: Decimal = PERCENT_QUANTUM) -> Decimal:
    if not v.is_finite() or v < 0 or v > HUNDRED:
        raise ValueError(f"{name} must be between 0 and 100, got {v}")
    q = v.quantize(quantum)
    if q != v:
        raise ValueError(f"{name} has too many decimal places (at most {quantum})")
    return q


def check_investment(inv: InvestmentTerms) -> InvestmentTerms:
    if inv.grant_amount <= 0:
        raise ValueError("investment.grant_amount must be above zero")
    grant = money(inv.grant_amount)
    stake = (
        _percent(inv.stake_percent, "investment.stake_percent", quantum=STAKE_QUANTUM) if inv.stake_percent else None
    )
    if inv.stake_percent is not None and not stake:
        raise ValueError("investment.stake_percent must be above zero")
    valuation = money(inv.conversion_valuation) if inv.conversion_valuation is not None else None
    if stake is not None and valuation is not None:
        raise ValueError("agree either investment.stake_percent or investment.conversion_valuation, not both")
    if valuation is not None and valuation < grant:
        raise ValueError("investment.conversion_valuation cannot be below the grant (the stake would exceed 100%)")
    team = (
        _percent(inv.team_holding_percent, "investment.team_holding_percent")
        if inv.team_holding_percent is not None
        else None
    )
    incentive = (
        _percent(inv.equity_incentive_percent, "investment.equity_incentive_percent")
        if inv.equity_incentive_percent is not None
        else None
    )
    # The team, the incentive pool and the institute are distinct holders of one company.
    held = (team or ZERO) + (incentive or ZERO) + (stake or ZERO)
    if held > HUNDRED:
        raise ValueError(f"team holding, equity incentive and the institute's stake add up to {held}%, above 100%")
    return InvestmentTerms(grant, inv.company, stake, valuation, team, incentive)


def check_terms(t: Terms) -> Terms:
    """Terms that are well formed on their own (complete or not); raises ValueError.

    Completeness for signing is ``signing_problems``; this only refuses what is wrong.
    """
    if not t.title.strip():
        raise ValueError("title must not be empty")
    if t.value < 0:
        raise ValueError("value must not be negative")
    value = money(t.value)
    if t.starts_on and t.ends_on and t.ends_on < t.starts_on:
        raise ValueError("ends_on must not be before starts_on")
    e_share, c_share = t.ip_enterprise_share, t.ip_carrier_share
    if t.ip_ownership is IpOwnership.JOINT:
        if e_share is None or c_share is None:
            raise ValueError("joint IP ownership needs ip_enterprise_share and ip_carrier_share")
        e_share = _percent(e_share, "ip_enterprise_share")
        c_share = _percent(c_share, "ip_carrier_share")
        if e_share + c_share != HUNDRED:
            raise ValueError(f"joint IP shares must add up to exactly 100%, got {e_share + c_share}%")
        if e_share == 0 or c_share == 0:
            raise ValueError("joint IP ownership needs a share above zero for both parties")
    elif e_share is not None or c_share is not None:
        raise ValueError("IP shares are given only for joint ownership")
    if t.confidentiality_years is not None and not 1 <= t.confidentiality_years <= 50:
        raise ValueError("confidentiality_years must be between 1 and 50")
    if len(t.milestones) > MAX_MILESTONES:
        raise ValueError(f"at most {MAX_MILESTONES} milestones")
    ids = [m.id for m in t.milestones]
    if len(set(ids)) != len(ids):
        raise ValueError("a milestone appears twice")
    plans = []
    for i, m in enumerate(t.milestones):
        if not m.title.strip() or not m.deliverables.strip():
            raise ValueError(f"milestones.{i}: title and deliverables must not be empty")
        if m.amount <= 0:
            raise ValueError(f"milestones.{i}.amount must be above zero")
        plans.append(replace(m, amount=money(m.amount)))
    inv = check_investment(t.investment) if t.investment is not None else None
    return replace(
        t,
        value=value,
        ip_enterprise_share=e_share,
        ip_carrier_share=c_share,
        milestones=tuple(plans),
        investment=inv,
    )


def signing_problems(t: Terms) -> list[str]:
    """Why these terms cannot be signed yet; empty when they can."""
    problems = []
    if t.value <= 0:
        problems.append("the contract value is not set")
    if not t.scope:
        problems.append("the scope of work is not written")
    if t.starts_on is None or t.ends_on is None:
        problems.append("the contract period (starts_on, ends_on) is not set")
    if t.ip_ownership is None:
        problems.append("IP ownership is not agreed")
    if not t.milestones:
        problems.append("there are no milestones")
    elif t.milestones_total != t.value:
        problems.append(f"milestone amounts add up to {t.milestones_total}, not the contract value {t.value}")
    if t.starts_on and t.ends_on:
        outside = [m.title for m in t.milestones if not t.starts_on <= m.due_on <= t.ends_on]
        if outside:
            problems.append(f"milestones due outside the contract period: {', '.join(outside)}")
    return problems


def terms_with(t: Terms, changes: Mapping[str, Any], known_milestones: Iterable[uuid.UUID]) -> Terms:
    """``t`` with ``changes`` applied and checked. ``milestones`` is the whole new plan, as
    ``MilestoneSpec``s: an id names an existing milestone (unknown ids are refused), None a new one."""
    unknown = set(changes) - TERM_FIELDS
    if unknown:
        raise ValueError(f"not a term of the contract: {', '.join(sorted(unknown))}")
    values = dict(changes)
    if "milestones" in values:
        known = set(known_milestones)
        plans = []
        for i, spec in enumerate(values["milestones"]):
            if spec.id is not None and spec.id not in known:
                raise ValueError(f"milestones.{i}.id {spec.id} is not a milestone of this contract")
            plans.append(
                MilestonePlan(spec.id or uuid.uuid4(), spec.title, spec.deliverables, spec.due_on, spec.amount)
            )
        values["milestones"] = tuple(plans)
    if "ip_ownership" in values and values["ip_ownership"] is not IpOwnership.JOINT:
        # Moving away from joint ownership drops the shares unless the same change sets them.
        values.setdefault("ip_enterprise_share", None)
        values.setdefault("ip_carrier_share", None)
    return check_terms(replace(t, **values))


def terms_diff(old: Terms, new: Terms) -> dict[str, object]:
    """What an amendment changed, JSON-ready: new values, and milestones added/changed/removed."""
    out: dict[str, object] = {}
    for name in sorted(TERM_FIELDS - {"milestones", "investment"}):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out[name] = jsonable(b)
    if old.investment != new.investment:
        out["investment"] = to_json(new.investment)
    before = {m.id: m for m in old.milestones}
    after = {m.id: m for m in new.milestones}
    added = [str(i) for i in after if i not in before]
    removed = [str(i) for i in before if i not in after]
    changed = [str(i) for i in after if i in before and after[i] != before[i]]
    if added or removed or changed:
        out["milestones"] = {"added": added, "changed": changed, "removed": removed}
    return out


# --- live state ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    id: uuid.UUID
    position: int
    title: str
    deliverables: str
    due_on: date
    amount: Decimal
    status: MilestoneStatus = MS.PENDING
    paid_amount: Decimal = ZERO
    delivered_at: datetime | None = None
    delivery_note: str | None = None
    accepted_at: datetime | None = None
    rejected_at: datetime | None = None
    rejection_reason: str | None = None
    rejections: int = 0
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    @property
    def locked(self) -> bool:
        return self.status in LOCKED_MILESTONE_STATES or self.paid_amount > 0

    def plan(self) -> MilestonePlan:
        return MilestonePlan(self.id, self.title, self.deliverables, self.due_on, self.amount)

    def step(self, action: MilestoneAction) -> MilestoneStatus:
        target = MILESTONE_TRANSITIONS.get((self.status, action))
        if target is None:
            raise IllegalMilestoneTransition(self.id, self.status, action)
        return target


def milestones_from_plan(
    live: Sequence[Milestone], plan: Sequence[MilestonePlan], *, settled_must_stay: bool
) -> tuple[Milestone, ...]:
    """The live milestones following ``plan``: kept ones keep their progress, new ones are
    pending, missing ones go. Settled work (delivered, accepted, paid) cannot change or go."""
    current = {m.id: m for m in live}
    planned = {p.id for p in plan}
    if settled_must_stay:
        for m in live:
            if m.locked and m.id not in planned:
                raise RuleViolation(
                    "milestone-settled",
                    f"milestone {m.title!r} is {m.status.value}; an amendment cannot remove it",
                    milestone_id=str(m.id),
                )
    out = []
    for pos, p in enumerate(plan, start=1):
        kept = current.get(p.id)
        if kept is None:
            out.append(Milestone(p.id, pos, p.title, p.deliverables, p.due_on, p.amount))
            continue
        m = kept
        if settled_must_stay and m.locked and m.plan() != p:
            raise RuleViolation(
                "milestone-settled",
                f"milestone {m.title!r} is {m.status.value}; an amendment must keep it as it is",
                milestone_id=str(m.id),
            )
        out.append(
            replace(m, position=pos, title=p.title, deliverables=p.deliverables, due_on=p.due_on, amount=p.amount)
        )
    return tuple(out)


@dataclass(frozen=True)
class Signature:
    party: Party
    signed_by: str  # the signatory as written on the contract
    subject: str  # the authenticated caller who recorded it
    signed_at: datetime


@dataclass(frozen=True)
class Conversion:
    """The recorded commercialisation event and the equity the grant became."""

    company: str
    grant_amount: Decimal
    equity_percent: Decimal
    conversion_valuation: Decimal
    commercialisation_event: str
    occurred_on: date
    converted_at: datetime


@dataclass(frozen=True)
class VersionRecord:
    """One version of the terms as the history keeps it."""

    number: int
    status: VersionStatus
    terms: Terms
    enterprise_signature: Signature | None
    carrier_signature: Signature | None
    changes: dict[str, object] | None
    signed_at: datetime | None


@dataclass(frozen=True)
class VersionStatusChange:
    """Only the status of a stored version changes (a signed version superseded)."""

    number: int
    status: VersionStatus


VersionUpdate = VersionRecord | VersionStatusChange


@dataclass(frozen=True)
class Payment:
    id: uuid.UUID
    contract_id: uuid.UUID
    milestone_id: uuid.UUID
    amount: Decimal
    paid_on: date
    reference: str | None
    note: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class Contract:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    carrier_id: uuid.UUID
    status: ContractStatus
    terms: Terms  # the version in force, or the first draft until it is signed
    contract_version: int  # number of ``terms``
    latest_version: int  # highest version number ever drafted (withdrawn amendments included)
    version: int  # row version, the ETag
    created_at: datetime
    updated_at: datetime
    match_id: uuid.UUID | None = None
    demand_id: uuid.UUID | None = None
    project_manager_id: uuid.UUID | None = None
    center_id: uuid.UUID | None = None
    milestones: tuple[Milestone, ...] = ()
    proposal: Terms | None = None  # a pending amendment, version ``latest_version``
    proposal_changes: dict[str, object] | None = None
    enterprise_signature: Signature | None = None  # on the version being signed
    carrier_signature: Signature | None = None
    conversion: Conversion | None = None
    signed_at: datetime | None = None
    completed_at: datetime | None = None
    terminated_at: datetime | None = None
    termination_reason: str | None = None
    created_by: str | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)
    version_updates: list[VersionUpdate] = field(default_factory=list, compare=False, repr=False)

    # -- derived -----------------------------------------------------------------------------
    @property
    def value(self) -> Decimal:
        return self.terms.value

    @property
    def paid_total(self) -> Decimal:
        return sum((m.paid_amount for m in self.milestones), ZERO)

    @property
    def signed_month(self) -> str | None:
        return institute_month(self.signed_at) if self.signed_at else None

    @property
    def negotiated_terms(self) -> Terms | None:
        """The terms the parties are signing now (the draft or the amendment), if any."""
        if self.status in NEGOTIATING_FIRST:
            return self.terms
        if self.status in AMENDING:
            return self.proposal
        return None

    @property
    def negotiated_version(self) -> int | None:
        if self.status in NEGOTIATING_FIRST:
            return self.contract_version
        if self.status in AMENDING:
            return self.latest_version
        return None

    def milestone(self, milestone_id: uuid.UUID) -> Milestone:
        for m in self.milestones:
            if m.id == milestone_id:
                return m
        raise UnknownMilestone(milestone_id)

    def allowed_actions(self) -> list[str]:
        return allowed_actions(self.status)

    # -- creation ----------------------------------------------------------------------------
    @classmethod
    def draft(
        cls,
        *,
        now: datetime,
        enterprise_id: uuid.UUID,
        carrier_id: uuid.UUID,
        terms: Terms,
        match_id: uuid.UUID | None = None,
        demand_id: uuid.UUID | None = None,
        project_manager_id: uuid.UUID | None = None,
        center_id: uuid.UUID | None = None,
        created_by: str | None = None,
        contract_id: uuid.UUID | None = None,
    ) -> Contract:
        terms = check_terms(terms)
        c = cls(
            id=contract_id or uuid.uuid4(),
            enterprise_id=enterprise_id,
            carrier_id=carrier_id,
            status=S.DRAFT,
            terms=terms,
            contract_version=1,
            latest_version=1,
            version=1,
            created_at=now,
            updated_at=now,
            match_id=match_id,
            demand_id=demand_id,
            project_manager_id=project_manager_id,
            center_id=center_id,
            milestones=milestones_from_plan((), terms.milestones, settled_must_stay=False),
            created_by=created_by,
        )
        c = c._record(
            ev.ContractDrafted(
                contract_id=c.id,
                demand_id=demand_id,
                match_id=match_id,
                enterprise_id=enterprise_id,
                carrier_id=carrier_id,
                project_manager_id=project_manager_id,
                center_id=center_id,
                contract_type=terms.contract_type.value,
                title=terms.title,
                value=terms.value,
                starts_on=terms.starts_on,
                ends_on=terms.ends_on,
                drafted_at=now,
            )
        )
        return c._version_changed(c._working_record())

    # -- negotiation -------------------------------------------------------------------------
    def edit(self, changes: Mapping[str, Any], *, now: datetime) -> Contract:
        """Change the terms under negotiation. Any signature on them is withdrawn."""
        target = self._target(A.EDIT)
        working = self.negotiated_terms
        assert working is not None
        known = {m.id for m in working.milestones} | {m.id for m in self.milestones}
        new_terms = terms_with(working, changes, known)
        if new_terms == working:
            return self
        self._check_conversion_kept(new_terms)
        if self.status in NEGOTIATING_FIRST:
            nxt = self._next(
                now,
                status=target,
                terms=new_terms,
                milestones=milestones_from_plan(self.milestones, new_terms.milestones, settled_must_stay=False),
                enterprise_signature=None,
                carrier_signature=None,
            )
        else:
            # Refused now if it touches settled work (checked again at signing: work goes on meanwhile).
            milestones_from_plan(self.milestones, new_terms.milestones, settled_must_stay=True)
            nxt = self._next(
                now,
                status=target,
                proposal=new_terms,
                proposal_changes=terms_diff(self.terms, new_terms),
                enterprise_signature=None,
                carrier_signature=None,
            )
        return nxt._version_changed(nxt._working_record())

    def propose_amendment(self, changes: Mapping[str, Any], *, now: datetime) -> Contract:
        """Open an amendment: a new version of the terms that both parties sign again."""
        target = self._target(A.PROPOSE_AMENDMENT)
        known = {m.id for m in self.milestones}
        proposal = terms_with(self.terms, changes, known)
        if proposal == self.terms:
            raise ValueError("an amendment must change at least one term")
        self._check_conversion_kept(proposal)
        milestones_from_plan(self.milestones, proposal.milestones, settled_must_stay=True)
        nxt = self._next(
            now,
            status=target,
            proposal=proposal,
            proposal_changes=terms_diff(self.terms, proposal),
            latest_version=self.latest_version + 1,
            enterprise_signature=None,
            carrier_signature=None,
        )
        return nxt._version_changed(nxt._working_record())

    def withdraw_amendment(self, *, now: datetime) -> Contract:
        target = self._target(A.WITHDRAW_AMENDMENT)
        assert self.proposal is not None
        withdrawn = replace(self._working_record(), status=VersionStatus.WITHDRAWN)
        nxt = self._next(
            now,
            status=target,
            proposal=None,
            proposal_changes=None,
            enterprise_signature=None,
            carrier_signature=None,
        )._version_changed(withdrawn)
        return nxt._complete_if_done(now)

    def sign(self, party: Party, *, signed_by: str, subject: str, now: datetime) -> Contract:
        """One party's signature on the terms under negotiation; the second one puts them in force."""
        action = A.SIGN_AS_ENTERPRISE if party is Party.ENTERPRISE else A.SIGN_AS_CARRIER
        target = self._target(action)
        working = self.negotiated_terms
        number = self.negotiated_version
        assert working is not None and number is not None
        problems = signing_problems(working)
        if problems:
            raise RuleViolation(
                "not-ready-to-sign",
                "the terms are not complete enough to sign: " + "; ".join(problems),
                problems=problems,
                current_state=self.status.value,
            )
        if self.status in AMENDING:
            self._check_conversion_kept(working)
            milestones_from_plan(self.milestones, working.milestones, settled_must_stay=True)
        sig = Signature(party, signed_by, subject, now)
        e_sig = sig if party is Party.ENTERPRISE else self.enterprise_signature
        c_sig = sig if party is Party.CARRIER else self.carrier_signature
        record = VersionRecord(
            number,
            VersionStatus.DRAFT,
            working,
            e_sig,
            c_sig,
            self.proposal_changes if self.status in AMENDING else None,
            None,
        )
        nxt = self._next(now, status=target, enterprise_signature=e_sig, carrier_signature=c_sig)._record(
            ev.ContractSignedByParty(
                contract_id=self.id, party=party.value, signed_by=signed_by, contract_version=number, signed_at=now
            )
        )
        if target is not S.IN_FORCE:
            return nxt._version_changed(record)
        if self.status in NEGOTIATING_FIRST:
            return nxt._enter_into_force(now, record)
        return nxt._apply_amendment(now, record)

    def _enter_into_force(self, now: datetime, record: VersionRecord) -> Contract:
        signed = replace(record, status=VersionStatus.SIGNED, signed_at=now)
        nxt = replace(self, signed_at=now, enterprise_signature=None, carrier_signature=None)
        return nxt._version_changed(signed)._record(
            ev.ContractSigned(
                contract_id=self.id,
                demand_id=self.demand_id,
                enterprise_id=self.enterprise_id,
                carrier_id=self.carrier_id,
                project_manager_id=self.project_manager_id,
                center_id=self.center_id,
                contract_type=self.terms.contract_type.value,
                value=self.terms.value,
                contract_version=self.contract_version,
                signed_at=now,
            )
        )

    def _apply_amendment(self, now: datetime, record: VersionRecord) -> Contract:
        assert self.proposal is not None
        new_terms = self.proposal
        changes = terms_diff(self.terms, new_terms)
        signed = replace(record, status=VersionStatus.SIGNED, signed_at=now, changes=changes)
        superseded = VersionStatusChange(self.contract_version, VersionStatus.SUPERSEDED)
        nxt = replace(
            self,
            terms=new_terms,
            contract_version=self.latest_version,
            milestones=milestones_from_plan(self.milestones, new_terms.milestones, settled_must_stay=True),
            proposal=None,
            proposal_changes=None,
            enterprise_signature=None,
            carrier_signature=None,
        )
        nxt = (
            nxt._version_changed(superseded)
            ._version_changed(signed)
            ._record(
                ev.ContractAmended(
                    contract_id=self.id,
                    contract_version=nxt.contract_version,
                    changes=changes,
                    value=new_terms.value,
                    amended_at=now,
                )
            )
        )
        return nxt._complete_if_done(now)

    # -- milestones --------------------------------------------------------------------------
    def deliver_milestone(self, milestone_id: uuid.UUID, *, note: str | None, now: datetime) -> Contract:
        self._target(A.DELIVER_MILESTONE)
        m = self.milestone(milestone_id)
        status = m.step(MA.DELIVER)
        nxt = self._with_milestone(replace(m, status=status, delivered_at=now, delivery_note=note), now)
        return nxt._record(ev.MilestoneDelivered(contract_id=self.id, milestone_id=m.id, delivered_at=now))

    def accept_milestone(self, milestone_id: uuid.UUID, *, now: datetime) -> Contract:
        self._target(A.ACCEPT_MILESTONE)
        m = self.milestone(milestone_id)
        status = m.step(MA.ACCEPT)
        nxt = self._with_milestone(replace(m, status=status, accepted_at=now), now)
        return nxt._record(
            ev.MilestoneAccepted(contract_id=self.id, milestone_id=m.id, amount=m.amount, accepted_at=now)
        )

    def reject_milestone(self, milestone_id: uuid.UUID, *, reason: str, now: datetime) -> Contract:
        self._target(A.REJECT_MILESTONE)
        m = self.milestone(milestone_id)
        status = m.step(MA.REJECT)
        if not reason or not reason.strip():
            raise ValueError("a rejection needs a reason")
        nxt = self._with_milestone(
            replace(m, status=status, rejected_at=now, rejection_reason=reason, rejections=m.rejections + 1), now
        )
        return nxt._record(ev.MilestoneRejected(contract_id=self.id, milestone_id=m.id, reason=reason, rejected_at=now))

    def record_payment(
        self,
        milestone_id: uuid.UUID,
        amount: Decimal,
        *,
        paid_on: date,
        now: datetime,
        recorded_by: str,
        reference: str | None = None,
        note: str | None = None,
        payment_id: uuid.UUID | None = None,
    ) -> tuple[Contract, Payment]:
        """A payment against an accepted milestone; never more than it has outstanding."""
        self._target(A.RECORD_PAYMENT)
        if amount <= 0:
            raise ValueError("a payment must be above zero")
        amount = money(amount)
        m = self.milestone(milestone_id)
        m.step(MA.PAY)
        if amount > m.outstanding:
            raise RuleViolation(
                "overpayment",
                f"milestone {m.title!r} has {m.outstanding} outstanding; a payment of {amount} would overpay it",
                milestone_id=str(m.id),
                outstanding=m.outstanding,
                amount=m.amount,
                paid=m.paid_amount,
            )
        paid = m.paid_amount + amount
        fully = paid == m.amount
        updated = replace(m, paid_amount=paid, status=MS.PAID if fully else m.status, paid_at=now if fully else None)
        nxt = self._with_milestone(updated, now)
        payment = Payment(payment_id or uuid.uuid4(), self.id, m.id, amount, paid_on, reference, note, recorded_by, now)
        nxt = nxt._record(
            ev.PaymentRecorded(
                contract_id=self.id,
                milestone_id=m.id,
                payment_id=payment.id,
                enterprise_id=self.enterprise_id,
                carrier_id=self.carrier_id,
                amount=amount,
                contract_paid_total=nxt.paid_total,
                recorded_at=now,
            )
        )
        return nxt._complete_if_done(now), payment

    # -- allocation and investment ------------------------------------------------------------
    def convert_grant(
        self,
        *,
        commercialisation_event: str,
        occurred_on: date,
        now: datetime,
        stake_percent: Decimal | None = None,
        conversion_valuation: Decimal | None = None,
        company: str | None = None,
    ) -> Contract:
        """Record the commercialisation event that turns the institute's grant into equity."""
        self._target(A.CONVERT_GRANT)
        inv = self.terms.investment
        if inv is None:
            raise RuleViolation("no-investment-terms", "the contract in force has no allocation-and-investment terms")
        if self.conversion is not None:
            raise RuleViolation(
                "already-converted",
                f"the grant was converted on {self.conversion.converted_at.date().isoformat()}",
            )
        if not commercialisation_event.strip():
            raise ValueError("describe the commercialisation event")
        if stake_percent is not None and conversion_valuation is not None:
            raise ValueError("give either stake_percent or conversion_valuation, not both")
        if stake_percent is None and conversion_valuation is None:
            stake_percent, conversion_valuation = inv.stake_percent, inv.conversion_valuation
        if stake_percent is None and conversion_valuation is None:
            raise ValueError("give stake_percent or conversion_valuation (the terms agreed neither)")
        name = company or inv.company
        if not name:
            raise ValueError("name the company whose equity the grant becomes")
        grant = inv.grant_amount
        if conversion_valuation is not None:
            valuation = money(conversion_valuation)
            if valuation < grant:
                raise ValueError("the conversion valuation cannot be below the grant")
            stake = (grant / valuation * HUNDRED).quantize(STAKE_QUANTUM, rounding=ROUND_HALF_UP)
        else:
            assert stake_percent is not None
            stake = _percent(stake_percent, "stake_percent", quantum=STAKE_QUANTUM)
            if stake == 0:
                raise ValueError("stake_percent must be above zero")
            valuation = (grant * HUNDRED / stake).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
        held = stake + (inv.team_holding_percent or ZERO) + (inv.equity_incentive_percent or ZERO)
        if held > HUNDRED:
            raise ValueError(f"the stake, team holding and equity incentive add up to {held}%, above 100%")
        conversion = Conversion(name, grant, stake, valuation, commercialisation_event, occurred_on, now)
        nxt = self._next(now, status=self.status, conversion=conversion)
        return nxt._record(
            ev.GrantConvertedToEquity(
                contract_id=self.id,
                company=name,
                grant_amount=grant,
                equity_percent=stake,
                conversion_valuation=valuation,
                converted_at=now,
            )
        )

    # -- the end -----------------------------------------------------------------------------
    def terminate(self, *, reason: str, now: datetime) -> Contract:
        """End the contract before completion; every milestone not paid is cancelled."""
        target = self._target(A.TERMINATE)
        if not reason or not reason.strip():
            raise ValueError("a termination needs a reason")
        cancelled = 0
        milestones = []
        for m in self.milestones:
            if m.status in (MS.PAID, MS.CANCELLED):
                milestones.append(m)
            else:
                m.step(MA.CANCEL)
                milestones.append(replace(m, status=MS.CANCELLED, cancelled_at=now))
                cancelled += 1
        records = []
        if self.status in NEGOTIATING_FIRST:
            records.append(replace(self._working_record(), status=VersionStatus.VOID))
        elif self.status in AMENDING:
            records.append(replace(self._working_record(), status=VersionStatus.WITHDRAWN))
        nxt = self._next(
            now,
            status=target,
            milestones=tuple(milestones),
            proposal=None,
            proposal_changes=None,
            enterprise_signature=None,
            carrier_signature=None,
            terminated_at=now,
            termination_reason=reason,
        )
        for r in records:
            nxt = nxt._version_changed(r)
        return nxt._record(
            ev.ContractTerminated(
                contract_id=self.id,
                demand_id=self.demand_id,
                enterprise_id=self.enterprise_id,
                carrier_id=self.carrier_id,
                reason=reason,
                cancelled_milestones=cancelled,
                terminated_at=now,
            )
        )

    def _complete_if_done(self, now: datetime) -> Contract:
        if self.status is not S.IN_FORCE or not self.milestones:
            return self
        if not all(m.status is MS.PAID for m in self.milestones):
            return self
        target = self._target(A.COMPLETE)
        nxt = replace(self, status=target, completed_at=now)
        return nxt._record(
            ev.ContractCompleted(
                contract_id=self.id,
                demand_id=self.demand_id,
                enterprise_id=self.enterprise_id,
                carrier_id=self.carrier_id,
                project_manager_id=self.project_manager_id,
                value=self.value,
                paid_total=self.paid_total,
                completed_at=now,
            )
        )

    # -- helpers -----------------------------------------------------------------------------
    def _target(self, action: ContractAction) -> ContractStatus:
        target = TRANSITIONS.get((self.status, action))
        if target is None:
            raise IllegalTransition(self.status, action)
        return target

    def _next(self, now: datetime, **changes: Any) -> Contract:
        """The next state of the contract: a new row version, events and history carried along."""
        return replace(self, **changes, version=self.version + 1, updated_at=now)

    def _record(self, event: DomainEvent) -> Contract:
        return replace(self, events=[*self.events, event])

    def _version_changed(self, record: VersionUpdate) -> Contract:
        return replace(self, version_updates=[*self.version_updates, record])

    def _with_milestone(self, m: Milestone, now: datetime) -> Contract:
        return self._next(now, milestones=tuple(m if x.id == m.id else x for x in self.milestones))

    def _working_record(self) -> VersionRecord:
        working, number = self.negotiated_terms, self.negotiated_version
        assert working is not None and number is not None
        return VersionRecord(
            number,
            VersionStatus.DRAFT,
            working,
            self.enterprise_signature,
            self.carrier_signature,
            self.proposal_changes if self.status in AMENDING else None,
            None,
        )

    def _check_conversion_kept(self, new_terms: Terms) -> None:
        if self.conversion is not None and new_terms.investment != self.terms.investment:
            raise RuleViolation(
                "already-converted", "the grant has been converted; its investment terms can no longer change"
            )


def utcnow() -> datetime:
    return datetime.now(UTC)
