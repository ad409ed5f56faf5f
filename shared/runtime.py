"""How a service is put together and run: its definition, its runtime, its FastAPI app.

Every service declares a ``ServiceDefinition`` (tables, routers, consumers); this module
turns it into an app whose lifespan starts the outbox relay and the consumers and stops
them cleanly. Engines and clients are built here, at start-up, never at import.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.base import Bus
from shared.consumer import EventConsumer, Handler
from shared.db import create_engine, ping
from shared.events import topics
from shared.events.base import DomainEvent
from shared.hotpath import HotRoute, HotRoutes
from shared.http import RequestContextMiddleware
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.problems import install_problem_handlers, problem_response
from shared.relay import OutboxRelay
from shared.settings import ServiceSettings
from shared.telemetry import RequestTelemetry, metrics_router, service_scrape_refresh

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer group of the service: the topics it reads and its handlers."""

    name: str
    topics: list[str]
    handlers: Callable[[ServiceRuntime], dict[type[DomainEvent], Handler]]


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
    # The busiest routes, served before FastAPI's machinery (each also declared in a router).
    hot_routes: list[HotRoute] = field(default_factory=list)


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
        self.state: dict[str, Any] = {}  # service-specific objects (its service layer, caches)
        self.uow = UnitOfWorkFactory(
            self.engine, definition.outbox, source=f"/itp/{definition.name}", signal=self.signal
        )
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
            )
            for spec in definition.consumers
        ]
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, *, background: bool = True) -> None:
        # Single-statement commits hold a connection for one round trip: a quarter of the pool.
        await self.uow.start(max_size=max(2, self.settings.db_pool_size // 4))
        await self.bus.start()
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
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(ping(self.engine), 2.0)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        try:
            await asyncio.wait_for(self.bus.ping(), 3.0)
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"unreachable: {type(exc).__name__}"
        return checks


async def get_runtime(request: Request) -> ServiceRuntime:
    # async: a plain def dependency would cost a worker-thread hop on every request.
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: database and broker reachable")
    async def readyz(runtime: RuntimeDep) -> JSONResponse:
        checks = await runtime.readiness()
        if all(v == "ok" for v in checks.values()):
            return JSONResponse({"status": "ready", "checks": checks})
        return problem_response(503, "not-ready", "a dependency is unreachable", checks=checks)

    return router


def create_service_app(
    definition: ServiceDefinition, settings: ServiceSettings, bus: Bus, *, background: bool = True
) -> FastAPI:
    """The FastAPI app of one service; its lifespan owns the runtime."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(definition, settings, bus)
        app.state.runtime = runtime
        app.state.metrics_refresh = service_scrape_refresh(runtime)
        await runtime.start(background=background)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=definition.title or f"ITP {definition.name} service",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    app.add_middleware(HotRoutes, routes=definition.hot_routes, enabled=settings.hot_routes)
    app.add_middleware(RequestTelemetry, service=definition.name)
    app.add_middleware(RequestContextMiddleware)  # added last: outermost, so hot routes get ids too
    app.include_router(health_router())
    app.include_router(metrics_router())
    for r in definition.routers:
        app.include_router(r)
    return app
