"""HTTP routes of the contracts service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.contracts.tables import contracts
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor
from shared.problems import NotFound
from shared.responses import JSON
from shared.runtime import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["contracts"])


@router.get("/contracts", summary="List contracts, newest first")
async def list_contracts(
    runtime: RuntimeDep,
    demand_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    stmt = sa.select(contracts).order_by(contracts.c.created_at.desc(), contracts.c.id.desc())
    if demand_id:
        stmt = stmt.where(contracts.c.demand_id == demand_id)
    if cursor:
        at, ident = decode_cursor(cursor)
        stmt = stmt.where(
            sa.tuple_(contracts.c.created_at, contracts.c.id) < sa.tuple_(datetime.fromisoformat(at), uuid.UUID(ident))
        )
    async with runtime.engine.connect() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(stmt.limit(limit + 1))]
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode_cursor([rows[-1]["created_at"].isoformat(), str(rows[-1]["id"])])
    return JSON({"items": rows, "next_cursor": nxt})


@router.get("/contracts/{contract_id}")
async def get_contract(contract_id: uuid.UUID, runtime: RuntimeDep) -> Response:
    async with runtime.engine.connect() as conn:
        row = (await conn.execute(sa.select(contracts).where(contracts.c.id == contract_id))).first()
    if row is None:
        raise NotFound("contract", contract_id)
    return JSON(dict(row._mapping))
