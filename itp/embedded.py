"""Run the whole platform in one process: SQLite files and the in-process bus.

Each service is its own FastAPI app on its own port, exactly as in production, with
its own database, relay and consumers; only the infrastructure underneath is embedded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from itp.openapi import platform_document
from itp.services import DATA_SERVICES, definition
from services.gateway.main import create_gateway_app
from services.gateway.settings import GatewaySettings
from shared.bus.memory import InMemoryBus
from shared.runtime import create_service_app
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class EmbeddedPlatform:
    host: str
    gateway_port: int
    service_ports: dict[str, int]
    data_dir: str
    bus: InMemoryBus

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"


def build_apps(
    *,
    host: str = "127.0.0.1",
    gateway_port: int = 8000,
    first_service_port: int = 8001,
    data_dir: str = ".data",
    bus: InMemoryBus | None = None,
    service_ports: dict[str, int] | None = None,
) -> tuple[EmbeddedPlatform, dict[str, tuple[FastAPI, int]]]:
    bus = bus or InMemoryBus()
    ports = service_ports or {name: first_service_port + i for i, name in enumerate(DATA_SERVICES)}
    apps: dict[str, tuple[FastAPI, int]] = {}
    for name in DATA_SERVICES:
        settings = ServiceSettings(
            service_name=name, mode="embedded", database_url=f"sqlite+aiosqlite:///{data_dir}/{name}.db"
        )
        apps[name] = (create_service_app(definition(name), settings, bus), ports[name])
    gw_settings = GatewaySettings(
        service_name="gateway",
        mode="embedded",
        database_url=f"sqlite+aiosqlite:///{data_dir}/gateway.db",  # its API keys (ADR 0005)
        demand_url=f"http://{host}:{ports['demand']}",
        talent_url=f"http://{host}:{ports['talent']}",
        matching_url=f"http://{host}:{ports['matching']}",
        contracts_url=f"http://{host}:{ports['contracts']}",
        dashboard_url=f"http://{host}:{ports['dashboard']}",
    )
    apps["gateway"] = (create_gateway_app(gw_settings, contract=platform_document), gateway_port)
    return EmbeddedPlatform(host, gateway_port, ports, data_dir, bus), apps


async def serve(
    apps: dict[str, tuple[FastAPI, int]],
    host: str,
    started: asyncio.Event | None = None,
    *,
    handle_signals: bool = False,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve every app until cancelled; services first, so the gateway finds them up."""
    servers = []
    for name, (app, port) in apps.items():
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            log_config=None,  # uvicorn logs through our handler (shared/logs.py), as JSON too
            access_log=False,
            lifespan="on",
            loop="none",
            # An open event stream must not hold a shutdown for longer than this.
            timeout_graceful_shutdown=5,
        )
        server = uvicorn.Server(config)
        # One process serves several apps: signals are handled once, below, for all of them.
        server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
        servers.append((name, server))

    def stop_all() -> None:
        for _, s in servers:
            s.should_exit = True

    if handle_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop_all)
    tasks = [asyncio.create_task(s.serve(), name=f"serve-{n}") for n, s in servers]
    if stop is not None:

        async def stop_when_asked() -> None:
            await stop.wait()
            stop_all()

        watcher = asyncio.create_task(stop_when_asked())
    try:
        for _ in range(600):
            if all(s.started for _, s in servers):
                break
            if any(t.done() for t in tasks):
                for t in tasks:
                    if t.done() and t.exception():
                        raise t.exception()  # type: ignore[misc]
                raise RuntimeError("a server stopped during start-up (is its port taken?)")
            await asyncio.sleep(0.05)
        if started is not None:
            started.set()
        await asyncio.gather(*tasks)
    finally:
        if stop is not None:
            watcher.cancel()
        for _, s in servers:
            s.should_exit = True
        for t in tasks:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(t, 10)
