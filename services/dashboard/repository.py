"""The projection's reads (KPIs, breakdowns, labels, sights) and the latest events; its writes
for a batch of events are ``writes.Writes``. Receives a connection inside a unit of work; never
commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.dashboard.domain import STAGES, Key, row_sight
from services.dashboard.tables import (
    PROJECTION,
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
from services.dashboard.writes import SIGHT_COLUMNS
from shared.visibility import Sight

RECENT_KEPT = 200

# A period of time: UTC bounds ``[lo, hi)``, None for unbounded.
Period = tuple[datetime | None, datetime | None]
ALL_TIME: Period = (None, None)


class DashboardRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def sight_rows(self, demand_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """Of each demand known, what a viewer's sight of it depends on (``SIGHT_COLUMNS``)."""
        wanted = set(demand_ids)
        if not wanted:
            return {}
        rows = await self.conn.execute(
            sa.select(demands.c.id, *(demands.c[c] for c in SIGHT_COLUMNS)).where(demands.c.id.in_(wanted))
        )
        return {r["id"]: dict(r) for r in rows.mappings()}

    async def viewer_sights(self, demand_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Sight]:
        """What a dashboard viewer sees of each demand (``domain.row_sight``); a demand not
        known yet is absent (and so seen not at all)."""
        return {d: row_sight(row) for d, row in (await self.sight_rows(demand_ids)).items()}

    async def titles(self, demand_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        wanted = set(demand_ids)
        if not wanted:
            return {}
        rows = await self.conn.execute(
            sa.select(demands.c.id, demands.c.title).where(demands.c.id.in_(wanted), demands.c.title.is_not(None))
        )
        return {r.id: r.title for r in rows}

    # -- the supply side --------------------------------------------------------------------
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
