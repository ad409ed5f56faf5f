"""HTTP routes of the dashboard: the KPIs, the latest events, the live stream and the page."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from services.dashboard.domain import READERS, UnknownEventTypes, audience_for, parse_type_filter
from services.dashboard.handlers import stream_types
from services.dashboard.live import Broadcaster
from services.dashboard.schemas import (
    DashboardRecentEventsOut,
    DashboardStreamStatsOut,
    KpiBreakdownPage,
    KpiFundYears,
    KpisOut,
)
from services.dashboard.service import KpiService
from services.dashboard.settings import KpiSettings
from shared.auth import Actor, CurrentActor, Role, current_actor, verifier_for
from shared.calendar import DateRange
from shared.export import CSV_RESPONSE, csv_response, wants_csv
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor
from shared.problems import Problem
from shared.responses import JSON, dumps
from shared.routing import FastRoute
from shared.runtime import RuntimeDep
from shared.validation import IsoDate

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], route_class=FastRoute)
page_router = APIRouter(tags=["dashboard"], route_class=FastRoute)

STATIC = Path(__file__).parent / "static"


async def get_kpis(runtime: RuntimeDep) -> KpiService:
    svc: KpiService | None = runtime.state.get("kpis")
    if svc is None:
        svc = runtime.state["kpis"] = KpiService(runtime.uow, k=KpiSettings().kpi_k)
    return svc


async def get_broadcaster(runtime: RuntimeDep) -> Broadcaster:
    broadcaster: Broadcaster = runtime.state["broadcaster"]
    return broadcaster


KpiDep = Annotated[KpiService, Depends(get_kpis)]
BroadcasterDep = Annotated[Broadcaster, Depends(get_broadcaster)]


class Window(BaseModel):
    """The period a figure covers; unknown query parameters are refused (422), not ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: IsoDate | None = Field(
        default=None,
        alias="from",
        description="First day counted (inclusive), a day of the institute's time zone (`ITP_INSTITUTE_TIMEZONE`)",
    )
    to: IsoDate | None = Field(default=None, description="Last day counted (inclusive), as `from`")

    def period(self) -> DateRange:
        if self.from_ and self.to and self.from_ > self.to:
            raise Problem(
                422,
                "validation-error",
                "`from` is after `to`",
                errors=[{"field": "from", "message": "must be on or before `to`"}],
            )
        return DateRange(self.from_, self.to)


class KpiQuery(Window):
    limit: int = Field(default=24, ge=1, le=MAX_LIMIT, description="Rows per breakdown (months: the newest)")


class BreakdownQuery(Window):
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    format: Literal["json", "csv"] | None = Field(
        default=None, description="`csv`: the whole breakdown as CSV (UTF-8 with BOM), as `Accept: text/csv` does"
    )


class FundsQuery(Window):
    format: Literal["json", "csv"] | None = Field(default=None, description="`csv`: as `Accept: text/csv`")


class RecentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    format: Literal["json", "csv"] | None = Field(default=None, description="`csv`: as `Accept: text/csv`")


@router.get(
    "/kpis",
    response_model=KpisOut,
    summary="The funnel, intended against contracted and paid money, and their breakdowns",
    description="Per joint innovation center, carrier, project manager, technical field and month (the "
    "institute's time zone). `from`/`to` count only what happened on those days (each figure by the time of "
    "its own event: a demand submitted, a contract signed, a payment recorded). For dashboard viewers, an "
    "intended investment that adds up fewer than k (`ITP_DASHBOARD_KPI_K`, default 3) confidential budgets "
    "is null and named in its row's `suppressed` (with enough other rows that the total cannot give it "
    "away). Breakdowns are capped at `limit` rows: page through one with `/breakdowns/{dimension}`. "
    "Answers 304 to a matching If-None-Match.",
)
async def kpis(
    svc: KpiDep,
    actor: CurrentActor,
    q: Annotated[KpiQuery, Query()],
    if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
) -> Response:
    actor.require(*READERS)
    body = dumps(await svc.kpis(q.limit, audience_for(actor.roles), q.period()))
    tag = f'"k-{hashlib.sha256(body).hexdigest()[:24]}"'
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if if_none_match and tag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


BREAKDOWN_COLUMNS = (
    "key",
    "label",
    "submitted",
    "published",
    "matched",
    "contracted",
    "completed",
    "intended",
    "contracts",
    "contracted_value",
    "paid",
    "suppressed",
)


@router.get(
    "/breakdowns/{dimension}",
    response_model=KpiBreakdownPage,
    responses=CSV_RESPONSE,
    summary="One KPI breakdown, paged (busiest first; months oldest first)",
    description="The rows of `/kpis`' breakdown of the same name, with the same `from`/`to` and the same "
    "suppression, paged with `cursor` and `limit`; `format=csv` (or `Accept: text/csv`) exports every row.",
)
async def breakdown(
    request: Request,
    svc: KpiDep,
    actor: CurrentActor,
    dimension: Literal["center", "carrier", "project_manager", "field", "province", "month"],
    q: Annotated[BreakdownQuery, Query()],
) -> Response:
    actor.require(*READERS)
    rows = await svc.breakdown(dimension, audience_for(actor.roles), q.period())
    if wants_csv(request, q.format):
        return csv_response(f"breakdown-{dimension}", BREAKDOWN_COLUMNS, rows)
    start = _offset(q.cursor, dimension) if q.cursor else 0
    end = start + q.limit
    nxt = encode_cursor(["breakdown", dimension, end]) if end < len(rows) else None
    return JSON({"items": rows[start:end], "next_cursor": nxt, "total": len(rows)})


def _offset(cursor: str, dimension: str) -> int:
    values = decode_cursor(cursor)
    if len(values) != 3 or values[:2] != ["breakdown", dimension] or not isinstance(values[2], int):
        raise Problem(400, "bad-cursor", "the cursor is not one this list gave out")
    return max(values[2], 0)


FUND_COLUMNS = (
    "year",
    "funds",
    "committed_capital",
    "institute_commitment",
    "social_capital",
    "investments",
    "invested",
)


@router.get(
    "/funds",
    response_model=KpiFundYears,
    responses=CSV_RESPONSE,
    summary="The funds the institute backs, per year: established, capital, social capital leveraged, invested",
    description="Each figure in the year (the institute's calendar) of its own event: a fund established, an "
    "investment made; `from`/`to` as in `/kpis`. The sum of the rows is `/kpis`' `funds`. `format=csv` (or "
    "`Accept: text/csv`) answers the same rows as CSV.",
)
async def fund_years(request: Request, svc: KpiDep, actor: CurrentActor, q: Annotated[FundsQuery, Query()]) -> Response:
    actor.require(*READERS)
    rows = await svc.fund_years(q.period())
    if wants_csv(request, q.format):
        return csv_response("funds", FUND_COLUMNS, rows)
    return JSON({"items": rows})


@router.get(
    "/recent-events",
    response_model=DashboardRecentEventsOut,
    responses=CSV_RESPONSE,
    summary="The latest events, newest first (no data)",
    description="Dashboard viewers get none about a demand that is not published (shared.visibility). "
    "`format=csv` (or `Accept: text/csv`) answers the same rows as CSV.",
)
async def recent_events(
    request: Request, svc: KpiDep, actor: CurrentActor, q: Annotated[RecentQuery, Query()]
) -> Response:
    actor.require(*READERS)
    items = await svc.recent_events(q.limit, audience_for(actor.roles))
    if wants_csv(request, q.format):
        return csv_response("recent-events", ("id", "type", "subject", "label", "time"), items)
    return JSON({"items": items})


def stream_actor(
    request: Request,
    access_token: Annotated[
        str | None,
        Query(description="The bearer token, for EventSource clients that cannot send headers (this route only)"),
    ] = None,
) -> Actor:
    if request.headers.get("authorization") or not access_token:
        return current_actor(request)
    actor = verifier_for(request.app.state.settings).verify(access_token)
    request.state.actor = actor
    return actor


@router.get(
    "/events",
    summary="The live stream of events (Server-Sent Events), optionally filtered by type",
    description="Each event: `id` the CloudEvent id, `event` its type, `data` one line of JSON "
    "`{type, subject, time, data}`. A comment line every 15 s keeps the stream alive. Dashboard viewers get "
    "no event about a demand before its publication (shared.visibility); confidential demands reach them as "
    "teasers (nothing derived from their hidden text either), contracts without "
    "their terms or reasons; personal data of people reaches operators only.",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(
    broadcaster: BroadcasterDep,
    actor: Annotated[Actor, Depends(stream_actor)],
    types: Annotated[
        str | None, Query(description="Comma-separated event types, e.g. DemandSubmitted,ContractSigned")
    ] = None,
) -> StreamingResponse:
    actor.require(*READERS)
    try:
        wanted = parse_type_filter(types, stream_types())
    except UnknownEventTypes as exc:
        raise Problem(422, "unknown-event-types", str(exc), unknown=exc.unknown, known_types=exc.known) from exc
    if broadcaster.full:
        raise Problem(503, "too-many-subscribers", "the live stream is at capacity; retry later", retry_after=5)
    return StreamingResponse(
        broadcaster.stream(wanted, audience_for(actor.roles)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/stream-stats", response_model=DashboardStreamStatsOut, summary="Live stream counters (operators)")
async def stream_stats(broadcaster: BroadcasterDep, actor: CurrentActor) -> JSON:
    actor.require(Role.OPERATOR, Role.ADMIN)
    s = broadcaster.stats
    return JSON(
        {"subscribers": s.subscribers, "published": s.published, "delivered": s.delivered, "dropped": s.dropped}
    )


# -- the page ------------------------------------------------------------------------------

_PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    # The page takes a token in its URL: never send that URL elsewhere.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}


@lru_cache(maxsize=4)
def _static(name: str) -> bytes:
    return (STATIC / name).read_bytes()


@page_router.get("/dashboard", include_in_schema=False)
async def page() -> Response:
    """The live dashboard (no token needed for the page itself; it asks for one)."""
    return Response(_static("dashboard.html"), media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


@page_router.get("/dashboard/dashboard.js", include_in_schema=False)
async def page_script() -> Response:
    return Response(_static("dashboard.js"), media_type="text/javascript; charset=utf-8", headers=_PAGE_HEADERS)
