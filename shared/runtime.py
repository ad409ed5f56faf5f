"""How a service is put together and run: its definition, its runtime, its FastAPI app.

Every service declares a ``ServiceDefinition`` (tables, routers, consumers); this module
turns it into an app whose lifespan starts the outbox relay and the consumers and stops
them cleanly. Engines and clients are built here, at start-up, never at import.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from shared import limits, openapi
from shared.bus.base import Bus
from shared.consumer import BatchScope, EventConsumer, Handler
from shared.db import create_engine
from shared.events import topics
from shared.events.base import DomainEvent
from shared.failures import DATABASE_PROBE, RETRY_AFTER_S, install_outage_handlers, is_infrastructure
from shared.http import RequestContextMiddleware
from shared.migrations import Revisions, revisions
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.problems import install_problem_handlers, problem_response
from shared.relay import OutboxRelay
from shared.routing import FastRoute
from shared.settings import ServiceSettings
from shared.telemetry import RequestTelemetry, metrics_router, service_scrape_refresh

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer group of the service: the topics it reads and its handlers, and, where its
    handlers may share a transaction, what to open around a batch of them (``EventConsumer``)."""

    name: str
    topics: list[str]
    handlers: Callable[[ServiceRuntime], dict[type[DomainEvent], Handler]]
    batch_scope: Callable[[ServiceRuntime], BatchScope] | None = None


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    metadata: sa.MetaData
    outbox: sa.Table
    processed: sa.Table
    routers: list[APIRouter]
    migrations: Path
    consumers: list[ConsumerSpec] = field(default_factory=list)
    title: str = ""
    # Called with the runtime once started, for service-specific state (caches, indexes).
    on_start: Callable[[ServiceRuntime], Any] | None = None
    # The service layer, built once per runtime (``runtime.service``, ``ServiceDep`` in the routes).
    service: Callable[[ServiceRuntime], Any] | None = None


def database_url_for(service: str, settings: ServiceSettings) -> str:
    """``ITP_<SERVICE>_DATABASE_URL``, else ``ITP_DATABASE_URL`` with ``{service}`` filled in."""
    specific = os.environ.get(f"ITP_{service.upper()}_DATABASE_URL")
    if specific:
        return specific
    url = settings.database_url
    if "{service}" in url:
        return url.replace("{service}", service)
    if url.startswith("sqlite") and url.endswith("itp.db"):
        return url[: -len("itp.db")] + f"{service}.db"
    return url


class ServiceRuntime:
    """The live parts of one service: engine, unit of work, relay, consumers."""

    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings, bus: Bus) -> None:
        self.definition = definition
        self.settings = settings
        self.bus = bus
        self.database_url = database_url_for(definition.name, settings)
        self.engine: AsyncEngine = create_engine(self.database_url, pool_size=settings.db_pool_size)
        self.signal = OutboxSignal()
        self.state: dict[str, Any] = {}  # service-specific objects (caches)
        self.uow = UnitOfWorkFactory(
            self.engine, definition.outbox, source=f"/itp/{definition.name}", signal=self.signal
        )
        # Before the consumers: their handlers use it.
        self.service: Any = definition.service(self) if definition.service is not None else None
        self.relay = OutboxRelay(
            self.engine,
            definition.outbox,
            bus,
            service=definition.name,
            signal=self.signal,
            poll_interval_s=settings.relay_poll_interval_s,
            batch_size=settings.relay_batch_size,
            driver_pool=lambda: self.uow.driver_pool,
        )
        self.consumers = [
            EventConsumer(
                group=topics.consumer_group(definition.name, spec.name),
                topics=spec.topics,
                bus=bus,
                uow=self.uow,
                processed=definition.processed,
                handlers=spec.handlers(self),
                max_retries=settings.consumer_max_retries,
                retry_backoff_s=settings.consumer_retry_backoff_s,
                pause_max_s=settings.consumer_pause_max_s,
                batch_scope=spec.batch_scope(self) if spec.batch_scope is not None else None,
                batch_size=settings.consumer_batch_size,
                concurrency=settings.consumer_concurrency,
            )
            for spec in definition.consumers
        ]
        self._tasks: list[asyncio.Task[None]] = []
        self._revisions: Revisions | None = None
        self._reachable, self._reachable_at = True, float("-inf")

    async def start(self, *, background: bool = True) -> None:
        # Single-statement commits hold a connection for one round trip: a quarter of the pool.
        await self.uow.start(max_size=max(2, self.settings.db_pool_size // 4))
        try:
            await self.bus.start()
        except Exception as exc:
            # Writes go on into the outbox; the relay publishes them once the broker is back.
            log.warning("%s: broker unreachable at start (%s: %s)", self.definition.name, type(exc).__name__, exc)
        checks = await self.readiness()
        if any(v != "ok" for v in checks.values()):
            log.warning("%s: not ready yet: %s", self.definition.name, checks)
        if self.definition.on_start is not None:
            result = self.definition.on_start(self)
            if asyncio.iscoroutine(result):
                await result
        if background:
            self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.definition.name}-relay"))
            for c in self.consumers:
                self._tasks.append(asyncio.create_task(c.run(), name=c.group))

    async def stop(self) -> None:
        self.relay.stop()
        for c in self.consumers:
            c.stop()
        # Let the relay and the consumers finish what they are doing (a message's transaction, a
        # batch's offsets) and leave; cancel only what does not stop in time.
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=5.0)
            for t in pending:
                t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks.clear()
        await self.uow.close()
        await self.engine.dispose()

    async def readiness(self) -> dict[str, str]:
        """Can this process serve its own requests: its database reachable and migrated to this
        release's head (one query). The broker is not a condition: the outbox keeps what is
        written while it is away."""
        if self._revisions is None:
            self._revisions = revisions(self.definition.migrations)  # read once
        try:
            versions = await asyncio.wait_for(self._versions(), READINESS_TIMEOUT_S)
        except Exception as exc:
            if is_infrastructure(exc):
                return {"database": f"unreachable: {type(exc).__name__}"}
            return {"database": "ok", "migrations": f"not migrated ({type(exc).__name__})"}
        behind = self._revisions.behind(versions)
        return {"database": "ok", "migrations": behind or "ok"}

    async def _versions(self) -> list[str]:
        async with self.uow.read() as conn:
            return [str(v) for v in (await conn.execute(_VERSIONS)).scalars()]

    async def database_reachable(self) -> bool:
        """Whether the database answers now; asked after an unexpected error (at most once a second)."""
        now = time.monotonic()
        if now - self._reachable_at > 1.0:
            self._reachable = (await self.readiness())["database"] == "ok"
            self._reachable_at = now
        return self._reachable


_VERSIONS = sa.text("SELECT version_num FROM alembic_version")
READINESS_TIMEOUT_S = 2.0


async def get_runtime(request: Request) -> ServiceRuntime:
    # async: a plain def dependency would cost a worker-thread hop on every request.
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]


async def get_service(request: Request) -> Any:
    """The running service's service layer (``ServiceDefinition.service``); a service types it once:
    ``ServiceDep = Annotated[DemandService, Depends(get_service)]``."""
    return request.app.state.runtime.service


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"], route_class=FastRoute)

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: the database reachable and migrated (not the broker)")
    async def readyz(runtime: RuntimeDep) -> JSONResponse:
        checks = await runtime.readiness()
        if all(v == "ok" for v in checks.values()):
            return JSONResponse({"status": "ready", "checks": checks})
        return problem_response(
            503, "not-ready", "the database is unreachable or not migrated", checks=checks, retry_after=RETRY_AFTER_S
        )

    return router


# Container allocations (net of frees) between two young collections of a serving process.
# Python's default, 700, is reached several times a second by a few concurrent requests, although
# nearly all they allocate is freed by reference counting: each such collection then walks the
# requests in flight for nothing (about 35 us a request, measured for the demand create).
SERVING_GC_THRESHOLD = 10_000


def tune_gc_for_serving() -> None:
    """Called once by a server process just before it serves (``itp serve``).

    Everything start-up built (modules, the app, its routes and schemas: several hundred thousand
    objects) lives as long as the process: it is moved out of the cyclic collector's reach
    (``gc.freeze``), so a full collection no longer walks it (about 70 us a request on average).
    Young collections run every ``SERVING_GC_THRESHOLD`` net allocations instead of 700; cyclic
    garbage is still collected, later. Not for tests, which build and drop many apps in one
    process: what is frozen is never collected."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(SERVING_GC_THRESHOLD, older, oldest)


def create_service_app(
    definition: ServiceDefinition, settings: ServiceSettings, bus: Bus, *, background: bool = True
) -> FastAPI:
    """The FastAPI app of one service; its lifespan owns the runtime."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(definition, settings, bus)
        app.state.runtime = runtime
        app.state.metrics_refresh = service_scrape_refresh(runtime)
        setattr(app.state, DATABASE_PROBE, runtime.database_reachable)  # 503, not 500, in an outage
        await runtime.start(background=background)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=definition.title or f"ITP {definition.name} service",
        version=openapi.VERSION,
        lifespan=lifespan,
        generate_unique_id_function=openapi.operation_id,
    )
    openapi.install(app)
    app.state.settings = settings
    install_problem_handlers(app)
    install_outage_handlers(app)
    limits.install(app, settings)  # body size and failed authentications, before any route
    app.add_middleware(RequestTelemetry, service=definition.name)
    app.add_middleware(RequestContextMiddleware)  # added last: outermost
    app.include_router(health_router())
    app.include_router(metrics_router())
    for r in definition.routers:
        app.include_router(r)
    return app
