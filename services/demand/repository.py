"""Demand-side persistence. Receives a connection inside a unit of work; never commits."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from services.demand.domain import Confidentiality, Demand, DemandStatus, index_terms
from services.demand.tables import access_grants, centers, demands, enterprises
from shared.outbox import UnitOfWork
from shared.problems import Problem
from shared.records import column, from_doc
from shared.text import tokenize
from shared.visibility import RULES, Access, FieldClass, Relation, relation
from shared.vocabulary import FIELDS


def _nullable(col: Any) -> bool:
    """Whether an ORDER BY column may hold NULLs (a CASE that hides values always may)."""
    return not isinstance(col, sa.Column) or col.nullable is not False


@dataclass(frozen=True)
class Viewer:
    """What a caller may see: staff everything; others their enterprise's demands in full, public
    demands in full, confidential ones as teasers unless their carrier was granted access."""

    staff: bool
    enterprise_id: uuid.UUID | None = None
    carrier_id: uuid.UUID | None = None
    dashboard_viewer: bool = False

    def relation(self, demand_enterprise_id: uuid.UUID | None) -> Relation:
        """The caller's relation to a demand of ``demand_enterprise_id`` (None: another enterprise's)."""
        return relation(
            staff=self.staff,
            enterprise_id=self.enterprise_id,
            carrier_id=self.carrier_id,
            dashboard_viewer=self.dashboard_viewer,
            demand_enterprise_id=demand_enterprise_id,
        )


@dataclass(frozen=True)
class DemandFilters:
    status: list[str] | None = None
    field: str | None = None
    province: str | None = None
    city: str | None = None
    enterprise_id: uuid.UUID | None = None
    center_id: uuid.UUID | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    deadline_from: datetime | None = None
    deadline_to: datetime | None = None
    q: str | None = None


SORTS = {
    "-created_at": (demands.c.created_at, True),
    "created_at": (demands.c.created_at, False),
    "deadline": (demands.c.deadline, False),
    "-budget": (demands.c.budget, True),
}


# One demand and whether a carrier (may be NULL) holds an access grant to it: one statement, the
# read behind every demand page (shared.pgread.Reader).
DEMAND_WITH_GRANT = sa.select(
    *(c for c in demands.c if c.name not in ("search_terms", "teaser_terms")),
    sa.exists(
        sa.select(1).where(
            access_grants.c.demand_id == demands.c.id,
            access_grants.c.carrier_id == sa.bindparam("carrier_id", type_=access_grants.c.carrier_id.type),
        )
    ).label("granted"),
).where(demands.c.id == sa.bindparam("demand_id"))


def demand_from_record(r: Any) -> Demand:
    """A demand from an asyncpg record (the reader's rows)."""
    return from_doc(Demand, dict(r))


def _row_to_demand(r: Any) -> Demand:
    return from_doc(Demand, r._mapping)


# The columns of a demand's row: the fields of the aggregate (its events are not state).
DEMAND_COLUMNS = tuple(f.name for f in fields(Demand) if f.compare)


def demand_row(d: Demand) -> dict[str, Any]:
    search_terms, teaser_terms = index_terms(d)
    return {
        "search_terms": search_terms,
        "teaser_terms": teaser_terms,
        **{name: column(getattr(d, name)) for name in DEMAND_COLUMNS},
    }


class DemandRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # -- enterprises ------------------------------------------------------------------
    async def add_enterprise(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(enterprises).values(**values))

    async def enterprise_by_credit_code(self, code: str) -> uuid.UUID | None:
        return (
            await self.conn.execute(sa.select(enterprises.c.id).where(enterprises.c.credit_code == code))
        ).scalar_one_or_none()

    async def get_enterprise(self, enterprise_id: uuid.UUID) -> dict[str, Any] | None:
        row = (await self.conn.execute(sa.select(enterprises).where(enterprises.c.id == enterprise_id))).first()
        return dict(row._mapping) if row else None

    async def list_enterprises(
        self, *, after: tuple[datetime, uuid.UUID] | None, limit: int | None
    ) -> list[dict[str, Any]]:
        return await self._newest_first(enterprises, after, limit)

    async def _newest_first(
        self, table: sa.Table, after: tuple[datetime, uuid.UUID] | None, limit: int | None
    ) -> list[dict[str, Any]]:
        stmt = sa.select(table).order_by(table.c.created_at.desc(), table.c.id.desc())
        if after:
            stmt = stmt.where(sa.tuple_(table.c.created_at, table.c.id) < sa.tuple_(*after))
        rows = (await self.conn.execute(stmt.limit(limit))).all()
        return [dict(r._mapping) for r in rows]

    # -- joint innovation centers -------------------------------------------------------
    async def add_center(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(centers).values(**values))

    async def get_center(self, center_id: uuid.UUID) -> dict[str, Any] | None:
        row = (await self.conn.execute(sa.select(centers).where(centers.c.id == center_id))).first()
        return dict(row._mapping) if row else None

    async def list_centers(
        self, *, after: tuple[datetime, uuid.UUID] | None, limit: int | None
    ) -> list[dict[str, Any]]:
        """Every enterprise's joint innovation centers, newest first."""
        return await self._newest_first(centers, after, limit)

    async def centers_of(self, enterprise_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = (
            await self.conn.execute(
                sa.select(centers).where(centers.c.enterprise_id == enterprise_id).order_by(centers.c.created_at)
            )
        ).all()
        return [dict(r._mapping) for r in rows]

    # -- demands ------------------------------------------------------------------------
    @staticmethod
    def add_demand(uow: UnitOfWork, d: Demand, *, on_integrity_error: Problem | None = None) -> None:
        """Insert ``d`` when ``uow`` commits (with its events: one statement on PostgreSQL)."""
        uow.add(demands, demand_row(d), on_integrity_error=on_integrity_error)

    async def get_demand(self, demand_id: uuid.UUID, *, for_update: bool = False) -> Demand | None:
        stmt = sa.select(demands).where(demands.c.id == demand_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return _row_to_demand(row) if row else None

    async def save_demand(self, d: Demand, *, expected_version: int) -> bool:
        """Write ``d`` if the stored version is still ``expected_version``."""
        values = demand_row(d)
        del values["id"], values["created_at"]
        result = await self.conn.execute(
            sa.update(demands).where(demands.c.id == d.id, demands.c.version == expected_version).values(**values)
        )
        return bool(result.rowcount)

    async def overdue_demand_ids(self, now: datetime, statuses: list[str], limit: int) -> list[uuid.UUID]:
        rows = await self.conn.execute(
            sa.select(demands.c.id).where(demands.c.deadline <= now, demands.c.status.in_(statuses)).limit(limit)
        )
        return [r.id for r in rows]

    async def list_demands(
        self, f: DemandFilters, *, viewer: Viewer, sort: str, after: tuple[Any, uuid.UUID] | None, limit: int
    ) -> list[Demand]:
        stmt = self.list_statement(f, viewer=viewer, sort=sort, after=after, limit=limit)
        if stmt is None:
            return []
        rows = (await self.conn.execute(stmt)).all()
        return [_row_to_demand(r) for r in rows]

    def list_statement(
        self, f: DemandFilters, *, viewer: Viewer, sort: str, after: tuple[Any, uuid.UUID] | None, limit: int
    ) -> sa.Select[Any] | None:
        """The SELECT for one page; None when the query can match nothing."""
        col: Any
        col, desc = SORTS[sort]
        stmt = sa.select(demands)
        conds: list[sa.ColumnElement[bool]] = []
        # Attributes a teaser hides (owner, place, money, dates) filter only demands the caller
        # sees in full, so narrowing a filter cannot reveal a confidential demand's details.
        hidden: list[sa.ColumnElement[bool]] = []
        if f.status:
            conds.append(demands.c.status.in_(f.status))
        if f.enterprise_id:
            hidden.append(demands.c.enterprise_id == f.enterprise_id)
        if f.center_id:
            hidden.append(demands.c.center_id == f.center_id)
        if f.province:
            hidden.append(demands.c.province == f.province)
        if f.city:
            hidden.append(demands.c.city == f.city)
        if f.budget_min is not None:
            hidden.append(demands.c.budget >= f.budget_min)
        if f.budget_max is not None:
            hidden.append(demands.c.budget <= f.budget_max)
        if f.deadline_from is not None:
            hidden.append(demands.c.deadline >= f.deadline_from)
        if f.deadline_to is not None:
            hidden.append(demands.c.deadline <= f.deadline_to)
        if hidden:
            conds.extend(hidden if viewer.staff else [sa.and_(self._sees_full(viewer), *hidden)])
        if not viewer.staff and sort in ("-budget", "deadline"):
            # Order a hidden budget or deadline as unknown (NULLs last), not by its value.
            col = sa.case((self._sees_full(viewer), col), else_=sa.null())
        if f.field:
            conds.append(self._has_field(f.field))
        if not viewer.staff:
            # The states the visibility table lets the caller see its own enterprise's demands in,
            # and other enterprises' demands in.
            own = demands.c.enterprise_id == viewer.enterprise_id if viewer.enterprise_id else sa.false()
            conds.append(
                sa.or_(
                    sa.and_(own, self._in_states(RULES[Relation.OWNER].states)),
                    self._in_states(RULES[viewer.relation(None)].states),
                )
            )
        if f.q:
            # Most terms of the query (CJK bigrams, English stems) must be indexed for the demand
            # (all of them for one- and two-term queries), so 固态电池 finds 固态锂电池 while
            # unrelated text is not matched; a caller who sees only a confidential demand's teaser
            # searches only the teaser's terms.
            terms = sorted(set(tokenize(f.q)))
            if not terms:
                return None
            full_match = self._matches(demands.c.search_terms, terms)
            if viewer.staff:
                conds.append(full_match)
            else:
                conds.append(
                    sa.or_(
                        sa.and_(self._sees_full(viewer), full_match),
                        self._matches(demands.c.teaser_terms, terms),
                    )
                )
        if after is not None:
            # Keyset pagination on (sort column, id); NULLs sort last.
            conds.append(self._after(col, desc, after[0], after[1]))
        if conds:
            stmt = stmt.where(*conds)
        order_col = col.desc() if desc else col.asc()
        if _nullable(col):
            order_col = order_col.nulls_last()
        # The order matches an index ((created_at, id), (deadline, id), (budget DESC NULLS LAST, id DESC)),
        # so a page is read from the index, not sorted from the whole table.
        stmt = stmt.order_by(order_col, demands.c.id.desc() if desc else demands.c.id.asc())
        return stmt.limit(limit)

    def _matches(self, column: Any, terms: list[str]) -> sa.ColumnElement[bool]:
        """At least ``len(terms) - len(terms) // 3`` of the terms are in ``column``.

        Each term is a GIN-indexed containment test; their OR narrows the rows, the count decides."""
        if len(terms) <= 2:
            return self._contains(column, terms)
        need = len(terms) - len(terms) // 3
        each = [self._contains(column, [t]) for t in terms]
        hits = sum((sa.case((c, 1), else_=0) for c in each), sa.literal(0))
        return sa.and_(sa.or_(*each), hits >= need)

    def _has_field(self, field: str) -> sa.ColumnElement[bool]:
        """The field itself or, for a parent such as ``energy``, any of its children."""
        codes = [field, *(c for c in FIELDS if c.startswith(f"{field}."))]
        return sa.or_(*(self._contains(demands.c.fields, [c]) for c in codes))

    def _contains(self, column: Any, values: list[str]) -> sa.ColumnElement[bool]:
        """``column`` (a JSON array) holds every one of ``values``; a GIN index serves it on PostgreSQL."""
        if self.conn.dialect.name == "postgresql":
            return column.op("@>")(sa.cast(sa.literal(json.dumps(values, ensure_ascii=False)), postgresql.JSONB()))
        conds = []
        for v in values:
            each = sa.func.json_each(column).table_valued("value")
            conds.append(sa.exists(sa.select(1).select_from(each).where(each.c.value == v)))
        return sa.and_(*conds)

    @staticmethod
    def _in_states(states: frozenset[str]) -> sa.ColumnElement[bool]:
        if states >= {s.value for s in DemandStatus}:
            return sa.true()
        return demands.c.status.in_(sorted(states)) if states else sa.false()

    @staticmethod
    def _sees_full(viewer: Viewer) -> sa.ColumnElement[bool]:
        """Whether the caller sees a demand's hidden details, as the visibility table says."""
        others = RULES[viewer.relation(None)].access[FieldClass.HIDDEN]
        if others is Access.ALWAYS:
            return sa.true()
        conds: list[sa.ColumnElement[bool]] = []
        if others in (Access.IF_PUBLIC, Access.IF_PUBLIC_OR_GRANTED):
            conds.append(demands.c.confidentiality == Confidentiality.PUBLIC.value)
        if viewer.enterprise_id and RULES[Relation.OWNER].access[FieldClass.HIDDEN] is Access.ALWAYS:
            conds.append(demands.c.enterprise_id == viewer.enterprise_id)
        if viewer.carrier_id and others is Access.IF_PUBLIC_OR_GRANTED:
            conds.append(
                sa.exists(
                    sa.select(1).where(
                        access_grants.c.demand_id == demands.c.id, access_grants.c.carrier_id == viewer.carrier_id
                    )
                )
            )
        return sa.or_(*conds) if conds else sa.false()

    # -- access grants ------------------------------------------------------------------
    async def grant(self, demand_id: uuid.UUID, carrier_id: uuid.UUID, granted_by: str, now: datetime) -> bool:
        exists = (
            await self.conn.execute(
                sa.select(1).where(access_grants.c.demand_id == demand_id, access_grants.c.carrier_id == carrier_id)
            )
        ).first()
        if exists:
            return False
        await self.conn.execute(
            sa.insert(access_grants).values(
                demand_id=demand_id, carrier_id=carrier_id, granted_by=granted_by, granted_at=now
            )
        )
        return True

    async def revoke(self, demand_id: uuid.UUID, carrier_id: uuid.UUID) -> bool:
        result = await self.conn.execute(
            sa.delete(access_grants).where(
                access_grants.c.demand_id == demand_id, access_grants.c.carrier_id == carrier_id
            )
        )
        return bool(result.rowcount)

    async def grants_of(self, demand_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self.conn.execute(
            sa.select(access_grants).where(access_grants.c.demand_id == demand_id).order_by(access_grants.c.granted_at)
        )
        return [dict(r._mapping) for r in rows]

    async def carriers_with_access(self, demand_ids: list[uuid.UUID], carrier_id: uuid.UUID) -> set[uuid.UUID]:
        if not demand_ids:
            return set()
        rows = await self.conn.execute(
            sa.select(access_grants.c.demand_id).where(
                access_grants.c.demand_id.in_(demand_ids), access_grants.c.carrier_id == carrier_id
            )
        )
        return {r.demand_id for r in rows}

    @staticmethod
    def _after(col: Any, desc: bool, last_val: Any, last_id: uuid.UUID) -> sa.ColumnElement[bool]:
        """Rows after ``(last_val, last_id)`` in ``col`` order (NULLs last), then id order."""
        idc = demands.c.id
        if not _nullable(col):
            # A row-value comparison: PostgreSQL reads it as one range of the (col, id) index.
            return (
                sa.tuple_(col, idc) < sa.tuple_(last_val, last_id)
                if desc
                else (sa.tuple_(col, idc) > sa.tuple_(last_val, last_id))
            )
        if last_val is None:
            # We are in the NULL tail: only the id orders the rest.
            return sa.and_(col.is_(None), idc < last_id if desc else idc > last_id)
        if desc:
            return sa.or_(col < last_val, sa.and_(col == last_val, idc < last_id), col.is_(None))
        return sa.or_(col > last_val, sa.and_(col == last_val, idc > last_id), col.is_(None))
