"""The thin slice on the embedded mode: one process, SQLite files, the in-process bus."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from itp.embedded import build_apps, serve
from itp.services import DATA_SERVICES, definition
from shared.migrations import upgrade
from shared.testing import auth_headers, free_port
from tests.e2e.slice import run_thin_slice


@pytest.fixture
async def embedded_gateway(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    for name in DATA_SERVICES:
        await asyncio.to_thread(upgrade, definition(name).migrations, f"sqlite+aiosqlite:///{tmp_path}/{name}.db")
    gw_port, first = free_port(), free_port()
    # Service ports are consecutive from `first`; pick a base whose neighbours are free.
    platform, apps = build_apps(gateway_port=gw_port, first_service_port=first, data_dir=str(tmp_path))
    started = asyncio.Event()
    task = asyncio.create_task(serve(apps, "127.0.0.1", started))
    await asyncio.wait_for(started.wait(), 30)
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=10, headers=auth_headers("admin")) as client:
        yield client
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_thin_slice_embedded(embedded_gateway: httpx.AsyncClient) -> None:
    await run_thin_slice(embedded_gateway)


async def test_openapi_documents_every_service(embedded_gateway: httpx.AsyncClient) -> None:
    doc = (await embedded_gateway.get("/openapi.json")).json()
    paths = doc["paths"]
    for path in (
        "/api/v1/demands",
        "/api/v1/enterprises",
        "/api/v1/carriers",
        "/api/v1/contracts",
        "/api/v1/demands/{demand_id}",
        "/api/v1/demands/{demand_id}/suggestions",
    ):
        assert path in paths, path
    assert "DemandCreate" in doc["components"]["schemas"]
    assert (await embedded_gateway.get("/docs")).status_code == 200


async def test_readyz_checks_every_service(embedded_gateway: httpx.AsyncClient) -> None:
    r = await embedded_gateway.get("/readyz")
    assert r.status_code == 200
    assert set(r.json()["checks"]) == set(DATA_SERVICES)
