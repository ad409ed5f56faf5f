"""The gateway: one external API composed of the services (no database, no business rules)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response

from services.gateway.downstream import FORWARD_REQUEST_HEADERS, Downstream, Reply, Unavailable
from services.gateway.routes import service_for
from services.gateway.settings import GatewaySettings
from shared import vocabulary
from shared.http import RequestContextMiddleware
from shared.problems import install_problem_handlers, problem_response
from shared.responses import JSON
from shared.tracing import current_traceparent

log = logging.getLogger(__name__)

router = APIRouter()


def _downstream(request: Request) -> Downstream:
    d: Downstream = request.app.state.downstream
    return d


def _forward_headers(request: Request) -> dict[str, str]:
    h = request.headers
    out = {k: h[k] for k in FORWARD_REQUEST_HEADERS if k in h}
    out["x-request-id"] = request.scope["state"]["request_id"]
    tp = current_traceparent.get()
    if tp:
        out["traceparent"] = tp
    return out


def _unavailable(exc: Unavailable) -> JSONResponse:
    return problem_response(
        503,
        "service-unavailable",
        f"the {exc.service} service did not answer ({exc.reason})",
        service=exc.service,
        retry_after=2,
    )


def _reply(r: Reply) -> Response:
    return Response(r.body, status_code=r.status, headers=r.headers)


@router.get("/healthz", tags=["health"], include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", tags=["health"], include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    down = _downstream(request)

    async def check(service: str) -> tuple[str, str]:
        try:
            r = await down.call(service, "GET", "/healthz", timeout_s=2.0)
            return service, "ok" if r.status == 200 else f"status {r.status}"
        except Unavailable as exc:
            return service, f"unreachable: {exc.reason}"

    checks = dict(await asyncio.gather(*(check(s) for s in down.urls)))
    if all(v == "ok" for v in checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    return problem_response(503, "not-ready", "a service is unreachable", checks=checks)


@router.get(
    "/api/v1/vocabulary/fields",
    tags=["vocabulary"],
    summary="The controlled vocabulary of technical fields, with Chinese and English labels",
)
async def fields() -> Response:
    return JSON([{"code": f.code, "zh": f.zh, "en": f.en, "parent": f.parent} for f in vocabulary.FIELDS.values()])


@router.get(
    "/api/v1/demands/{demand_id}",
    tags=["composed"],
    summary="A demand with its suggested carriers, composed from the demand and matching services",
)
async def demand_with_suggestions(demand_id: str, request: Request) -> Response:
    down = _downstream(request)
    headers = _forward_headers(request)
    timeout = request.app.state.settings.compose_timeout_s
    path = f"/api/v1/demands/{demand_id}"
    demand_r, sugg_r = await asyncio.gather(
        down.call("demand", "GET", path, headers=headers, timeout_s=timeout),
        down.call("matching", "GET", path + "/suggestions", headers=headers, timeout_s=timeout),
        return_exceptions=True,
    )
    if isinstance(demand_r, Unavailable):
        return _unavailable(demand_r)
    if isinstance(demand_r, BaseException):
        raise demand_r
    if demand_r.status != 200:
        return _reply(demand_r)
    body: dict[str, Any] = orjson.loads(demand_r.body)
    missing: list[str] = []
    if isinstance(sugg_r, Reply) and sugg_r.status == 200:
        s = orjson.loads(sugg_r.body)
        body["suggestions"] = s["carriers"]
        body["suggestions_status"] = "ready" if s.get("suggestion_set_id") else "none"
    elif isinstance(sugg_r, Reply) and sugg_r.status == 404:
        body["suggestions"] = []
        body["suggestions_status"] = "pending"  # matching has not seen the demand yet
    else:
        body["suggestions"] = None
        body["suggestions_status"] = "unavailable"
        missing.append("suggestions")
    body["missing"] = missing
    headers_out = {k: v for k, v in demand_r.headers.items() if k in ("etag",)}
    return Response(orjson.dumps(body), media_type="application/json", headers=headers_out)


@router.api_route("/api/v1/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def proxy(path: str, request: Request) -> Response:
    service = service_for(path)
    if service is None:
        return problem_response(404, "not-found", f"no resource at /api/v1/{path}", instance=request.url.path)
    body = await request.body() if request.method in ("POST", "PUT", "PATCH") else None
    try:
        r = await _downstream(request).call(
            service,
            request.method,
            "/api/v1/" + path,
            query=request.url.query,
            headers=_forward_headers(request),
            body=body,
        )
    except Unavailable as exc:
        return _unavailable(exc)
    return _reply(r)


async def _merged_openapi(app: FastAPI) -> dict[str, Any]:
    """The gateway's own routes plus every service's paths and schemas, as published by them."""
    doc = get_openapi(
        title="ITP platform API",
        version="0.1.0",
        routes=app.routes,
        description="One external API for enterprise portals, carriers and operators.",
    )
    paths: dict[str, Any] = doc.setdefault("paths", {})
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    down: Downstream = app.state.downstream
    for service in down.urls:
        try:
            r = await down.call(service, "GET", "/openapi.json", timeout_s=3.0)
        except Unavailable:
            log.warning("openapi of %s unavailable; omitted", service)
            continue
        spec = orjson.loads(r.body)
        for p, ops in spec.get("paths", {}).items():
            if not p.startswith("/api/v1/"):
                continue
            merged = paths.setdefault(p, {})
            for method, op in ops.items():
                merged.setdefault(method, op)  # the gateway's composed version wins
        for name, schema in spec.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(name, schema)
    return doc


def create_gateway_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings(service_name="gateway")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        down = Downstream(settings.service_urls(), timeout_s=settings.downstream_timeout_s)
        await down.start()
        app.state.downstream = down
        app.state.settings = settings
        app.state.openapi_doc = None
        try:
            yield
        finally:
            await down.stop()

    app = FastAPI(
        title="ITP platform API", version="0.1.0", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None
    )
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(router)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> Response:
        if request.app.state.openapi_doc is None:
            request.app.state.openapi_doc = await _merged_openapi(request.app)
        return JSON(request.app.state.openapi_doc)

    from fastapi.openapi.docs import get_swagger_ui_html

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="ITP platform API")

    return app
