"""The projection's writes for a batch of events: merged in memory, one statement per table.

A handler says what an event changes (``Writes``, no I/O); changes to the same row merge in
memory by the rule each column follows (``tables``): a stage time keeps the earliest time seen,
an attribute the value of the latest event that set it (its ``*_at``, or a contract's version),
a fact that never changes the first value known. ``Writes.flush`` then writes the batch with
one ``INSERT ... ON CONFLICT DO UPDATE`` per table that merges each row with the stored one by
the same rules, so a batch is as safe to repeat and to apply in any order as a single event is.
Rows go in key order: two batches that touch the same rows lock them in the same order.
Receives a connection inside a unit of work; never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dashboard.domain import STAGES, DemandAttributes
from services.dashboard.tables import (
    assignments,
    contracts,
    demand_fields,
    demands,
    fund_investments,
    funds,
    labels,
    payments,
    supply,
)
from shared.calendar import institute_month

PROJECT_MANAGER_ROLE = "project_manager"
_KEEP: Any = object()
LEFT = ("withdrawn", "rejected", "expired")
Row = dict[str, Any]


@dataclass(frozen=True)
class Known:
    """Facts that never change once known (a contract's parties): the first value that is not None."""

    cols: tuple[str, ...]

    def merge(self, row: Row, new: Mapping[str, Any]) -> None:
        for c in self.cols:
            if row.get(c) is None and new.get(c) is not None:
                row[c] = new[c]

    def sets(self, t: sa.Table, x: Any) -> dict[str, Any]:
        return {c: sa.func.coalesce(t.c[c], x[c]) for c in self.cols}


@dataclass(frozen=True)
class Latest:
    """Values set by the latest event that says them: ``at`` is its time (or version); on a tie,
    the later write wins."""

    at: str
    cols: tuple[str, ...] = ()

    def wins(self, old: Any, new: Any) -> bool:
        return new is not None and (old is None or old <= new)

    def merge(self, row: Row, new: Mapping[str, Any]) -> None:
        if self.wins(row.get(self.at), new.get(self.at)):
            for c in (self.at, *self.cols):
                row[c] = new.get(c)

    def sets(self, t: sa.Table, x: Any) -> dict[str, Any]:
        won = sa.and_(x[self.at].is_not(None), sa.or_(t.c[self.at].is_(None), t.c[self.at] <= x[self.at]))
        return {c: sa.case((won, x[c]), else_=t.c[c]) for c in (self.at, *self.cols) if c in t.c}


@dataclass(frozen=True)
class Earliest:
    """When something first happened (``at``, and what goes with it: its month): the earliest time seen."""

    at: str
    cols: tuple[str, ...] = ()

    def wins(self, old: Any, new: Any) -> bool:
        return new is not None and (old is None or new < old)

    def merge(self, row: Row, new: Mapping[str, Any]) -> None:
        if self.wins(row.get(self.at), new.get(self.at)):
            for c in (self.at, *self.cols):
                row[c] = new.get(c)

    def sets(self, t: sa.Table, x: Any) -> dict[str, Any]:
        won = sa.and_(x[self.at].is_not(None), sa.or_(t.c[self.at].is_(None), t.c[self.at] > x[self.at]))
        return {c: sa.case((won, x[c]), else_=t.c[c]) for c in (self.at, *self.cols)}


Rule = Known | Latest | Earliest


@dataclass(frozen=True, eq=False)
class Rules:
    """How the rows of one table merge; ``defaults``: what an inserted row has where no event said."""

    table: sa.Table
    key: tuple[str, ...]
    rules: tuple[Rule, ...]
    defaults: Mapping[str, Any]

    @property
    def columns(self) -> list[str]:
        cols = [*self.key]
        for r in self.rules:
            cols += [c for c in (r.cols if isinstance(r, Known) else (r.at, *r.cols)) if c in self.table.c]
        return cols

    def merge(self, row: Row, new: Mapping[str, Any]) -> None:
        for r in self.rules:
            r.merge(row, new)

    def upsert(self, dialect: str) -> Any:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(self.table)
        sets: dict[str, Any] = {}
        for r in self.rules:
            sets.update(r.sets(self.table, stmt.excluded))
        return stmt.on_conflict_do_update(index_elements=list(self.key), set_=sets)


DEMANDS = Rules(
    demands,
    ("id",),
    (
        Known(("enterprise_id",)),
        Latest("center_at", ("center_id",)),
        Latest("budget_at", ("budget",)),
        Latest("confidential_at", ("confidential",)),
        Latest("fields_at", ("fields",)),  # the fields themselves are rows of dashboard_demand_fields
        Latest("carrier_at", ("carrier_id",)),
        Latest("project_manager_at", ("project_manager_id",)),
        Latest("title_at", ("title",)),
        Latest("place_at", ("province", "city")),
        *(Earliest(f"{s}_at", (f"{s}_month",)) for s in STAGES),
        *(Earliest(f"{how}_at") for how in LEFT),
    ),
    {"confidential": False},
)
CONTRACTS = Rules(
    contracts,
    ("id",),
    (
        Known(("demand_id", "enterprise_id", "carrier_id", "center_id", "contract_type")),
        Latest("project_manager_at", ("project_manager_id",)),
        Latest("value_version", ("value",)),
        Earliest("drafted_at"),
        Earliest("signed_at", ("signed_month",)),
        Earliest("completed_at", ("completed_month",)),
        Earliest("terminated_at"),
    ),
    {},
)
PAYMENTS = Rules(payments, ("id",), (Known(("contract_id", "carrier_id", "amount", "recorded_at", "month")),), {})
ASSIGNMENTS = Rules(
    assignments,
    ("id",),
    (Known(("role", "person_id", "target_type", "target_id", "made_at")), Earliest("released_at")),
    {},
)
LABELS = Rules(labels, ("kind", "id"), (Latest("named_at", ("name",)),), {})
SUPPLY = Rules(
    supply,
    ("id",),
    (
        Known(("kind",)),
        Earliest("started_at", ("started_month",)),
        Latest("category_at", ("category", "roles")),
        *(Earliest(f"{how}_at") for how in ("placed", "graduated", "withdrawn")),
    ),
    {},
)
# In the order they are written: an assignment's release needs its demand's or contract's row.
FUNDS = Rules(
    funds,
    ("id",),
    (Known(("committed_capital", "institute_commitment", "social_capital", "established_at", "established_month")),),
    {},
)
FUND_INVESTMENTS = Rules(fund_investments, ("id",), (Known(("fund_id", "amount", "invested_at", "month")),), {})
ORDER = (ASSIGNMENTS, DEMANDS, CONTRACTS, PAYMENTS, LABELS, SUPPLY, FUNDS, FUND_INVESTMENTS)
# What a viewer's sight of a demand depends on (``domain.viewer_sight``).
SIGHT_COLUMNS = ("confidential", "confidential_at", *(f"{s}_at" for s in (*STAGES, *LEFT)))
_UPSERTS: dict[tuple[str, str], Any] = {}


def upsert(rules: Rules, dialect: str) -> Any:
    key = (rules.table.name, dialect)
    if key not in _UPSERTS:
        _UPSERTS[key] = rules.upsert(dialect)
    return _UPSERTS[key]


def merged(base: Mapping[str, Any] | None, change: Mapping[str, Any] | None) -> Row | None:
    """A demand row as stored (``base``) with a batch's change to it applied; None if neither is."""
    if base is None and change is None:
        return None
    row = dict(base or {})
    if change:
        DEMANDS.merge(row, change)
    return row


class Writes:
    """What a batch of events changes in the projection, row by row, merged as it goes."""

    def __init__(self) -> None:
        self.rows: dict[Rules, dict[tuple[Any, ...], Row]] = {r: {} for r in ORDER}

    def _put(self, rules: Rules, key: tuple[Any, ...], values: Mapping[str, Any]) -> None:
        rows = self.rows[rules]
        row = rows.get(key)
        if row is None:
            rows[key] = {**dict(zip(rules.key, key, strict=True)), **values}
        else:
            rules.merge(row, values)

    def sight_of(self, demand_id: uuid.UUID) -> Row | None:
        """The batch's change so far to what a viewer's sight of the demand depends on."""
        row = self.rows[DEMANDS].get((demand_id,))
        return None if row is None else {c: row.get(c) for c in SIGHT_COLUMNS}

    # -- demands ----------------------------------------------------------------------------
    def ensure_demand(self, demand_id: uuid.UUID, enterprise_id: uuid.UUID | None = None) -> None:
        self._put(DEMANDS, (demand_id,), {"enterprise_id": enterprise_id})

    def set_demand_attributes(self, demand_id: uuid.UUID, attrs: DemandAttributes, at: datetime) -> None:
        given = attrs.given()
        values: Row = {}
        for name, at_col in (("center_id", "center_at"), ("budget", "budget_at"), ("confidential", "confidential_at")):
            if name in given:
                values |= {name: given[name], at_col: at}
        if "fields" in given:
            values |= {"fields": tuple(given["fields"]), "fields_at": at}
        self._put(DEMANDS, (demand_id,), values)

    def reach_stage(self, demand_id: uuid.UUID, stage: str, at: datetime) -> None:
        assert stage in STAGES
        self._put(DEMANDS, (demand_id,), {f"{stage}_at": at, f"{stage}_month": institute_month(at)})

    def leave_funnel(self, demand_id: uuid.UUID, how: str, at: datetime) -> None:
        assert how in LEFT
        self._put(DEMANDS, (demand_id,), {f"{how}_at": at})

    def attribute_demand(
        self, demand_id: uuid.UUID, at: datetime, *, carrier_id: Any = None, project_manager_id: Any = None
    ) -> None:
        """Attribute a demand to a carrier or a project manager (the latest event decides)."""
        values: Row = {}
        if carrier_id is not None:
            values |= {"carrier_id": carrier_id, "carrier_at": at}
        if project_manager_id is not None:
            values |= {"project_manager_id": project_manager_id, "project_manager_at": at}
        self._put(DEMANDS, (demand_id,), values)

    def describe_demand(
        self, demand_id: uuid.UUID, at: datetime, *, title: str | None, province: Any = _KEEP, city: Any = _KEEP
    ) -> None:
        """A demand's title and place (the latest event that says them wins)."""
        values: Row = {}
        if title is not None:
            values |= {"title": title[:200], "title_at": at}
        if province is not _KEEP:
            values |= {"province": province, "city": city, "place_at": at}
        self._put(DEMANDS, (demand_id,), values)

    # -- contracts and payments ------------------------------------------------------------
    def ensure_contract(self, contract_id: uuid.UUID, **parties: Any) -> None:
        self._put(CONTRACTS, (contract_id,), parties)

    def set_contract_value(self, contract_id: uuid.UUID, value: Decimal, version: int) -> None:
        """The value of the highest contract version seen (drafts are version 0)."""
        self._put(CONTRACTS, (contract_id,), {"value": value, "value_version": version})

    def contract_stage(self, contract_id: uuid.UUID, stage: str, at: datetime) -> None:
        assert stage in ("drafted", "signed", "completed", "terminated")
        extra = {f"{stage}_month": institute_month(at)} if stage in ("signed", "completed") else {}
        self._put(CONTRACTS, (contract_id,), {f"{stage}_at": at, **extra})

    def attribute_contract(self, contract_id: uuid.UUID, project_manager_id: uuid.UUID, at: datetime) -> None:
        self._put(CONTRACTS, (contract_id,), {"project_manager_id": project_manager_id, "project_manager_at": at})

    def add_payment(
        self, payment_id: uuid.UUID, contract_id: uuid.UUID, carrier_id: uuid.UUID, amount: Decimal, at: datetime
    ) -> None:
        values = {"contract_id": contract_id, "carrier_id": carrier_id, "amount": amount}
        self._put(PAYMENTS, (payment_id,), values | {"recorded_at": at, "month": institute_month(at)})

    # -- assignments ------------------------------------------------------------------------
    def record_assignment(
        self, assignment_id: uuid.UUID, *, role: str, person_id: Any, target_type: str, target_id: Any, at: datetime
    ) -> None:
        """Remember an assignment (a release names no role: this says whose it was)."""
        values = {"role": role, "person_id": person_id, "target_type": target_type, "target_id": target_id}
        self._put(ASSIGNMENTS, (assignment_id,), values | {"made_at": at})

    def record_release(
        self, assignment_id: uuid.UUID, *, person_id: Any, target_type: str, target_id: Any, at: datetime
    ) -> None:
        """Remember that an assignment ended: if it was a project manager's, its demand or
        contract has none from then on (``flush``), in whichever order the two events arrive."""
        values = {"person_id": person_id, "target_type": target_type, "target_id": target_id}
        self._put(ASSIGNMENTS, (assignment_id,), values | {"released_at": at})

    # -- the supply side and labels ---------------------------------------------------------
    def supply_started(self, kind: str, ident: uuid.UUID, at: datetime) -> None:
        """A center established, a carrier or person registered, a trainee enrolled (the earliest time)."""
        self._put(SUPPLY, (ident,), {"kind": kind, "started_at": at, "started_month": institute_month(at)})

    def supply_category(
        self, kind: str, ident: uuid.UUID, at: datetime, *, category: str | None = None, roles: Iterable[str] = ()
    ) -> None:
        """A carrier's kind or a person's roles, as the latest event says."""
        joined = f",{','.join(sorted(set(roles)))}," if roles else None
        self._put(SUPPLY, (ident,), {"kind": kind, "category": category, "roles": joined, "category_at": at})

    def trainee_moved(self, ident: uuid.UUID, how: str, at: datetime) -> None:
        assert how in ("placed", "graduated", "withdrawn")
        self._put(SUPPLY, (ident,), {"kind": "trainee", f"{how}_at": at})

    def name(self, kind: str, ident: uuid.UUID, name: str, at: datetime) -> None:
        self._put(LABELS, (kind, ident), {"name": name[:300], "named_at": at})

    # -- the funds (facts: the first value known) ---------------------------------------------
    def fund_established(
        self, fund_id: uuid.UUID, at: datetime, *, committed: Decimal, institute: Decimal, social: Decimal
    ) -> None:
        row = {"committed_capital": committed, "institute_commitment": institute, "social_capital": social}
        self._put(FUNDS, (fund_id,), row | {"established_at": at, "established_month": institute_month(at)})

    def fund_invested(self, investment_id: uuid.UUID, fund_id: uuid.UUID, amount: Decimal, at: datetime) -> None:
        row = {"fund_id": fund_id, "amount": amount, "invested_at": at, "month": institute_month(at)}
        self._put(FUND_INVESTMENTS, (investment_id,), row)

    # -- writing ----------------------------------------------------------------------------
    async def flush(self, conn: AsyncConnection) -> None:
        """Write the batch's changes: one statement per table (and the fields and releases of the
        demands and assignments that have some)."""
        dialect = conn.dialect.name
        releases: list[Row] = []
        for rules in ORDER:
            rows = self.rows[rules]
            if not rows:
                continue
            cols = rules.columns
            params = [{c: row.get(c, rules.defaults.get(c)) for c in cols} for _, row in sorted(rows.items())]
            stmt = upsert(rules, dialect)
            if rules is DEMANDS:
                await self._demands(conn, stmt, params, rows)
            elif rules is ASSIGNMENTS:
                returned = await conn.execute(stmt.returning(*assignments.c), params)
                releases = [dict(r) for r in returned.mappings() if _releases(r)]
            else:
                await conn.execute(stmt, params)
            rows.clear()
        for target in ("demand", "contract"):
            mine = [
                {"rid": r["target_id"], "rperson": r["person_id"], "rat": r["released_at"]}
                for r in releases
                if r["target_type"] == target
            ]
            if mine:
                await conn.execute(_RELEASE[target], mine)

    async def _demands(
        self, conn: AsyncConnection, stmt: Any, params: list[Row], rows: dict[tuple[Any, ...], Row]
    ) -> None:
        fields = {key[0]: row for key, row in rows.items() if row.get("fields_at") is not None}
        if not fields:
            await conn.execute(stmt, params)
            return
        # The fields of the demands whose stored fields_at is now the batch's: the batch's are the latest.
        returned = await conn.execute(stmt.returning(demands.c.id, demands.c.fields_at), params)
        won = sorted(r.id for r in returned if r.id in fields and r.fields_at == fields[r.id]["fields_at"])
        if won:
            await conn.execute(sa.delete(demand_fields).where(demand_fields.c.demand_id.in_(won)))
            new = [{"demand_id": d, "field": f} for d in won for f in dict.fromkeys(fields[d]["fields"])]
            if new:
                await conn.execute(sa.insert(demand_fields), new)


def _releases(r: Any) -> bool:
    """A project manager's assignment that has ended: its demand or contract has no project manager."""
    return (
        r["role"] == PROJECT_MANAGER_ROLE
        and r["released_at"] is not None
        and r["person_id"] is not None
        and r["target_type"] in ("demand", "contract")
    )


def _release(table: sa.Table) -> Any:
    """Unless a later event named another project manager (or the same one again)."""
    at = sa.bindparam("rat", type_=table.c.project_manager_at.type)
    return (
        sa.update(table)
        .where(
            table.c.id == sa.bindparam("rid", type_=table.c.id.type),
            table.c.project_manager_id == sa.bindparam("rperson", type_=table.c.project_manager_id.type),
            sa.or_(table.c.project_manager_at.is_(None), table.c.project_manager_at <= at),
        )
        .values(project_manager_id=None, project_manager_at=at)
    )


_RELEASE = {"demand": _release(demands), "contract": _release(contracts)}
