"""HTTP routes of the talent service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from services.talent.domain import CarrierKind
from services.talent.schemas import CarrierCreate, CarrierOut, CarrierPage
from services.talent.service import TalentService
from services.talent.tables import idempotency_keys
from shared.idempotency import idempotent_create
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, etag, parse_if_match
from shared.problems import Problem
from shared.responses import JSON
from shared.runtime import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["talent"])


def get_service(runtime: RuntimeDep) -> TalentService:
    svc: TalentService | None = runtime.state.get("service")
    if svc is None:
        svc = runtime.state["service"] = TalentService(runtime.uow)
    return svc


ServiceDep = Annotated[TalentService, Depends(get_service)]


@router.post("/carriers", status_code=201, response_model=CarrierOut, summary="Register an R&D carrier")
async def register_carrier(
    request: Request,
    data: CarrierCreate,
    svc: ServiceDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        scope="carriers",
        key=idempotency_key,
        body=await request.body(),
        create=lambda uow: svc.register_carrier(uow, data),
    )
    headers = {"Location": f"/api/v1/carriers/{body['id']}", "ETag": etag(int(body["version"]))}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSON(body, status_code=status, headers=headers)


@router.get("/carriers", response_model=CarrierPage, summary="List carriers, newest first")
async def list_carriers(
    svc: ServiceDep,
    field: str | None = None,
    kind: CarrierKind | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    rows, nxt = await svc.list_carriers(field=field, kind=kind.value if kind else None, q=q, cursor=cursor, limit=limit)
    return JSON({"items": rows, "next_cursor": nxt})


@router.get("/carriers/{carrier_id}", response_model=CarrierOut)
async def get_carrier(carrier_id: uuid.UUID, svc: ServiceDep) -> Response:
    c = await svc.get_carrier(carrier_id)
    return JSON(c, headers={"ETag": etag(c["version"])})


@router.put(
    "/carriers/{carrier_id}",
    response_model=CarrierOut,
    summary="Replace a carrier's profile; requires If-Match with its ETag",
)
async def update_carrier(
    carrier_id: uuid.UUID,
    data: CarrierCreate,
    svc: ServiceDep,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response:
    version = parse_if_match(if_match)
    if version is None:
        raise Problem(428, "precondition-required", "send If-Match with the ETag of the carrier you edited")
    c = await svc.update_carrier(carrier_id, data, if_match=version)
    return JSON(c, headers={"ETag": etag(c["version"])})
