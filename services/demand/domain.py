"""Demand-side business rules: pure, no I/O.

The demand lifecycle is an explicit state machine. Each action is allowed from a
fixed set of states, moves to one state and records one event; anything else is an
``IllegalTransition`` naming the current state and the actions allowed from it.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared import visibility
from shared.events import demand as ev
from shared.events.base import DomainEvent
from shared.text import tokenize
from shared.visibility import FieldClass, Relation, Sight
from shared.vocabulary import FIELDS

# --- Unified social credit code (GB 32100-2015) -------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, Z, S, V
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None if ``code`` is a valid unified social credit code, else why it is not."""
    if len(code) != 18:
        return f"must be 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if bad:
        return f"contains characters outside the standard's alphabet: {''.join(bad)}"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]}, expected {expected}"
    return None


# --- Demand lifecycle ------------------------------------------------------------------


class DemandStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    MATCHED = "matched"
    IN_NEGOTIATION = "in_negotiation"
    CONTRACTED = "contracted"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    EXPIRED = "expired"


class DemandAction(enum.StrEnum):
    SUBMIT = "submit"
    PUBLISH = "publish"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    MATCH = "match"
    START_NEGOTIATION = "start_negotiation"
    CONTRACT = "contract"
    CLOSE = "close"
    EXPIRE = "expire"


S = DemandStatus
A = DemandAction

# action -> (states it is allowed from, state it leads to)
TRANSITIONS: dict[DemandAction, tuple[frozenset[DemandStatus], DemandStatus]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    A.PUBLISH: (frozenset({S.SUBMITTED}), S.PUBLISHED),
    A.REJECT: (frozenset({S.SUBMITTED, S.PUBLISHED}), S.REJECTED),
    A.WITHDRAW: (frozenset({S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.MATCHED, S.IN_NEGOTIATION}), S.WITHDRAWN),
    A.MATCH: (frozenset({S.PUBLISHED}), S.MATCHED),
    A.START_NEGOTIATION: (frozenset({S.MATCHED}), S.IN_NEGOTIATION),
    A.CONTRACT: (frozenset({S.MATCHED, S.IN_NEGOTIATION}), S.CONTRACTED),
    A.CLOSE: (frozenset({S.CONTRACTED}), S.CLOSED),
    A.EXPIRE: (frozenset({S.SUBMITTED, S.PUBLISHED, S.MATCHED}), S.EXPIRED),
}

EDITABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.PUBLISHED})
# What an edit may change; status, version, ids and timestamps move only through transitions.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "fields",
        "keywords",
        "demand_type",
        "expected_outcome",
        "trl_current",
        "trl_target",
        "budget",
        "deadline",
        "province",
        "city",
        "center_id",
        "contact",
        "confidentiality",
    }
)


def allowed_actions(status: DemandStatus) -> list[str]:
    return [a.value for a, (sources, _) in TRANSITIONS.items() if status in sources]


class IllegalTransition(Exception):
    def __init__(self, status: DemandStatus, action: str) -> None:
        self.status = status
        self.action = action
        self.allowed = allowed_actions(status)
        super().__init__(f"cannot {action} a demand that is {status.value}")


class DemandType(enum.StrEnum):
    """How Chinese technology contracts are registered."""

    DEVELOPMENT = "technology_development"
    TRANSFER = "technology_transfer"
    CONSULTING = "technology_consulting"
    SERVICE = "technology_service"


class Confidentiality(enum.StrEnum):
    PUBLIC = "public"
    CONFIDENTIAL = "confidential"


BUDGET_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("500000"), "< 0.5M CNY"),
    (Decimal("2000000"), "0.5M-2M CNY"),
    (Decimal("10000000"), "2M-10M CNY"),
    (Decimal("50000000"), "10M-50M CNY"),
)


def budget_band(budget: Decimal | None) -> str | None:
    """The coarse band a confidential demand's teaser shows instead of the budget."""
    if budget is None:
        return None
    for limit, label in BUDGET_BANDS:
        if budget < limit:
            return label
    return ">= 50M CNY"


@dataclass(frozen=True)
class Demand:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    title: str
    description: str
    fields: list[str]
    keywords: list[str]
    demand_type: DemandType
    expected_outcome: str
    trl_current: int | None
    trl_target: int | None
    budget: Decimal | None
    deadline: datetime | None
    province: str | None
    city: str | None
    center_id: uuid.UUID | None
    contact: dict[str, Any]
    confidentiality: Confidentiality
    status: DemandStatus
    version: int
    created_at: datetime
    updated_at: datetime
    status_reason: str | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    # -- creation ------------------------------------------------------------------
    @classmethod
    def create(cls, *, now: datetime, submit: bool, **attrs: Any) -> Demand:
        d = cls(
            id=uuid.uuid4(),
            status=S.SUBMITTED if submit else S.DRAFT,
            version=1,
            created_at=now,
            updated_at=now,
            **attrs,
        )
        # The new demand's own list, filled once: no copy of the aggregate for its first event.
        if submit:
            d.events.append(d._submitted_event(now))
        else:
            d.events.append(
                ev.DemandDrafted(demand_id=d.id, enterprise_id=d.enterprise_id, title=d.title, drafted_at=now)
            )
        return d

    # -- transitions ---------------------------------------------------------------
    def apply(
        self, action: DemandAction, *, now: datetime, reason: str | None = None, ref_id: uuid.UUID | None = None
    ) -> Demand:
        """The demand after ``action``, carrying the one event it records."""
        sources, target = TRANSITIONS[action]
        if self.status not in sources:
            raise IllegalTransition(self.status, action.value)
        if action is A.EXPIRE and self.deadline is None:
            raise IllegalTransition(self.status, action.value)
        if action is A.REJECT and not (reason and reason.strip()):
            raise ValueError("a rejection needs a reason")
        nxt = replace(
            self,
            status=target,
            version=self.version + 1,
            updated_at=now,
            status_reason=reason if action in (A.REJECT, A.WITHDRAW) else self.status_reason,
            events=[],
        )
        event: DomainEvent
        match action:
            case A.SUBMIT:
                event = nxt._submitted_event(now)
            case A.PUBLISH:
                event = ev.DemandPublished(
                    demand_id=self.id,
                    enterprise_id=self.enterprise_id,
                    title=self.title,
                    description=self.description,
                    fields=self.fields,
                    keywords=self.keywords,
                    demand_type=self.demand_type.value,
                    budget=self.budget,
                    deadline=self.deadline,
                    province=self.province,
                    city=self.city,
                    trl_current=self.trl_current,
                    trl_target=self.trl_target,
                    confidentiality=self.confidentiality.value,
                    center_id=self.center_id,
                    published_at=now,
                )
            case A.REJECT:
                event = ev.DemandRejected(demand_id=self.id, reason=reason or "", rejected_at=now)
            case A.WITHDRAW:
                event = ev.DemandWithdrawn(demand_id=self.id, reason=reason, withdrawn_at=now)
            case A.MATCH:
                event = ev.DemandMatched(demand_id=self.id, carrier_id=ref_id, matched_at=now)
            case A.START_NEGOTIATION:
                event = ev.DemandNegotiationStarted(demand_id=self.id, started_at=now)
            case A.CONTRACT:
                event = ev.DemandContracted(demand_id=self.id, contract_id=ref_id, contracted_at=now)
            case A.CLOSE:
                event = ev.DemandClosed(demand_id=self.id, contract_id=ref_id, closed_at=now)
            case A.EXPIRE:
                assert self.deadline is not None  # checked above
                event = ev.DemandExpired(demand_id=self.id, deadline=self.deadline, expired_at=now)
        return nxt._with(event)

    def is_overdue(self, now: datetime) -> bool:
        return self.deadline is not None and self.deadline <= now and self.status in TRANSITIONS[A.EXPIRE][0]

    def update(self, changes: dict[str, Any], *, now: datetime) -> Demand:
        """Edit fields of a demand that is still open for editing."""
        not_editable = set(changes) - EDITABLE_FIELDS
        if not_editable:
            raise ValueError(f"not editable: {', '.join(sorted(not_editable))}")
        if self.status not in EDITABLE_STATES:
            raise IllegalTransition(self.status, "update")
        changed = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if not changed:
            return self
        nxt = replace(self, **changed, version=self.version + 1, updated_at=now, events=[])
        check_trl(nxt.trl_current, nxt.trl_target)
        return nxt._with(
            ev.DemandUpdated(
                demand_id=self.id,
                changed=_jsonable(changed),
                version=nxt.version,
                updated_at=now,
            )
        )

    # -- helpers -------------------------------------------------------------------
    def _with(self, event: DomainEvent) -> Demand:
        return replace(self, events=[*self.events, event])

    def _submitted_event(self, now: datetime) -> ev.DemandSubmitted:
        return ev.DemandSubmitted(
            demand_id=self.id,
            enterprise_id=self.enterprise_id,
            title=self.title,
            description=self.description,
            fields=self.fields,
            keywords=self.keywords,
            demand_type=self.demand_type.value,
            budget=self.budget,
            deadline=self.deadline,
            province=self.province,
            city=self.city,
            trl_current=self.trl_current,
            trl_target=self.trl_target,
            confidentiality=self.confidentiality.value,
            center_id=self.center_id,
            submitted_at=now,
        )

    def teaser(self) -> dict[str, Any]:
        """What anyone who sees a confidential demand may see of it (``shared.visibility``)."""
        return visibility.teaser_of(
            {
                "id": str(self.id),
                "title": self.title,
                "fields": self.fields,
                "demand_type": self.demand_type.value,
                "budget_band": budget_band(self.budget),
                "status": self.status.value,
                "confidentiality": self.confidentiality.value,
            }
        )

    def sight(self, relation: Relation, *, granted: bool) -> Sight:
        """What a caller in ``relation`` to this demand sees of it (``shared.visibility``);
        ``granted``: the caller's carrier holds an access grant."""
        return visibility.sight(
            relation,
            self.status.value,
            confidential=self.confidentiality is Confidentiality.CONFIDENTIAL,
            granted=granted,
        )


def index_terms(d: Demand) -> tuple[list[str], list[str]]:
    """Search terms of the whole demand, and of its teaser only: the text fields the visibility
    table classes as the teaser's (title, and the labels of the technical fields)."""
    texts = {
        "title": d.title,
        "description": d.description,
        "expected_outcome": d.expected_outcome,
        "keywords": " ".join(d.keywords),
    }
    teaser: set[str] = set()
    full: set[str] = set()
    for name, text in texts.items():
        terms = tokenize(text)
        full.update(terms)
        if visibility.field_class(name) is FieldClass.TEASER:
            teaser.update(terms)
    labels = [t for f in d.fields for t in _LABEL_TERMS.get(f, ())]
    full.update(labels)
    if visibility.field_class("fields") is FieldClass.TEASER:
        teaser.update(labels)
    return sorted(full), sorted(teaser)


# The search terms of each technical field's labels (Chinese and English), tokenized once.
_LABEL_TERMS: dict[str, tuple[str, ...]] = {code: tuple(tokenize(f"{f.zh} {f.en}")) for code, f in FIELDS.items()}


def check_trl(current: int | None, target: int | None) -> None:
    if current is not None and target is not None and target <= current:
        raise ValueError("target technology readiness level must be above the current one")


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in changes.items():
        if isinstance(v, Decimal | uuid.UUID):
            out[k] = str(v)
        elif isinstance(v, datetime | date):
            out[k] = v.isoformat()
        elif isinstance(v, enum.Enum):
            out[k] = v.value
        else:
            out[k] = v
    return out
