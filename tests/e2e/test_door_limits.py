"""Every service answers 413 and throttles failed authentications on its own port (shared/limits.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from itp.services import definition
from shared.testing import auth_headers, service_client

FreshDb = Callable[[str], Awaitable[str]]

# A route of each service that needs a caller, and one that takes a body (hot where there is one).
ROUTES = {
    "demand": ("/api/v1/demands", "/api/v1/demands"),
    "talent": ("/api/v1/carriers", "/api/v1/carriers"),
    "matching": ("/api/v1/matches", "/api/v1/matches"),
    "contracts": ("/api/v1/contracts", "/api/v1/contracts"),
    "dashboard": ("/api/v1/dashboard/kpis", "/api/v1/dashboard/kpis"),  # no route takes a body: 405
}


async def chunked(total: int) -> AsyncIterator[bytes]:
    for _ in range(total // 1024):
        yield b"x" * 1024


@pytest.mark.parametrize("service", sorted(ROUTES))
async def test_a_service_refuses_big_bodies_and_throttles_failed_authentication(
    service: str, fresh_db: FreshDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ITP_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("ITP_AUTH_FAILURE_BURST", "3")
    read, write = ROUTES[service]
    async with service_client(definition(service), await fresh_db(service)) as c:
        staff = auth_headers("operator")
        r = await c.post(
            write, content=b"{" + b" " * 4096 + b"}", headers={**staff, "content-type": "application/json"}
        )
        assert (r.status_code, r.json()["type"]) == (413, "/problems/payload-too-large")
        r = await c.post(write, content=chunked(8192), headers={**staff, "content-type": "application/json"})
        assert r.status_code == (405 if service == "dashboard" else 413)
        assert (await c.get(read, headers=staff)).status_code == 200
        forged = {"Authorization": "Bearer forged"}
        assert [(await c.get(read, headers=forged)).status_code for _ in range(3)] == [401, 401, 401]
        r = await c.get(read, headers=staff)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.headers["content-type"] == "application/problem+json"


async def test_the_talent_import_takes_a_bigger_body(fresh_db: FreshDb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITP_MAX_BODY_BYTES", "1024")
    monkeypatch.setenv("ITP_MAX_BULK_BODY_BYTES", str(64 * 1024))
    rows = "type,kind,name_zh,city,province,fields,capabilities\n" + "".join(
        f"carrier,research_institute,研究所{i},苏州,江苏,energy.batteries,固态电解质与电池安全评估\n" for i in range(40)
    )
    body = rows.encode()
    assert 1024 < len(body) < 64 * 1024
    async with service_client(definition("talent"), await fresh_db("talent")) as c:
        headers = {**auth_headers("operator"), "content-type": "text/csv"}
        r = await c.post("/api/v1/talent/imports", content=body, headers=headers)
        assert r.status_code == 200, r.text
        r = await c.post("/api/v1/talent/imports", content=body * 30, headers=headers)
        assert (r.status_code, r.json()["type"]) == (413, "/problems/payload-too-large")
