"""The dashboard's rules, pure: months, KPI breakdowns, what each audience may see of an event,
the stream's wire format. No I/O here."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import orjson

from shared import visibility
from shared.auth import Role
from shared.events.base import CE_TYPE_PREFIX
from shared.visibility import Sight
from shared.vocabulary import FIELDS

CENT = Decimal("0.01")

# Who may read the KPIs and the live stream: dashboard viewers "and above".
READERS = (Role.DASHBOARD_VIEWER, Role.PROJECT_MANAGER, Role.OPERATOR, Role.ADMIN)

UNASSIGNED = "未指定 Unassigned"


def money(value: Decimal | int | float | str | None) -> Decimal:
    """An exact amount with two decimals (the database may hand back ``2500000`` or a float on SQLite)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


def short_type(ce_type: str) -> str:
    """``cn.jitri.itp.DemandSubmitted.v1`` -> ``DemandSubmitted``; other types unchanged."""
    if ce_type.startswith(CE_TYPE_PREFIX):
        name = ce_type[len(CE_TYPE_PREFIX) :]
        base, _, version = name.rpartition(".v")
        return base if base and version.isdigit() else name
    return ce_type


class UnknownEventTypes(ValueError):
    def __init__(self, unknown: list[str], known: Collection[str]) -> None:
        self.unknown = unknown
        self.known = sorted(known)
        super().__init__(f"unknown event types: {', '.join(unknown)}")


def parse_type_filter(raw: str | None, known: Collection[str]) -> frozenset[str] | None:
    """``"DemandSubmitted,ContractSigned"`` (short names or CloudEvents types) -> the short names;
    None (every type) when empty. Unknown names are refused, so a typo is not a silent empty stream."""
    if raw is None or not raw.strip():
        return None
    names = [short_type(part.strip()) for part in raw.split(",") if part.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownEventTypes(unknown, known)
    return frozenset(names)


# -- who sees what of an event --------------------------------------------------------------


class Audience(enum.StrEnum):
    """How much of an event's data a stream subscriber receives."""

    FULL = "full"  # operators and admins: everything, personal data included
    STAFF = "staff"  # project managers: every demand in full, no personal data of people
    VIEWER = "viewer"  # dashboard viewers: confidential demands as teasers, no personal data


def audience_for(roles: Collection[Role]) -> Audience:
    if Role.OPERATOR in roles or Role.ADMIN in roles:
        return Audience.FULL
    if Role.PROJECT_MANAGER in roles:
        return Audience.STAFF
    return Audience.VIEWER


# Personal data of people travels only to operators (the talent service's rule).
_PERSONAL = {
    "PersonRegistered": {"name", "university"},
    "PersonProfileUpdated": {"name", "university"},
    "TraineeEnrolled": {"university"},
}
# Free text or hidden fields that other events about a confidential demand carry.
_DETAILS = {
    "MatchAccepted": {"budget"},
    "DemandExpired": {"deadline"},
    "DemandWithdrawn": {"reason"},
    "DemandRejected": {"reason"},
}


_CONTRACT_TEXT = {"MilestoneRejected": {"reason"}, "ContractTerminated": {"reason"}}


# The demand's state from the stages the projection has seen (services/demand DemandStatus names).
_LEFT = ("withdrawn", "rejected", "expired")
_STATE_OF_STAGE: tuple[tuple[str, str], ...] = (
    ("completed", "closed"),
    ("contracted", "contracted"),
    ("matched", "matched"),
    ("published", "published"),
    ("submitted", "submitted"),
)


def demand_state(stages: Mapping[str, Any]) -> str:
    """The state of a demand from the times its projection row has (``<stage>_at`` columns)."""
    for how in _LEFT:
        if stages.get(f"{how}_at") is not None:
            return how
    for stage, state in _STATE_OF_STAGE:
        if stages.get(f"{stage}_at") is not None:
            return state
    return "draft"


def viewer_sight(state: str | None, confidential: bool | None) -> Sight:
    """What a dashboard viewer sees of a demand (``shared.visibility``): nothing before its
    publication, its teaser if confidential. A demand not known yet (an event of another topic
    arrived first), or whose confidentiality is not, fails closed."""
    if state is None:
        return Sight.NONE
    rel = visibility.Relation.DASHBOARD_VIEWER
    return visibility.sight(rel, state, confidential=confidential is not False, granted=False)


def row_sight(row: Mapping[str, Any]) -> Sight:
    """What a dashboard viewer sees of a demand from its projection row (its stage times and
    confidentiality; not yet said: fails closed)."""
    confidential = None if row.get("confidential_at") is None else bool(row.get("confidential"))
    return viewer_sight(demand_state(row), confidential)


def demand_of(event_type: str, data: Mapping[str, Any]) -> str | None:
    """The demand an event is about, if any (an assignment's target may be a demand)."""
    if event_type in ("AssignmentMade", "AssignmentReleased"):
        return str(data["target_id"]) if data.get("target_type") == "demand" and data.get("target_id") else None
    demand_id = data.get("demand_id")
    return str(demand_id) if demand_id else None


def stream_view(event_type: str, data: Mapping[str, Any], audience: Audience, *, seen: Sight) -> dict[str, Any]:
    """The event's data as ``audience`` may see it on the live stream.

    ``seen``: what a dashboard viewer sees of the demand the event is about (``viewer_sight``;
    ``FULL`` for an event about no demand). ``NONE`` is never rendered for viewers (the
    broadcaster does not offer them the event); ``TEASER`` gives them identity, title, fields and
    type, nothing of the hidden fields nor anything derived from them (matched terms, explanations)."""
    view = dict(data)
    if audience is Audience.FULL:
        return view
    for key in _PERSONAL.get(event_type, ()):
        view.pop(key, None)
    if audience is not Audience.VIEWER:
        return view
    if event_type == "AssignmentProposed":
        # A batch spans many demands, some maybe confidential: its per-demand scores and notes (which
        # name matched terms) are derived from their text, so viewers get none of them.
        view["proposals"] = [visibility.as_seen(p, Sight.TEASER) for p in view.get("proposals") or []]
    # Contracts show dashboard viewers their totals only: which terms an amendment changed, not the
    # new terms (scope, shares, investment); no free-text reasons.
    if event_type == "ContractAmended" and isinstance(view.get("changes"), dict):
        view["changes"] = sorted(view["changes"])
    for key in _CONTRACT_TEXT.get(event_type, ()):
        view.pop(key, None)
    if seen is Sight.NONE:
        raise ValueError("a dashboard viewer sees nothing of this event's demand")
    if seen is Sight.FULL:
        return view
    if event_type in ("DemandSubmitted", "DemandPublished"):
        return visibility.teaser_of(view)
    if event_type == "DemandUpdated":
        changed = view.get("changed")
        view["changed"] = visibility.teaser_values(changed) if isinstance(changed, dict) else {}
    elif event_type == "MatchesSuggested":
        # Matched terms, scores and notes are derived from the hidden text (shared.visibility).
        for ranked in ("carriers", "experts"):
            view[ranked] = [visibility.as_seen(c, Sight.TEASER) for c in view.get(ranked) or [] if isinstance(c, dict)]
    elif event_type == "MatchRejected":
        reason = view.get("reason")
        view["reason"] = {"code": reason.get("code")} if isinstance(reason, dict) else None
    elif event_type in _DETAILS:
        for key in _DETAILS[event_type]:
            view.pop(key, None)
    else:
        return view
    view["teaser"] = True
    return view


def sse_frame(event_id: str, event_type: str, payload: Mapping[str, Any]) -> bytes:
    """One Server-Sent Event: ``id``, ``event`` and one line of compact JSON ``data``."""
    # JSON escapes newlines inside strings, so the data is always a single line.
    return b"id: %s\nevent: %s\ndata: %s\n\n" % (
        _one_line(event_id),
        _one_line(event_type),
        orjson.dumps(payload),
    )


def _one_line(text: str) -> bytes:
    return text.replace("\r", " ").replace("\n", " ").encode()


def sse_comment(text: str) -> bytes:
    return b": %s\n\n" % _one_line(text)


# -- attributes carried by demand events -----------------------------------------------------


_NOT_GIVEN: Any = object()


@dataclass(frozen=True)
class DemandAttributes:
    """What a demand event says about the demand's center, budget, fields and confidentiality.

    ``None`` is a value (e.g. "no center"); an attribute the event does not mention is left
    out (``_NOT_GIVEN``), so a partial update does not erase what it did not change."""

    center_id: uuid.UUID | None = _NOT_GIVEN
    budget: Decimal | None = _NOT_GIVEN
    fields: tuple[str, ...] = _NOT_GIVEN
    confidential: bool = _NOT_GIVEN

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not _NOT_GIVEN}


def full_attributes(
    *, center_id: uuid.UUID | None, budget: Decimal | None, fields: Iterable[str], confidentiality: str
) -> DemandAttributes:
    return DemandAttributes(
        center_id=center_id,
        budget=budget,
        fields=tuple(dict.fromkeys(fields)),
        confidential=confidentiality != "public",
    )


def attributes_from_changes(changed: Mapping[str, Any]) -> DemandAttributes:
    """The attributes a ``DemandUpdated.changed`` mapping sets (JSON values)."""
    attrs = DemandAttributes()
    if "center_id" in changed:
        raw = changed["center_id"]
        attrs = replace(attrs, center_id=uuid.UUID(str(raw)) if raw else None)
    if "budget" in changed:
        raw = changed["budget"]
        attrs = replace(attrs, budget=Decimal(str(raw)) if raw is not None else None)
    if "fields" in changed and isinstance(changed["fields"], list):
        attrs = replace(attrs, fields=tuple(dict.fromkeys(str(f) for f in changed["fields"])))
    if "confidentiality" in changed:
        attrs = replace(attrs, confidential=changed["confidentiality"] != "public")
    return attrs


# -- KPIs ------------------------------------------------------------------------------------

STAGES = ("submitted", "published", "matched", "contracted", "completed")
DIMENSIONS = ("center", "carrier", "project_manager", "field", "province", "month")


@dataclass
class Metrics:
    """One breakdown row: the funnel of the demands attributed to a key, and the money."""

    submitted: int = 0
    published: int = 0
    matched: int = 0
    contracted: int = 0
    completed: int = 0
    intended: Decimal = field(default_factory=lambda: Decimal("0.00"))
    contracts: int = 0
    contracted_value: Decimal = field(default_factory=lambda: Decimal("0.00"))
    paid: Decimal = field(default_factory=lambda: Decimal("0.00"))
    # How many confidential demands' budgets ``intended`` adds up (never shown; see ``protect_intended``).
    confidential: int = 0

    def add(self, **values: Any) -> None:
        for name, value in values.items():
            current = getattr(self, name)
            if isinstance(current, Decimal):
                setattr(self, name, money(current + money(value)))
            else:
                setattr(self, name, current + int(value or 0))

    def activity(self) -> tuple[Decimal | int, ...]:
        return (
            self.submitted,
            self.matched,
            self.contracts,
            self.contracted_value,
            self.paid,
            self.intended,
        )

    def empty(self) -> bool:
        return not any(vars(self).values())

    def as_dict(self) -> dict[str, Any]:
        values = dict(vars(self))
        del values["confidential"]
        return values


Key = str | None


def merge_rows(*groups: Iterable[tuple[Key, Mapping[str, Any]]]) -> dict[Key, Metrics]:
    """Add up ``(key, {metric: value})`` rows from several GROUP BY queries, key by key."""
    merged: dict[Key, Metrics] = {}
    for rows in groups:
        for key, values in rows:
            merged.setdefault(key, Metrics()).add(**values)
    return merged


def field_label(code: str) -> str | None:
    f = FIELDS.get(code)
    return f"{f.zh} {f.en}" if f else None


def breakdown(
    dimension: str,
    merged: Mapping[Key, Metrics],
    names: Mapping[str, str],
    limit: int,
    suppressed: Collection[Key] = (),
) -> tuple[list[dict[str, Any]], int]:
    """The rows of one breakdown, busiest first (months: the newest ``limit``, in order), and how
    many keys there were in all. The ``intended`` of the ``suppressed`` keys is left out (null,
    and the row's ``suppressed`` names it)."""
    if dimension == "month":
        newest = sorted((k for k in merged if k is not None), reverse=True)[:limit]
        ordered: list[Key] = [*sorted(newest)]
    else:
        ordered = sorted(merged, key=lambda k: (*(-v for v in merged[k].activity()), k is None, k or ""))[:limit]
    rows = []
    for key in ordered:
        if key is None:
            label: str | None = UNASSIGNED
        elif dimension == "field":
            label = field_label(key)
        elif dimension in ("month", "province"):
            label = key
        else:
            label = names.get(key)
        row = {"key": key, "label": label, **merged[key].as_dict(), "suppressed": []}
        if key in suppressed:
            row.update(intended=None, suppressed=["intended"])
        rows.append(row)
    return rows, len(merged)


# -- what a KPI may reveal of confidential demands -------------------------------------------

DEFAULT_K = 3

# Breakdowns in which each demand's budget is in one row at most: the rows add up to the total.
PARTITIONS = frozenset({"center", "carrier", "project_manager", "province", "month"})


def total_suppressed(confidential: int, k: int) -> bool:
    """Whether the platform-wide intended investment must be hidden: it adds up fewer than ``k``
    confidential budgets (and at least one), so it would give them away (public budgets are known)."""
    return 0 < confidential < k


def protect_intended(merged: Mapping[Key, Metrics], k: int, *, partition: bool) -> set[Key]:
    """The rows of one breakdown whose ``intended`` a dashboard viewer must not see.

    The rule is k-anonymity on confidential budgets: a figure a viewer sees exactly adds up
    either no confidential budget (then it is a sum of public budgets, which viewers may see
    anyway) or at least ``k`` of them. So a row adding up 1 to k-1 confidential budgets is
    suppressed (a band would not do: public budgets are on the stream, and a band of a sum
    with one secret in it is a band of the secret).

    Suppression alone is not enough, because the total is shown: in a breakdown whose rows add
    up to the total, total minus the rows shown gives the sum of the rows hidden. So the rows
    hidden together must themselves add up at least ``k`` confidential budgets
    (*complementary suppression*): when the sensitive rows hold fewer, the row with the fewest
    confidential budgets among the safe ones is hidden as well (one suffices: it holds k). When
    there is no safe row, every row with a confidential budget is hidden; their union holds
    every confidential demand, so the subtraction reveals only what the total already says,
    and ``total_suppressed`` hides the total when that is fewer than k.

    We chose this over banding every figure: exact figures stay exact wherever they cannot
    give a secret away, and the total (the headline) is hidden only while the whole platform
    has fewer than k confidential budgets. In a breakdown that is not a partition (``field``:
    a demand counts in each of its fields) the rows hidden may share demands, so their union
    is counted conservatively (its largest row, a lower bound of the distinct demands).

    What this does not stop: differencing over time (reading the KPIs just before and just
    after one confidential demand is submitted). The counts move one at a time on the stream,
    so only noise could hide that; the teaser's budget band is what viewers get meanwhile.
    Project managers and operators see every demand in full, and so every figure exactly."""
    if k <= 1:
        return set()
    hidden = {key for key, m in merged.items() if 0 < m.confidential < k}
    if not hidden:
        return hidden

    def union_lower_bound(keys: set[Key]) -> int:
        counts = [merged[key].confidential for key in keys]
        return sum(counts) if partition else max(counts)

    if union_lower_bound(hidden) >= k:
        return hidden
    safe = sorted(
        (key for key, m in merged.items() if m.confidential >= k),
        key=lambda key: (merged[key].confidential, merged[key].intended, key is None, key or ""),
    )
    if safe:
        return hidden | {safe[0]}
    return {key for key, m in merged.items() if m.confidential > 0}


# -- the supply side -------------------------------------------------------------------------

UNIVERSITY_KINDS = {"university_domestic": "domestic", "university_overseas": "overseas"}


def supply_summary(started: Iterable[Mapping[str, Any]], trainees: Mapping[str, Any]) -> dict[str, Any]:
    """The supply side from ``(kind, category, roles, started_month, n)`` rows: centers established
    (per year of the institute's calendar), carriers by kind, partner universities, people by role,
    trainees enrolled, placed, graduated and withdrawn."""
    centers_by_year: dict[str, int] = {}
    carriers: dict[str, int] = {}
    people: dict[str, int] = {}
    enrolled = 0
    for row in started:
        n = int(row["n"])
        if row["kind"] == "center":
            year = (row["started_month"] or "")[:4]
            centers_by_year[year] = centers_by_year.get(year, 0) + n
        elif row["kind"] == "carrier":
            kind = row["category"] or "unknown"
            carriers[kind] = carriers.get(kind, 0) + n
        elif row["kind"] == "person":
            for role in (row["roles"] or "").strip(",").split(","):
                if role:
                    people[role] = people.get(role, 0) + n
        elif row["kind"] == "trainee":
            enrolled += n
    return {
        "centers": sum(centers_by_year.values()),
        "centers_by_year": [{"year": y, "established": centers_by_year[y]} for y in sorted(centers_by_year)],
        "carriers_by_kind": dict(sorted(carriers.items())),
        "partner_universities": {label: carriers.get(kind, 0) for kind, label in UNIVERSITY_KINDS.items()},
        "people_by_role": dict(sorted(people.items())),
        "trainees": {"enrolled": enrolled, **{k: int(trainees[k] or 0) for k in ("placed", "graduated", "withdrawn")}},
    }


FUND_FIGURES = ("funds", "committed_capital", "institute_commitment", "social_capital", "investments", "invested")


def fund_years(figures: Mapping[str, Iterable[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Funds established and invested per year (oldest first), money as exact strings."""
    years: dict[str, dict[str, Any]] = {}
    for source in ("established", "invested"):
        for row in figures[source]:
            year = years.setdefault(str(row["year"]), {"year": str(row["year"])})
            year.update({k: v for k, v in row.items() if k != "year"})
    return [_fund_row(years[y]) for y in sorted(years)]


def fund_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The funds' KPIs: the sum of the years' rows, with the leverage of the institute's money."""
    total = {k: sum((Decimal(r[k]) for r in rows), Decimal(0)) for k in FUND_FIGURES}
    institute, social = total["institute_commitment"], total["social_capital"]
    return {
        "currency": "CNY",
        "funds": int(total["funds"]),
        "committed_capital": money(total["committed_capital"]),
        "institute_commitment": money(institute),
        "social_capital_leveraged": money(social),
        "leverage_ratio": money(social / institute) if institute else None,
        "investments": int(total["investments"]),
        "invested": money(total["invested"]),
    }


def _fund_row(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "year": r["year"],
        "funds": int(r.get("funds") or 0),
        "committed_capital": money(r.get("committed_capital")),
        "institute_commitment": money(r.get("institute_commitment")),
        "social_capital": money(r.get("social_capital")),
        "investments": int(r.get("investments") or 0),
        "invested": money(r.get("invested")),
    }
