"""The projection's persistence. Receives a connection inside a unit of work; never commits.

Every write is safe to repeat and to receive out of order: rows are created with
INSERT ... ON CONFLICT DO NOTHING, stage times keep the earliest time seen, attributes are
overwritten only by an event at least as recent as the one that set them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dashboard.domain import STAGES, DemandAttributes, Key, demand_state, viewer_sight
from services.dashboard.tables import (
    PROJECTION,
    assignments,
    contracts,
    demand_fields,
    demands,
    fund_investments,
    funds,
    labels,
    payments,
    recent_events,
    supply,
)
from shared.calendar import institute_month
from shared.visibility import Sight

RECENT_KEPT = 200

_KEEP: Any = object()

# A period of time: UTC bounds ``[lo, hi)``, None for unbounded.
Period = tuple[datetime | None, datetime | None]
ALL_TIME: Period = (None, None)


class DashboardRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # -- helpers ----------------------------------------------------------------------------
    async def _insert_ignore(self, table: sa.Table, rows: list[dict[str, Any]] | dict[str, Any]) -> None:
        insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        await self.conn.execute(insert(table).on_conflict_do_nothing(), rows)

    async def _set_latest(
        self, table: sa.Table, row_id: uuid.UUID, at: datetime, at_column: str, **values: Any
    ) -> bool:
        """Set ``values`` unless a later event already set them (last writer wins by event time)."""
        at_col = table.c[at_column]
        result = await self.conn.execute(
            sa.update(table)
            .where(table.c.id == row_id, sa.or_(at_col.is_(None), at_col <= at))
            .values(**values, **{at_column: at})
        )
        return bool(result.rowcount)

    async def _set_earliest(self, table: sa.Table, row_id: uuid.UUID, column: str, at: datetime, **values: Any) -> None:
        """Record when something first happened (and its month), keeping the earliest time seen."""
        col = table.c[column]
        await self.conn.execute(
            sa.update(table)
            .where(table.c.id == row_id, sa.or_(col.is_(None), col > at))
            .values(**{column: at}, **values)
        )

    async def _fill(self, table: sa.Table, row_id: uuid.UUID, **values: Any) -> None:
        """Fill attributes that never change once known (a contract's parties, a demand's enterprise)."""
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            await self.conn.execute(
                sa.update(table)
                .where(table.c.id == row_id)
                .values(**{k: sa.func.coalesce(table.c[k], v) for k, v in values.items()})
            )

    # -- demands ----------------------------------------------------------------------------
    async def ensure_demand(self, demand_id: uuid.UUID, enterprise_id: uuid.UUID | None = None) -> None:
        await self._insert_ignore(demands, {"id": demand_id, "enterprise_id": enterprise_id})
        await self._fill(demands, demand_id, enterprise_id=enterprise_id)

    async def set_demand_attributes(self, demand_id: uuid.UUID, attrs: DemandAttributes, at: datetime) -> None:
        given = attrs.given()
        if "center_id" in given:
            await self._set_latest(demands, demand_id, at, "center_at", center_id=given["center_id"])
        if "budget" in given:
            await self._set_latest(demands, demand_id, at, "budget_at", budget=given["budget"])
        if "confidential" in given:
            await self._set_latest(demands, demand_id, at, "confidential_at", confidential=given["confidential"])
        if "fields" in given and await self._set_latest(demands, demand_id, at, "fields_at"):
            await self.conn.execute(sa.delete(demand_fields).where(demand_fields.c.demand_id == demand_id))
            if given["fields"]:
                await self.conn.execute(
                    sa.insert(demand_fields), [{"demand_id": demand_id, "field": f} for f in given["fields"]]
                )

    async def reach_stage(self, demand_id: uuid.UUID, stage: str, at: datetime) -> None:
        assert stage in STAGES
        await self._set_earliest(demands, demand_id, f"{stage}_at", at, **{f"{stage}_month": institute_month(at)})

    async def leave_funnel(self, demand_id: uuid.UUID, how: str, at: datetime) -> None:
        assert how in ("withdrawn", "rejected", "expired")
        await self._set_earliest(demands, demand_id, f"{how}_at", at)

    async def attribute_demand(
        self, demand_id: uuid.UUID, at: datetime, *, carrier_id: Any = None, project_manager_id: Any = None
    ) -> None:
        """Attribute a demand to a carrier or a project manager (the latest event decides)."""
        if carrier_id is not None:
            await self._set_latest(demands, demand_id, at, "carrier_at", carrier_id=carrier_id)
        if project_manager_id is not None:
            await self._set_latest(demands, demand_id, at, "project_manager_at", project_manager_id=project_manager_id)

    async def release_project_manager(
        self, table: sa.Table, row_id: uuid.UUID, person_id: uuid.UUID, at: datetime
    ) -> None:
        """A project manager's assignment ended: the demand or contract has none, unless a later
        event named another one."""
        await self.conn.execute(
            sa.update(table)
            .where(
                table.c.id == row_id,
                table.c.project_manager_id == person_id,
                sa.or_(table.c.project_manager_at.is_(None), table.c.project_manager_at <= at),
            )
            .values(project_manager_id=None, project_manager_at=at)
        )

    async def viewer_sights(self, demand_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Sight]:
        """What a dashboard viewer sees of each demand (``domain.viewer_sight``); a demand not
        known yet is absent (and so seen not at all)."""
        wanted = set(demand_ids)
        if not wanted:
            return {}
        stages = [demands.c[f"{s}_at"] for s in (*STAGES, "withdrawn", "rejected", "expired")]
        rows = await self.conn.execute(
            sa.select(demands.c.id, demands.c.confidential, demands.c.confidential_at, *stages).where(
                demands.c.id.in_(wanted)
            )
        )
        return {
            r.id: viewer_sight(demand_state(dict(r)), None if r.confidential_at is None else bool(r.confidential))
            for r in rows.mappings()
        }

    # -- contracts and payments ------------------------------------------------------------
    async def ensure_contract(self, contract_id: uuid.UUID, **parties: Any) -> None:
        """Create the contract's row if needed and fill what it is about (never changes)."""
        await self._insert_ignore(contracts, {"id": contract_id})
        await self._fill(contracts, contract_id, **parties)

    async def set_contract_value(self, contract_id: uuid.UUID, value: Decimal, version: int) -> None:
        """The value of the highest contract version seen."""
        vv = contracts.c.value_version
        await self.conn.execute(
            sa.update(contracts)
            .where(contracts.c.id == contract_id, sa.or_(vv.is_(None), vv <= version))
            .values(value=value, value_version=version)
        )

    async def contract_stage(self, contract_id: uuid.UUID, stage: str, at: datetime) -> None:
        assert stage in ("drafted", "signed", "completed", "terminated")
        extra = {f"{stage}_month": institute_month(at)} if stage in ("signed", "completed") else {}
        await self._set_earliest(contracts, contract_id, f"{stage}_at", at, **extra)

    async def attribute_contract(self, contract_id: uuid.UUID, project_manager_id: uuid.UUID, at: datetime) -> None:
        await self._set_latest(contracts, contract_id, at, "project_manager_at", project_manager_id=project_manager_id)

    async def add_payment(
        self, payment_id: uuid.UUID, contract_id: uuid.UUID, carrier_id: uuid.UUID, amount: Decimal, at: datetime
    ) -> None:
        await self._insert_ignore(
            payments,
            {
                "id": payment_id,
                "contract_id": contract_id,
                "carrier_id": carrier_id,
                "amount": amount,
                "recorded_at": at,
                "month": institute_month(at),
            },
        )

    # -- assignments ------------------------------------------------------------------------
    async def record_assignment(
        self, assignment_id: uuid.UUID, *, role: str, person_id: Any, target_type: str, target_id: Any, at: datetime
    ) -> datetime | None:
        """Remember an assignment; returns when it was released, if its release arrived first."""
        await self._insert_ignore(assignments, {"id": assignment_id})
        await self._fill(
            assignments,
            assignment_id,
            role=role,
            person_id=person_id,
            target_type=target_type,
            target_id=target_id,
            made_at=at,
        )
        row = (
            await self.conn.execute(sa.select(assignments.c.released_at).where(assignments.c.id == assignment_id))
        ).one()
        released: datetime | None = row.released_at
        return released

    async def record_release(
        self, assignment_id: uuid.UUID, *, person_id: Any, target_type: str, target_id: Any, at: datetime
    ) -> str | None:
        """Remember that an assignment ended; returns its role when the assignment is known."""
        await self._insert_ignore(assignments, {"id": assignment_id})
        await self._fill(assignments, assignment_id, person_id=person_id, target_type=target_type, target_id=target_id)
        await self._set_earliest(assignments, assignment_id, "released_at", at)
        row = (await self.conn.execute(sa.select(assignments.c.role).where(assignments.c.id == assignment_id))).one()
        role: str | None = row.role
        return role

    async def describe_demand(
        self, demand_id: uuid.UUID, at: datetime, *, title: str | None, province: Any = _KEEP, city: Any = _KEEP
    ) -> None:
        """A demand's title and place (the latest event that says them wins)."""
        if title is not None:
            await self._set_latest(demands, demand_id, at, "title_at", title=title[:200])
        if province is not _KEEP:
            await self._set_latest(demands, demand_id, at, "place_at", province=province, city=city)

    async def titles(self, demand_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        wanted = set(demand_ids)
        if not wanted:
            return {}
        rows = await self.conn.execute(
            sa.select(demands.c.id, demands.c.title).where(demands.c.id.in_(wanted), demands.c.title.is_not(None))
        )
        return {r.id: r.title for r in rows}

    # -- the supply side --------------------------------------------------------------------
    async def supply_started(self, kind: str, ident: uuid.UUID, at: datetime) -> None:
        """A center established, a carrier or person registered, a trainee enrolled (the earliest time)."""
        await self._insert_ignore(supply, {"id": ident, "kind": kind})
        await self._set_earliest(supply, ident, "started_at", at, started_month=institute_month(at))

    async def supply_category(
        self, kind: str, ident: uuid.UUID, at: datetime, *, category: str | None = None, roles: Iterable[str] = ()
    ) -> None:
        """A carrier's kind or a person's roles, as the latest event says."""
        await self._insert_ignore(supply, {"id": ident, "kind": kind})
        joined = f",{','.join(sorted(set(roles)))}," if roles else None
        await self._set_latest(supply, ident, at, "category_at", category=category, roles=joined)

    async def trainee_moved(self, ident: uuid.UUID, how: str, at: datetime) -> None:
        assert how in ("placed", "graduated", "withdrawn")
        await self._insert_ignore(supply, {"id": ident, "kind": "trainee"})
        await self._set_earliest(supply, ident, f"{how}_at", at)

    async def supply_figures(self, period: Period = ALL_TIME) -> dict[str, Any]:
        """What started (and, for trainees, moved on) within ``period``."""
        s = supply
        started = _within(s.c.started_at, period)
        by_category = await self.conn.execute(
            sa.select(s.c.kind, s.c.category, s.c.roles, s.c.started_month, sa.func.count().label("n"))
            .where(started)
            .group_by(s.c.kind, s.c.category, s.c.roles, s.c.started_month)
        )
        trainees = (
            await self.conn.execute(
                sa.select(
                    *(_count(s.c[f"{how}_at"], period).label(how) for how in ("placed", "graduated", "withdrawn"))
                ).where(s.c.kind == "trainee")
            )
        ).one()
        return {"started": [dict(r) for r in by_category.mappings()], "trainees": trainees._asdict()}

    # -- funds -------------------------------------------------------------------------------
    async def fund_established(
        self, fund_id: uuid.UUID, at: datetime, *, committed: Decimal, institute: Decimal, social: Decimal
    ) -> None:
        row = {
            "id": fund_id,
            "committed_capital": committed,
            "institute_commitment": institute,
            "social_capital": social,
            "established_at": at,
            "established_month": institute_month(at),
        }
        await self._insert_ignore(funds, row)

    async def fund_invested(self, investment_id: uuid.UUID, fund_id: uuid.UUID, amount: Decimal, at: datetime) -> None:
        row = {
            "id": investment_id,
            "fund_id": fund_id,
            "amount": amount,
            "invested_at": at,
            "month": institute_month(at),
        }
        await self._insert_ignore(fund_investments, row)

    async def fund_figures(self, period: Period = ALL_TIME) -> dict[str, list[dict[str, Any]]]:
        """Funds established and investments made within ``period``, per year (the institute's)."""
        f, i = funds, fund_investments
        f_year, i_year = sa.func.substr(f.c.established_month, 1, 4), sa.func.substr(i.c.month, 1, 4)
        established = await self.conn.execute(
            sa.select(
                f_year.label("year"),
                sa.func.count().label("funds"),
                sa.func.sum(f.c.committed_capital).label("committed_capital"),
                sa.func.sum(f.c.institute_commitment).label("institute_commitment"),
                sa.func.sum(f.c.social_capital).label("social_capital"),
            )
            .where(_within(f.c.established_at, period))
            .group_by(f_year)
        )
        invested = await self.conn.execute(
            sa.select(
                i_year.label("year"), sa.func.count().label("investments"), sa.func.sum(i.c.amount).label("invested")
            )
            .where(_within(i.c.invested_at, period))
            .group_by(i_year)
        )
        return {
            "established": [dict(r) for r in established.mappings()],
            "invested": [dict(r) for r in invested.mappings()],
        }

    # -- labels and recent events ----------------------------------------------------------
    async def name(self, kind: str, ident: uuid.UUID, name: str, at: datetime) -> None:
        name = name[:300]
        await self._insert_ignore(labels, {"kind": kind, "id": ident, "name": name, "named_at": at})
        await self.conn.execute(
            sa.update(labels)
            .where(labels.c.kind == kind, labels.c.id == ident, labels.c.named_at <= at)
            .values(name=name, named_at=at)
        )

    async def names(self, kind: str, ids: Iterable[str]) -> dict[str, str]:
        wanted = [uuid.UUID(i) for i in ids]
        if not wanted:
            return {}
        rows = await self.conn.execute(
            sa.select(labels.c.id, labels.c.name).where(labels.c.kind == kind, labels.c.id.in_(wanted))
        )
        return {str(r.id): r.name for r in rows}

    async def names_of(self, idents: Iterable[str]) -> dict[str, str]:
        """Names of centers and carriers (whatever their kind), by id; non-ids are skipped."""
        wanted = set()
        for ident in idents:
            try:
                wanted.add(uuid.UUID(ident))
            except ValueError:
                continue
        if not wanted:
            return {}
        rows = await self.conn.execute(
            sa.select(labels.c.id, labels.c.name).where(
                labels.c.kind.in_(("center", "carrier")), labels.c.id.in_(wanted)
            )
        )
        return {str(r.id): r.name for r in rows}

    async def remember_events(self, events: list[tuple[str, str, str, datetime]]) -> None:
        """Keep these events (id, type, subject, time) among the latest ones: one insert for all of
        them, then one cut to the newest ``RECENT_KEPT`` (the same rows as cutting after each)."""
        if not events:
            return
        insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        rows = [{"event_id": i, "type": t, "subject": s[:64], "occurred_at": at} for i, t, s, at in events]
        await self.conn.execute(insert(recent_events).values(rows).on_conflict_do_nothing())  # one statement
        # Keep the newest RECENT_KEPT: the cut-off is the time of the RECENT_KEPT-th newest.
        cutoff = (
            sa.select(recent_events.c.occurred_at)
            .order_by(recent_events.c.occurred_at.desc())
            .offset(RECENT_KEPT - 1)
            .limit(1)
            .scalar_subquery()
        )
        await self.conn.execute(sa.delete(recent_events).where(recent_events.c.occurred_at < cutoff))

    async def recent(self, limit: int | None) -> list[dict[str, Any]]:
        rows = await self.conn.execute(
            sa.select(recent_events)
            .order_by(recent_events.c.occurred_at.desc(), recent_events.c.event_id.desc())
            .limit(limit)
        )
        return [
            {"id": r.event_id, "type": r.type, "subject": r.subject, "time": r.occurred_at} for r in rows.mappings()
        ]

    async def clear(self) -> None:
        """Empty the projection (a rebuild replays the topics into it)."""
        for table in PROJECTION:
            if self.conn.dialect.name == "postgresql":
                await self.conn.execute(sa.text(f'TRUNCATE TABLE "{table.name}"'))
            else:
                await self.conn.execute(sa.delete(table))

    # -- KPIs -------------------------------------------------------------------------------
    # Every figure counts what happened within ``period`` (UTC bounds ``[lo, hi)``; None: unbounded),
    # by the time of the event that made it (its occurrence, not its arrival).
    async def totals(self, period: Period = ALL_TIME) -> dict[str, Any]:
        d, c = demands, contracts
        funnel = (
            await self.conn.execute(
                sa.select(
                    *(_count(d.c[f"{s}_at"], period).label(s) for s in STAGES),
                    *(_count(d.c[f"{s}_at"], period).label(s) for s in ("withdrawn", "rejected", "expired")),
                    _intended(period).label("intended"),
                    _confidential_budgets(period).label("confidential"),
                )
            )
        ).one()
        deals = (
            await self.conn.execute(
                sa.select(
                    _count(c.c.signed_at, period).label("signed"),
                    _count(c.c.completed_at, period).label("completed"),
                    _count(c.c.terminated_at, period).label("terminated"),
                    _contracted_value(period).label("contracted_value"),
                )
            )
        ).one()
        paid = (await self.conn.execute(sa.select(_paid(period)))).scalar()
        return {"funnel": funnel._asdict(), "contracts": deals._asdict(), "paid": paid}

    async def grouped(
        self, dimension: str, period: Period = ALL_TIME, *, viewer: bool = False
    ) -> list[list[tuple[Key, dict[str, Any]]]]:
        """``(key, metrics)`` rows of the demand, contract and payment queries for one dimension.

        ``viewer``: for a dashboard viewer, the place of a demand it may not see in full (confidential,
        or not published yet: shared.visibility) is no key: that demand counts as not attributed."""
        if dimension == "month":
            return await self._by_month(period)
        d, c, p, f = demands, contracts, payments, demand_fields
        dk: Any
        ck: Any
        pk: Any
        demand_from: Any = d
        contract_from: Any = c.outerjoin(d, c.c.demand_id == d.c.id)
        payment_from: Any = p.join(c, p.c.contract_id == c.c.id).outerjoin(d, c.c.demand_id == d.c.id)
        if dimension == "center":
            dk, ck = d.c.center_id, sa.func.coalesce(c.c.center_id, d.c.center_id)
            pk = ck
        elif dimension == "carrier":
            dk, ck = d.c.carrier_id, c.c.carrier_id
            pk = sa.func.coalesce(p.c.carrier_id, c.c.carrier_id)
        elif dimension == "project_manager":
            dk, ck = d.c.project_manager_id, sa.func.coalesce(c.c.project_manager_id, d.c.project_manager_id)
            pk = ck
        elif dimension == "province":
            hidden = sa.or_(d.c.confidential, d.c.published_at.is_(None))
            dk = ck = pk = sa.case((hidden, None), else_=d.c.province) if viewer else d.c.province
        elif dimension == "field":
            demand_from = d.outerjoin(f, f.c.demand_id == d.c.id)
            contract_from = c.outerjoin(f, f.c.demand_id == c.c.demand_id)
            payment_from = p.join(c, p.c.contract_id == c.c.id).outerjoin(f, f.c.demand_id == c.c.demand_id)
            dk = ck = pk = f.c.field
        else:
            raise ValueError(f"unknown dimension {dimension}")
        return [
            await self._group(demand_from, dk, _demand_metrics(period)),
            await self._group(contract_from, ck, _contract_metrics(period)),
            await self._group(payment_from, pk, [_paid(period).label("paid")]),
        ]

    async def _by_month(self, period: Period) -> list[list[tuple[Key, dict[str, Any]]]]:
        d, c, p = demands, contracts, payments
        groups = []
        for stage in STAGES:
            at = d.c[f"{stage}_at"]
            metrics: list[Any] = [_count(at, period).label(stage)]
            if stage == "submitted":
                metrics += [_intended(period).label("intended"), _confidential_budgets(period).label("confidential")]
            groups.append(await self._group(d, d.c[f"{stage}_month"], metrics, where=_within(at, period)))
        groups.append(
            await self._group(c, c.c.signed_month, _contract_metrics(period), where=_within(c.c.signed_at, period))
        )
        groups.append(
            await self._group(p, p.c.month, [_paid(period).label("paid")], where=_within(p.c.recorded_at, period))
        )
        return groups

    async def _group(
        self, source: Any, key: Any, metrics: list[Any], *, where: Any = None
    ) -> list[tuple[Key, dict[str, Any]]]:
        query = sa.select(key.label("k"), *metrics).select_from(source).group_by(key)
        if where is not None:
            query = query.where(where)
        rows = await self.conn.execute(query)
        out: list[tuple[Key, dict[str, Any]]] = []
        for r in rows.mappings():
            values: Mapping[str, Any] = {k: v for k, v in r.items() if k != "k"}
            out.append((None if r["k"] is None else str(r["k"]), dict(values)))
        return out


def _within(at: Any, period: Period) -> Any:
    """The event at ``at`` happened, within ``period``."""
    lo, hi = period
    conds = [at.is_not(None)]
    if lo is not None:
        conds.append(at >= lo)
    if hi is not None:
        conds.append(at < hi)
    return sa.and_(*conds)


def _count(at: Any, period: Period) -> Any:
    return sa.func.count(sa.case((_within(at, period), 1), else_=None))


def _paid(period: Period) -> Any:
    p = payments
    return sa.func.sum(sa.case((_within(p.c.recorded_at, period), p.c.amount), else_=None))


def _intended(period: Period) -> Any:
    """Intended investment: the budgets of the demands that were submitted (within the period)."""
    d = demands
    return sa.func.sum(sa.case((_within(d.c.submitted_at, period), d.c.budget), else_=None))


def _confidential_budgets(period: Period) -> Any:
    """How many budgets hidden from dashboard viewers ``_intended`` adds up: confidential demands',
    and those of demands not published (yet), which viewers do not see at all (shared.visibility)."""
    d = demands
    hidden = sa.or_(d.c.confidential, d.c.published_at.is_(None))
    counted = sa.and_(_within(d.c.submitted_at, period), d.c.budget.is_not(None), hidden)
    return sa.func.count(sa.case((counted, 1), else_=None))


def _contracted_value(period: Period) -> Any:
    c = contracts
    return sa.func.sum(sa.case((_within(c.c.signed_at, period), c.c.value), else_=None))


def _demand_metrics(period: Period) -> list[Any]:
    d = demands
    return [
        *(_count(d.c[f"{s}_at"], period).label(s) for s in STAGES),
        _intended(period).label("intended"),
        _confidential_budgets(period).label("confidential"),
    ]


def _contract_metrics(period: Period) -> list[Any]:
    c = contracts
    return [_count(c.c.signed_at, period).label("contracts"), _contracted_value(period).label("contracted_value")]
