"""HTTP routes of the contracts service: thin, typed, validation at the edge.

Who may do what (403 otherwise; another party's contract is a 404):
- staff (project_manager, operator, admin): everything, on every contract;
- enterprise_user: read its enterprise's contracts, sign for the enterprise, accept or reject milestones;
- carrier_user: read its carrier's contracts, sign for the carrier, deliver milestones;
- dashboard_viewer: the totals only.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from services.contracts.domain import Contract
from services.contracts.repository import ContractFilters
from services.contracts.schemas import (
    ContractCreate,
    ContractOut,
    ContractPage,
    ContractRecord,
    ContractRecordPage,
    ConversionCreate,
    DeliverBody,
    PaymentCreate,
    RejectBody,
    SignBody,
    TerminateBody,
    TermsIn,
    TotalsOut,
)
from services.contracts.service import ContractService, require_staff
from services.contracts.tables import idempotency_keys
from services.contracts.views import contract_page, contract_view, payment_view
from shared.auth import CurrentActor
from shared.calendar import DateRange
from shared.idempotency import IdempotencyKey, created_response, idempotent_create
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, etag, parse_if_match, require_if_match
from shared.responses import JSON
from shared.routing import FastRoute
from shared.runtime import get_service
from shared.validation import IsoDate

router = APIRouter(prefix="/api/v1", tags=["contracts"], route_class=FastRoute)


ServiceDep = Annotated[ContractService, Depends(get_service)]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag you read; 412 when stale")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Month = Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM (China time)")]


def _contract_response(c: Contract, status_code: int = 200) -> JSON:
    return JSON(contract_view(c), status_code=status_code, headers={"ETag": etag(c.version)})


# -- contracts ------------------------------------------------------------------------------------


@router.post(
    "/contracts",
    status_code=201,
    response_model=ContractOut,
    summary="Draft a contract for an accepted match (staff)",
)
async def create_contract(
    request: Request, data: ContractCreate, svc: ServiceDep, actor: CurrentActor, idempotency_key: IdempotencyKey = None
) -> Response:
    async def create(uow: Any) -> dict[str, Any]:
        return contract_view(await svc.create_contract(uow, actor, data))

    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="contracts",
        authorize=lambda: require_staff(actor),
        key=idempotency_key,
        body=await request.body(),
        create=create,
    )
    return created_response(status, body, f"/api/v1/contracts/{body['id']}", replayed)


@router.get("/contracts", response_model=ContractPage, summary="List contracts you may see, newest first")
async def list_contracts(
    svc: ServiceDep,
    actor: CurrentActor,
    enterprise_id: uuid.UUID | None = None,
    carrier_id: uuid.UUID | None = None,
    project_manager_id: uuid.UUID | None = None,
    center_id: uuid.UUID | None = None,
    demand_id: uuid.UUID | None = None,
    match_id: uuid.UUID | None = None,
    status: Annotated[list[str] | None, Query()] = None,
    contract_type: str | None = None,
    signed_from: Annotated[IsoDate | None, Query(description="Signed on or after this day (China time)")] = None,
    signed_to: Annotated[IsoDate | None, Query(description="Signed on or before this day (China time)")] = None,
    created_from: IsoDate | None = None,
    created_to: IsoDate | None = None,
    active_on: Annotated[IsoDate | None, Query(description="The contract period covers this day")] = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    signed = DateRange(signed_from, signed_to).bounds()
    created = DateRange(created_from, created_to).bounds()
    filters = ContractFilters(
        enterprise_id=enterprise_id,
        carrier_id=carrier_id,
        project_manager_id=project_manager_id,
        center_id=center_id,
        demand_id=demand_id,
        match_id=match_id,
        status=status,
        contract_type=contract_type,
        signed_from=signed[0],
        signed_before=signed[1],
        created_from=created[0],
        created_before=created[1],
        active_on=active_on,
    )
    views, nxt = await svc.list_contracts(actor, filters, cursor=cursor, limit=limit)
    return Response(contract_page(views, nxt), media_type="application/json")


@router.get(
    "/contracts/totals",
    response_model=TotalsOut,
    summary="Value signed, paid, outstanding and cancelled per carrier, center, project manager or month",
)
async def contract_totals(
    svc: ServiceDep,
    actor: CurrentActor,
    by: Literal["carrier", "center", "project_manager", "month"],
    month_from: Month = None,
    month_to: Month = None,
    cursor: str | None = None,
    limit: Limit = MAX_LIMIT,
) -> Response:
    return JSON(await svc.totals(actor, by, month_from=month_from, month_to=month_to, cursor=cursor, limit=limit))


@router.get("/contracts/{contract_id}", response_model=ContractOut)
async def get_contract(contract_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    body, version = await svc.get_view(actor, contract_id)
    return Response(body, media_type="application/json", headers={"ETag": etag(version)})


@router.patch(
    "/contracts/{contract_id}",
    response_model=ContractOut,
    summary="Change the terms under negotiation (the draft, or the pending amendment); requires If-Match",
)
async def edit_contract(
    contract_id: uuid.UUID, data: TermsIn, svc: ServiceDep, actor: CurrentActor, if_match: IfMatch = None
) -> Response:
    version = require_if_match(if_match, "contract")
    return _contract_response(await svc.edit(actor, contract_id, data.changes(), if_match=version))


@router.post("/contracts/{contract_id}/sign", response_model=ContractOut, summary="Sign for one party")
async def sign_contract(
    contract_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    body: SignBody | None = None,
    if_match: IfMatch = None,
) -> Response:
    body = body or SignBody()
    c = await svc.sign(
        actor, contract_id, party=body.party, signatory=body.signatory, if_match=parse_if_match(if_match)
    )
    return _contract_response(c)


@router.post(
    "/contracts/{contract_id}/amendment",
    response_model=ContractOut,
    summary="Propose an amendment of a contract in force: a new version both parties sign; requires If-Match",
)
async def propose_amendment(
    contract_id: uuid.UUID, data: TermsIn, svc: ServiceDep, actor: CurrentActor, if_match: IfMatch = None
) -> Response:
    version = require_if_match(if_match, "contract")
    return _contract_response(await svc.propose_amendment(actor, contract_id, data.changes(), if_match=version))


@router.post(
    "/contracts/{contract_id}/amendment/withdraw",
    response_model=ContractOut,
    summary="Give up the pending amendment; the version in force stays",
)
async def withdraw_amendment(
    contract_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor, if_match: IfMatch = None
) -> Response:
    return _contract_response(await svc.withdraw_amendment(actor, contract_id, if_match=parse_if_match(if_match)))


@router.get(
    "/contracts/{contract_id}/versions",
    response_model=ContractRecordPage,
    summary="Every version of the terms, oldest first",
)
async def contract_versions(
    contract_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    rows, nxt = await svc.versions(actor, contract_id, cursor=cursor, limit=limit)
    return JSON({"items": rows, "next_cursor": nxt})


@router.get(
    "/contracts/{contract_id}/history",
    response_model=ContractRecordPage,
    summary="Who did what to the contract, oldest first",
)
async def contract_history(
    contract_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    rows, nxt = await svc.history(actor, contract_id, cursor=cursor, limit=limit)
    return JSON({"items": rows, "next_cursor": nxt})


@router.post(
    "/contracts/{contract_id}/milestones/{milestone_id}/deliver",
    response_model=ContractOut,
    summary="Deliver a milestone (the carrier's side)",
)
async def deliver_milestone(
    contract_id: uuid.UUID,
    milestone_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    body: DeliverBody | None = None,
    if_match: IfMatch = None,
) -> Response:
    c = await svc.deliver(
        actor, contract_id, milestone_id, note=body.note if body else None, if_match=parse_if_match(if_match)
    )
    return _contract_response(c)


@router.post(
    "/contracts/{contract_id}/milestones/{milestone_id}/accept",
    response_model=ContractOut,
    summary="Accept a delivered milestone (the enterprise's side)",
)
async def accept_milestone(
    contract_id: uuid.UUID, milestone_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor, if_match: IfMatch = None
) -> Response:
    return _contract_response(await svc.accept(actor, contract_id, milestone_id, if_match=parse_if_match(if_match)))


@router.post(
    "/contracts/{contract_id}/milestones/{milestone_id}/reject",
    response_model=ContractOut,
    summary="Reject a delivered milestone with a reason (the enterprise's side); it can be delivered again",
)
async def reject_milestone(
    contract_id: uuid.UUID,
    milestone_id: uuid.UUID,
    body: RejectBody,
    svc: ServiceDep,
    actor: CurrentActor,
    if_match: IfMatch = None,
) -> Response:
    c = await svc.reject(actor, contract_id, milestone_id, reason=body.reason, if_match=parse_if_match(if_match))
    return _contract_response(c)


@router.post(
    "/contracts/{contract_id}/milestones/{milestone_id}/payments",
    response_model=ContractRecord,
    status_code=201,
    summary="Record a payment against an accepted milestone (staff); 409 if it would overpay",
)
async def record_payment(
    contract_id: uuid.UUID,
    milestone_id: uuid.UUID,
    request: Request,
    data: PaymentCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: Any) -> dict[str, Any]:
        c, p = await svc.record_payment(uow, actor, contract_id, milestone_id, data)
        return payment_view(p, c)

    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation=f"payments:{milestone_id}",
        authorize=lambda: require_staff(actor),
        key=idempotency_key,
        body=await request.body(),
        create=create,
    )
    location = f"/api/v1/contracts/{contract_id}/payments?milestone_id={milestone_id}"
    return created_response(status, body, location, replayed)


@router.get(
    "/contracts/{contract_id}/payments",
    response_model=ContractRecordPage,
    summary="Payments recorded on a contract, oldest first",
)
async def list_payments(
    contract_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    milestone_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    rows, nxt = await svc.payments(actor, contract_id, milestone_id=milestone_id, cursor=cursor, limit=limit)
    for r in rows:
        r.pop("paid_month", None)
    return JSON({"items": rows, "next_cursor": nxt})


@router.post(
    "/contracts/{contract_id}/grant-conversion",
    response_model=ContractOut,
    summary="Record the commercialisation event that converts the institute's grant into equity (staff)",
)
async def convert_grant(
    contract_id: uuid.UUID, body: ConversionCreate, svc: ServiceDep, actor: CurrentActor, if_match: IfMatch = None
) -> Response:
    return _contract_response(await svc.convert_grant(actor, contract_id, body, if_match=parse_if_match(if_match)))


@router.post(
    "/contracts/{contract_id}/terminate",
    response_model=ContractOut,
    summary="Terminate with a reason (staff); every milestone not paid is cancelled",
)
async def terminate_contract(
    contract_id: uuid.UUID, body: TerminateBody, svc: ServiceDep, actor: CurrentActor, if_match: IfMatch = None
) -> Response:
    c = await svc.terminate(actor, contract_id, reason=body.reason, if_match=parse_if_match(if_match))
    return _contract_response(c)
