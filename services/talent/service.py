"""Talent use cases: each one unit of work (one transaction, events in the outbox)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from services.talent import domain
from services.talent.domain import (
    CONTRACTOR_ROLE,
    OPEN_TRAINEE_STATES,
    PROJECT_MANAGER_ROLE,
    AssignmentRefused,
    AssignmentStatus,
    CarrierStatus,
    EnrolmentRefused,
    IllegalTransition,
    OverCapacity,
    PersonRole,
    PersonStatus,
    SubjectType,
    TargetType,
    Trainee,
    TraineeAction,
)
from services.talent.repository import (
    AssignmentFilters,
    CarrierFilters,
    Cursor,
    PersonFilters,
    TalentRepository,
    TraineeFilters,
    assignment_list_query,
)
from services.talent.schemas import AssignmentCreate, CarrierCreate, PersonCreate, TraineeCreate
from services.talent.tables import carriers, people
from shared import locks
from shared.auth import Actor, Role
from shared.bulk import validation_errors
from shared.contact import can_see_contact
from shared.events import contracts as contract_ev
from shared.events import matching as matching_ev
from shared.events import talent as ev
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pagination import keyset_cursor, page, parse_keyset_cursor
from shared.pgread import Reader
from shared.problems import Conflict, NotFound, Problem

CLOSED_CONTRACT = frozenset({"completed", "terminated"})
# The name a demand's match and contracts lock while one of them is applied (shared/locks.py).
DEMAND_LOCKS = "talent-demand"


# --- problems -------------------------------------------------------------------------------


def transition_problem(exc: IllegalTransition) -> Problem:
    return Problem(
        409,
        "illegal-transition",
        str(exc),
        title="This action is not allowed in the current state",
        current_state=exc.status.value,
        allowed_actions=exc.allowed,
    )


def over_capacity_problem(exc: OverCapacity) -> Problem:
    return Problem(
        409,
        "over-capacity",
        str(exc),
        title="This would exceed a capacity",
        subject_type=exc.subject_type.value,
        subject_id=str(exc.subject_id),
        capacity=exc.capacity,
        active_load=exc.active_load,
    )


def field_problem(slug: str, field_name: str, message: str) -> Problem:
    return Problem(422, slug, message, errors=[{"field": field_name, "message": message}])


def stale(what: str, current: int, wanted: int) -> Problem:
    return Problem(412, "precondition-failed", f"{what} is at version {current}, not {wanted}", current_version=current)


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail)


# --- who may create (checked before an Idempotency-Key's stored answer is looked up) ---------------


def authorize_person_registration(actor: Actor, data: PersonCreate) -> None:
    if not actor.is_staff and not (data.carrier_id is not None and actor.acts_for_carrier(data.carrier_id)):
        raise forbidden("a carrier user registers people of its own carrier only")


def authorize_enrolment(actor: Actor, data: TraineeCreate) -> None:
    if not actor.acts_for_carrier(data.carrier_id):
        raise forbidden("staff, or the carrier hosting the placement, enrol trainees")


def authorize_assignment(actor: Actor) -> None:
    """Staff and carrier users; whose researcher a carrier user may assign is checked with the person."""
    if not (actor.is_staff or actor.has(Role.CARRIER_USER)):
        raise forbidden("staff assign project managers; a carrier user assigns its own researchers")


def assignments_scope(actor: Actor) -> uuid.UUID | None:
    """Whose assignments ``actor`` may read: staff all of them (None); a carrier user its own
    carrier's (its researchers' and the carrier's own). An assignment names its target (a demand,
    maybe unpublished) and who works on it; talent knows neither demands' states nor their owners,
    so nobody else reads assignments (an enterprise sees the people on its demand through staff)."""
    if actor.is_staff:
        return None
    if actor.has(Role.CARRIER_USER) and actor.carrier_id is not None:
        return actor.carrier_id
    raise forbidden("assignments are read by staff and by the carrier concerned")


# --- values of rows ---------------------------------------------------------------------------


def display_name(c: dict[str, Any]) -> str:
    return str(c.get("name_zh") or c.get("name_en") or "")


def carrier_columns(data: CarrierCreate) -> dict[str, Any]:
    """The stored profile of a carrier (without id, version and timestamps)."""
    values = data.model_dump(mode="json")
    values["name_key"] = domain.carrier_name_key(data.kind.value, data.name_zh, data.name_en)
    values["search_text"] = domain.search_text(
        data.name_zh, data.name_en, data.city, data.capabilities, data.keywords, data.equipment
    )
    return values


CARRIER_PROFILE = tuple(CarrierCreate.model_fields)


def person_columns(data: PersonCreate) -> dict[str, Any]:
    """The stored profile of a person, contact data included (without id, version, timestamps)."""
    return {
        "name": data.name,
        "name_en": data.name_en,
        "title": data.title,
        "roles": [r.value for r in data.roles],
        "carrier_id": data.carrier_id,
        "university": data.university,
        "fields": list(data.fields),
        "keywords": list(data.keywords),
        "languages": list(data.languages),
        "capacity": data.capacity,
        "status": data.status.value,
        "email": data.contact.email,
        "phone": data.contact.phone,
        "wechat": data.contact.wechat,
        "name_key": domain.person_name_key(data.name, data.carrier_id, data.university),
        "search_text": domain.search_text(data.name, data.name_en, data.title, data.university, data.keywords),
    }


PERSON_PROFILE = (
    "name",
    "name_en",
    "title",
    "roles",
    "carrier_id",
    "university",
    "fields",
    "keywords",
    "languages",
    "capacity",
    "status",
    "email",
    "phone",
    "wechat",
)


def person_input(row: dict[str, Any]) -> dict[str, Any]:
    """A stored person as the body that would create it (to merge a partial update into)."""
    out = {k: row[k] for k in PERSON_PROFILE if k not in ("email", "phone", "wechat")}
    out["contact"] = {k: row[k] for k in ("email", "phone", "wechat") if row.get(k)}
    return out


def _carrier_profile(values: dict[str, Any]) -> dict[str, Any]:
    """What both carrier events carry of the profile."""
    keys = ("kind", "city", "province", "country", "fields", "capabilities", "keywords", "capacity")
    return {"carrier_id": values["id"], "name": display_name(values), **{k: values[k] for k in keys}}


def carrier_registered(values: dict[str, Any], now: datetime) -> ev.CarrierRegistered:
    return ev.CarrierRegistered(**_carrier_profile(values), registered_at=now)


def carrier_updated(values: dict[str, Any], now: datetime) -> ev.CarrierProfileUpdated:
    return ev.CarrierProfileUpdated(
        **_carrier_profile(values), status=values["status"], version=values["version"], updated_at=now
    )


def _person_profile(values: dict[str, Any]) -> dict[str, Any]:
    """What both person events carry. Contact data stays out: it never travels on the bus."""
    keys = ("name", "roles", "carrier_id", "university", "fields", "keywords", "languages", "capacity")
    return {"person_id": values["id"], **{k: values[k] for k in keys}}


def person_registered(values: dict[str, Any], now: datetime) -> ev.PersonRegistered:
    return ev.PersonRegistered(**_person_profile(values), registered_at=now)


def person_updated(values: dict[str, Any], now: datetime) -> ev.PersonProfileUpdated:
    return ev.PersonProfileUpdated(
        **_person_profile(values), status=values["status"], version=values["version"], updated_at=now
    )


def capacity_changed(subject: SubjectType, subject_id: uuid.UUID, capacity: int, load: int, now: datetime) -> Any:
    return ev.CapacityChanged(
        subject_type=subject.value, subject_id=subject_id, capacity=capacity, active_load=load, changed_at=now
    )


def _cursor(kind: str, after: str | None) -> Cursor | None:
    """The (time, id) a list resumes after; a 400 for a cursor another list gave out."""
    if not after:
        return None
    when, ident = parse_keyset_cursor(after, kind, datetime)
    if not isinstance(when, datetime):
        raise Problem(400, "bad-cursor", "the cursor is not one this list gave out")
    return when, ident


CARRIERS_NEWEST = "carriers:-created_at"
PEOPLE_NEWEST = "people:-created_at"
TRAINEES_NEWEST = "trainees:-created_at"
ASSIGNMENTS_NEWEST = "assignments:-made_at"


def duplicate_person(actor: Actor, person_id: uuid.UUID, carrier_id: uuid.UUID | None) -> Conflict:
    """The 409 for an e-mail another person has. Which person has it is contact data: it is named
    (``existing_id``) only to those who may see that person's contact data, never to another
    carrier's user or to staff without that right."""
    named = {"existing_id": str(person_id)} if can_see_contact(actor, carrier_id=carrier_id) else {}
    return Conflict("a person with this e-mail is already registered", slug="duplicate-person", **named)


class TalentService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self.reader = Reader(uow)

    # == carriers ==================================================================================
    async def register_carrier(self, uow: UnitOfWork, data: CarrierCreate) -> dict[str, Any]:
        now = datetime.now(UTC)
        values = {**carrier_columns(data), "id": uuid.uuid4(), "version": 1, "created_at": now, "updated_at": now}
        await TalentRepository(uow.conn).add_carrier(values)
        uow.emit(carrier_registered(values, now))
        return {
            **values,
            "active_load": 0,
            "completed_contracts": 0,
            "contract_value": Decimal("0.00"),
            "matches_accepted": 0,
        }

    async def update_carrier(
        self, carrier_id: uuid.UUID, data: CarrierCreate, *, if_match: int, actor: Actor | None = None
    ) -> dict[str, Any]:
        async with self.uow() as uow:
            repo = TalentRepository(uow.conn)
            current = await repo.get_carrier(carrier_id, for_update=True)
            if current is None:
                raise NotFound("carrier", carrier_id)
            if actor is not None and not actor.is_staff:
                # A carrier keeps its own profile current; its kind and standing are the institute's call.
                if data.kind.value != current["kind"] or data.status.value != current["status"]:
                    raise forbidden("only staff may change a carrier's kind or status")
            if current["version"] != if_match:
                raise stale("carrier", current["version"], if_match)
            now = datetime.now(UTC)
            values = {**carrier_columns(data), "version": if_match + 1, "updated_at": now}
            if not await repo.save_carrier(carrier_id, values, expected_version=if_match):
                raise Problem(412, "precondition-failed", "the carrier changed meanwhile; reload and retry")
            updated = {**current, **values}
            uow.emit(carrier_updated(updated, now))
            if data.capacity != current["capacity"]:
                uow.emit(capacity_changed(SubjectType.CARRIER, carrier_id, data.capacity, current["active_load"], now))
            return updated

    async def get_carrier(self, carrier_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.read() as conn:
            c = await TalentRepository(conn).get_carrier(carrier_id)
        if c is None:
            raise NotFound("carrier", carrier_id)
        return c

    async def list_carriers(
        self, filters: CarrierFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        if filters.q:
            filters = CarrierFilters(**{**filters.__dict__, "q": domain.search_text(filters.q)})
        async with self.uow.read() as conn:
            rows = await TalentRepository(conn).list_carriers(
                filters, after=_cursor(CARRIERS_NEWEST, cursor), limit=limit + 1
            )
        return page(rows, limit, lambda r: keyset_cursor(CARRIERS_NEWEST, r["created_at"], r["id"]))

    # == people ====================================================================================
    async def register_person(self, uow: UnitOfWork, data: PersonCreate, actor: Actor) -> dict[str, Any]:
        """A new person (authorized first by :func:`authorize_person_registration`)."""
        repo = TalentRepository(uow.conn)
        await self._check_affiliation(repo, data.carrier_id)
        if data.contact.email and (existing := await repo.person_by_email(data.contact.email)):
            raise duplicate_person(actor, *existing)
        now = uow.now()  # a history import dates it when it happened
        values = {**person_columns(data), "id": uuid.uuid4(), "version": 1, "created_at": now, "updated_at": now}
        await repo.add_person(values)  # a concurrent twin fails on the unique e-mail (a 409 at the edge)
        uow.emit(person_registered(values, now))
        return {**values, "active_load": 0, "completed_contracts": 0, "contract_value": Decimal("0.00")}

    async def _check_affiliation(self, repo: TalentRepository, carrier_id: uuid.UUID | None) -> None:
        if carrier_id is not None and await repo.get_carrier(carrier_id) is None:
            raise field_problem("unknown-carrier", "carrier_id", f"carrier {carrier_id} is not registered")

    async def update_person(
        self, person_id: uuid.UUID, changes: dict[str, Any], *, if_match: int, actor: Actor
    ) -> dict[str, Any]:
        async with self.uow() as uow:
            repo = TalentRepository(uow.conn)
            current = await repo.get_person(person_id, for_update=True)
            if current is None:
                raise NotFound("person", person_id)
            if not actor.is_staff and not (current["carrier_id"] and actor.acts_for_carrier(current["carrier_id"])):
                raise forbidden("a carrier user edits people of its own carrier only")
            if current["version"] != if_match:
                raise stale("person", current["version"], if_match)
            merged = {**person_input(current), **changes}
            if "contact" in changes and isinstance(changes["contact"], dict):
                merged["contact"] = changes["contact"]
            try:
                data = PersonCreate.model_validate(merged)
            except ValidationError as exc:
                errors = validation_errors(exc)
                raise Problem(
                    422,
                    "validation-error",
                    "invalid input: " + ", ".join(e["field"] for e in errors),
                    title="Your request is not valid",
                    errors=errors,
                ) from exc
            if not actor.is_staff and data.carrier_id != current["carrier_id"]:
                raise forbidden("only staff may move a person to another carrier")
            if data.carrier_id != current["carrier_id"]:
                await self._check_affiliation(repo, data.carrier_id)
            values = person_columns(data)
            if all(values[k] == current[k] for k in PERSON_PROFILE):
                return current  # nothing changed: no new version, no event
            if values["email"] and values["email"] != current["email"]:
                other = await repo.person_by_email(values["email"])
                if other and other[0] != person_id:
                    raise duplicate_person(actor, *other)
            now = datetime.now(UTC)
            values |= {"version": if_match + 1, "updated_at": now}
            if not await repo.save_person(person_id, values, expected_version=if_match):
                raise Problem(412, "precondition-failed", "the person changed meanwhile; reload and retry")
            updated = {**current, **values}
            uow.emit(person_updated(updated, now))
            if updated["capacity"] != current["capacity"]:
                uow.emit(
                    capacity_changed(SubjectType.PERSON, person_id, updated["capacity"], current["active_load"], now)
                )
            return updated

    async def get_person(self, person_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.read() as conn:
            p = await TalentRepository(conn).get_person(person_id)
        if p is None:
            raise NotFound("person", person_id)
        return p

    async def list_people(
        self, filters: PersonFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        if filters.q:
            filters = PersonFilters(**{**filters.__dict__, "q": domain.search_text(filters.q)})
        async with self.uow.read() as conn:
            rows = await TalentRepository(conn).list_people(
                filters, after=_cursor(PEOPLE_NEWEST, cursor), limit=limit + 1
            )
        return page(rows, limit, lambda r: keyset_cursor(PEOPLE_NEWEST, r["created_at"], r["id"]))

    # == joint training ============================================================================
    async def enrol_trainee(self, uow: UnitOfWork, data: TraineeCreate) -> Trainee:
        """A new enrolment (authorized first by :func:`authorize_enrolment`)."""
        repo = TalentRepository(uow.conn)
        person = await repo.get_person(data.person_id, for_update=True)
        if person is None:
            raise field_problem("unknown-person", "person_id", f"person {data.person_id} is not registered")
        if await repo.get_carrier(data.carrier_id) is None:
            raise field_problem("unknown-carrier", "carrier_id", f"carrier {data.carrier_id} is not registered")
        supervisor = None
        if data.supervisor_id is not None:
            supervisor = await repo.get_person(data.supervisor_id)
            if supervisor is None:
                raise field_problem("unknown-person", "supervisor_id", f"person {data.supervisor_id} is not registered")
        try:
            programme = domain.check_enrolment(
                person_id=data.person_id,
                person_roles=person["roles"],
                programme=PersonRole(data.programme) if data.programme else None,
                starts_on=data.starts_on,
                ends_on=data.ends_on,
                supervisor_id=data.supervisor_id,
                supervisor_roles=supervisor["roles"] if supervisor else None,
            )
        except EnrolmentRefused as exc:
            raise field_problem("enrolment-refused", exc.field, str(exc)) from exc
        open_id = await repo.open_training_of(data.person_id, [s.value for s in OPEN_TRAINEE_STATES])
        if open_id is not None:
            raise Conflict(
                "the person is already in joint training; graduate or withdraw that first",
                slug="already-enrolled",
                existing_id=str(open_id),
            )
        trainee = Trainee.enrol(
            now=uow.now(),
            person_id=data.person_id,
            programme=programme,
            university=data.university,
            carrier_id=data.carrier_id,
            supervisor_id=data.supervisor_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
        )
        await repo.add_trainee(trainee)
        uow.emit(*trainee.events)
        return trainee

    async def transition_trainee(
        self,
        trainee_id: uuid.UUID,
        action: TraineeAction,
        *,
        actor: Actor,
        if_match: int | None = None,
        reason: str | None = None,
    ) -> Trainee:
        async with self.uow() as uow:
            return await self.move_trainee(uow, trainee_id, action, actor=actor, if_match=if_match, reason=reason)

    async def move_trainee(
        self,
        uow: UnitOfWork,
        trainee_id: uuid.UUID,
        action: TraineeAction,
        *,
        actor: Actor,
        if_match: int | None = None,
        reason: str | None = None,
    ) -> Trainee:
        """A trainee along its training, in ``uow`` (dated ``uow.now()``: a history import's time)."""
        repo = TalentRepository(uow.conn)
        current = await repo.get_trainee(trainee_id, for_update=True)
        if current is None:
            raise NotFound("trainee", trainee_id)
        if not actor.acts_for_carrier(current.carrier_id):
            raise forbidden("staff, or the carrier hosting the placement, move a trainee along")
        if if_match is not None and if_match != current.version:
            raise stale("trainee", current.version, if_match)
        try:
            nxt = current.apply(action, now=uow.now(), reason=reason)
        except IllegalTransition as exc:
            raise transition_problem(exc) from exc
        except ValueError as exc:
            raise field_problem("validation-error", "reason", str(exc)) from exc
        if not await repo.save_trainee(nxt, expected_version=current.version):
            raise Problem(412, "precondition-failed", "the trainee changed meanwhile; reload and retry")
        uow.emit(*nxt.events)
        return nxt

    async def get_trainee(self, trainee_id: uuid.UUID) -> Trainee:
        async with self.uow.read() as conn:
            t = await TalentRepository(conn).get_trainee(trainee_id)
        if t is None:
            raise NotFound("trainee", trainee_id)
        return t

    async def list_trainees(
        self, filters: TraineeFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[Trainee], str | None]:
        async with self.uow.read() as conn:
            rows = await TalentRepository(conn).list_trainees(
                filters, after=_cursor(TRAINEES_NEWEST, cursor), limit=limit + 1
            )
        return page(rows, limit, lambda t: keyset_cursor(TRAINEES_NEWEST, t.created_at, t.id))

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
                raise Problem(
                    409,
                    "illegal-transition",
                    "the assignment is already released",
                    title="This action is not allowed in the current state",
                    current_state=current["status"],
                    allowed_actions=[],
                )
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
        after = _cursor(ASSIGNMENTS_NEWEST, cursor)
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

    # == track record, from other services' events ==========================================================
    async def match_accepted(self, uow: UnitOfWork, e: matching_ev.MatchAccepted) -> None:
        """Remember who brokers which demand with which carrier (the contract's project manager
        when the contract does not name one), and count the carrier's accepted matches. Events
        of two topics have no order between them: when a contract of this demand was signed
        first, its project manager is now known and takes it on. The match and the contracts of
        one demand take turns (a lock on the demand): applied at the same time, each would miss
        the other."""
        await locks.hold(uow.conn, DEMAND_LOCKS, e.demand_id)
        repo = TalentRepository(uow.conn)
        new = await repo.add_match(
            {
                "match_id": e.match_id,
                "demand_id": e.demand_id,
                "carrier_id": e.carrier_id,
                "project_manager_id": e.project_manager_id,
                "accepted_at": e.accepted_at,
            }
        )
        if not new:
            return
        await repo.count_match_accepted(e.carrier_id)
        pm = e.project_manager_id
        if pm is None:
            return
        made: list[dict[str, Any]] = []
        for record in await repo.signed_contracts_without_manager(e.demand_id):
            await repo.update_contract(
                record["contract_id"], {"project_manager_id": pm, "updated_at": datetime.now(UTC)}
            )
            made += await self._engage_project_manager(
                uow, repo, pm, record["contract_id"], e.demand_id, record["signed_at"] or e.accepted_at
            )
        await self._refresh_loads(uow, repo, carrier_ids=[], person_ids=[pm] if made else [], now=datetime.now(UTC))

    async def _engage_project_manager(
        self,
        uow: UnitOfWork,
        repo: TalentRepository,
        pm: uuid.UUID,
        contract_id: uuid.UUID,
        demand_id: uuid.UUID | None,
        at: datetime,
    ) -> list[dict[str, Any]]:
        """Put the project manager on the contract unless they are on it (or on its demand) already."""
        if not await repo.existing_ids(people, [pm]):
            return []
        await repo.lock_rows(people, [pm])
        targets = [(TargetType.CONTRACT.value, contract_id)]
        if demand_id is not None:
            targets.append((TargetType.DEMAND.value, demand_id))
        if await repo.active_assignment(person_id=pm, carrier_id=None, targets=targets):
            return []
        values = self._engagement(pm, None, contract_id, PROJECT_MANAGER_ROLE, at)
        await repo.add_assignment(values)
        uow.emit(self._assignment_made(values))
        return [values]

    async def contract_signed(self, uow: UnitOfWork, e: contract_ev.ContractSigned) -> None:
        """The carrier takes on the contract (load +1) and so does its project manager, when known.
        A re-signed contract (a later version) changes its value, not the loads."""
        await locks.hold(uow.conn, DEMAND_LOCKS, e.demand_id)
        repo = TalentRepository(uow.conn)
        record = await repo.get_contract(e.contract_id, for_update=True)
        first_signature = record is None
        pm = e.project_manager_id
        if pm is None and e.demand_id is not None:
            pm = await repo.project_manager_of_demand(e.demand_id, e.carrier_id)
        if record is None:
            await repo.add_contract(
                {
                    "contract_id": e.contract_id,
                    "demand_id": e.demand_id,
                    "carrier_id": e.carrier_id,
                    "project_manager_id": pm,
                    "value": e.value,
                    "status": "signed",
                    "signed_at": e.signed_at,
                    "closed_at": None,
                    "updated_at": datetime.now(UTC),
                }
            )
        elif record["status"] in CLOSED_CONTRACT:
            return  # it already ended; a late signature changes nothing
        else:
            await repo.update_contract(
                e.contract_id,
                {
                    "value": e.value,
                    "project_manager_id": record["project_manager_id"] or pm,
                    "updated_at": datetime.now(UTC),
                },
            )
            pm = pm if record["project_manager_id"] is None else None
        targets = [(TargetType.CONTRACT.value, e.contract_id)]
        if e.demand_id is not None:
            targets.append((TargetType.DEMAND.value, e.demand_id))
        carrier_known = first_signature and bool(await repo.existing_ids(carriers, [e.carrier_id]))
        await repo.lock_rows(carriers, [e.carrier_id] if carrier_known else [])
        made: list[dict[str, Any]] = []
        # Signed contracts are facts: they count even when they exceed a capacity.
        if carrier_known and not await repo.active_assignment(person_id=None, carrier_id=e.carrier_id, targets=targets):
            values = self._engagement(None, e.carrier_id, e.contract_id, CONTRACTOR_ROLE, e.signed_at)
            await repo.add_assignment(values)
            uow.emit(self._assignment_made(values))
            made.append(values)
        if pm is not None:
            made += await self._engage_project_manager(uow, repo, pm, e.contract_id, e.demand_id, e.signed_at)
        await self._refresh_loads(
            uow,
            repo,
            carrier_ids=[v["carrier_id"] for v in made],
            person_ids=[v["person_id"] for v in made],
            now=datetime.now(UTC),
        )

    @staticmethod
    def _engagement(
        person_id: uuid.UUID | None, carrier_id: uuid.UUID | None, contract_id: uuid.UUID, role: str, at: datetime
    ) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "person_id": person_id,
            "carrier_id": carrier_id,
            "target_type": TargetType.CONTRACT.value,
            "target_id": contract_id,
            "role": role,
            "status": AssignmentStatus.ACTIVE.value,
            "source": "contract_signed",
            "made_by": "contracts",
            "made_at": at,
            "released_at": None,
            "release_reason": None,
            "version": 1,
        }

    async def contract_completed(self, uow: UnitOfWork, e: contract_ev.ContractCompleted) -> None:
        await self._contract_closed(
            uow,
            contract_id=e.contract_id,
            demand_id=e.demand_id,
            carrier_id=e.carrier_id,
            project_manager_id=e.project_manager_id,
            value=e.value,
            status="completed",
            at=e.completed_at,
        )

    async def contract_terminated(self, uow: UnitOfWork, e: contract_ev.ContractTerminated) -> None:
        await self._contract_closed(
            uow,
            contract_id=e.contract_id,
            demand_id=e.demand_id,
            carrier_id=e.carrier_id,
            project_manager_id=None,
            value=None,
            status="terminated",
            at=e.terminated_at,
        )

    async def _contract_closed(
        self,
        uow: UnitOfWork,
        *,
        contract_id: uuid.UUID,
        demand_id: uuid.UUID | None,
        carrier_id: uuid.UUID,
        project_manager_id: uuid.UUID | None,
        value: Decimal | None,
        status: str,
        at: datetime,
    ) -> None:
        """Release everyone on the contract (and on its demand, unless another contract of that
        demand is still in force); a completion also credits the contract to its carrier and
        to every person who worked on it."""
        repo = TalentRepository(uow.conn)
        record = await repo.get_contract(contract_id, for_update=True)
        if record is not None and record["status"] in CLOSED_CONTRACT:
            return  # already closed by an earlier event
        demand_id = demand_id or (record["demand_id"] if record else None)
        pm = project_manager_id or (record["project_manager_id"] if record else None)
        now = datetime.now(UTC)
        closed = {"status": status, "closed_at": at, "updated_at": now}
        if value is not None:
            closed["value"] = value
        if record is None:
            await repo.add_contract(
                {
                    "contract_id": contract_id,
                    "demand_id": demand_id,
                    "carrier_id": carrier_id,
                    "project_manager_id": pm,
                    "value": value,
                    "signed_at": None,
                    **closed,
                }
            )
        else:
            await repo.update_contract(contract_id, closed)
        targets = [(TargetType.CONTRACT.value, contract_id)]
        if demand_id is not None and not await repo.other_contract_in_force(demand_id, contract_id):
            targets.append((TargetType.DEMAND.value, demand_id))
        active = await repo.active_assignments_on(targets)
        carrier_ids = {a["carrier_id"] for a in active if a["carrier_id"] is not None}
        person_ids = {a["person_id"] for a in active if a["person_id"] is not None}
        await repo.lock_rows(carriers, carrier_ids | {carrier_id})
        await repo.lock_rows(people, person_ids | ({pm} if pm else set()))
        reason = f"contract_{status}"
        await repo.release_assignments([a["id"] for a in active], reason=reason, now=at)
        for a in active:
            uow.emit(self._assignment_released(a, reason, at))
        if status == "completed" and value is not None:
            credited_carriers = await repo.existing_ids(carriers, [carrier_id])
            credited_people = await repo.existing_ids(people, person_ids | ({pm} if pm else set()))
            await repo.credit_completion(carriers, sorted(credited_carriers), value)
            await repo.credit_completion(people, sorted(credited_people), value)
        await self._refresh_loads(uow, repo, carrier_ids=carrier_ids, person_ids=person_ids, now=now)
