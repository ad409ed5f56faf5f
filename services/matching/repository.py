"""Matching persistence: the read model, suggestions, curation, conflicts. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.matching.scoring import CarrierDoc, DemandDoc, Scored, TrackEntry
from services.matching.tables import (
    assignment_batches,
    capacity_states,
    carrier_profiles,
    conflicts_of_interest,
    contract_records,
    demand_access_grants,
    demand_profiles,
    expert_suggestions,
    match_decisions,
    person_profiles,
    read_model_state,
    suggestion_sets,
    suggestion_views,
    suggestions,
)
from shared import locks
from shared.visibility import RULES, Access, FieldClass, Relation

# A demand's status only moves forward here, so a late or replayed event cannot reopen it.
STATUS_ORDER = {
    "submitted": 1,
    "published": 2,
    "matched": 3,
    "in_negotiation": 4,
    "contracted": 5,
    "closed": 6,
    "withdrawn": 9,
    "rejected": 9,
    "expired": 9,
}
OPEN_STATUSES = ("submitted", "published")


def _status_rank(status: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    return sa.case(STATUS_ORDER, value=status, else_=0)


# Constant statements on the hot path (each consumed demand): compiled once, executed with parameters.
READ_MODEL = (
    carrier_profiles,
    person_profiles,
    capacity_states,
    demand_profiles,
    contract_records,
    demand_access_grants,
)

# GET /demands/{id}/suggestions: one statement, the demand's status, enterprise, confidentiality and
# whether the caller's carrier (may be NULL) holds an access grant, with the stored view.
READ_VIEW = (
    sa.select(
        demand_profiles.c.status,
        demand_profiles.c.enterprise_id,
        demand_profiles.c.confidentiality,
        sa.exists(
            sa.select(1).where(
                demand_access_grants.c.demand_id == demand_profiles.c.demand_id,
                demand_access_grants.c.carrier_id == sa.bindparam("carrier_id"),
            )
        ).label("granted"),
        suggestion_views.c.suggestion_set_id,
        suggestion_views.c.weights,
        suggestion_views.c.body,
    )
    .select_from(
        demand_profiles.outerjoin(suggestion_views, suggestion_views.c.demand_id == demand_profiles.c.demand_id)
    )
    .where(demand_profiles.c.demand_id == sa.bindparam("demand_id"))
)


def sees(rel: Relation, cls: FieldClass, carrier_id: uuid.UUID | None) -> sa.ColumnElement[bool]:
    """Whether ``rel`` (for a carrier's user: of ``carrier_id``) may see values of class ``cls`` of
    the demand of the row (``demand_profiles``), as the visibility table says, in SQL."""
    d = demand_profiles.c
    states = RULES[rel].states
    in_states: sa.ColumnElement[bool] = (
        sa.true() if states >= STATUS_ORDER.keys() else d.status.in_(sorted(states)) if states else sa.false()
    )
    public = sa.or_(d.confidentiality.is_(None), d.confidentiality != "confidential")
    granted: sa.ColumnElement[bool] = (
        sa.exists(
            sa.select(1).where(
                demand_access_grants.c.demand_id == d.demand_id, demand_access_grants.c.carrier_id == carrier_id
            )
        )
        if carrier_id is not None
        else sa.false()
    )
    access = {
        Access.ALWAYS: sa.true(),
        Access.IF_PUBLIC: public,
        Access.IF_PUBLIC_OR_GRANTED: sa.or_(public, granted),
        Access.NEVER: sa.false(),
    }[RULES[rel].access[cls]]
    return sa.and_(in_states, access)


def _lock_view(dialect: Any) -> Any:
    """Create a demand's view row if it has none, and lock it until the transaction ends: the
    renderings of one demand's view follow each other, each seeing what the previous committed."""
    insert = dialect.insert(suggestion_views).values(demand_id=sa.bindparam("demand_id"))
    return insert.on_conflict_do_update(
        index_elements=[suggestion_views.c.demand_id], set_={"demand_id": insert.excluded.demand_id}
    )


_LOCK_VIEW = {"postgresql": _lock_view(postgresql), "sqlite": _lock_view(sqlite)}
_SAVE_VIEW = (
    sa.update(suggestion_views)
    .where(suggestion_views.c.demand_id == sa.bindparam("view_demand_id"))
    .values(
        suggestion_set_id=sa.bindparam("suggestion_set_id"),
        weights=sa.bindparam("weights"),
        body=sa.bindparam("body"),
        rendered_at=sa.bindparam("rendered_at"),
    )
)


def carrier_doc(r: Any) -> CarrierDoc:
    return CarrierDoc(
        carrier_id=str(r.carrier_id),
        name=r.name,
        name_en=r.name_en,
        fields=list(r.fields),
        capabilities=r.capabilities,
        keywords=list(r.keywords),
        city=r.city,
        province=r.province,
        country=r.country,
        capacity=r.capacity,
        active_load=r.active_load,
        kind=r.kind,
        track=tuple(TrackEntry(tuple(t["fields"]), float(t["value"])) for t in (r.track or [])),
    )


def person_doc(r: Any, carrier: CarrierDoc | None) -> CarrierDoc:
    """An expert as a profile: their own fields, keywords and capacity; their carrier's
    place, kind and track record."""
    return CarrierDoc(
        carrier_id=str(r.person_id),
        name=r.name,
        name_en=r.name_en,
        fields=list(r.fields),
        capabilities="",
        keywords=list(r.keywords),
        city=carrier.city if carrier else None,
        province=carrier.province if carrier else None,
        country=carrier.country if carrier else "CN",
        capacity=r.capacity,
        active_load=r.active_load,
        kind=carrier.kind if carrier else "research_institute",
        track=carrier.track if carrier else (),
        subject="person",
        affiliation=str(r.carrier_id) if r.carrier_id else None,
        roles=tuple(r.roles),
    )


def demand_doc(r: Any) -> DemandDoc:
    return DemandDoc(
        demand_id=str(r.demand_id),
        title=r.title,
        description=r.description,
        fields=list(dict.fromkeys(r.fields)),
        keywords=list(r.keywords),
        city=r.city,
        province=r.province,
        trl_current=r.trl_current,
        trl_target=r.trl_target,
        budget=r.budget,
        enterprise_id=str(r.enterprise_id),
    )


def _scored_rows(rows: Sequence[Scored]) -> list[dict[str, Any]]:
    return [
        {
            "rank": i + 1,
            "score": s.score,
            "components": s.components,
            "matched_terms": s.matched_terms,
            "at_capacity": s.at_capacity,
        }
        for i, s in enumerate(rows)
    ]


def suggestion_set_rows(
    set_id: uuid.UUID,
    demand_id: uuid.UUID,
    trigger: str,
    carriers: Sequence[Scored],
    experts: Sequence[Scored],
    affiliation: dict[str, str | None],
    now: datetime,
) -> dict[sa.Table, list[dict[str, Any]]]:
    """The rows that record a suggestion set, per table (``UnitOfWork.add`` writes those of a
    whole batch with one statement per table)."""
    return {
        suggestion_sets: [{"suggestion_set_id": set_id, "demand_id": demand_id, "trigger": trigger, "created_at": now}],
        suggestions: [
            {
                **row,
                "suggestion_set_id": set_id,
                "carrier_id": uuid.UUID(s.carrier_id),
                "demand_id": demand_id,
                "created_at": now,
                "base_score": s.base_score,
                "adjustments": [
                    {
                        "reason": a.reason,
                        "factor": a.factor,
                        "note": a.note,
                        "rejected_carrier_id": a.rejected_carrier_id,
                    }
                    for a in s.adjustments
                ],
            }
            for s, row in zip(carriers, _scored_rows(carriers), strict=True)
        ],
        expert_suggestions: [
            {
                **row,
                "suggestion_set_id": set_id,
                "person_id": uuid.UUID(s.carrier_id),
                "carrier_id": uuid.UUID(aff) if (aff := affiliation.get(s.carrier_id)) else None,
                "demand_id": demand_id,
                "created_at": now,
            }
            for s, row in zip(experts, _scored_rows(experts), strict=True)
        ],
    }


# A contract record's status only moves forward (a completion and a termination both end it: the
# first one seen stays).
CONTRACT_ORDER = {"signed": 1, "completed": 2, "terminated": 2}


def _contract_rank(status: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    return sa.case(CONTRACT_ORDER, value=status, else_=0)


def merge_contract(earlier: dict[str, Any] | None, later: dict[str, Any]) -> dict[str, Any]:
    """Two events of one contract (``upsert_contracts`` values) as one, by the rule the statement
    applies to the stored row: a later status advances it, keeping what the later one leaves None."""
    if earlier is None:
        return later
    if CONTRACT_ORDER[later["status"]] <= CONTRACT_ORDER[earlier["status"]]:
        return earlier
    return {**earlier, **{k: v for k, v in later.items() if v is not None}}


def merge_status(earlier: str | None, later: str) -> str:
    """Two status moves of one demand as one: the later, unless it is not further along."""
    if earlier is not None and STATUS_ORDER.get(later, 0) <= STATUS_ORDER.get(earlier, 0):
        return earlier
    return later


# Move a demand's status forward (never backwards, never to the same rank): executed with one or
# many parameter sets.
_MOVE_STATUS = (
    sa.update(demand_profiles)
    .where(
        demand_profiles.c.demand_id == sa.bindparam("move_demand_id"),
        _status_rank(demand_profiles.c.status) < _status_rank(sa.bindparam("move_status", type_=sa.String())),
    )
    .values(status=sa.bindparam("move_status"), updated_at=sa.bindparam("move_at"), written_at=sa.bindparam("move_at"))
)


def _upsert_demand(dialect: Any) -> Any:
    """Insert an opened demand (the columns ``ReadModel.demand_open`` gives, and ``written_at``), or
    update the stored one with its values, the status only if that does not move backwards."""
    stmt = dialect.insert(demand_profiles)
    backwards = _status_rank(stmt.excluded.status) < _status_rank(demand_profiles.c.status)
    kept = {"status", "published_at"}  # kept as they are when the status would move backwards
    updates: dict[str, Any] = {
        c.name: stmt.excluded[c.name] for c in demand_profiles.c if c.name not in {"demand_id", "version", *kept}
    }
    updates.update({k: sa.case((backwards, demand_profiles.c[k]), else_=stmt.excluded[k]) for k in kept})
    return stmt.on_conflict_do_update(index_elements=[demand_profiles.c.demand_id], set_=updates).returning(
        *demand_profiles.c
    )


_COMPLETED_CONTRACT_CARRIERS = (
    sa.select(contract_records.c.demand_id, contract_records.c.carrier_id)
    .where(
        contract_records.c.demand_id.in_(sa.bindparam("contract_demand_ids", expanding=True)),
        contract_records.c.status == "completed",
    )
    .distinct()
    .order_by(contract_records.c.demand_id, contract_records.c.carrier_id)
)
# On the hot path (each consumed demand): compiled once, executed with parameters.
_UPSERT_DEMAND = {"postgresql": _upsert_demand(postgresql), "sqlite": _upsert_demand(sqlite)}


def merge_opened(earlier: dict[str, Any] | None, later: dict[str, Any]) -> dict[str, Any]:
    """Two openings of one demand (``upsert_demands`` values) as one: the later's values, its status
    only if that does not move backwards."""
    if earlier is not None and STATUS_ORDER.get(later["status"], 0) < STATUS_ORDER.get(earlier["status"], 0):
        return {**later, "status": earlier["status"], "published_at": earlier["published_at"]}
    return later


class MatchingRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # -- carriers and people ------------------------------------------------------------------
    async def _capacity_state(self, subject_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(sa.select(capacity_states).where(capacity_states.c.subject_id == subject_id))
        ).first()

    async def upsert_carrier(self, values: dict[str, Any], now: datetime) -> tuple[bool, bool]:
        """Insert or update a carrier profile unless a newer version is already stored; whether it
        did, and whether that renamed the carrier."""
        stored = (
            await self.conn.execute(
                sa.select(carrier_profiles.c.version, carrier_profiles.c.name).where(
                    carrier_profiles.c.carrier_id == values["carrier_id"]
                )
            )
        ).first()
        existing = stored.version if stored is not None else None
        if existing is not None and existing >= values["version"]:
            return False, False  # an older event arriving late changes nothing
        values = {**values, "written_at": now}
        state = await self._capacity_state(values["carrier_id"])
        if state is not None and state.changed_at >= values["updated_at"]:
            values["capacity"], values["active_load"] = state.capacity, state.active_load
        elif state is not None:
            values["active_load"] = state.active_load
        if existing is None:
            values["track"] = await self.track_of(values["carrier_id"], values["fields"])
            await self.conn.execute(sa.insert(carrier_profiles).values(**values))
        else:
            await self.conn.execute(
                sa.update(carrier_profiles)
                .where(carrier_profiles.c.carrier_id == values["carrier_id"])
                .values(**values)
            )
        return True, stored is not None and stored.name != values["name"]

    async def upsert_person(self, values: dict[str, Any], now: datetime) -> tuple[bool, bool]:
        """Like ``upsert_carrier``: whether the profile changed, and whether the person's name did."""
        stored = (
            await self.conn.execute(
                sa.select(person_profiles.c.version, person_profiles.c.name).where(
                    person_profiles.c.person_id == values["person_id"]
                )
            )
        ).first()
        existing = stored.version if stored is not None else None
        if existing is not None and existing >= values["version"]:
            return False, False
        values = {**values, "written_at": now}
        state = await self._capacity_state(values["person_id"])
        if state is not None and state.changed_at >= values["updated_at"]:
            values["capacity"], values["active_load"] = state.capacity, state.active_load
        elif state is not None:
            values["active_load"] = state.active_load
        if existing is None:
            await self.conn.execute(sa.insert(person_profiles).values(**values))
        else:
            await self.conn.execute(
                sa.update(person_profiles).where(person_profiles.c.person_id == values["person_id"]).values(**values)
            )
        return True, stored is not None and stored.name != values["name"]

    async def apply_capacity(
        self,
        subject_type: str,
        subject_id: uuid.UUID,
        capacity: int,
        active_load: int,
        changed_at: datetime,
        now: datetime,
    ) -> bool:
        """Record the latest capacity; apply it to the profile if there is one. False if stale."""
        state = await self._capacity_state(subject_id)
        if state is not None and state.changed_at > changed_at:
            return False
        values = {"capacity": capacity, "active_load": active_load, "changed_at": changed_at}
        if state is None:
            await self.conn.execute(
                sa.insert(capacity_states).values(subject_id=subject_id, subject_type=subject_type, **values)
            )
        else:
            await self.conn.execute(
                sa.update(capacity_states).where(capacity_states.c.subject_id == subject_id).values(**values)
            )
        table, key = (
            (carrier_profiles, carrier_profiles.c.carrier_id)
            if subject_type == "carrier"
            else (person_profiles, person_profiles.c.person_id)
        )
        result = await self.conn.execute(
            sa.update(table).where(key == subject_id).values(capacity=capacity, active_load=active_load, written_at=now)
        )
        return bool(result.rowcount)

    async def carrier_row(self, carrier_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(sa.select(carrier_profiles).where(carrier_profiles.c.carrier_id == carrier_id))
        ).first()

    async def get_carrier(self, carrier_id: uuid.UUID) -> CarrierDoc | None:
        r = await self.carrier_row(carrier_id)
        return carrier_doc(r) if r is not None else None

    async def person_row(self, person_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(sa.select(person_profiles).where(person_profiles.c.person_id == person_id))
        ).first()

    async def people_of(self, carrier_id: uuid.UUID) -> list[Any]:
        return list(
            await self.conn.execute(sa.select(person_profiles).where(person_profiles.c.carrier_id == carrier_id))
        )

    async def carriers(self, *, written_since: datetime | None = None) -> list[Any]:
        stmt = sa.select(carrier_profiles)
        if written_since is not None:
            stmt = stmt.where(carrier_profiles.c.written_at >= written_since)
        return list(await self.conn.execute(stmt))

    async def people(self, *, written_since: datetime | None = None) -> list[Any]:
        stmt = sa.select(person_profiles)
        if written_since is not None:
            stmt = stmt.where(person_profiles.c.written_at >= written_since)
        return list(await self.conn.execute(stmt))

    async def carrier_names(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        ids = list(ids)
        if not ids:
            return {}
        rows = await self.conn.execute(
            sa.select(carrier_profiles.c.carrier_id, carrier_profiles.c.name).where(
                carrier_profiles.c.carrier_id.in_(ids)
            )
        )
        return {r.carrier_id: r.name for r in rows}

    # -- contracts (track record) -------------------------------------------------------------
    async def record_contract(self, values: dict[str, Any]) -> bool:
        """Insert or advance a contract record; False if it already has this (or a later) status."""
        return bool(await self.upsert_contracts([values]))

    async def upsert_contracts(self, rows: Sequence[dict[str, Any]]) -> list[uuid.UUID]:
        """Insert or advance contract records (one statement; one row per contract, see
        ``merge_contract``): a stored record moves only to a later status, keeping what a row
        leaves None. Returns the contracts inserted or advanced."""
        t = contract_records
        insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(t).values(list(rows))
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.contract_id],
            set_={k: sa.func.coalesce(stmt.excluded[k], t.c[k]) for k in rows[0] if k != "contract_id"},
            where=_contract_rank(stmt.excluded.status) > _contract_rank(t.c.status),
        )
        return list((await self.conn.execute(stmt.returning(t.c.contract_id))).scalars())

    async def track_of(self, carrier_id: uuid.UUID, own_fields: Sequence[str] = ()) -> list[dict[str, Any]]:
        """The carrier's completed contracts with the fields of their demands (the carrier's
        own fields when the demand is not known here)."""
        rows = await self.conn.execute(
            sa.select(contract_records.c.value, demand_profiles.c.fields)
            .select_from(
                contract_records.outerjoin(demand_profiles, demand_profiles.c.demand_id == contract_records.c.demand_id)
            )
            .where(contract_records.c.carrier_id == carrier_id, contract_records.c.status == "completed")
            .order_by(contract_records.c.completed_at, contract_records.c.contract_id)
        )
        return [{"fields": list(r.fields or own_fields), "value": str(r.value)} for r in rows]

    async def refresh_track(self, carrier_id: uuid.UUID, now: datetime) -> bool:
        own = (
            await self.conn.execute(
                sa.select(carrier_profiles.c.fields).where(carrier_profiles.c.carrier_id == carrier_id)
            )
        ).first()
        if own is None:
            return False
        track = await self.track_of(carrier_id, list(own.fields))
        result = await self.conn.execute(
            sa.update(carrier_profiles)
            .where(carrier_profiles.c.carrier_id == carrier_id)
            .values(track=track, written_at=now)
        )
        return bool(result.rowcount)

    async def demands_of_completed_contracts(self, carrier_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.conn.execute(
            sa.select(contract_records.c.demand_id)
            .where(
                contract_records.c.carrier_id == carrier_id,
                contract_records.c.status == "completed",
                contract_records.c.demand_id.is_not(None),
            )
            .distinct()
        )
        return [r.demand_id for r in rows]

    async def carriers_with_completed_contracts_for(
        self, demand_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Of each of these demands, the carriers of its completed contracts (one query)."""
        rows = await self.conn.execute(_COMPLETED_CONTRACT_CARRIERS, {"contract_demand_ids": list(demand_ids)})
        out: dict[uuid.UUID, list[uuid.UUID]] = {d: [] for d in demand_ids}
        for r in rows:
            out[r.demand_id].append(r.carrier_id)
        return out

    async def carriers_working_with(self, enterprise_id: uuid.UUID) -> set[str]:
        rows = await self.conn.execute(
            sa.select(contract_records.c.carrier_id).where(
                contract_records.c.enterprise_id == enterprise_id, contract_records.c.status == "signed"
            )
        )
        return {str(r.carrier_id) for r in rows}

    # -- demands ------------------------------------------------------------------------------
    async def demand_row(self, demand_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(sa.select(demand_profiles).where(demand_profiles.c.demand_id == demand_id))
        ).first()

    async def get_demand(self, demand_id: uuid.UUID) -> DemandDoc | None:
        r = await self.demand_row(demand_id)
        return demand_doc(r) if r is not None else None

    async def upsert_demands(self, rows: Sequence[dict[str, Any]], now: datetime) -> list[Any]:
        """Remember submitted or published demands (one constant statement, executed with a
        parameter set per demand; one row each, see ``merge_opened``); a status never moves
        backwards. Returns the rows as stored."""
        params = [{**r, "written_at": now} for r in rows]
        stmt = _UPSERT_DEMAND[self.conn.dialect.name]
        return list(await self.conn.execute(stmt, params if len(params) > 1 else params[0]))

    async def set_demand_status(self, demand_id: uuid.UUID, status: str, now: datetime) -> bool:
        """Move a known demand forward to ``status``; False if unknown or already at or past it."""
        params = {"move_demand_id": demand_id, "move_status": status, "move_at": now}
        return (
            await self.conn.execute(_MOVE_STATUS.returning(demand_profiles.c.demand_id), params)
        ).first() is not None

    async def move_statuses(self, moves: dict[uuid.UUID, str], now: datetime) -> None:
        """``set_demand_status`` for many demands (one round trip)."""
        if moves:
            await self.conn.execute(
                _MOVE_STATUS, [{"move_demand_id": d, "move_status": s, "move_at": now} for d, s in moves.items()]
            )

    async def update_demand(self, demand_id: uuid.UUID, changes: dict[str, Any], version: int, now: datetime) -> bool:
        row = (
            await self.conn.execute(
                sa.select(demand_profiles.c.version).where(demand_profiles.c.demand_id == demand_id)
            )
        ).first()
        if row is None or row.version >= version:
            return False
        await self.conn.execute(
            sa.update(demand_profiles)
            .where(demand_profiles.c.demand_id == demand_id)
            .values(**changes, version=version, updated_at=now, written_at=now)
        )
        return True

    async def demands(
        self, *, statuses: Sequence[str] | None = None, written_since: datetime | None = None
    ) -> list[Any]:
        stmt = sa.select(demand_profiles)
        if statuses is not None:
            stmt = stmt.where(demand_profiles.c.status.in_(statuses))
        if written_since is not None:
            stmt = stmt.where(demand_profiles.c.written_at >= written_since)
        return list(await self.conn.execute(stmt))

    async def published_since(self, since: datetime, limit: int) -> list[uuid.UUID]:
        rows = await self.conn.execute(
            sa.select(demand_profiles.c.demand_id)
            .where(demand_profiles.c.status == "published", demand_profiles.c.published_at >= since)
            .order_by(demand_profiles.c.published_at, demand_profiles.c.demand_id)
            .limit(limit)
        )
        return [r.demand_id for r in rows]

    # -- suggestions ----------------------------------------------------------------------------
    async def carrier_inbox(
        self, carrier_id: uuid.UUID, *, rel: Relation, caller_carrier_id: uuid.UUID | None, limit: int
    ) -> list[dict[str, Any]]:
        """Open demands whose current suggestions include ``carrier_id`` and that the caller (in
        relation ``rel``, a carrier's user of ``caller_carrier_id``) may see, best score first; a
        score the caller may not see orders as unknown (last). ``full``: whether the caller may see
        what is derived from the demand's hidden details."""
        full = sees(rel, FieldClass.DERIVED, caller_carrier_id)
        score = sa.case((full, suggestions.c.score), else_=sa.null())
        latest = (
            sa.select(suggestion_sets.c.demand_id, sa.func.max(suggestion_sets.c.created_at).label("at"))
            .group_by(suggestion_sets.c.demand_id)
            .subquery()
        )
        stmt = (
            sa.select(
                suggestions.c.demand_id,
                suggestions.c.suggestion_set_id,
                suggestions.c.rank,
                suggestions.c.score,
                suggestions.c.components,
                suggestions.c.matched_terms,
                suggestions.c.at_capacity,
                suggestions.c.created_at.label("suggested_at"),
                demand_profiles.c.title,
                demand_profiles.c.fields,
                demand_profiles.c.demand_type,
                demand_profiles.c.status,
                demand_profiles.c.confidentiality,
                full.label("full"),
            )
            .join(suggestion_sets, suggestion_sets.c.suggestion_set_id == suggestions.c.suggestion_set_id)
            .join(
                latest,
                sa.and_(latest.c.demand_id == suggestion_sets.c.demand_id, latest.c.at == suggestion_sets.c.created_at),
            )
            .join(demand_profiles, demand_profiles.c.demand_id == suggestions.c.demand_id)
            .where(
                suggestions.c.carrier_id == carrier_id,
                demand_profiles.c.status.in_(OPEN_STATUSES),
                sees(rel, FieldClass.TEASER, caller_carrier_id),
            )
            .order_by(score.desc().nulls_last(), suggestions.c.created_at.desc(), suggestions.c.demand_id)
            .limit(limit)
        )
        return [dict(r._mapping) for r in await self.conn.execute(stmt)]

    # -- access grants of confidential demands --------------------------------------------------
    async def grant_access(self, demand_id: uuid.UUID, carrier_id: uuid.UUID, granted_at: datetime) -> bool:
        """Remember a grant (once: a redelivered or replayed event changes nothing)."""
        t = demand_access_grants
        exists = (
            await self.conn.execute(sa.select(1).where(t.c.demand_id == demand_id, t.c.carrier_id == carrier_id))
        ).first()
        if exists:
            return False
        await self.conn.execute(sa.insert(t).values(demand_id=demand_id, carrier_id=carrier_id, granted_at=granted_at))
        return True

    async def revoke_access(self, demand_id: uuid.UUID, carrier_id: uuid.UUID) -> bool:
        t = demand_access_grants
        result = await self.conn.execute(sa.delete(t).where(t.c.demand_id == demand_id, t.c.carrier_id == carrier_id))
        return bool(result.rowcount)

    async def latest_set(self, demand_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(
                sa.select(suggestion_sets)
                .where(suggestion_sets.c.demand_id == demand_id)
                .order_by(suggestion_sets.c.created_at.desc())
                .limit(1)
            )
        ).first()

    async def set_carriers(self, set_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self.conn.execute(
            sa.select(suggestions, carrier_profiles.c.name)
            .join(carrier_profiles, carrier_profiles.c.carrier_id == suggestions.c.carrier_id, isouter=True)
            .where(suggestions.c.suggestion_set_id == set_id)
            .order_by(suggestions.c.rank)
        )
        return [dict(r._mapping) for r in rows]

    async def set_experts(self, set_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self.conn.execute(
            sa.select(expert_suggestions, person_profiles.c.name)
            .join(person_profiles, person_profiles.c.person_id == expert_suggestions.c.person_id, isouter=True)
            .where(expert_suggestions.c.suggestion_set_id == set_id)
            .order_by(expert_suggestions.c.rank)
        )
        return [dict(r._mapping) for r in rows]

    # -- the stored views of suggestions ----------------------------------------------------------
    async def demand_access(self, demand_id: uuid.UUID, carrier_id: uuid.UUID | None) -> Any:
        """A demand's enterprise, status and confidentiality, and whether ``carrier_id`` holds an
        access grant to it (None if the demand is not known here)."""
        d = demand_profiles.c
        granted = sa.exists(
            sa.select(1).where(
                demand_access_grants.c.demand_id == d.demand_id, demand_access_grants.c.carrier_id == carrier_id
            )
        )
        return (
            await self.conn.execute(
                sa.select(d.enterprise_id, d.status, d.confidentiality, granted.label("granted")).where(
                    d.demand_id == demand_id
                )
            )
        ).first()

    async def serialise(self, *ids: uuid.UUID | None) -> None:
        """Until the transaction ends, hold back any other transaction about these demands or
        profiles. What is derived from two records (a track record: a carrier and a contract's
        demand; a capacity: a profile and its capacity state; an expert: a person and its carrier)
        may come from events of different topics or keys, applied at the same time: each side
        takes the lock before it writes, so the later one sees what the earlier committed. SQLite
        has one writer at a time already."""
        await locks.hold(self.conn, "matching", *ids)

    async def lock_views(self, demand_ids: Sequence[uuid.UUID]) -> None:
        """Lock these demands' views, in the order given (one round trip)."""
        if demand_ids:
            await self.conn.execute(_LOCK_VIEW[self.conn.dialect.name], [{"demand_id": d} for d in demand_ids])

    async def save_views(
        self, views: Sequence[tuple[uuid.UUID, uuid.UUID | None, str]], weights: str, now: datetime
    ) -> None:
        """Store rendered views: (demand id, suggestion set id, body) each (one round trip)."""
        if views:
            await self.conn.execute(
                _SAVE_VIEW,
                [
                    {
                        "view_demand_id": demand_id,
                        "suggestion_set_id": set_id,
                        "weights": weights,
                        "body": body,
                        "rendered_at": now,
                    }
                    for demand_id, set_id, body in views
                ],
            )

    async def conflicted_carriers(self, demand_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
        """Of each demand, the carriers in a conflict of interest with its enterprise (one query)."""
        t = conflicts_of_interest
        rows = await self.conn.execute(
            sa.select(demand_profiles.c.demand_id, t.c.carrier_id)
            .join(demand_profiles, demand_profiles.c.enterprise_id == t.c.enterprise_id)
            .where(demand_profiles.c.demand_id.in_(demand_ids))
        )
        out: dict[uuid.UUID, set[str]] = {}
        for r in rows:
            out.setdefault(r.demand_id, set()).add(str(r.carrier_id))
        return out

    async def sets_carriers(self, set_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
        """The ranked carriers of each suggestion set, with their names (one query)."""
        return await self._sets_rows(suggestions, carrier_profiles, "carrier_id", set_ids)

    async def sets_experts(self, set_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
        """The ranked experts of each suggestion set, with their names (one query)."""
        return await self._sets_rows(expert_suggestions, person_profiles, "person_id", set_ids)

    async def _sets_rows(
        self, table: sa.Table, profiles: sa.Table, key: str, set_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[dict[str, Any]]]:
        out: dict[uuid.UUID, list[dict[str, Any]]] = {s: [] for s in set_ids}
        if not set_ids:
            return out
        rows = await self.conn.execute(
            sa.select(table, profiles.c.name)
            .join(profiles, profiles.c[key] == table.c[key], isouter=True)
            .where(table.c.suggestion_set_id.in_(set_ids))
            .order_by(table.c.suggestion_set_id, table.c.rank)
        )
        for r in rows:
            out[r.suggestion_set_id].append(dict(r._mapping))
        return out

    async def decisions_of(self, demand_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        """The curation decisions of each demand, oldest first (one query)."""
        rows = await self.conn.execute(
            sa.select(match_decisions)
            .where(match_decisions.c.demand_id.in_(demand_ids))
            .order_by(match_decisions.c.decided_at)
        )
        out: dict[uuid.UUID, list[Any]] = {}
        for r in rows:
            out.setdefault(r.demand_id, []).append(r)
        return out

    async def viewed_demands_of(self, enterprise_id: uuid.UUID) -> list[uuid.UUID]:
        """The enterprise's demands that have a stored view."""
        rows = await self.conn.execute(
            sa.select(suggestion_views.c.demand_id)
            .join(demand_profiles, demand_profiles.c.demand_id == suggestion_views.c.demand_id)
            .where(demand_profiles.c.enterprise_id == enterprise_id)
        )
        return [r.demand_id for r in rows]

    async def views_showing(
        self, *, carrier_id: uuid.UUID | None = None, person_id: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        """The demands whose stored view shows this carrier or this expert (by their latest set)."""
        v = suggestion_views
        if carrier_id is not None:
            shown = sa.exists().where(
                suggestions.c.suggestion_set_id == v.c.suggestion_set_id, suggestions.c.carrier_id == carrier_id
            )
        else:
            shown = sa.exists().where(
                expert_suggestions.c.suggestion_set_id == v.c.suggestion_set_id,
                expert_suggestions.c.person_id == person_id,
            )
        return [r.demand_id for r in await self.conn.execute(sa.select(v.c.demand_id).where(shown))]

    async def suggested_demand_ids(self) -> list[uuid.UUID]:
        """Every demand that has suggestions."""
        rows = await self.conn.execute(sa.select(suggestion_sets.c.demand_id).distinct())
        return [r.demand_id for r in rows]

    async def open_demands_without_suggestions(self) -> list[uuid.UUID]:
        """Open demands that have no suggestion set at all (a rebuild suggests for them)."""
        d = demand_profiles
        rows = await self.conn.execute(
            sa.select(d.c.demand_id)
            .where(
                d.c.status.in_(OPEN_STATUSES),
                ~sa.exists().where(suggestion_sets.c.demand_id == d.c.demand_id),
            )
            .order_by(d.c.demand_id)
        )
        return [r.demand_id for r in rows]

    async def demands_suggested_since(self, since: datetime) -> list[str]:
        rows = await self.conn.execute(
            sa.select(suggestion_sets.c.demand_id).where(suggestion_sets.c.created_at >= since).distinct()
        )
        return [str(r.demand_id) for r in rows]

    async def latest_sets_of(self, demand_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        """The latest suggestion set of each demand (one query)."""
        if not demand_ids:
            return {}
        latest = (
            sa.select(suggestion_sets.c.demand_id, sa.func.max(suggestion_sets.c.created_at).label("at"))
            .where(suggestion_sets.c.demand_id.in_(demand_ids))
            .group_by(suggestion_sets.c.demand_id)
            .subquery()
        )
        rows = await self.conn.execute(
            sa.select(suggestion_sets).join(
                latest,
                sa.and_(latest.c.demand_id == suggestion_sets.c.demand_id, latest.c.at == suggestion_sets.c.created_at),
            )
        )
        return {r.demand_id: r for r in rows}

    async def rows_of_sets(self, set_ids: Sequence[uuid.UUID], *, experts: bool) -> dict[uuid.UUID, list[Any]]:
        if not set_ids:
            return {}
        table = expert_suggestions if experts else suggestions
        rows = await self.conn.execute(
            sa.select(table).where(table.c.suggestion_set_id.in_(set_ids)).order_by(table.c.rank)
        )
        out: dict[uuid.UUID, list[Any]] = {}
        for r in rows:
            out.setdefault(r.suggestion_set_id, []).append(r)
        return out

    async def last_suggestion_of(self, demand_id: uuid.UUID, carrier_id: uuid.UUID) -> Any:
        """The latest suggestion of this carrier for this demand, in any set."""
        return (
            await self.conn.execute(
                sa.select(suggestions)
                .where(suggestions.c.demand_id == demand_id, suggestions.c.carrier_id == carrier_id)
                .order_by(suggestions.c.created_at.desc())
                .limit(1)
            )
        ).first()

    # -- curation -----------------------------------------------------------------------------
    async def decision_of(self, demand_id: uuid.UUID, carrier_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(
                sa.select(match_decisions).where(
                    match_decisions.c.demand_id == demand_id, match_decisions.c.carrier_id == carrier_id
                )
            )
        ).first()

    async def decisions_for(self, demand_id: uuid.UUID) -> list[Any]:
        return list(
            await self.conn.execute(
                sa.select(match_decisions)
                .where(match_decisions.c.demand_id == demand_id)
                .order_by(match_decisions.c.decided_at)
            )
        )

    async def decided_demand_ids(self, *, since: datetime | None = None) -> set[str]:
        stmt = sa.select(match_decisions.c.demand_id).distinct()
        if since is not None:
            stmt = stmt.where(match_decisions.c.decided_at >= since)
        return {str(r.demand_id) for r in await self.conn.execute(stmt)}

    async def add_decision(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(match_decisions).values(**values))

    async def get_decision(self, match_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(sa.select(match_decisions).where(match_decisions.c.match_id == match_id))
        ).first()

    async def list_decisions(
        self,
        *,
        demand_id: uuid.UUID | None,
        carrier_id: uuid.UUID | None,
        decision: str | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
        rel: Relation = Relation.STAFF,
        caller_carrier_id: uuid.UUID | None = None,
    ) -> list[Any]:
        """Decisions about demands the caller (in relation ``rel`` to other enterprises' demands)
        sees, newest first, each with ``full``: whether it may see what is derived from the
        demand's hidden details (the score)."""
        t = match_decisions
        stmt = (
            sa.select(t, sees(rel, FieldClass.DERIVED, caller_carrier_id).label("full"))
            .join(demand_profiles, demand_profiles.c.demand_id == t.c.demand_id, isouter=True)
            .where(sees(rel, FieldClass.TEASER, caller_carrier_id))
            .order_by(t.c.decided_at.desc(), t.c.match_id.desc())
        )
        if demand_id:
            stmt = stmt.where(t.c.demand_id == demand_id)
        if carrier_id:
            stmt = stmt.where(t.c.carrier_id == carrier_id)
        if decision:
            stmt = stmt.where(t.c.decision == decision)
        if after:
            stmt = stmt.where(sa.tuple_(t.c.decided_at, t.c.match_id) < sa.tuple_(*after))
        return list(await self.conn.execute(stmt.limit(limit)))

    # -- conflicts of interest ----------------------------------------------------------------
    async def add_conflict(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(conflicts_of_interest).values(**values))

    async def conflict_between(self, enterprise_id: uuid.UUID, carrier_id: uuid.UUID) -> Any:
        t = conflicts_of_interest
        return (
            await self.conn.execute(
                sa.select(t).where(t.c.enterprise_id == enterprise_id, t.c.carrier_id == carrier_id)
            )
        ).first()

    async def get_conflict(self, conflict_id: uuid.UUID) -> Any:
        t = conflicts_of_interest
        return (await self.conn.execute(sa.select(t).where(t.c.conflict_id == conflict_id))).first()

    async def remove_conflict(self, conflict_id: uuid.UUID) -> bool:
        t = conflicts_of_interest
        result = await self.conn.execute(sa.delete(t).where(t.c.conflict_id == conflict_id))
        return bool(result.rowcount)

    async def all_conflicts(self) -> list[tuple[str, str]]:
        t = conflicts_of_interest
        rows = await self.conn.execute(sa.select(t.c.enterprise_id, t.c.carrier_id))
        return [(str(r.enterprise_id), str(r.carrier_id)) for r in rows]

    async def list_conflicts(
        self,
        *,
        enterprise_id: uuid.UUID | None,
        carrier_id: uuid.UUID | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Any]:
        t = conflicts_of_interest
        stmt = sa.select(t).order_by(t.c.created_at.desc(), t.c.conflict_id.desc())
        if enterprise_id:
            stmt = stmt.where(t.c.enterprise_id == enterprise_id)
        if carrier_id:
            stmt = stmt.where(t.c.carrier_id == carrier_id)
        if after:
            stmt = stmt.where(sa.tuple_(t.c.created_at, t.c.conflict_id) < sa.tuple_(*after))
        return list(await self.conn.execute(stmt.limit(limit)))

    async def open_demands_of(self, enterprise_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.conn.execute(
            sa.select(demand_profiles.c.demand_id).where(
                demand_profiles.c.enterprise_id == enterprise_id, demand_profiles.c.status.in_(OPEN_STATUSES)
            )
        )
        return [r.demand_id for r in rows]

    # -- assignment batches ---------------------------------------------------------------------
    async def add_batch(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(assignment_batches).values(**values))

    async def get_batch(self, batch_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(sa.select(assignment_batches).where(assignment_batches.c.batch_id == batch_id))
        ).first()

    # -- rebuilds -------------------------------------------------------------------------------
    async def generation(self) -> int:
        row = (
            await self.conn.execute(
                sa.select(read_model_state.c.generation).where(read_model_state.c.name == "read_model")
            )
        ).first()
        return int(row.generation) if row else 0

    async def truncate_read_model(self, now: datetime) -> int:
        """Empty the read model and bump its generation (every process reloads its index)."""
        for table in READ_MODEL:
            await self.conn.execute(sa.delete(table))
        gen = await self.generation() + 1
        result = await self.conn.execute(
            sa.update(read_model_state)
            .where(read_model_state.c.name == "read_model")
            .values(generation=gen, rebuilt_at=now)
        )
        if not result.rowcount:
            await self.conn.execute(
                sa.insert(read_model_state).values(name="read_model", generation=gen, rebuilt_at=now)
            )
        return gen

    async def bump_generation(self, now: datetime) -> int:
        gen = await self.generation() + 1
        await self.conn.execute(
            sa.update(read_model_state)
            .where(read_model_state.c.name == "read_model")
            .values(generation=gen, rebuilt_at=now)
        )
        return gen

    async def refresh_all_tracks(self, now: datetime) -> int:
        ids = [r.carrier_id for r in await self.conn.execute(sa.select(contract_records.c.carrier_id).distinct())]
        n = 0
        for carrier_id in ids:
            n += await self.refresh_track(carrier_id, now)
        return n


def money(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))
