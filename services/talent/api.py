"""HTTP routes of the talent service: thin, typed, validation at the edge.

Everyone signed in reads carriers, people (contact data only for operators, admins and the
person's own carrier), joint training and assignments. Staff (project managers, operators,
admins) register and curate; a carrier user keeps its own carrier's profile and people
current, enrols trainees placed with it and assigns its own researchers.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError

from services.talent.domain import (
    CarrierKind,
    CarrierStatus,
    PersonRole,
    PersonStatus,
    TargetType,
    Trainee,
    TraineeAction,
    TraineeStatus,
)
from services.talent.imports import TalentImporter
from services.talent.repository import AssignmentFilters, CarrierFilters, PersonFilters, TraineeFilters
from services.talent.schemas import (
    PERSON_EDITABLE,
    AssignmentCreate,
    AssignmentOut,
    AssignmentPage,
    CarrierCreate,
    CarrierOut,
    CarrierPage,
    ImportReport,
    PersonCreate,
    PersonOut,
    PersonPage,
    ReasonBody,
    TraineeCreate,
    TraineeOut,
    TraineePage,
)
from services.talent.service import (
    TalentService,
    authorize_assignment,
    authorize_enrolment,
    authorize_person_registration,
)
from services.talent.tables import idempotency_keys
from shared.auth import Actor, CurrentActor, Role
from shared.bulk import UnreadableFile, format_for
from shared.contact import can_see_contact
from shared.idempotency import IdempotencyKey, created_response, idempotent_create
from shared.outbox import UnitOfWork
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, etag, parse_if_match, require_if_match
from shared.problems import Conflict, Problem
from shared.responses import JSON
from shared.routing import FastRoute
from shared.runtime import get_service

router = APIRouter(prefix="/api/v1", tags=["talent"], route_class=FastRoute)

STAFF_ROLES = (Role.PROJECT_MANAGER, Role.OPERATOR, Role.ADMIN)


ServiceDep = Annotated[TalentService, Depends(get_service)]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag you read")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
TextQuery = Annotated[str | None, Query(min_length=1, max_length=100, description="Chinese or English text")]


async def _create(
    svc: TalentService,
    request: Request,
    *,
    actor: Actor,
    operation: str,
    authorize: Callable[[], None],
    key: str | None,
    create: Callable[[UnitOfWork], Awaitable[dict[str, Any]]],
    conflict: str,
    slug: str,
) -> tuple[int, dict[str, Any], bool]:
    try:
        return await idempotent_create(
            svc.uow,
            idempotency_keys,
            actor=actor,
            operation=operation,
            authorize=authorize,
            key=key,
            body=await request.body(),
            create=create,
        )
    except IntegrityError as exc:  # a concurrent twin won a unique index
        raise Conflict(conflict, slug=slug) from exc


# -- views -------------------------------------------------------------------------------------

_CARRIER_INTERNAL = frozenset({"name_key", "search_text"})


def carrier_view(c: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in c.items() if k not in _CARRIER_INTERNAL}


def person_view(p: dict[str, Any], actor: Actor) -> dict[str, Any]:
    out = {
        "id": p["id"],
        "name": p["name"],
        "name_en": p["name_en"],
        "title": p["title"],
        "roles": p["roles"],
        "carrier_id": p["carrier_id"],
        "university": p["university"],
        "fields": p["fields"],
        "keywords": p["keywords"],
        "languages": p["languages"],
        "capacity": p["capacity"],
        "status": p["status"],
        "active_load": p["active_load"],
        "completed_contracts": p["completed_contracts"],
        "contract_value": p["contract_value"],
        "version": p["version"],
        "created_at": p["created_at"],
        "updated_at": p["updated_at"],
    }
    if can_see_contact(actor, carrier_id=p["carrier_id"]):
        out["contact"] = {"email": p["email"], "phone": p["phone"], "wechat": p["wechat"]}
    return out


def trainee_view(t: Trainee, actor: Actor) -> dict[str, Any]:
    """An enrolment; why a trainee withdrew (free text about a person) only for staff and the
    hosting carrier's users."""
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
        "status_reason": t.status_reason if actor.acts_for_carrier(t.carrier_id) else None,
        "allowed_actions": t.allowed_actions,
        "version": t.version,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


# -- carriers ----------------------------------------------------------------------------------


@router.post("/carriers", status_code=201, response_model=CarrierOut, summary="Register an R&D carrier (staff)")
async def register_carrier(
    request: Request,
    data: CarrierCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: UnitOfWork) -> dict[str, Any]:
        return carrier_view(await svc.register_carrier(uow, data))

    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="carriers",
        authorize=lambda: actor.require(*STAFF_ROLES),
        key=idempotency_key,
        body=await request.body(),
        create=create,
    )
    return created_response(status, body, f"/api/v1/carriers/{body['id']}", replayed)


@router.get("/carriers", response_model=CarrierPage, summary="List carriers, newest first")
async def list_carriers(
    svc: ServiceDep,
    actor: CurrentActor,
    field: str | None = None,
    kind: CarrierKind | None = None,
    status: CarrierStatus | None = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    city: str | None = None,
    available: Annotated[bool | None, Query(description="true: below capacity; false: at or over it")] = None,
    q: TextQuery = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    filters = CarrierFilters(
        field=field,
        kind=kind.value if kind else None,
        status=status.value if status else None,
        country=country,
        city=city,
        available=available,
        q=q,
    )
    rows, nxt = await svc.list_carriers(filters, cursor=cursor, limit=limit)
    return JSON({"items": [carrier_view(r) for r in rows], "next_cursor": nxt})


@router.get("/carriers/{carrier_id}", response_model=CarrierOut)
async def get_carrier(carrier_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    c = await svc.get_carrier(carrier_id)
    return JSON(carrier_view(c), headers={"ETag": etag(c["version"])})


@router.put(
    "/carriers/{carrier_id}",
    response_model=CarrierOut,
    summary="Replace a carrier's profile (staff, or the carrier's own users); requires If-Match with its ETag",
)
async def update_carrier(
    carrier_id: uuid.UUID,
    data: CarrierCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    if_match: IfMatch = None,
) -> Response:
    if not actor.acts_for_carrier(carrier_id):
        raise Problem(403, "forbidden", "staff, or users of this carrier, edit its profile")
    version = require_if_match(if_match, "carrier")
    c = await svc.update_carrier(carrier_id, data, if_match=version, actor=actor)
    return JSON(carrier_view(c), headers={"ETag": etag(c["version"])})


# -- people ------------------------------------------------------------------------------------


@router.post(
    "/people",
    status_code=201,
    response_model=PersonOut,
    summary="Register a person (staff, or a carrier user for its own carrier); 409 if the e-mail is known",
)
async def register_person(
    request: Request,
    data: PersonCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: UnitOfWork) -> dict[str, Any]:
        return person_view(await svc.register_person(uow, data, actor), actor)

    status, body, replayed = await _create(
        svc,
        request,
        actor=actor,
        operation="people",
        authorize=lambda: authorize_person_registration(actor, data),
        key=idempotency_key,
        create=create,
        conflict="a person with this e-mail is already registered",
        slug="duplicate-person",
    )
    return created_response(status, body, f"/api/v1/people/{body['id']}", replayed)


@router.get("/people", response_model=PersonPage, summary="List people with filters, a text query and a cursor")
async def list_people(
    svc: ServiceDep,
    actor: CurrentActor,
    role: PersonRole | None = None,
    carrier_id: uuid.UUID | None = None,
    university: str | None = None,
    field: str | None = None,
    language: str | None = None,
    status: PersonStatus | None = None,
    available: Annotated[bool | None, Query(description="true: has spare capacity; false: fully loaded")] = None,
    q: TextQuery = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    filters = PersonFilters(
        role=role.value if role else None,
        carrier_id=carrier_id,
        university=university,
        field=field,
        language=language.lower() if language else None,
        status=status.value if status else None,
        available=available,
        q=q,
    )
    rows, nxt = await svc.list_people(filters, cursor=cursor, limit=limit)
    return JSON({"items": [person_view(r, actor) for r in rows], "next_cursor": nxt})


@router.get("/people/{person_id}", response_model=PersonOut)
async def get_person(person_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    p = await svc.get_person(person_id)
    return JSON(person_view(p, actor), headers={"ETag": etag(p["version"])})


@router.patch(
    "/people/{person_id}",
    response_model=PersonOut,
    summary="Edit a person (staff, or the person's carrier); requires If-Match with the ETag you read",
)
async def update_person(
    person_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    changes: Annotated[dict[str, Any], Body(description="Any field of PersonCreate")],
    if_match: IfMatch = None,
) -> Response:
    version = require_if_match(if_match, "person")
    unknown = set(changes) - PERSON_EDITABLE
    if unknown:
        raise Problem(
            422,
            "validation-error",
            f"not editable: {', '.join(sorted(unknown))}",
            errors=[{"field": k, "message": "not editable"} for k in sorted(unknown)],
        )
    p = await svc.update_person(person_id, changes, if_match=version, actor=actor)
    return JSON(person_view(p, actor), headers={"ETag": etag(p["version"])})


# -- joint training ----------------------------------------------------------------------------


@router.post(
    "/trainees",
    status_code=201,
    response_model=TraineeOut,
    summary="Enrol a graduate student or postdoc in joint training (staff, or the host carrier)",
)
async def enrol_trainee(
    request: Request,
    data: TraineeCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: UnitOfWork) -> dict[str, Any]:
        return trainee_view(await svc.enrol_trainee(uow, data), actor)

    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="trainees",
        authorize=lambda: authorize_enrolment(actor, data),
        key=idempotency_key,
        body=await request.body(),
        create=create,
    )
    return created_response(status, body, f"/api/v1/trainees/{body['id']}", replayed)


@router.get("/trainees", response_model=TraineePage, summary="List joint-training enrolments, newest first")
async def list_trainees(
    svc: ServiceDep,
    actor: CurrentActor,
    status: TraineeStatus | None = None,
    carrier_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    supervisor_id: uuid.UUID | None = None,
    university: str | None = None,
    programme: Literal["graduate_student", "postdoc"] | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    filters = TraineeFilters(
        status=status.value if status else None,
        carrier_id=carrier_id,
        person_id=person_id,
        supervisor_id=supervisor_id,
        university=university,
        programme=programme,
    )
    rows, nxt = await svc.list_trainees(filters, cursor=cursor, limit=limit)
    return JSON({"items": [trainee_view(t, actor) for t in rows], "next_cursor": nxt})


@router.get("/trainees/{trainee_id}", response_model=TraineeOut)
async def get_trainee(trainee_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    t = await svc.get_trainee(trainee_id)
    return JSON(trainee_view(t, actor), headers={"ETag": etag(t.version)})


def _trainee_route(action: TraineeAction, summary: str) -> None:
    path = f"/trainees/{{trainee_id}}/{action.value.replace('_', '-')}"

    async def endpoint(
        trainee_id: uuid.UUID,
        svc: ServiceDep,
        actor: CurrentActor,
        body: ReasonBody | None = None,
        if_match: IfMatch = None,
    ) -> Response:
        t = await svc.transition_trainee(
            trainee_id,
            action,
            actor=actor,
            if_match=parse_if_match(if_match),
            reason=body.reason if body else None,
        )
        return JSON(trainee_view(t, actor), headers={"ETag": etag(t.version)})

    endpoint.__name__ = f"{action.value}_trainee"
    router.add_api_route(path, endpoint, methods=["POST"], response_model=TraineeOut, summary=summary)


_trainee_route(TraineeAction.START_PLACEMENT, "An enrolled trainee starts the placement at the carrier")
_trainee_route(TraineeAction.GRADUATE, "A trainee on placement graduates")
_trainee_route(TraineeAction.WITHDRAW, "A trainee withdraws (a reason is required)")


# -- assignments -------------------------------------------------------------------------------


@router.post(
    "/assignments",
    status_code=201,
    response_model=AssignmentOut,
    summary="Assign a project manager, a researcher or a carrier; 409 over capacity, naming the current load",
)
async def make_assignment(
    request: Request,
    data: AssignmentCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: UnitOfWork) -> dict[str, Any]:
        return await svc.make_assignment(uow, data, actor)

    status, body, replayed = await _create(
        svc,
        request,
        actor=actor,
        operation="assignments",
        authorize=lambda: authorize_assignment(actor),
        key=idempotency_key,
        create=create,
        conflict="already assigned to this target",
        slug="already-assigned",
    )
    return created_response(status, body, f"/api/v1/assignments/{body['id']}", replayed)


async def list_assignments(
    svc: ServiceDep,
    actor: CurrentActor,
    person_id: uuid.UUID | None = None,
    carrier_id: uuid.UUID | None = None,
    target_type: TargetType | None = None,
    target_id: uuid.UUID | None = None,
    status: Literal["active", "released"] | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    # The gateway's composed demand page asks for ``?target_id=<demand>`` on every view.
    filters = AssignmentFilters(
        person_id=person_id,
        carrier_id=carrier_id,
        target_type=target_type.value if target_type else None,
        target_id=target_id,
        status=status,
    )
    rows, nxt = await svc.list_assignments(filters, actor, cursor=cursor, limit=limit)
    return JSON({"items": rows, "next_cursor": nxt})


router.add_api_route(
    "/assignments",
    list_assignments,
    methods=["GET"],
    response_model=AssignmentPage,
    summary="List assignments, newest first",
    description="Staff read every assignment; a carrier user its own carrier's (its researchers' and the "
    "carrier's); anyone else is refused (403).",
)


@router.get("/assignments/{assignment_id}", response_model=AssignmentOut)
async def get_assignment(assignment_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    a = await svc.get_assignment(assignment_id, actor)
    return JSON(a, headers={"ETag": etag(a["version"])})


@router.post("/assignments/{assignment_id}/release", response_model=AssignmentOut, summary="Release an assignment")
async def release_assignment(
    assignment_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    body: ReasonBody | None = None,
    if_match: IfMatch = None,
) -> Response:
    a = await svc.release_assignment(
        assignment_id, actor=actor, reason=body.reason if body else None, if_match=parse_if_match(if_match)
    )
    return JSON(a, headers={"ETag": etag(a["version"])})


# -- bulk onboarding ---------------------------------------------------------------------------

_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "One row per carrier or person; a `type` column (carrier or person) unless `?type=` is given",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/talent/imports",
    response_model=ImportReport,
    summary="Bulk onboarding of carriers and people from CSV or JSON Lines (staff); idempotent by natural key",
    openapi_extra=_IMPORT_BODY,
)
async def import_talent(
    request: Request,
    svc: ServiceDep,
    actor: CurrentActor,
    type: Annotated[
        Literal["carriers", "people"] | None, Query(description="The type of rows without a type column")
    ] = None,
) -> Response:
    actor.require(*STAFF_ROLES)
    fmt = format_for(request.headers.get("content-type"))
    if fmt is None:
        raise Problem(
            415,
            "unsupported-media-type",
            "send the file as text/csv or application/x-ndjson",
            supported=["text/csv", "application/x-ndjson"],
        )
    body = await request.body()  # at most ITP_MAX_BULK_BODY_BYTES (shared/limits.py)
    try:
        report = await TalentImporter(svc.uow).run(body, fmt, record_type=type)
    except UnreadableFile as exc:
        raise Problem(422, "unreadable-file", str(exc)) from exc
    except IntegrityError as exc:
        raise Conflict("a concurrent change collided with this import; run it again", slug="import-conflict") from exc
    return JSON(report.model_dump(mode="json"))
