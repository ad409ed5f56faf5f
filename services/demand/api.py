"""HTTP routes of the demand service: thin, typed, validation at the edge."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from services.demand.domain import EDITABLE_FIELDS, Demand, DemandAction, allowed_actions
from services.demand.repository import DemandFilters, Viewer
from services.demand.schemas import (
    AccessGrantList,
    AccessGrantOut,
    CenterCreate,
    CenterOut,
    CenterPage,
    DemandCreate,
    DemandOut,
    DemandPage,
    DemandTeaser,
    EnterpriseCreate,
    EnterpriseOut,
    EnterprisePage,
    TransitionBody,
)
from services.demand.service import DemandService
from services.demand.tables import idempotency_keys
from shared.auth import Actor, CurrentActor, Role
from shared.contact import can_see_contact, without_contact_data
from shared.export import CSV_RESPONSE, Format, csv_response, wants_csv
from shared.idempotency import IdempotencyKey, created_response, idempotent_create
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, etag, parse_if_match, require_if_match
from shared.problems import Problem
from shared.records import column
from shared.responses import JSON
from shared.routing import FastRoute
from shared.runtime import get_service
from shared.validation import IsoDateTime, Money

router = APIRouter(prefix="/api/v1", tags=["demand"], route_class=FastRoute)


ServiceDep = Annotated[DemandService, Depends(get_service)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]

STAFF_ROLES = (Role.PROJECT_MANAGER, Role.OPERATOR, Role.ADMIN)


def viewer_of(actor: Actor) -> Viewer:
    return Viewer(
        staff=actor.is_staff,
        enterprise_id=actor.enterprise_id if actor.has(Role.ENTERPRISE_USER) else None,
        carrier_id=actor.carrier_id if actor.has(Role.CARRIER_USER) else None,
        dashboard_viewer=actor.has(Role.DASHBOARD_VIEWER),
    )


def require_enterprise(actor: Actor, enterprise_id: uuid.UUID) -> None:
    """Staff act for any enterprise; an enterprise user only for its own."""
    if not actor.acts_for_enterprise(enterprise_id):
        raise Problem(403, "forbidden", "you may act only for your own enterprise")


def require_reader_of_enterprise(actor: Actor, enterprise_id: uuid.UUID) -> None:
    if not (actor.acts_for_enterprise(enterprise_id) or actor.has(Role.DASHBOARD_VIEWER)):
        raise Problem(403, "forbidden", "you may read only your own enterprise")


def visible(d: Demand, full: bool, actor: Actor) -> dict[str, Any]:
    return for_caller(actor, demand_view(d)) if full else d.teaser()


def for_caller(actor: Actor, view: dict[str, Any]) -> dict[str, Any]:
    """An enterprise or a demand as ``actor`` may see its contacts: e-mails and phones only for
    operators, admins and the enterprise's own users (``shared.contact``)."""
    enterprise_id = uuid.UUID(str(view["enterprise_id"] if "enterprise_id" in view else view["id"]))
    if can_see_contact(actor, enterprise_id=enterprise_id):
        return view
    if "contact" in view:
        view = {**view, "contact": without_contact_data(view["contact"])}
    if "contacts" in view:
        view = {**view, "contacts": [without_contact_data(c) for c in view["contacts"]]}
    return view


def demand_view(d: Demand) -> dict[str, Any]:
    """The demand as ``DemandOut`` documents it: its fields, in its order, from the aggregate's."""
    return {name: allowed_actions(d.status) if name == "allowed_actions" else column(getattr(d, name)) for name in _OUT}


_OUT = tuple(DemandOut.model_fields)


# -- enterprises -------------------------------------------------------------------------


@router.post(
    "/enterprises",
    status_code=201,
    response_model=EnterpriseOut,
    summary="Register an enterprise (409 if its credit code is already registered)",
)
async def register_enterprise(
    request: Request,
    data: EnterpriseCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="enterprises",
        authorize=lambda: actor.require(*STAFF_ROLES),
        key=idempotency_key,
        body=await request.body(),
        create=lambda uow: svc.register_enterprise(uow, data),
    )
    return created_response(status, for_caller(actor, body), f"/api/v1/enterprises/{body['id']}", replayed)


@router.get("/enterprises", response_model=EnterprisePage, summary="List enterprises, newest first")
async def list_enterprises(
    svc: ServiceDep, actor: CurrentActor, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> Response:
    if actor.has(Role.ENTERPRISE_USER) and not actor.is_staff and actor.enterprise_id:
        return JSON({"items": [await svc.get_enterprise(actor.enterprise_id)], "next_cursor": None})
    actor.require(*STAFF_ROLES, Role.DASHBOARD_VIEWER)
    rows, nxt = await svc.list_enterprises(cursor, limit)
    return JSON({"items": [for_caller(actor, e) for e in rows], "next_cursor": nxt})


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseOut)
async def get_enterprise(enterprise_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    require_reader_of_enterprise(actor, enterprise_id)
    ent = await svc.get_enterprise(enterprise_id)
    return JSON(for_caller(actor, ent), headers={"ETag": etag(ent["version"])})


@router.post(
    "/enterprises/{enterprise_id}/centers",
    status_code=201,
    response_model=CenterOut,
    summary="Establish a joint innovation center of the enterprise and the institute",
)
async def establish_center(
    enterprise_id: uuid.UUID,
    request: Request,
    data: CenterCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation=f"centers:{enterprise_id}",
        authorize=lambda: actor.require(*STAFF_ROLES),
        key=idempotency_key,
        body=await request.body(),
        create=lambda uow: svc.establish_center(uow, enterprise_id, data),
    )
    return created_response(status, body, f"/api/v1/enterprises/{enterprise_id}/centers", replayed)


@router.get("/enterprises/{enterprise_id}/centers", response_model=list[CenterOut])
async def list_centers(enterprise_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    require_reader_of_enterprise(actor, enterprise_id)
    return JSON(await svc.centers_of(enterprise_id))


CENTER_COLUMNS = ("id", "enterprise_id", "name", "established_on", "committed_funding", "status", "created_at")


@router.get(
    "/centers",
    response_model=CenterPage,
    responses=CSV_RESPONSE,
    summary="Every enterprise's joint innovation centers, newest first (staff and dashboard viewers)",
    description="Paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports them all.",
)
async def list_all_centers(
    request: Request,
    svc: ServiceDep,
    actor: CurrentActor,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
    format: Format = None,
) -> Response:
    actor.require(*STAFF_ROLES, Role.DASHBOARD_VIEWER)
    if wants_csv(request, format):
        rows, _ = await svc.list_centers(cursor, None)
        return csv_response("centers", CENTER_COLUMNS, rows)
    rows, nxt = await svc.list_centers(cursor, limit)
    return JSON({"items": rows, "next_cursor": nxt})


# -- demands ----------------------------------------------------------------------------


@router.post(
    "/demands",
    status_code=201,
    response_model=DemandOut,
    summary="Create a technology demand (submitted at once unless submit=false)",
)
async def create_demand(
    request: Request, data: DemandCreate, svc: ServiceDep, actor: CurrentActor, idempotency_key: IdempotencyKey = None
) -> Response:
    async def create(uow: Any) -> dict[str, Any]:
        return demand_view(await svc.create_demand(uow, data))

    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="demands",
        authorize=lambda: require_enterprise(actor, data.enterprise_id),
        key=idempotency_key,
        body=await request.body(),
        create=create,
    )
    return created_response(status, for_caller(actor, body), f"/api/v1/demands/{body['id']}", replayed)


@router.get("/demands", response_model=DemandPage, summary="List demands with filters, a text query and a cursor")
async def list_demands(
    svc: ServiceDep,
    actor: CurrentActor,
    status: Annotated[list[str] | None, Query()] = None,
    field: str | None = None,
    province: str | None = None,
    city: str | None = None,
    enterprise_id: uuid.UUID | None = None,
    center_id: uuid.UUID | None = None,
    budget_min: Money | None = None,
    budget_max: Money | None = None,
    deadline_from: IsoDateTime | None = None,
    deadline_to: IsoDateTime | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Chinese or English text")] = None,
    sort: Literal["-created_at", "created_at", "deadline", "-budget"] = "-created_at",
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    filters = DemandFilters(
        status=status,
        field=field,
        province=province,
        city=city,
        enterprise_id=enterprise_id,
        center_id=center_id,
        budget_min=budget_min,
        budget_max=budget_max,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        q=q,
    )
    rows, nxt = await svc.list_demands(filters, viewer=viewer_of(actor), sort=sort, cursor=cursor, limit=limit)
    return JSON({"items": [visible(d, full, actor) for d, full in rows], "next_cursor": nxt})


@router.get(
    "/demands/{demand_id}",
    response_model=DemandOut | DemandTeaser,
    summary="A demand: in full, or only its teaser when it is confidential and you have no access",
)
async def get_demand(demand_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    d, full = await svc.get_demand(demand_id, viewer_of(actor))
    return JSON(visible(d, full, actor), headers={"ETag": etag(d.version)} if full else None)


@router.patch(
    "/demands/{demand_id}",
    response_model=DemandOut,
    summary="Edit an open demand; requires If-Match with the ETag you read",
)
async def update_demand(
    demand_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    changes: Annotated[dict[str, Any], Body(description="Any editable field of DemandCreate")],
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response:
    version = require_if_match(if_match, "demand")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise Problem(
            422,
            "validation-error",
            f"not editable: {', '.join(sorted(unknown))}",
            errors=[{"field": k, "message": "not editable"} for k in sorted(unknown)],
        )
    current, _ = await svc.get_demand(demand_id, viewer_of(actor))  # 404 if the caller cannot see it
    require_enterprise(actor, current.enterprise_id)
    merged = {**demand_view(current), **changes}
    merged["submit"] = False
    for k in ("id", "status", "status_reason", "allowed_actions", "version", "created_at", "updated_at"):
        merged.pop(k, None)
    try:
        validated = DemandCreate.model_validate(merged)
    except ValueError as exc:
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(getattr(exc, "errors", lambda: [])()) from exc
    values = validated.model_dump(include=set(changes))
    if "contact" in values:
        values["contact"] = validated.contact.model_dump(exclude_none=True)
    d = await svc.update_demand(demand_id, values, if_match=version)
    return JSON(for_caller(actor, demand_view(d)), headers={"ETag": etag(d.version)})


# Who may take each action: the demand's own enterprise, or staff only.
_ENTERPRISE_ACTIONS = {DemandAction.SUBMIT, DemandAction.WITHDRAW}


def _transition_route(action: DemandAction, summary: str) -> None:
    path = f"/demands/{{demand_id}}/{action.value.replace('_', '-')}"

    async def endpoint(
        demand_id: uuid.UUID,
        svc: ServiceDep,
        actor: CurrentActor,
        body: TransitionBody | None = None,
        if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    ) -> Response:
        current, _ = await svc.get_demand(demand_id, viewer_of(actor))  # 404 if the caller cannot see it
        if action in _ENTERPRISE_ACTIONS:
            require_enterprise(actor, current.enterprise_id)
        else:
            actor.require(*STAFF_ROLES)
        d = await svc.transition(
            demand_id, action, if_match=parse_if_match(if_match), reason=body.reason if body else None
        )
        return JSON(for_caller(actor, demand_view(d)), headers={"ETag": etag(d.version)})

    endpoint.__name__ = f"{action.value}_demand"
    router.add_api_route(path, endpoint, methods=["POST"], response_model=DemandOut, summary=summary)


_transition_route(DemandAction.SUBMIT, "Submit a draft demand (its enterprise)")
_transition_route(DemandAction.PUBLISH, "Publish a submitted demand (staff)")
_transition_route(DemandAction.REJECT, "Reject a demand with a reason (staff)")
_transition_route(DemandAction.WITHDRAW, "Withdraw a demand (its enterprise, or staff)")
_transition_route(DemandAction.START_NEGOTIATION, "Start negotiating a matched demand (staff)")


# -- access to confidential demands ---------------------------------------------------------


class GrantBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carrier_id: uuid.UUID


@router.post(
    "/demands/{demand_id}/access-grants",
    status_code=201,
    response_model=AccessGrantOut,
    responses={200: {"model": AccessGrantOut, "description": "The carrier already had access: nothing changed"}},
    summary="Let a carrier read a confidential demand in full (its enterprise, or staff)",
)
async def grant_access(demand_id: uuid.UUID, body: GrantBody, svc: ServiceDep, actor: CurrentActor) -> Response:
    current, _ = await svc.get_demand(demand_id, viewer_of(actor))
    require_enterprise(actor, current.enterprise_id)
    created = await svc.grant_access(demand_id, body.carrier_id, by=actor.subject)
    return JSON({"demand_id": demand_id, "carrier_id": body.carrier_id}, status_code=201 if created else 200)


@router.get(
    "/demands/{demand_id}/access-grants", response_model=AccessGrantList, summary="Carriers granted access to a demand"
)
async def list_grants(demand_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    current, _ = await svc.get_demand(demand_id, viewer_of(actor))
    require_enterprise(actor, current.enterprise_id)
    return JSON({"items": await svc.grants_of(demand_id)})


@router.delete("/demands/{demand_id}/access-grants/{carrier_id}", status_code=204)
async def revoke_access(demand_id: uuid.UUID, carrier_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    current, _ = await svc.get_demand(demand_id, viewer_of(actor))
    require_enterprise(actor, current.enterprise_id)
    await svc.revoke_access(demand_id, carrier_id, by=actor.subject)
    return Response(status_code=204)
