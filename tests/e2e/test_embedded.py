"""The thin slice on the embedded mode: one process, SQLite files, the in-process bus."""

from __future__ import annotations

import httpx

from itp.services import DATA_SERVICES
from tests.e2e.slice import run_thin_slice


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


async def test_readyz_checks_the_credential_store_and_reports_every_service(
    embedded_gateway: httpx.AsyncClient,
) -> None:
    r = await embedded_gateway.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"] == {"credentials": "ok"}  # the API keys' store decides readiness
    assert r.json()["services"] == dict.fromkeys(DATA_SERVICES, "ok")  # reported, not deciding
