"""Matching's business rules: pure, no I/O.

- Which demands are open for suggestions, and which may have a suggestion accepted.
- Curation: a project manager accepts or rejects a suggested carrier, once; a rejection
  carries a structured reason. The decision is final (suggested -> accepted | rejected);
  deciding again is an illegal transition naming the current state.
- A rejection lowers *similar* suggestions for the same demand, and says so:
  ``field_mismatch`` lowers carriers sharing the rejected carrier's fields and matched
  terms (in proportion to how much they share); ``no_capacity`` lowers carriers with
  little free capacity; ``budget_mismatch`` lowers carriers whose budget fit is no better
  than the rejected one's; ``already_working_together`` lowers other carriers the
  enterprise already has a contract with; ``other`` lowers nobody else. The rejected
  carrier itself is never suggested for that demand again.
- Conflicts of interest (an enterprise and a carrier) exclude the carrier and its people
  from every suggestion and assignment for that enterprise's demands.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from services.matching.scoring import Adjustment, Scored, field_overlap


class DemandState(enum.StrEnum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    MATCHED = "matched"
    IN_NEGOTIATION = "in_negotiation"
    CONTRACTED = "contracted"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    EXPIRED = "expired"


# Suggestions are made (automatically and on request) while a demand is open.
OPEN_FOR_SUGGESTIONS = frozenset({DemandState.SUBMITTED, DemandState.PUBLISHED})
# Asked for on request: while open, and while matched (more partners may be wanted).
SUGGESTABLE = frozenset({DemandState.SUBMITTED, DemandState.PUBLISHED, DemandState.MATCHED})
# A suggestion may be accepted once the demand is published (the demand service moves it to
# matched), and further carriers while it is matched; rejected while it is still open.
ACCEPTABLE = frozenset({DemandState.PUBLISHED, DemandState.MATCHED})
REJECTABLE = frozenset({DemandState.SUBMITTED, DemandState.PUBLISHED, DemandState.MATCHED})


class ReasonCode(enum.StrEnum):
    FIELD_MISMATCH = "field_mismatch"
    NO_CAPACITY = "no_capacity"
    BUDGET_MISMATCH = "budget_mismatch"
    ALREADY_WORKING_TOGETHER = "already_working_together"
    OTHER = "other"


class Decision(enum.StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


DECISION_ACTIONS: Mapping[Decision, tuple[str, ...]] = {
    Decision.SUGGESTED: ("accept", "reject"),
    Decision.ACCEPTED: (),
    Decision.REJECTED: (),
}


class IllegalDecision(Exception):
    """Deciding on a suggestion that is already decided, or on a demand not in a state for it."""

    def __init__(self, what: str, current_state: str, allowed_actions: Sequence[str], detail: str) -> None:
        super().__init__(detail)
        self.what = what
        self.current_state = current_state
        self.allowed_actions = list(allowed_actions)


def check_decision(
    *, demand_state: str, current: Decision, action: str, was_suggested: bool, in_conflict: bool, offline: bool = False
) -> None:
    """Raise ``IllegalDecision`` unless ``action`` ("accept"/"reject") is allowed now; an
    ``offline`` match (made outside the suggestions, now or in the past) needs no suggestion."""
    if current is not Decision.SUGGESTED:
        raise IllegalDecision(
            "suggestion",
            current.value,
            DECISION_ACTIONS[current],
            f"this suggestion was already {current.value}; a decision is final",
        )
    state = DemandState(demand_state)
    allowed = ACCEPTABLE if action == "accept" else REJECTABLE
    if state not in allowed:
        demand_actions = [a for a, states in (("accept", ACCEPTABLE), ("reject", REJECTABLE)) if state in states]
        raise IllegalDecision(
            "demand", state.value, demand_actions, f"cannot {action} a suggestion for a demand that is {state.value}"
        )
    if not was_suggested and not offline:
        raise ValueError("this carrier was never suggested for this demand")
    if in_conflict and action == "accept":
        raise ValueError("a conflict of interest between the enterprise and this carrier is configured")


@dataclass(frozen=True)
class Rejection:
    """What is remembered of a rejected suggestion, to lower similar ones."""

    carrier_id: str
    carrier_name: str
    reason: ReasonCode
    fields: tuple[str, ...]
    matched_terms: tuple[str, ...]
    budget_fit: float | None = None


@dataclass(frozen=True)
class CandidateFacts:
    """What the curation rules look at in a candidate besides its score."""

    fields: tuple[str, ...]
    works_with_enterprise: bool = False


@dataclass(frozen=True)
class CurationSettings:
    field_strength: float = 0.5
    capacity_factor: float = 0.85
    budget_factor: float = 0.85
    together_factor: float = 0.7
    low_capacity: float = 0.34  # free share at or below which a carrier counts as "little capacity"


def _shared_terms(a: Iterable[str], b: Iterable[str]) -> list[str]:
    bs = set(b)
    return [t for t in a if t in bs]


def rejection_adjustments(
    s: Scored, facts: CandidateFacts, rejections: Iterable[Rejection], cfg: CurationSettings
) -> list[Adjustment]:
    """The multipliers the demand's rejections apply to candidate ``s``, with their reasons."""
    out: list[Adjustment] = []
    for r in rejections:
        if r.carrier_id == s.carrier_id:
            continue
        match r.reason:
            case ReasonCode.FIELD_MISMATCH:
                field_sim = field_overlap(list(r.fields), list(facts.fields)) if r.fields else 0.0
                shared = _shared_terms(s.matched_terms, r.matched_terms)
                term_sim = len(shared) / len(s.matched_terms) if s.matched_terms else 0.0
                sim = 0.5 * field_sim + 0.5 * term_sim
                if sim <= 0:
                    continue
                factor = round(1.0 - cfg.field_strength * sim, 4)
                what = []
                if field_sim > 0:
                    common = sorted(set(r.fields) & set(facts.fields)) or sorted(r.fields)
                    what.append(f"fields like {', '.join(common)}")
                if shared:
                    what.append(f"terms {', '.join(shared[:4])}")
                note = (
                    f"lowered x{factor}: shares {' and '.join(what)} with {r.carrier_name}, "
                    "which was rejected for this demand as a field mismatch"
                )
            case ReasonCode.NO_CAPACITY:
                if s.components.get("capacity", 1.0) > cfg.low_capacity:
                    continue
                factor = cfg.capacity_factor
                note = (
                    f"lowered x{factor}: little free capacity, and {r.carrier_name} was rejected "
                    "for this demand for having none"
                )
            case ReasonCode.BUDGET_MISMATCH:
                mine = s.components.get("budget")
                if mine is None or r.budget_fit is None or mine > r.budget_fit:
                    continue
                factor = cfg.budget_factor
                note = (
                    f"lowered x{factor}: its budget fit ({mine:.2f}) is no better than that of "
                    f"{r.carrier_name}, which was rejected for this demand as a budget mismatch"
                )
            case ReasonCode.ALREADY_WORKING_TOGETHER:
                if not facts.works_with_enterprise:
                    continue
                factor = cfg.together_factor
                note = (
                    f"lowered x{factor}: already works with this enterprise under a contract, as "
                    f"{r.carrier_name} did when it was rejected for that reason"
                )
            case _:
                continue
        out.append(Adjustment(r.reason.value, factor, note, r.carrier_id))
    return out


def apply_curation(
    ranked: Sequence[Scored],
    facts: Mapping[str, CandidateFacts],
    rejections: Sequence[Rejection],
    cfg: CurationSettings,
    top_k: int,
) -> list[Scored]:
    """Rejected carriers removed, similar ones lowered (with the reason), re-sorted, cut."""
    rejected = {r.carrier_id for r in rejections}
    out: list[Scored] = []
    for s in ranked:
        if s.carrier_id in rejected:
            continue
        adjustments = rejection_adjustments(s, facts.get(s.carrier_id, CandidateFacts(())), rejections, cfg)
        if adjustments:
            factor = 1.0
            for a in adjustments:
                factor *= a.factor
            base = s.base_score if s.base_score is not None else s.score
            s = replace(s, score=round(base * factor, 4), adjustments=tuple(adjustments), base_score=base)
        out.append(s)
    out.sort(key=lambda x: -x.score)  # stable: equal scores keep the ranking's deterministic order
    return out[:top_k]


def explain(s: Scored, weights: Mapping[str, float]) -> list[str]:
    """Plain sentences for a project manager: what carried the score, what lowered it."""
    contributions = sorted(
        ((k, weights.get(k, 0.0) * v) for k, v in s.components.items() if k in weights), key=lambda kv: -kv[1]
    )
    lines = []
    strongest = [k for k, c in contributions if c > 0][:3]
    if not s.matched_terms and not s.components.get("text"):
        lines.append(
            "no shared terms with the demand: ranked on "
            + (", ".join(k for k in strongest if k != "text") or "nothing")
            + " only, not on what it says it does"
        )
    elif strongest:
        lines.append("strongest: " + ", ".join(f"{k} {s.components[k]:.2f}" for k in strongest))
    if s.matched_terms:
        lines.append("matched terms: " + ", ".join(s.matched_terms[:6]))
    if s.at_capacity:
        lines.append("at capacity: shown so you know, but it has no free capacity now")
    lines.extend(a.note for a in s.adjustments)
    return lines


def suggestions_differ(old: Sequence[tuple[str, bool]], new: Sequence[Scored]) -> bool:
    """Whether a new ranking changes what a project manager sees: who, in which order,
    and who is at capacity (a mere score drift is not a change)."""
    return list(old) != [(s.carrier_id, s.at_capacity) for s in new]
