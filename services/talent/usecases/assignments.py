"""Assignments: a project manager or researcher put on a demand or a contract, within capacity,
and released; the active loads they make."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from services.talent import domain
from services.talent.domain import (
    PROJECT_MANAGER_ROLE,
    AssignmentRefused,
    AssignmentStatus,
    CarrierStatus,
    OverCapacity,
    PersonStatus,
    SubjectType,
    TargetType,
)
from services.talent.repository import (
    AssignmentFilters,
    TalentRepository,
    assignment_list_query,
)
from services.talent.schemas import AssignmentCreate
from services.talent.tables import carriers, people
from services.talent.usecases.common import (
    ASSIGNMENTS_NEWEST,
    CLOSED_CONTRACT,
    UseCases,
    assignments_scope,
    field_problem,
    forbidden,
    list_cursor,
    over_capacity_problem,
    stale,
)
from services.talent.usecases.profiles import (
    capacity_changed,
)
from shared.auth import Actor
from shared.events import talent as ev
from shared.outbox import UnitOfWork
from shared.pagination import keyset_cursor, page
from shared.problems import Conflict, NotFound, illegal_transition


class Assignments(UseCases):
    # == assignments ===============================================================================
    async def make_assignment(self, uow: UnitOfWork, data: AssignmentCreate, actor: Actor) -> dict[str, Any]:
        repo = TalentRepository(uow.conn)
        target = (data.target_type.value, data.target_id)
        if data.target_type is TargetType.CONTRACT:
            record = await repo.get_contract(data.target_id)
            if record is not None and record["status"] in CLOSED_CONTRACT:
                raise Conflict(
                    f"contract {data.target_id} is {record['status']}; nobody can join it now",
                    slug="contract-closed",
                    contract_status=record["status"],
                )
        person: dict[str, Any] | None = None
        carrier_id: uuid.UUID | None
        if data.person_id is not None:
            person = await repo.get_person(data.person_id)
            if person is None:
                raise field_problem("unknown-person", "person_id", f"person {data.person_id} is not registered")
            try:
                domain.check_person_assignment(person["roles"], role=data.role, target_type=data.target_type)
            except AssignmentRefused as exc:
                raise field_problem("assignment-refused", exc.field, str(exc)) from exc
            is_pm = data.role == PROJECT_MANAGER_ROLE
            # A researcher engages their carrier; a project manager brokers and engages none.
            carrier_id = None if is_pm else person["carrier_id"]
            may = actor.is_staff or (
                not is_pm and person["carrier_id"] is not None and actor.acts_for_carrier(person["carrier_id"])
            )
            if not may:
                raise forbidden("staff assign project managers; a carrier user assigns its own researchers")
            if person["status"] != PersonStatus.ACTIVE.value:
                raise Conflict(f"person {data.person_id} is {person['status']}", slug="person-inactive")
        else:
            carrier_id = data.carrier_id
            if not actor.is_staff:
                raise forbidden("only staff put a carrier on a demand or a contract")
        # Lock the subjects (carrier first, then person) so concurrent assignments queue for capacity.
        carrier: dict[str, Any] | None = None
        if carrier_id is not None:
            carrier = await repo.get_carrier(carrier_id, for_update=True)
            if carrier is None:
                raise field_problem("unknown-carrier", "carrier_id", f"carrier {carrier_id} is not registered")
            if carrier["status"] != CarrierStatus.ACTIVE.value:
                raise Conflict(f"carrier {carrier_id} is {carrier['status']}", slug="carrier-inactive")
        if person is not None:
            person = await repo.get_person(person["id"], for_update=True)
            assert person is not None
            if await repo.active_assignment(person_id=person["id"], carrier_id=None, targets=[target]):
                raise Conflict("the person is already assigned to this target", slug="already-assigned")
            try:
                domain.check_capacity(
                    SubjectType.PERSON,
                    person["id"],
                    capacity=person["capacity"],
                    active_load=await repo.person_load(person["id"]),
                )
            except OverCapacity as exc:
                raise over_capacity_problem(exc) from exc
        elif carrier is not None and await repo.active_assignment(
            person_id=None, carrier_id=carrier["id"], targets=[target]
        ):
            raise Conflict("the carrier is already assigned to this target", slug="already-assigned")
        if carrier is not None:
            engaged = await repo.carrier_engaged_targets(carrier["id"])
            try:
                domain.check_capacity(
                    SubjectType.CARRIER,
                    carrier["id"],
                    capacity=carrier["capacity"],
                    active_load=len(engaged),
                    adding=domain.carrier_load_increase(engaged, target),
                )
            except OverCapacity as exc:
                raise over_capacity_problem(exc) from exc
        now = datetime.now(UTC)
        values = {
            "id": uuid.uuid4(),
            "person_id": data.person_id,
            "carrier_id": carrier_id,
            "target_type": data.target_type.value,
            "target_id": data.target_id,
            "role": data.role,
            "status": AssignmentStatus.ACTIVE.value,
            "source": "api",
            "made_by": actor.subject,
            "made_at": now,
            "released_at": None,
            "release_reason": None,
            "version": 1,
        }
        await repo.add_assignment(values)  # a concurrent twin fails on the unique index (a 409 at the edge)
        uow.emit(self._assignment_made(values))
        await self._refresh_loads(uow, repo, carrier_ids=[carrier_id], person_ids=[data.person_id], now=now)
        return values

    async def release_assignment(
        self, assignment_id: uuid.UUID, *, actor: Actor, reason: str | None, if_match: int | None
    ) -> dict[str, Any]:
        async with self.uow() as uow:
            repo = TalentRepository(uow.conn)
            current = await repo.get_assignment(assignment_id, for_update=True)
            if current is None:
                raise NotFound("assignment", assignment_id)
            if not actor.is_staff and not (
                current["role"] != PROJECT_MANAGER_ROLE
                and current["carrier_id"] is not None
                and current["person_id"] is not None
                and actor.acts_for_carrier(current["carrier_id"])
            ):
                raise forbidden("staff release assignments; a carrier user releases its own researchers")
            if if_match is not None and if_match != current["version"]:
                raise stale("assignment", current["version"], if_match)
            if current["status"] != AssignmentStatus.ACTIVE.value:
                raise illegal_transition("the assignment is already released", current["status"], [])
            now = datetime.now(UTC)
            why = reason or "released"
            await repo.release_assignments([assignment_id], reason=why, now=now)
            released = {
                **current,
                "status": AssignmentStatus.RELEASED.value,
                "released_at": now,
                "release_reason": why,
                "version": current["version"] + 1,
            }
            uow.emit(self._assignment_released(released, why, now))
            await self._refresh_loads(
                uow, repo, carrier_ids=[current["carrier_id"]], person_ids=[current["person_id"]], now=now
            )
            return released

    async def get_assignment(self, assignment_id: uuid.UUID, actor: Actor) -> dict[str, Any]:
        scope = assignments_scope(actor)
        async with self.uow.read() as conn:
            a = await TalentRepository(conn).get_assignment(assignment_id)
        if a is None or (scope is not None and a["carrier_id"] != scope):
            raise NotFound("assignment", assignment_id)
        return a

    async def list_assignments(
        self, filters: AssignmentFilters, actor: Actor, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        scope = assignments_scope(actor)
        if scope is not None:
            if filters.carrier_id not in (None, scope):
                return [], None
            filters = replace(filters, carrier_id=scope)
        after = list_cursor(ASSIGNMENTS_NEWEST, cursor)
        stmt, values = assignment_list_query(filters, after=after, limit=limit + 1)
        rows = [dict(r) for r in await self.reader.all(stmt, values)]
        return page(rows, limit, lambda r: keyset_cursor(ASSIGNMENTS_NEWEST, r["made_at"], r["id"]))

    @staticmethod
    def _assignment_made(a: dict[str, Any]) -> ev.AssignmentMade:
        return ev.AssignmentMade(
            assignment_id=a["id"],
            person_id=a["person_id"],
            carrier_id=a["carrier_id"],
            target_type=a["target_type"],
            target_id=a["target_id"],
            role=a["role"],
            made_at=a["made_at"],
        )

    @staticmethod
    def _assignment_released(a: dict[str, Any], reason: str, now: datetime) -> ev.AssignmentReleased:
        return ev.AssignmentReleased(
            assignment_id=a["id"],
            person_id=a["person_id"],
            carrier_id=a["carrier_id"],
            target_type=a["target_type"],
            target_id=a["target_id"],
            reason=reason,
            released_at=now,
        )

    async def _refresh_loads(
        self,
        uow: UnitOfWork,
        repo: TalentRepository,
        *,
        carrier_ids: Iterable[uuid.UUID | None],
        person_ids: Iterable[uuid.UUID | None],
        now: datetime,
    ) -> None:
        """Recount active loads from the assignments (the source of truth), store them, and
        announce every load that moved."""
        for cid in sorted({c for c in carrier_ids if c is not None}):
            row = await repo.get_carrier(cid)
            if row is None:
                continue
            load = len(await repo.carrier_engaged_targets(cid))
            if load != row["active_load"]:
                await repo.set_active_load(carriers, cid, load)
                uow.emit(capacity_changed(SubjectType.CARRIER, cid, row["capacity"], load, now))
        for pid in sorted({p for p in person_ids if p is not None}):
            row = await repo.get_person(pid)
            if row is None:
                continue
            load = await repo.person_load(pid)
            if load != row["active_load"]:
                await repo.set_active_load(people, pid, load)
                uow.emit(capacity_changed(SubjectType.PERSON, pid, row["capacity"], load, now))
