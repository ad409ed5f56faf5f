"""The gateway: one external API composed of the services (no business rules; its only database
holds the API keys it accepts, ADR 0005)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel

from services.gateway import compose, oauth
from services.gateway.access import GatewayAccess
from services.gateway.compose import router as compose_router
from services.gateway.credentials import ApiKeyStore
from services.gateway.downstream import Downstream, Reply, Unavailable
from services.gateway.edge import downstream_of, forward_headers, invalid_path, unavailable
from services.gateway.oauth import router as oauth_router
from services.gateway.routes import Methods, forwarded_path, service_for
from services.gateway.settings import GatewaySettings
from shared import limits, openapi, vocabulary
from shared.db import create_engine
from shared.http import RequestContextMiddleware
from shared.problems import install_problem_handlers, problem_response
from shared.responses import JSON
from shared.routing import FastRoute
from shared.runtime import database_url_for
from shared.telemetry import RequestTelemetry, metrics_router

log = logging.getLogger(__name__)

router = APIRouter(route_class=FastRoute)  # /api/v1: the gateway's own routes, then the proxy
site = APIRouter(route_class=FastRoute)  # outside /api/v1, after the proxy: fewer routes tried per call


class VocabularyField(BaseModel):
    code: str
    zh: str
    en: str
    parent: str | None = None


def _reply(r: Reply) -> Response:
    response = Response(r.body, status_code=r.status)
    response.raw_headers = [*r.raw_headers, *response.raw_headers]  # the service's, then Content-Length
    return response


@site.get("/healthz", tags=["health"], include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@site.get("/readyz", tags=["health"], include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Ready when the gateway can route: its own credential store answers. The services' health is
    reported (``services``) but does not decide: a route whose service is down answers 503 with
    ``Retry-After`` for that service only, and one service's rollout never takes the gateway out of
    the load balancer."""
    down = downstream_of(request)

    async def check(service: str) -> tuple[str, str]:
        try:
            r = await down.call(service, "GET", "/healthz", timeout_s=2.0)
            return service, "ok" if r.status == 200 else f"status {r.status}"
        except Unavailable as exc:
            return service, f"unreachable: {exc.reason}"

    services = dict(await asyncio.gather(*(check(s) for s in down.urls)))
    checks: dict[str, str] = {}
    keys: ApiKeyStore | None = request.app.state.access.keys
    if keys is not None:  # the API keys' store (ADR 0005)
        try:
            await asyncio.wait_for(keys.ping(), 2.0)
            checks["credentials"] = "ok"
        except Exception as exc:
            checks["credentials"] = f"unreachable: {type(exc).__name__}"
    if all(v == "ok" for v in checks.values()):
        return JSONResponse({"status": "ready", "checks": checks, "services": services})
    return problem_response(503, "not-ready", "the gateway cannot route", checks=checks, services=services)


@router.get(
    "/api/v1/vocabulary/fields",
    tags=["vocabulary"],
    summary="The controlled vocabulary of technical fields, with Chinese and English labels (public)",
    response_model=list[VocabularyField],
    openapi_extra={"security": []},
)
async def list_vocabulary_fields() -> Response:
    return JSON([{"code": f.code, "zh": f.zh, "en": f.en, "parent": f.parent} for f in vocabulary.FIELDS.values()])


@site.get("/dashboard", include_in_schema=False)
@site.get("/dashboard/{asset}", include_in_schema=False)
async def dashboard_page(request: Request, asset: str = "") -> Response:
    """The live dashboard page (public: it asks its viewer for a token)."""
    path = forwarded_path(request.scope)
    if path is None:
        return invalid_path(request.url.path)
    try:
        r = await downstream_of(request).call("dashboard", "GET", path, timeout_s=5.0)
    except Unavailable as exc:
        return unavailable(exc.service, exc.reason)
    return _reply(r)


SSE_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "id": {"type": "string", "description": "The CloudEvent's id (send it back as Last-Event-ID)"},
        "event": {"type": "string", "description": "The event's type, e.g. DemandSubmitted"},
        "data": {"type": "string", "description": "The CloudEvent, one line of JSON"},
        "retry": {"type": "integer", "description": "Milliseconds to wait before reconnecting"},
    },
}


@router.get(
    "/api/v1/dashboard/events",
    tags=["dashboard"],
    summary="Live domain events (Server-Sent Events), filterable with ?types=; dashboard_viewer and above",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "An endless stream of `event:`/`id:`/`data:` frames, one per domain event (CloudEvents)",
            # OpenAPI 3.1: the schema of a text/event-stream is that of each event, as parsed
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        }
    },
)
async def dashboard_events(request: Request) -> Response:
    # EventSource cannot send headers: this route (only) also takes ?access_token=.
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "access_token"]
    headers = await forward_headers(request, bearer=request.query_params.get("access_token"))
    headers["accept"] = "text/event-stream"
    try:
        status, reply_headers, body = await downstream_of(request).stream(
            "dashboard", "/api/v1/dashboard/events", query=urlencode(query), headers=headers
        )
    except Unavailable as exc:
        return unavailable(exc.service, exc.reason)
    if status != 200:
        content = b"".join([chunk async for chunk in body])
        return Response(content, status_code=status, headers=reply_headers)
    return StreamingResponse(
        body, status_code=200, headers={**reply_headers, "x-accel-buffering": "no"}, media_type="text/event-stream"
    )


_PROXIED = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def method_refused(request: Request) -> Response | None:
    """A 405 naming the path's methods (``Allow``) when the API has the path but not the method, or
    for OPTIONS a 204 with ``Allow``; None otherwise. Asked only off the forwarding path: for a
    method no service answers, and when the owner answered 404, 405 or 422."""
    table: Methods | None = getattr(request.app.state, "methods", None)
    if table is None:
        table = request.app.state.methods = Methods(request.app.openapi()["paths"])
    methods = table.of(request.url.path)
    if methods is None or request.method in methods:
        return None
    allow = ", ".join((*methods, "OPTIONS"))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    refused = problem_response(405, "method-not-allowed", f"{request.url.path} does not answer {request.method}")
    refused.headers["Allow"] = allow
    return refused


async def proxy(request: Request) -> Response:
    """Everything under /api/v1 that no route above answers goes to the service that owns it
    (``routes.service_for``), as received. A Starlette route: no parameters to solve, no schema."""
    if request.method not in _PROXIED:
        return method_refused(request) or not_found(request)
    target = forwarded_path(request.scope)
    if target is None:
        return invalid_path(request.url.path)
    path = request.path_params["path"]
    service = service_for(path)
    if service is None:
        return method_refused(request) or not_found(request)
    headers = await forward_headers(request)  # before the body: a refused caller's body is never read
    body = await request.body() if request.method in ("POST", "PUT", "PATCH") else None
    try:
        r = await downstream_of(request).call(
            service, request.method, target, query=request.scope["query_string"].decode(), headers=headers, body=body
        )
    except Unavailable as exc:
        return unavailable(exc.service, exc.reason)
    if r.status in (404, 405, 422):  # 422: the owner read a literal path (/contracts/totals) as an id
        return method_refused(request) or _reply(r)
    return _reply(r)


def not_found(request: Request) -> Response:
    return problem_response(404, "not-found", f"no resource at {request.url.path}", instance=request.url.path)


# Last in the table: every route above wins over it, for the methods it answers. Every method HTTP
# names (RFC 9110, QUERY) comes here: one the path has not is refused by method_refused.
router.add_route(
    "/api/v1/{path:path}",
    proxy,
    methods=[*_PROXIED, "HEAD", "OPTIONS", "TRACE", "CONNECT", "QUERY"],
    include_in_schema=False,
)


Contract = Callable[[FastAPI], dict[str, Any]]


def own_contract(app: FastAPI) -> dict[str, Any]:
    """The document of the gateway's own routes (the composition root adds the services': itp/openapi.py)."""
    return openapi.finish(openapi.raw_document(app, description=DESCRIPTION, schemas=SCHEMAS))


DESCRIPTION = "One external API for enterprise portals, carriers and operators."
# Schemas the gateway's routes name in their documentation (the composed views refer to the services').
SCHEMAS = {"TokenRequest": oauth.TokenRequest.model_json_schema(), **compose.SCHEMAS}


def create_gateway_app(settings: GatewaySettings | None = None, *, contract: Contract = own_contract) -> FastAPI:
    """The gateway; ``contract`` builds the document it serves at /openapi.json from code (once,
    at the first request: deterministic, never fetched from the services)."""
    settings = settings or GatewaySettings(service_name="gateway")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        down = Downstream(settings.service_urls(), timeout_s=settings.downstream_timeout_s)
        await down.start()
        app.state.downstream = down
        app.state.settings = settings
        engine = None
        if settings.api_keys_enabled:
            engine = create_engine(database_url_for("gateway", settings), pool_size=4)
        keys = ApiKeyStore(engine, cache_s=settings.api_key_cache_s) if engine is not None else None
        app.state.access = access = GatewayAccess(settings, keys=keys)
        try:
            if keys is not None:
                access.check_signing()
            yield
        finally:
            await down.stop()
            if engine is not None:
                await engine.dispose()

    app = FastAPI(
        title="ITP platform API",
        version=openapi.VERSION,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    install_problem_handlers(app)
    limits.install(app, settings)  # body size and failed authentications, before any route
    app.add_middleware(RequestTelemetry, service="gateway")
    app.add_middleware(RequestContextMiddleware)  # outermost: every answer carries the request id
    app.include_router(compose_router)
    app.include_router(oauth_router)
    app.include_router(router)
    app.include_router(site)
    app.include_router(metrics_router())  # this pod's port only: the Ingress routes /api/ and the docs

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = contract(app)
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_json() -> Response:
        return JSON(document())

    from fastapi.openapi.docs import get_swagger_ui_html

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="ITP platform API")

    return app
