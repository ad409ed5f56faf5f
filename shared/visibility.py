"""Who may see what of a technology demand: the one table, as data.

Every service that shows a demand, or anything computed from one, reads this table rather than
keeping its own copy: the demand service (the single view, lists, search) and matching (the
suggestions of a demand, a carrier's inbox, curation decisions).

Three dimensions decide what a caller sees:

- the caller's **relation** to the demand (``Relation``: staff, a user of the demand's own
  enterprise, a carrier's user, a user of another enterprise, a dashboard viewer);
- the demand's **state**: outside ``RULES[relation].states`` the demand does not exist for the
  caller (404, so not even its existence is revealed);
- the **class** of what is shown (``FieldClass``): the teaser (title, fields, type, budget band),
  the hidden details (description, keywords, budget, place, contact, owner, ...), and what is
  derived from hidden details (search and matched terms, text scores, explanations, snippets).
  A derived value is as confidential as its source.

For each relation and class the table gives an ``Access``: always, only when the demand is public,
only when it is public or the caller's carrier holds an access grant (granted by the demand's
enterprise or the institute, or with an accepted match; ``DemandAccessGranted`` /
``DemandAccessRevoked`` on the demand topic), or never.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.auth import Actor, Role


class Relation(enum.StrEnum):
    """Who is asking, relative to one demand (the most privileged relation of the caller wins)."""

    STAFF = "staff"  # project managers, operators, admins
    OWNER = "owner"  # a user of the demand's own enterprise
    CARRIER = "carrier"  # a user of an R&D carrier (access grants are per carrier)
    OTHER_ENTERPRISE = "other_enterprise"  # a user of another enterprise
    DASHBOARD_VIEWER = "dashboard_viewer"
    NOBODY = "nobody"  # a caller with none of those roles


class FieldClass(enum.StrEnum):
    TEASER = "teaser"  # what anyone who sees the demand may see
    HIDDEN = "hidden"  # a confidential demand's details
    DERIVED = "derived"  # computed from hidden details: as confidential as they are


class Access(enum.StrEnum):
    ALWAYS = "always"
    IF_PUBLIC = "if_public"
    IF_PUBLIC_OR_GRANTED = "if_public_or_granted"  # the grant condition: the caller's carrier holds a grant
    NEVER = "never"


class Sight(enum.StrEnum):
    """What a caller sees of one demand, all classes taken together."""

    NONE = "none"  # not at all: 404
    TEASER = "teaser"  # the teaser only; hidden and derived values withheld
    FULL = "full"


# The demand lifecycle (services/demand/domain.py DemandStatus), by the states' names.
ALL_STATES = frozenset(
    {
        "draft",
        "submitted",
        "published",
        "matched",
        "in_negotiation",
        "contracted",
        "closed",
        "withdrawn",
        "rejected",
        "expired",
    }
)
# From publication on (and not once withdrawn, rejected or expired): visible beyond the enterprise
# and the institute's staff.
PUBLISHED_STATES = frozenset({"published", "matched", "in_negotiation", "contracted", "closed"})


@dataclass(frozen=True)
class Rule:
    states: frozenset[str]  # the states in which the relation sees the demand at all
    access: Mapping[FieldClass, Access]  # in those states, what it sees of each class


_T, _H, _D = FieldClass.TEASER, FieldClass.HIDDEN, FieldClass.DERIVED
_ALL = {_T: Access.ALWAYS, _H: Access.ALWAYS, _D: Access.ALWAYS}

# THE TABLE: relation x demand state x field class.
RULES: Mapping[Relation, Rule] = {
    Relation.STAFF: Rule(ALL_STATES, _ALL),
    Relation.OWNER: Rule(ALL_STATES, _ALL),
    Relation.CARRIER: Rule(
        PUBLISHED_STATES, {_T: Access.ALWAYS, _H: Access.IF_PUBLIC_OR_GRANTED, _D: Access.IF_PUBLIC_OR_GRANTED}
    ),
    Relation.OTHER_ENTERPRISE: Rule(PUBLISHED_STATES, {_T: Access.ALWAYS, _H: Access.IF_PUBLIC, _D: Access.IF_PUBLIC}),
    Relation.DASHBOARD_VIEWER: Rule(PUBLISHED_STATES, {_T: Access.ALWAYS, _H: Access.IF_PUBLIC, _D: Access.IF_PUBLIC}),
    Relation.NOBODY: Rule(frozenset(), {_T: Access.NEVER, _H: Access.NEVER, _D: Access.NEVER}),
}

# The class of every value shown about a demand, by its name in a response. A name missing here is
# treated as hidden (``field_class``): a new value is withheld until someone classifies it.
FIELD_CLASSES: Mapping[str, FieldClass] = {
    # the teaser of a demand
    "id": _T,
    "demand_id": _T,
    "title": _T,
    "fields": _T,
    "demand_type": _T,
    "budget_band": _T,  # a coarse band, released on purpose instead of the budget
    "status": _T,
    "confidentiality": _T,
    "teaser": _T,
    # its details
    "enterprise_id": _H,
    "center_id": _H,
    "description": _H,
    "keywords": _H,
    "expected_outcome": _H,
    "budget": _H,
    "deadline": _H,
    "province": _H,
    "city": _H,
    "contact": _H,
    "attachments": _H,
    "trl_current": _H,
    "trl_target": _H,
    "status_reason": _H,
    "allowed_actions": _H,
    "version": _H,
    "created_at": _H,
    "updated_at": _H,
    # computed from the details: terms, scores, ranks, explanations, snippets
    "search_terms": _D,
    "matched_terms": _D,
    "score": _D,
    "base_score": _D,
    "rank": _D,
    "explanation": _D,
    "adjustments": _D,
    "snippet": _D,
    "notes": _D,  # a suggestion's notes on its score (curation adjustments, naming matched terms)
    "components": _D,  # a breakdown: its parts are classed in COMPONENT_CLASSES
    # about a suggestion of the demand (not about the demand's text)
    "carrier_id": _T,
    "person_id": _T,
    "name": _T,
    "at_capacity": _T,
    "decision": _T,
    "match_id": _T,
    "suggestion_set_id": _T,
    "suggested_at": _T,
    "trigger": _T,
    "weights": _T,
    # a curation decision about a suggested carrier
    "carrier_name": _T,
    "origin": _T,  # a decision on a suggestion, or a match made outside them
    "team": _T,  # the people of a match to a team
    "reason": _T,
    "decided_by": _T,
    "decided_at": _T,
    "resuggested_set_id": _T,
    # a proposal of a batch assignment (its "scores" and "notes" are derived)
    "carrier_ids": _T,
    "scores": _D,
}

# Matching's score components: the text, place, readiness and budget components are computed from
# hidden details; the fields, track record (in the demand's fields) and capacity ones are not.
COMPONENT_CLASSES: Mapping[str, FieldClass] = {
    "text": _D,
    "region": _D,
    "trl": _D,
    "budget": _D,
    "fields": _T,
    "track_record": _T,
    "capacity": _T,
}


def field_class(name: str) -> FieldClass:
    """The class of a value shown about a demand (unclassified names count as hidden)."""
    return FIELD_CLASSES.get(name, FieldClass.HIDDEN)


def relation_of(actor: Actor, enterprise_id: uuid.UUID | None) -> Relation:
    """The caller's relation to a demand of ``enterprise_id``."""
    return relation(
        staff=actor.is_staff,
        enterprise_id=actor.enterprise_id if actor.has(Role.ENTERPRISE_USER) else None,
        carrier_id=actor.carrier_id if actor.has(Role.CARRIER_USER) else None,
        dashboard_viewer=actor.has(Role.DASHBOARD_VIEWER),
        demand_enterprise_id=enterprise_id,
    )


def relation(
    *,
    staff: bool,
    enterprise_id: uuid.UUID | None,
    carrier_id: uuid.UUID | None,
    dashboard_viewer: bool,
    demand_enterprise_id: uuid.UUID | None,
) -> Relation:
    """The relation of a caller described by its bindings (the most privileged one wins)."""
    if staff:
        return Relation.STAFF
    if enterprise_id is not None and enterprise_id == demand_enterprise_id:
        return Relation.OWNER
    if carrier_id is not None:
        return Relation.CARRIER
    if enterprise_id is not None:
        return Relation.OTHER_ENTERPRISE
    if dashboard_viewer:
        return Relation.DASHBOARD_VIEWER
    return Relation.NOBODY


def sees_demand(rel: Relation, status: str) -> bool:
    """Whether the demand exists at all for this relation in this state."""
    return status in RULES[rel].states


def allowed(access: Access, *, confidential: bool, granted: bool) -> bool:
    match access:
        case Access.ALWAYS:
            return True
        case Access.IF_PUBLIC:
            return not confidential
        case Access.IF_PUBLIC_OR_GRANTED:
            return not confidential or granted
        case Access.NEVER:
            return False


def may_see(rel: Relation, status: str, cls: FieldClass, *, confidential: bool, granted: bool) -> bool:
    """Whether ``rel`` may see values of class ``cls`` of a demand in ``status``."""
    return sees_demand(rel, status) and allowed(RULES[rel].access[cls], confidential=confidential, granted=granted)


def sight(rel: Relation, status: str, *, confidential: bool, granted: bool) -> Sight:
    """What ``rel`` sees of a demand: nothing, its teaser, or all of it."""
    if not may_see(rel, status, FieldClass.TEASER, confidential=confidential, granted=granted):
        return Sight.NONE
    full = all(
        may_see(rel, status, cls, confidential=confidential, granted=granted)
        for cls in (FieldClass.HIDDEN, FieldClass.DERIVED)
    )
    return Sight.FULL if full else Sight.TEASER


def teaser_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the teaser's values."""
    return {k: v for k, v in values.items() if field_class(k) is FieldClass.TEASER}


def teaser_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the teaser's values (and the mark that it is one)."""
    return teaser_values(values) | {"teaser": True}


def as_seen(values: Mapping[str, Any], seen: Sight) -> dict[str, Any]:
    """``values`` (one level of a response about a demand) as a caller with ``seen`` may see them:
    in full; or the teaser's values, derived ones blanked (lists empty, a score breakdown cut to its
    teaser parts, others null) and hidden ones left out, marked ``"teaser": true``."""
    if seen is Sight.FULL:
        return dict(values)
    if seen is Sight.NONE:
        raise ValueError("nothing of this demand may be shown")
    out: dict[str, Any] = {}
    for k, v in values.items():
        match field_class(k):
            case FieldClass.TEASER:
                out[k] = v
            case FieldClass.DERIVED:
                out[k] = _blank(k, v)
            case FieldClass.HIDDEN:
                pass
    out["teaser"] = True
    return out


def _blank(name: str, value: Any) -> Any:
    if name == "components" and isinstance(value, Mapping):
        return {k: v for k, v in value.items() if COMPONENT_CLASSES.get(k, FieldClass.HIDDEN) is FieldClass.TEASER}
    if isinstance(value, list | tuple):
        return []
    return None
