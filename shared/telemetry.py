"""What a running service tells its operators: request metrics, the access log, ``/metrics``.

``RequestTelemetry`` wraps an ASGI app: each HTTP request is counted and timed under the route
*template* that served it (Starlette's matched route, or a hot route's declared path), and gets
one access log line (``itp.access``) with its request id and trace. ``/metrics`` is served on the
service's own port (not in the OpenAPI document; the gateway proxies ``/api/v1`` only).
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import metrics
from shared.routing import FastRoute
from shared.tracing import current_traceparent

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

access_log = logging.getLogger("itp.access")

ROUTE_KEY = "itp.route"  # scope key: the template of a route served outside Starlette's router

# The scope of the request being served, so a log record made anywhere in it can name its
# request id (set in the scope's state by the request-context middleware).
current_scope: ContextVar[Scope | None] = ContextVar("current_scope", default=None)


def route_template(scope: Scope) -> str:
    """The template of the route that served the request, never its raw path."""
    template = scope.get(ROUTE_KEY)
    if template:
        return str(template)
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else metrics.UNMATCHED_ROUTE


class RequestTelemetry:
    """ASGI middleware: request count, latency histogram, in-flight gauge and access log line."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        self._in_flight = metrics.HTTP_IN_FLIGHT.labels(service)
        # (route, method, status) -> its counter and histogram series: ``labels`` costs more than the count
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception before the answer starts is answered 500 further out
        traceparent: str | None = None

        async def send_observed(message: Message) -> None:
            nonlocal status, traceparent
            if message["type"] == "http.response.start":
                status = message["status"]
                traceparent = current_traceparent.get()
            await send(message)

        token = current_scope.set(scope)
        self._in_flight.inc()
        try:
            await self.app(scope, receive, send_observed)
        finally:
            self._in_flight.dec()
            current_scope.reset(token)
            elapsed = time.perf_counter() - started
            route, method = route_template(scope), scope["method"]
            series = self._series.get((route, method, status))
            if series is None:
                series = self._series[(route, method, status)] = (
                    metrics.HTTP_REQUESTS.labels(self.service, route, method, str(status)),
                    metrics.HTTP_DURATION.labels(self.service, route, method),
                )
            series[0].inc()
            series[1].observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                state = scope.get("state") or {}
                # Made and handled as ``info`` would, without its walk up the stack for the
                # caller's file and line (what an access line never shows): a third of its cost.
                record = access_log.makeRecord(
                    access_log.name,
                    logging.INFO,
                    __file__,
                    0,
                    "%s %s %d %.1fms",
                    (method, scope["path"], status, elapsed * 1000),
                    None,
                    extra={
                        "http": {"method": method, "route": route, "path": scope["path"], "status": status},
                        "duration_ms": round(elapsed * 1000, 2),
                        "request_id": state.get("request_id"),
                        "traceparent": traceparent or state.get("traceparent"),
                    },
                )
                access_log.handle(record)


def metrics_router() -> APIRouter:
    """``GET /metrics`` in the Prometheus text format (kept out of the OpenAPI document); the
    values computed at scrape are refreshed first (``app.state.metrics_refresh``, if any)."""
    router = APIRouter(route_class=FastRoute)

    @router.get("/metrics", include_in_schema=False)
    async def prometheus_metrics(request: Request) -> Response:
        refresh: metrics.ScrapeRefresh | None = getattr(request.app.state, "metrics_refresh", None)
        if refresh is not None:
            await refresh.refresh()
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    return router


async def outbox_backlog(conn: Any, outbox: sa.Table) -> tuple[int, datetime | None]:
    """Unpublished outbox rows and when the oldest was written (one query on the partial index)."""
    o = outbox
    query = sa.select(sa.func.count(), sa.func.min(o.c.created_at)).where(o.c.published_at.is_(None))
    count, first = (await conn.execute(query)).one()
    if first is not None and first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return int(count), first


def outbox_refresher(service: str, engine: Any, outbox: sa.Table) -> metrics.Refresher:
    """Refreshes the outbox backlog gauges."""
    pending, oldest = metrics.OUTBOX_PENDING.labels(service), metrics.OUTBOX_OLDEST_AGE.labels(service)
    reader = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def refresh() -> None:
        try:
            async with reader.connect() as conn:
                count, first = await outbox_backlog(conn, outbox)
        except Exception:  # an unreachable database shows in readiness; keep the last values
            logging.getLogger(__name__).debug("outbox gauges not refreshed", exc_info=True)
            return
        pending.set(count)
        oldest.set(max(0.0, (datetime.now(UTC) - first).total_seconds()) if first is not None else 0.0)

    return refresh


def service_scrape_refresh(runtime: ServiceRuntime) -> metrics.ScrapeRefresh:
    """What a data service computes at scrape: its outbox backlog and, on Kafka, the dead letters
    waiting in the DLQs of the topics it consumes."""
    refresh = metrics.ScrapeRefresh()
    d = runtime.definition
    refresh.add(outbox_refresher(d.name, runtime.engine, d.outbox))
    consumed = sorted({t for spec in d.consumers for t in spec.topics})
    if consumed and runtime.settings.mode == "kafka":
        from shared.dlq import dlq_refresher

        refresh.add(dlq_refresher(runtime.settings, consumed))
    return refresh
