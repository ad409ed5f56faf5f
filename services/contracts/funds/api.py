"""HTTP routes of the funds and the portfolio: thin, typed, validation at the edge.

Operators and admins establish funds and record investments; staff read them and the
portfolio; dashboard viewers read the portfolio's totals only (403 otherwise)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from services.contracts.funds.schemas import (
    FundCreate,
    FundOut,
    FundPage,
    InvestmentCreate,
    InvestmentOut,
    InvestmentPage,
    PortfolioOut,
    PortfolioTotals,
)
from services.contracts.funds.service import FUND_WRITERS, FundService
from services.contracts.service import ContractService
from services.contracts.tables import idempotency_keys
from shared.auth import CurrentActor
from shared.idempotency import created_response, idempotent_create
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.responses import JSON
from shared.routing import FastRoute
from shared.runtime import get_service

router = APIRouter(prefix="/api/v1", tags=["funds"], route_class=FastRoute)


async def get_funds(request: Request) -> FundService:
    contracts: ContractService = await get_service(request)
    return contracts.funds


FundsDep = Annotated[FundService, Depends(get_funds)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", description="Makes a retried create safe")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


@router.post("/funds", status_code=201, response_model=FundOut, summary="Establish a fund the institute backs")
async def establish_fund(
    request: Request, data: FundCreate, svc: FundsDep, actor: CurrentActor, idempotency_key: IdempotencyKey = None
) -> Response:
    async def create(uow: Any) -> dict[str, Any]:
        return await svc.establish(uow, actor, data)

    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="funds",
        authorize=lambda: actor.require(*FUND_WRITERS),
        key=idempotency_key,
        body=await request.body(),
        create=create,
    )
    return created_response(status, body, f"/api/v1/funds/{body['id']}", replayed)


@router.get("/funds", response_model=FundPage, summary="The funds the institute backs, newest first (staff)")
async def list_funds(
    svc: FundsDep, actor: CurrentActor, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> JSON:
    return JSON(await svc.funds(actor, cursor=cursor, limit=limit))


@router.get("/funds/{fund_id}", response_model=FundOut, summary="One fund (staff)")
async def get_fund(fund_id: uuid.UUID, svc: FundsDep, actor: CurrentActor) -> JSON:
    return JSON(await svc.fund(actor, fund_id))


@router.post(
    "/funds/{fund_id}/investments",
    status_code=201,
    response_model=InvestmentOut,
    summary="Record a fund's investment in a company (never beyond its committed capital)",
)
async def record_investment(
    request: Request,
    fund_id: uuid.UUID,
    data: InvestmentCreate,
    svc: FundsDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: Any) -> dict[str, Any]:
        return await svc.invest(uow, actor, fund_id, data)

    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation=f"fund-investments:{fund_id}",
        authorize=lambda: actor.require(*FUND_WRITERS),
        key=idempotency_key,
        body=await request.body(),
        create=create,
    )
    return created_response(status, body, f"/api/v1/funds/{fund_id}/investments/{body['id']}", replayed)


@router.get(
    "/funds/{fund_id}/investments", response_model=InvestmentPage, summary="A fund's investments, newest first (staff)"
)
async def list_investments(
    fund_id: uuid.UUID, svc: FundsDep, actor: CurrentActor, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> JSON:
    return JSON(await svc.investments(actor, fund_id, cursor=cursor, limit=limit))


@router.get(
    "/funds/{fund_id}/investments/{investment_id}", response_model=InvestmentOut, summary="One investment (staff)"
)
async def get_investment(fund_id: uuid.UUID, investment_id: uuid.UUID, svc: FundsDep, actor: CurrentActor) -> JSON:
    return JSON(await svc.investment(actor, fund_id, investment_id))


@router.get(
    "/portfolio",
    response_model=PortfolioOut,
    summary="The institute's holdings: fund investments and the equity its converted grants became (staff)",
)
async def portfolio(
    svc: FundsDep,
    actor: CurrentActor,
    kind: Literal["fund_investment", "converted_grant"] | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> JSON:
    return JSON(await svc.portfolio(actor, kind=kind, cursor=cursor, limit=limit))


@router.get(
    "/portfolio/totals",
    response_model=PortfolioTotals,
    summary="Funds, capital committed and leveraged, investments and converted grants (staff, dashboard viewers)",
)
async def portfolio_totals(svc: FundsDep, actor: CurrentActor) -> JSON:
    return JSON(await svc.totals(actor))
