"""Talent persistence. Receives a connection inside a unit of work; never commits."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from services.talent.domain import AssignmentStatus, PersonRole, Trainee, TraineeStatus
from services.talent.tables import assignments, carriers, contract_records, match_records, people, trainees

# Chunk size for IN (...) look-ups and multi-row writes: well under PostgreSQL's 32767
# bind parameters per statement, large enough that 10,000 rows take a handful of round trips.
CHUNK = 1000

Cursor = tuple[datetime, uuid.UUID]


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True)
class PersonFilters:
    role: str | None = None
    carrier_id: uuid.UUID | None = None
    university: str | None = None
    field: str | None = None
    language: str | None = None
    status: str | None = None
    available: bool | None = None
    q: str | None = None


@dataclass(frozen=True)
class CarrierFilters:
    field: str | None = None
    kind: str | None = None
    status: str | None = None
    country: str | None = None
    city: str | None = None
    available: bool | None = None
    q: str | None = None


@dataclass(frozen=True)
class TraineeFilters:
    status: str | None = None
    carrier_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    supervisor_id: uuid.UUID | None = None
    university: str | None = None
    programme: str | None = None


@dataclass(frozen=True)
class AssignmentFilters:
    person_id: uuid.UUID | None = None
    carrier_id: uuid.UUID | None = None
    target_type: str | None = None
    target_id: uuid.UUID | None = None
    status: str | None = None


# -- the assignment list: one statement per set of filters present, built once (shared.pgread.Reader) --
ASSIGNMENT_FILTERS = ("person_id", "carrier_id", "target_type", "target_id", "status")


@functools.cache
def assignment_list_statement(present: tuple[str, ...], with_cursor: bool) -> sa.Select[Any]:
    """``present``: the names of the filters given, in ``ASSIGNMENT_FILTERS`` order."""
    a = assignments
    stmt = sa.select(a).where(*(a.c[name] == sa.bindparam(name) for name in present))
    if with_cursor:
        after = sa.tuple_(sa.bindparam("after_made_at", type_=a.c.made_at.type), sa.bindparam("after_id"))
        stmt = stmt.where(sa.tuple_(a.c.made_at, a.c.id) < after)
    return stmt.order_by(a.c.made_at.desc(), a.c.id.desc()).limit(sa.bindparam("limit", type_=sa.Integer()))


def assignment_list_query(
    f: AssignmentFilters, *, after: Cursor | None, limit: int
) -> tuple[sa.Select[Any], dict[str, Any]]:
    """The statement and its values listing assignments newest first."""
    values: dict[str, Any] = {name: getattr(f, name) for name in ASSIGNMENT_FILTERS if getattr(f, name) is not None}
    stmt = assignment_list_statement(tuple(values), after is not None)
    if after:
        values["after_made_at"], values["after_id"] = after
    values["limit"] = limit
    return stmt, values


def row_to_trainee(r: Any) -> Trainee:
    return Trainee(
        id=r.id,
        person_id=r.person_id,
        programme=PersonRole(r.programme),
        university=r.university,
        carrier_id=r.carrier_id,
        supervisor_id=r.supervisor_id,
        starts_on=r.starts_on,
        ends_on=r.ends_on,
        status=TraineeStatus(r.status),
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
        status_reason=r.status_reason,
    )


def trainee_values(t: Trainee) -> dict[str, Any]:
    return {
        "id": t.id,
        "person_id": t.person_id,
        "programme": t.programme.value,
        "university": t.university,
        "carrier_id": t.carrier_id,
        "supervisor_id": t.supervisor_id,
        "starts_on": t.starts_on,
        "ends_on": t.ends_on,
        "status": t.status.value,
        "status_reason": t.status_reason,
        "version": t.version,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


class TalentRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    @property
    def is_postgres(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    def _json_contains(self, col: Any, value: str) -> sa.ColumnElement[bool]:
        if self.is_postgres:
            return col.op("@>")(sa.func.jsonb_build_array(value))
        each = sa.func.json_each(col).table_valued("value")
        return sa.exists(sa.select(1).select_from(each).where(each.c.value == value))

    async def lock_imports(self) -> None:
        """Serialise bulk imports (PostgreSQL; SQLite writes are serial anyway), so two runs of
        one file cannot both insert the same natural key."""
        if self.is_postgres:
            await self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('itp-talent-import'))"))

    # -- carriers -----------------------------------------------------------------------
    async def add_carrier(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(carriers).values(**values))

    async def get_carrier(self, carrier_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = sa.select(carriers).where(carriers.c.id == carrier_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row else None

    async def save_carrier(self, carrier_id: uuid.UUID, values: dict[str, Any], *, expected_version: int) -> bool:
        result = await self.conn.execute(
            sa.update(carriers)
            .where(carriers.c.id == carrier_id, carriers.c.version == expected_version)
            .values(**values)
        )
        return bool(result.rowcount)

    async def list_carriers(self, f: CarrierFilters, *, after: Cursor | None, limit: int) -> list[dict[str, Any]]:
        stmt = sa.select(carriers).order_by(carriers.c.created_at.desc(), carriers.c.id.desc())
        if f.kind:
            stmt = stmt.where(carriers.c.kind == f.kind)
        if f.status:
            stmt = stmt.where(carriers.c.status == f.status)
        if f.country:
            stmt = stmt.where(carriers.c.country == f.country)
        if f.city:
            stmt = stmt.where(carriers.c.city == f.city)
        if f.field:
            stmt = stmt.where(self._json_contains(carriers.c.fields, f.field))
        if f.available is not None:
            stmt = stmt.where(
                carriers.c.active_load < carriers.c.capacity
                if f.available
                else carriers.c.active_load >= carriers.c.capacity
            )
        if f.q:
            stmt = stmt.where(carriers.c.search_text.like(_like(f.q), escape="\\"))
        if after:
            stmt = stmt.where(sa.tuple_(carriers.c.created_at, carriers.c.id) < sa.tuple_(*after))
        rows = (await self.conn.execute(stmt.limit(limit))).all()
        return [dict(r._mapping) for r in rows]

    async def carrier_refs(self) -> list[dict[str, Any]]:
        """Every carrier's id, kind, names and natural key (a few hundred rows): what an
        import resolves carrier names and keys against."""
        rows = await self.conn.execute(
            sa.select(carriers.c.id, carriers.c.kind, carriers.c.name_zh, carriers.c.name_en, carriers.c.name_key)
        )
        return [dict(r._mapping) for r in rows]

    async def carriers_by_ids(self, ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
        return await self.rows_where_in(carriers, carriers.c.id, ids)

    async def insert_carriers(self, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows):
            await self.conn.execute(sa.insert(carriers), list(chunk))

    async def update_carriers(self, rows: list[dict[str, Any]]) -> None:
        """Profile updates of many carriers (each dict has ``b_id`` and the new values)."""
        if not rows:
            return
        cols = [k for k in rows[0] if k != "b_id"]
        stmt = (
            sa.update(carriers)
            .where(carriers.c.id == sa.bindparam("b_id"))
            .values({c: sa.bindparam(c) for c in cols})
            .execution_options(synchronize_session=False)
        )
        for chunk in _chunks(rows):
            await self.conn.execute(stmt, list(chunk))

    # -- people -------------------------------------------------------------------------
    async def add_person(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(people).values(**values))

    async def get_person(self, person_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = sa.select(people).where(people.c.id == person_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row else None

    async def person_by_email(self, email: str) -> tuple[uuid.UUID, uuid.UUID | None] | None:
        """The id and carrier of the person with this e-mail, if any."""
        row = (
            await self.conn.execute(sa.select(people.c.id, people.c.carrier_id).where(people.c.email == email))
        ).first()
        return (row.id, row.carrier_id) if row else None

    async def save_person(self, person_id: uuid.UUID, values: dict[str, Any], *, expected_version: int) -> bool:
        result = await self.conn.execute(
            sa.update(people).where(people.c.id == person_id, people.c.version == expected_version).values(**values)
        )
        return bool(result.rowcount)

    async def list_people(self, f: PersonFilters, *, after: Cursor | None, limit: int) -> list[dict[str, Any]]:
        stmt = sa.select(people).order_by(people.c.created_at.desc(), people.c.id.desc())
        if f.role:
            stmt = stmt.where(self._json_contains(people.c.roles, f.role))
        if f.field:
            stmt = stmt.where(self._json_contains(people.c.fields, f.field))
        if f.language:
            stmt = stmt.where(self._json_contains(people.c.languages, f.language))
        if f.carrier_id:
            stmt = stmt.where(people.c.carrier_id == f.carrier_id)
        if f.university:
            stmt = stmt.where(people.c.university == f.university)
        if f.status:
            stmt = stmt.where(people.c.status == f.status)
        if f.available is not None:
            stmt = stmt.where(
                people.c.active_load < people.c.capacity if f.available else people.c.active_load >= people.c.capacity
            )
        if f.q:
            stmt = stmt.where(people.c.search_text.like(_like(f.q), escape="\\"))
        if after:
            stmt = stmt.where(sa.tuple_(people.c.created_at, people.c.id) < sa.tuple_(*after))
        rows = (await self.conn.execute(stmt.limit(limit))).all()
        return [dict(r._mapping) for r in rows]

    async def rows_where_in(self, table: sa.Table, col: sa.Column[Any], values: Sequence[Any]) -> list[dict[str, Any]]:
        """Rows whose ``col`` is one of ``values`` (thousands of them), in few round trips.

        On PostgreSQL one array parameter (``col = ANY($1)``): a prepared statement's generic
        plan then still probes the index, where an ``IN`` of a thousand parameters would scan
        the table once per value."""
        out: list[dict[str, Any]] = []
        if self.is_postgres:
            param = sa.bindparam("values", type_=postgresql.ARRAY(col.type))
            stmt = sa.select(table).where(col == sa.any_(param))
            for chunk in _chunks(list(values), 10 * CHUNK):
                rows = await self.conn.execute(stmt, {"values": list(chunk)})
                out.extend(r._asdict() for r in rows)
            return out
        for chunk in _chunks(list(values), CHUNK // 2):
            rows = await self.conn.execute(sa.select(table).where(col.in_(chunk)))
            out.extend(r._asdict() for r in rows)
        return out

    async def people_by_emails(self, emails: Sequence[str]) -> list[dict[str, Any]]:
        return await self.rows_where_in(people, people.c.email, emails)

    async def people_by_name_keys(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        return await self.rows_where_in(people, people.c.name_key, keys)

    async def insert_people(self, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows):
            await self.conn.execute(sa.insert(people), list(chunk))

    async def update_people(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = [k for k in rows[0] if k != "b_id"]
        stmt = sa.update(people).where(people.c.id == sa.bindparam("b_id")).values({c: sa.bindparam(c) for c in cols})
        for chunk in _chunks(rows):
            await self.conn.execute(stmt, list(chunk))

    # -- load and track record ------------------------------------------------------------
    async def person_load(self, person_id: uuid.UUID) -> int:
        a = assignments
        return int(
            (
                await self.conn.execute(
                    sa.select(sa.func.count())
                    .select_from(a)
                    .where(a.c.person_id == person_id, a.c.status == AssignmentStatus.ACTIVE.value)
                )
            ).scalar_one()
        )

    async def carrier_engaged_targets(self, carrier_id: uuid.UUID) -> set[tuple[str, uuid.UUID]]:
        """The distinct demands and contracts a carrier is engaged on (its load is their number)."""
        a = assignments
        rows = await self.conn.execute(
            sa.select(a.c.target_type, a.c.target_id)
            .where(a.c.carrier_id == carrier_id, a.c.status == AssignmentStatus.ACTIVE.value)
            .distinct()
        )
        return {(r.target_type, r.target_id) for r in rows}

    async def set_active_load(self, table: sa.Table, subject_id: uuid.UUID, load: int) -> None:
        await self.conn.execute(sa.update(table).where(table.c.id == subject_id).values(active_load=load))

    async def credit_completion(self, table: sa.Table, ids: Sequence[uuid.UUID], value: Decimal) -> None:
        if not ids:
            return
        await self.conn.execute(
            sa.update(table)
            .where(table.c.id.in_(list(ids)))
            .values(completed_contracts=table.c.completed_contracts + 1, contract_value=table.c.contract_value + value)
        )

    async def count_match_accepted(self, carrier_id: uuid.UUID) -> None:
        await self.conn.execute(
            sa.update(carriers)
            .where(carriers.c.id == carrier_id)
            .values(matches_accepted=carriers.c.matches_accepted + 1)
        )

    async def existing_ids(self, table: sa.Table, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        wanted = list({i for i in ids if i is not None})
        if not wanted:
            return set()
        rows = await self.conn.execute(sa.select(table.c.id).where(table.c.id.in_(wanted)))
        return {r.id for r in rows}

    async def lock_rows(self, table: sa.Table, ids: Iterable[uuid.UUID]) -> None:
        """Lock carriers or people in id order, so concurrent capacity checks queue instead of
        both passing (and two transactions never wait on each other in opposite orders)."""
        wanted = sorted({i for i in ids if i is not None})
        if wanted and self.is_postgres:
            await self.conn.execute(
                sa.select(table.c.id).where(table.c.id.in_(wanted)).order_by(table.c.id).with_for_update()
            )

    # -- trainees -----------------------------------------------------------------------
    async def add_trainee(self, t: Trainee) -> None:
        await self.conn.execute(sa.insert(trainees).values(**trainee_values(t)))

    async def get_trainee(self, trainee_id: uuid.UUID, *, for_update: bool = False) -> Trainee | None:
        stmt = sa.select(trainees).where(trainees.c.id == trainee_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return row_to_trainee(row) if row else None

    async def save_trainee(self, t: Trainee, *, expected_version: int) -> bool:
        values = trainee_values(t)
        del values["id"], values["created_at"]
        result = await self.conn.execute(
            sa.update(trainees).where(trainees.c.id == t.id, trainees.c.version == expected_version).values(**values)
        )
        return bool(result.rowcount)

    async def open_training_of(self, person_id: uuid.UUID, open_states: Iterable[str]) -> uuid.UUID | None:
        return (
            await self.conn.execute(
                sa.select(trainees.c.id)
                .where(trainees.c.person_id == person_id, trainees.c.status.in_(list(open_states)))
                .limit(1)
            )
        ).scalar_one_or_none()

    async def list_trainees(self, f: TraineeFilters, *, after: Cursor | None, limit: int) -> list[Trainee]:
        stmt = sa.select(trainees).order_by(trainees.c.created_at.desc(), trainees.c.id.desc())
        for col, value in (
            (trainees.c.status, f.status),
            (trainees.c.carrier_id, f.carrier_id),
            (trainees.c.person_id, f.person_id),
            (trainees.c.supervisor_id, f.supervisor_id),
            (trainees.c.university, f.university),
            (trainees.c.programme, f.programme),
        ):
            if value is not None:
                stmt = stmt.where(col == value)
        if after:
            stmt = stmt.where(sa.tuple_(trainees.c.created_at, trainees.c.id) < sa.tuple_(*after))
        rows = (await self.conn.execute(stmt.limit(limit))).all()
        return [row_to_trainee(r) for r in rows]

    # -- assignments --------------------------------------------------------------------
    async def add_assignment(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(assignments).values(**values))

    async def get_assignment(self, assignment_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = sa.select(assignments).where(assignments.c.id == assignment_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row else None

    async def active_assignment(
        self, *, person_id: uuid.UUID | None, carrier_id: uuid.UUID | None, targets: Iterable[tuple[str, uuid.UUID]]
    ) -> dict[str, Any] | None:
        """An active assignment of the person (or, with no person, of the carrier itself) on any of ``targets``."""
        a = assignments
        pairs = [t for t in targets if t[1] is not None]
        if not pairs:
            return None
        stmt = sa.select(a).where(
            a.c.status == AssignmentStatus.ACTIVE.value,
            sa.or_(*(sa.and_(a.c.target_type == tt, a.c.target_id == ti) for tt, ti in pairs)),
        )
        if person_id is not None:
            stmt = stmt.where(a.c.person_id == person_id)
        else:
            stmt = stmt.where(a.c.person_id.is_(None), a.c.carrier_id == carrier_id)
        row = (await self.conn.execute(stmt.limit(1))).first()
        return dict(row._mapping) if row else None

    async def active_assignments_on(self, targets: Iterable[tuple[str, uuid.UUID]]) -> list[dict[str, Any]]:
        a = assignments
        pairs = [t for t in targets if t[1] is not None]
        if not pairs:
            return []
        rows = await self.conn.execute(
            sa.select(a)
            .where(
                a.c.status == AssignmentStatus.ACTIVE.value,
                sa.or_(*(sa.and_(a.c.target_type == tt, a.c.target_id == ti) for tt, ti in pairs)),
            )
            .order_by(a.c.made_at, a.c.id)
        )
        return [dict(r._mapping) for r in rows]

    async def release_assignments(self, ids: Sequence[uuid.UUID], *, reason: str, now: datetime) -> None:
        if not ids:
            return
        await self.conn.execute(
            sa.update(assignments)
            .where(assignments.c.id.in_(list(ids)), assignments.c.status == AssignmentStatus.ACTIVE.value)
            .values(
                status=AssignmentStatus.RELEASED.value,
                released_at=now,
                release_reason=reason,
                version=assignments.c.version + 1,
            )
        )

    # -- contracts and matches (talent's own copy) ----------------------------------------------
    async def get_contract(self, contract_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = sa.select(contract_records).where(contract_records.c.contract_id == contract_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row else None

    async def add_contract(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(contract_records).values(**values))

    async def update_contract(self, contract_id: uuid.UUID, values: dict[str, Any]) -> None:
        await self.conn.execute(
            sa.update(contract_records).where(contract_records.c.contract_id == contract_id).values(**values)
        )

    async def other_contract_in_force(self, demand_id: uuid.UUID, contract_id: uuid.UUID) -> bool:
        """Whether another contract of this demand is signed and not yet closed."""
        cr = contract_records
        row = (
            await self.conn.execute(
                sa.select(cr.c.contract_id)
                .where(cr.c.demand_id == demand_id, cr.c.contract_id != contract_id, cr.c.status == "signed")
                .limit(1)
            )
        ).first()
        return row is not None

    async def signed_contracts_without_manager(self, demand_id: uuid.UUID) -> list[dict[str, Any]]:
        cr = contract_records
        rows = await self.conn.execute(
            sa.select(cr)
            .where(cr.c.demand_id == demand_id, cr.c.status == "signed", cr.c.project_manager_id.is_(None))
            .order_by(cr.c.contract_id)
            .with_for_update()
        )
        return [dict(r._mapping) for r in rows]

    async def add_match(self, values: dict[str, Any]) -> bool:
        exists = (
            await self.conn.execute(
                sa.select(match_records.c.match_id).where(match_records.c.match_id == values["match_id"])
            )
        ).first()
        if exists:
            return False
        await self.conn.execute(sa.insert(match_records).values(**values))
        return True

    async def project_manager_of_demand(self, demand_id: uuid.UUID, carrier_id: uuid.UUID) -> uuid.UUID | None:
        """The project manager of the latest accepted match of this demand, preferring the
        match with the contract's carrier."""
        m = match_records
        rows = (
            await self.conn.execute(
                sa.select(m.c.carrier_id, m.c.project_manager_id)
                .where(m.c.demand_id == demand_id, m.c.project_manager_id.is_not(None))
                .order_by(m.c.accepted_at.desc())
            )
        ).all()
        for r in rows:
            if r.carrier_id == carrier_id:
                return r.project_manager_id
        return rows[0].project_manager_id if rows else None
