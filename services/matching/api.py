"""HTTP routes of the matching service."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from services.matching.handlers import service_of
from shared.problems import NotFound
from shared.responses import JSON
from shared.runtime import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["matching"])


@router.get(
    "/demands/{demand_id}/suggestions", summary="The latest ranked carriers for a demand, each with its score breakdown"
)
async def get_suggestions(demand_id: uuid.UUID, runtime: RuntimeDep) -> Response:
    result = await service_of(runtime).suggestions_for(demand_id)
    if result is None:
        raise NotFound("demand (in matching's read model)", demand_id)
    return JSON(result)


@router.post("/demands/{demand_id}/suggestions", status_code=201, summary="Rank carriers for a demand again, now")
async def request_suggestions(demand_id: uuid.UUID, runtime: RuntimeDep) -> Response:
    svc = service_of(runtime)
    async with runtime.uow() as uow:
        if await svc.suggest(uow, demand_id) == [] and (await svc.suggestions_for(demand_id)) is None:
            raise NotFound("demand (in matching's read model)", demand_id)
    return JSON(await svc.suggestions_for(demand_id), status_code=201)
