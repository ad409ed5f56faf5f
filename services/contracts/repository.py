"""Contract persistence. Receives a connection inside a unit of work; never commits."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.contracts.domain import (
    NEGOTIATING_FIRST,
    Contract,
    ContractStatus,
    Milestone,
    Payment,
    Terms,
    VersionRecord,
    VersionStatusChange,
)
from services.contracts.tables import (
    accepted_matches,
    contract_history,
    contract_versions,
    contracts,
    ended_demands,
    milestones,
    payments,
)
from services.contracts.views import RENDERER, stored_view
from shared.db import UTCDateTime
from shared.records import column, from_doc, to_json

TotalsBy = Literal["carrier", "center", "project_manager", "month"]
TOTALS_KEYS: dict[str, sa.Column[Any]] = {
    "carrier": contracts.c.carrier_id,
    "center": contracts.c.center_id,
    "project_manager": contracts.c.project_manager_id,
    "month": contracts.c.signed_month,
}


@dataclass(frozen=True)
class ContractFilters:
    enterprise_id: uuid.UUID | None = None
    carrier_id: uuid.UUID | None = None
    project_manager_id: uuid.UUID | None = None
    center_id: uuid.UUID | None = None
    demand_id: uuid.UUID | None = None
    match_id: uuid.UUID | None = None
    status: list[str] | None = None
    contract_type: str | None = None
    signed_from: datetime | None = None  # inclusive
    signed_before: datetime | None = None  # exclusive
    created_from: datetime | None = None
    created_before: datetime | None = None
    active_on: date | None = None  # the contract period covers this day


@dataclass(frozen=True)
class Visibility:
    """Whose contracts a caller may see: everyone's, or those of one enterprise and/or carrier."""

    everything: bool
    enterprise_id: uuid.UUID | None = None
    carrier_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ContractViewRow:
    """A listed contract: its key in the list's order and its stored view (views.stored_view,
    JSON text), None when the view stored is not the one of the row's current version."""

    id: uuid.UUID
    created_at: datetime
    view: str | None

    @classmethod
    def of(cls, row: Any) -> ContractViewRow:
        return cls(row["id"], row["created_at"].astimezone(UTC), row["view"])


@dataclass(frozen=True)
class TotalsRow:
    key: str | None
    contracts: int
    value_signed: Decimal
    paid: Decimal
    outstanding: Decimal
    cancelled: Decimal


def _uuid(v: Any) -> uuid.UUID | None:
    return None if v is None else uuid.UUID(str(v))


# The columns of a contract's row: its own fields and those of its terms (milestones have their table;
# events and version updates are not state), and what is derived for the totals and the lists.
_CONTRACT_COLUMNS = tuple(f.name for f in fields(Contract) if f.compare and f.name not in ("terms", "milestones"))
_TERMS_COLUMNS = tuple(f.name for f in fields(Terms) if f.name != "milestones")
_MILESTONE_COLUMNS = tuple(f.name for f in fields(Milestone))


def _milestone_from_row(r: Any) -> Milestone:
    return from_doc(Milestone, r._mapping)


def _milestone_values(contract_id: uuid.UUID, m: Milestone) -> dict[str, Any]:
    return {"contract_id": contract_id, **{name: column(getattr(m, name)) for name in _MILESTONE_COLUMNS}}


def _contract_from_row(r: Any, ms: list[Milestone]) -> Contract:
    row = r._mapping
    live = tuple(sorted(ms, key=lambda m: m.position))
    terms = from_doc(Terms, {**row, "milestones": tuple(m.plan() for m in live)})
    return from_doc(
        Contract, {**row, "terms": terms, "milestones": live, "updated_at": row["updated_at"] or row["created_at"]}
    )


def _contract_values(c: Contract) -> dict[str, Any]:
    return {
        **{name: column(getattr(c.terms, name)) for name in _TERMS_COLUMNS},
        **{name: column(getattr(c, name)) for name in _CONTRACT_COLUMNS},
        "currency": "CNY",
        "paid_total": c.paid_total,
        "signed_month": c.signed_month,
        **_view_values(c),
    }


def _view_values(c: Contract) -> dict[str, Any]:
    """The stored view of ``c`` and its stamps (the row version it shows, its renderer)."""
    return {"view": stored_view(c), "view_version": c.version, "view_renderer": RENDERER}


_c = contracts.c
_EQUAL_FILTERS = ("enterprise_id", "carrier_id", "project_manager_id", "center_id", "demand_id", "match_id")
_OTHER_FILTERS = (
    "status",
    "contract_type",
    "signed_from",
    "signed_before",
    "created_from",
    "created_before",
    "active_on",
)
_ACTIVE_ON = sa.bindparam("active_on", type_=sa.Date())
# Every condition a list may have, each with its own bound parameter(s).
_LIST_CONDITIONS: dict[str, sa.ColumnElement[bool]] = {
    "mine_enterprise": _c.enterprise_id == sa.bindparam("mine_enterprise"),
    "mine_carrier": _c.carrier_id == sa.bindparam("mine_carrier"),
    "mine_either": sa.or_(
        _c.enterprise_id == sa.bindparam("mine_enterprise"), _c.carrier_id == sa.bindparam("mine_carrier")
    ),
    **{name: _c[name] == sa.bindparam(name) for name in _EQUAL_FILTERS},
    "status": _c.status.in_(sa.bindparam("status", expanding=True)),
    "contract_type": _c.contract_type == sa.bindparam("contract_type"),
    "signed_from": _c.signed_at >= sa.bindparam("signed_from"),
    "signed_before": _c.signed_at < sa.bindparam("signed_before"),
    "created_from": _c.created_at >= sa.bindparam("created_from"),
    "created_before": _c.created_at < sa.bindparam("created_before"),
    "active_on": sa.and_(_c.starts_on <= _ACTIVE_ON, _c.ends_on >= _ACTIVE_ON),
    "after": sa.tuple_(_c.created_at, _c.id)
    < sa.tuple_(sa.bindparam("after_created_at", type_=UTCDateTime()), sa.bindparam("after_id", type_=sa.Uuid())),
}
# The stored view only while it shows the row's current version, rendered by the current renderer.
_SERVED_VIEW = sa.case(
    (sa.and_(_c.view_version == _c.version, _c.view_renderer == sa.literal_column(str(RENDERER))), _c.view)
).label("view")
# One contract's parties, version and current stored view (NULL when missing or left behind).
_SERVED_ONE = sa.select(_c.enterprise_id, _c.carrier_id, _c.version, _SERVED_VIEW).where(
    _c.id == sa.bindparam("contract_id")
)


@functools.lru_cache(maxsize=512)
def _list_statement(shape: tuple[str, ...]) -> sa.Select[Any]:
    """The list statement for one combination of conditions, built once: a request only binds
    its values (building and compiling a statement per request cost more than running it)."""
    return (
        sa.select(_c.id, _c.created_at, _SERVED_VIEW)
        .where(*(_LIST_CONDITIONS[name] for name in shape))
        .order_by(_c.created_at.desc(), _c.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer()))
    )


@dataclass(frozen=True)
class ListQuery:
    """One list request: a constant statement (one per combination of conditions) and its values."""

    statement: sa.Select[Any]
    values: dict[str, Any]


def list_query(
    f: ContractFilters, visible: Visibility, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> ListQuery | None:
    """The contracts ``visible`` that pass ``f``, newest first, after the cursor's ``after``, as
    (id, created_at, stored view) rows; None when the caller may see no contract at all."""
    shape: list[str] = []
    values: dict[str, Any] = {"limit": limit}
    if not visible.everything:
        mine_e, mine_c = visible.enterprise_id, visible.carrier_id
        if mine_e and mine_c:
            shape.append("mine_either")
        elif mine_e:
            shape.append("mine_enterprise")
        elif mine_c:
            shape.append("mine_carrier")
        else:
            return None
        values["mine_enterprise"], values["mine_carrier"] = mine_e, mine_c
    for name in _EQUAL_FILTERS:
        v = getattr(f, name)
        if v is not None:
            shape.append(name)
            values[name] = v
    for name in _OTHER_FILTERS:
        v = getattr(f, name)
        if v:
            shape.append(name)
            values[name] = v
    if after:
        shape.append("after")
        values["after_created_at"], values["after_id"] = after
    return ListQuery(_list_statement(tuple(shape)), values)


class ContractRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # -- the aggregate ---------------------------------------------------------------------------
    async def add(self, c: Contract) -> None:
        await self.conn.execute(sa.insert(contracts).values(**_contract_values(c)))
        if c.milestones:
            await self.conn.execute(sa.insert(milestones), [_milestone_values(c.id, m) for m in c.milestones])
        await self._write_versions(c)

    async def served_view(self, contract_id: uuid.UUID) -> Any | None:
        """The contract's parties, version and stored view (``view`` None unless it is current)."""
        return (await self.conn.execute(_SERVED_ONE, {"contract_id": contract_id})).first()

    async def get(self, contract_id: uuid.UUID, *, for_update: bool = False) -> Contract | None:
        """The contract with its milestones; ``for_update`` locks the contract row and its
        milestone rows (SELECT ... FOR UPDATE on PostgreSQL) until the transaction ends."""
        stmt = sa.select(contracts).where(contracts.c.id == contract_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        if row is None:
            return None
        ms_stmt = sa.select(milestones).where(milestones.c.contract_id == contract_id).order_by(milestones.c.position)
        if for_update:
            ms_stmt = ms_stmt.with_for_update()
        ms = [_milestone_from_row(m) for m in (await self.conn.execute(ms_stmt)).all()]
        return _contract_from_row(row, ms)

    async def save(self, c: Contract, *, before: Contract) -> bool:
        """Write ``c`` if the stored row is still at ``before.version``; milestones by difference."""
        values = _contract_values(c)
        del values["id"], values["created_at"]
        result = await self.conn.execute(
            sa.update(contracts).where(contracts.c.id == c.id, contracts.c.version == before.version).values(**values)
        )
        if not result.rowcount:
            return False
        old = {m.id: m for m in before.milestones}
        new_ids = {m.id for m in c.milestones}
        gone = [i for i in old if i not in new_ids]
        if gone:
            await self.conn.execute(sa.delete(milestones).where(milestones.c.id.in_(gone)))
        for m in c.milestones:
            if m.id not in old:
                await self.conn.execute(sa.insert(milestones).values(**_milestone_values(c.id, m)))
            elif old[m.id] != m:
                vals = _milestone_values(c.id, m)
                del vals["id"], vals["contract_id"]
                await self.conn.execute(sa.update(milestones).where(milestones.c.id == m.id).values(**vals))
        await self._write_versions(c)
        return True

    async def _write_versions(self, c: Contract) -> None:
        for rec in c.version_updates:
            key = (contract_versions.c.contract_id == c.id, contract_versions.c.number == rec.number)
            if isinstance(rec, VersionStatusChange):
                await self.conn.execute(
                    sa.update(contract_versions).where(*key).values(status=rec.status.value, updated_at=c.updated_at)
                )
                continue
            vals = self._version_values(rec, c.updated_at)
            result = await self.conn.execute(sa.update(contract_versions).where(*key).values(**vals))
            if not result.rowcount:
                await self.conn.execute(
                    sa.insert(contract_versions).values(
                        contract_id=c.id, number=rec.number, created_at=c.updated_at, **vals
                    )
                )

    @staticmethod
    def _version_values(rec: VersionRecord, now: datetime) -> dict[str, Any]:
        return {
            "status": rec.status.value,
            "terms": to_json(rec.terms),
            "enterprise_signature": to_json(rec.enterprise_signature),
            "carrier_signature": to_json(rec.carrier_signature),
            "changes": rec.changes,
            "signed_at": rec.signed_at,
            "updated_at": now,
        }

    async def live_contract_for_match(self, match_id: uuid.UUID) -> uuid.UUID | None:
        row = (
            await self.conn.execute(
                sa.select(contracts.c.id).where(
                    contracts.c.match_id == match_id, contracts.c.status != ContractStatus.TERMINATED.value
                )
            )
        ).first()
        return _uuid(row.id) if row else None

    async def any_contract_for_match(self, match_id: uuid.UUID) -> uuid.UUID | None:
        row = (await self.conn.execute(sa.select(contracts.c.id).where(contracts.c.match_id == match_id))).first()
        return _uuid(row.id) if row else None

    # -- lists -----------------------------------------------------------------------------------
    async def views_of(self, rows: list[ContractViewRow]) -> list[str]:
        """The views of ``rows``; one not stored for its row's current version (a row written by
        an older release) is rendered from the contract afresh."""
        out = []
        for r in rows:
            view = r.view
            if view is None:
                c = await self.get(uuid.UUID(str(r.id)))
                if c is None:  # contracts are never deleted; nothing to show if one were
                    continue
                view = stored_view(c)
            out.append(view)
        return out

    async def contract_ids(self, *, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
        """Contract ids in id order, after ``after``."""
        stmt = sa.select(_c.id).order_by(_c.id).limit(limit)
        if after is not None:
            stmt = stmt.where(_c.id > after)
        return [uuid.UUID(str(i)) for i in (await self.conn.execute(stmt)).scalars()]

    async def count(self) -> int:
        return int((await self.conn.execute(sa.select(sa.func.count()).select_from(contracts))).scalar_one())

    async def store_view(self, c: Contract) -> None:
        """Store the view of ``c`` as read (a row a writer moved on since keeps the writer's view)."""
        await self.conn.execute(
            sa.update(contracts).where(_c.id == c.id, _c.version == c.version).values(**_view_values(c))
        )

    async def list_versions(self, contract_id: uuid.UUID, *, after: int | None, limit: int) -> list[dict[str, Any]]:
        stmt = sa.select(contract_versions).where(contract_versions.c.contract_id == contract_id)
        if after is not None:
            stmt = stmt.where(contract_versions.c.number > after)
        rows = (await self.conn.execute(stmt.order_by(contract_versions.c.number).limit(limit))).all()
        return [dict(r._mapping) for r in rows]

    # -- payments --------------------------------------------------------------------------------
    async def add_payment(self, p: Payment) -> None:
        await self.conn.execute(
            sa.insert(payments).values(
                id=p.id,
                contract_id=p.contract_id,
                milestone_id=p.milestone_id,
                amount=p.amount,
                paid_on=p.paid_on,
                paid_month=p.paid_on.strftime("%Y-%m"),
                reference=p.reference,
                note=p.note,
                recorded_by=p.recorded_by,
                recorded_at=p.recorded_at,
            )
        )

    async def list_payments(
        self,
        contract_id: uuid.UUID,
        *,
        milestone_id: uuid.UUID | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        conds = [payments.c.contract_id == contract_id]
        if milestone_id:
            conds.append(payments.c.milestone_id == milestone_id)
        if after:
            conds.append(sa.tuple_(payments.c.recorded_at, payments.c.id) > sa.tuple_(*after))
        stmt = sa.select(payments).where(*conds).order_by(payments.c.recorded_at, payments.c.id).limit(limit)
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    # -- totals ----------------------------------------------------------------------------------
    async def totals(self, by: TotalsBy, *, month_from: str | None, month_to: str | None) -> list[TotalsRow]:
        """Signed contracts grouped by ``by``: value signed, paid, outstanding (still to be paid
        under contracts in force) and cancelled (unpaid value of terminated contracts)."""
        key = TOTALS_KEYS[by]
        c = contracts.c
        terminated = c.status == ContractStatus.TERMINATED.value
        unpaid = c.value - c.paid_total
        stmt = (
            sa.select(
                key.label("key"),
                sa.func.count().label("contracts"),
                sa.func.sum(c.value).label("value_signed"),
                sa.func.sum(c.paid_total).label("paid"),
                sa.func.sum(sa.case((terminated, 0), else_=unpaid)).label("outstanding"),
                sa.func.sum(sa.case((terminated, unpaid), else_=0)).label("cancelled"),
            )
            .where(c.signed_at.is_not(None), *self._month_range(c.signed_month, month_from, month_to))
            .group_by(key)
        )
        rows = (await self.conn.execute(stmt)).all()
        return [
            TotalsRow(
                key=None if r.key is None else str(r.key),
                contracts=int(r.contracts),
                value_signed=_money(r.value_signed),
                paid=_money(r.paid),
                outstanding=_money(r.outstanding),
                cancelled=_money(r.cancelled),
            )
            for r in rows
        ]

    async def paid_by_month(self, *, month_from: str | None, month_to: str | None) -> dict[str, Decimal]:
        """Money received per month (the payment's own date), whatever month its contract was signed."""
        stmt = (
            sa.select(payments.c.paid_month, sa.func.sum(payments.c.amount).label("paid"))
            .where(*self._month_range(payments.c.paid_month, month_from, month_to))
            .group_by(payments.c.paid_month)
        )
        return {r.paid_month: _money(r.paid) for r in (await self.conn.execute(stmt)).all()}

    @staticmethod
    def _month_range(col: Any, month_from: str | None, month_to: str | None) -> list[sa.ColumnElement[bool]]:
        conds = []
        if month_from:
            conds.append(col >= month_from)
        if month_to:
            conds.append(col <= month_to)
        return conds

    # -- history ---------------------------------------------------------------------------------
    async def add_history(
        self, contract_id: uuid.UUID, *, at: datetime, action: str, actor: str, status_after: str, detail: Any
    ) -> None:
        await self.conn.execute(
            sa.insert(contract_history).values(
                contract_id=contract_id, at=at, action=action, actor=actor, status_after=status_after, detail=detail
            )
        )

    async def list_history(self, contract_id: uuid.UUID, *, after: int | None, limit: int) -> list[dict[str, Any]]:
        stmt = sa.select(contract_history).where(contract_history.c.contract_id == contract_id)
        if after is not None:
            stmt = stmt.where(contract_history.c.id > after)
        rows = (await self.conn.execute(stmt.order_by(contract_history.c.id).limit(limit))).all()
        return [dict(r._mapping) for r in rows]

    # -- what matching told us -------------------------------------------------------------------
    async def remember_match(self, values: dict[str, Any]) -> None:
        exists = (
            await self.conn.execute(
                sa.select(accepted_matches.c.match_id).where(accepted_matches.c.match_id == values["match_id"])
            )
        ).first()
        if not exists:
            await self.conn.execute(sa.insert(accepted_matches).values(**values))

    async def accepted_match(self, match_id: uuid.UUID) -> dict[str, Any] | None:
        row = (
            await self.conn.execute(sa.select(accepted_matches).where(accepted_matches.c.match_id == match_id))
        ).first()
        return dict(row._mapping) if row else None

    # -- drafts no one pursues --------------------------------------------------------------------
    async def end_demand(self, demand_id: uuid.UUID, reason: str, at: datetime) -> bool:
        """Remember that a demand ended; False if it was known already."""
        known = (
            await self.conn.execute(sa.select(ended_demands.c.demand_id).where(ended_demands.c.demand_id == demand_id))
        ).first()
        if known:
            return False
        await self.conn.execute(sa.insert(ended_demands).values(demand_id=demand_id, reason=reason, ended_at=at))
        return True

    async def demand_ended(self, demand_id: uuid.UUID) -> str | None:
        row = (
            await self.conn.execute(sa.select(ended_demands.c.reason).where(ended_demands.c.demand_id == demand_id))
        ).first()
        return str(row.reason) if row else None

    async def open_drafts(
        self, *, demand_id: uuid.UUID | None = None, idle_before: datetime | None = None, limit: int = 500
    ) -> list[uuid.UUID]:
        """Contracts not signed by both parties yet: of a demand, or untouched since ``idle_before``."""
        stmt = sa.select(contracts.c.id).where(contracts.c.status.in_([s.value for s in NEGOTIATING_FIRST]))
        if demand_id is not None:
            stmt = stmt.where(contracts.c.demand_id == demand_id)
        if idle_before is not None:
            stmt = stmt.where(sa.func.coalesce(contracts.c.updated_at, contracts.c.created_at) < idle_before)
        rows = await self.conn.execute(stmt.order_by(contracts.c.created_at, contracts.c.id).limit(limit))
        return [uuid.UUID(str(r.id)) for r in rows]


def _money(v: Any) -> Decimal:
    return Decimal(str(v if v is not None else 0)).quantize(Decimal("0.01"))
