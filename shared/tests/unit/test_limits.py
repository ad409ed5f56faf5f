"""The kernel's door limits: body size (413) and failed authentications (429), in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel

from shared.auth import CurrentActor
from shared.http import RequestContextMiddleware
from shared.limits import Limits, RequestLimits, TokenBucket
from shared.problems import install_problem_handlers
from shared.settings import ServiceSettings
from shared.testing import auth_headers, wait_for

KIB = 1024


class Thing(BaseModel):
    text: str


def app_with(limits: Limits, log: list[str]) -> FastAPI:
    app = FastAPI()
    app.state.settings = ServiceSettings(env="test")
    install_problem_handlers(app)
    app.add_middleware(RequestLimits, limits=limits)
    app.add_middleware(RequestContextMiddleware)

    @app.post("/api/v1/things")
    async def create(thing: Thing, actor: CurrentActor) -> dict[str, Any]:
        log.append("handled")
        return {"n": len(thing.text)}

    @app.post("/api/v1/talent/imports")
    async def bulk(request: Request) -> dict[str, int]:
        return {"n": len(await request.body())}

    @app.get("/api/v1/things")
    async def read(actor: CurrentActor) -> dict[str, str]:
        return {"who": actor.subject}

    @app.get("/public")
    async def public() -> dict[str, str]:
        return {"ok": "yes"}

    return app


def limits(**overrides: Any) -> Limits:
    values: dict[str, Any] = {
        "max_body_bytes": 4 * KIB,
        "max_bulk_body_bytes": 64 * KIB,
        "auth_failures_per_minute": 60,
        "auth_failure_burst": 3,
        **overrides,
    }
    return Limits(**values)


def client(app: FastAPI, address: str = "10.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 1234)), base_url="http://svc")


async def chunks(total: int, size: int = KIB) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        sent += part
        yield b"x" * part


async def test_a_declared_length_over_the_limit_is_413_before_anything_reads_the_body() -> None:
    log: list[str] = []
    app = app_with(limits(), log)
    async with client(app) as c:
        body = b'{"text": "' + b"x" * 5 * KIB + b'"}'
        r = await c.post("/api/v1/things", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "/problems/payload-too-large" and r.json()["max_bytes"] == 4 * KIB
        assert "x-request-id" in r.headers and log == []
        # No credential is verified either: the 413 comes first, and counts as no failure.
        r = await c.post("/api/v1/things", content=body, headers={"Authorization": "Bearer forged"})
        assert r.status_code == 413
        ok = await c.post("/api/v1/things", json={"text": "x" * 100}, headers=auth_headers("operator"))
        assert ok.status_code == 200 and log == ["handled"]


async def test_a_chunked_body_is_cut_at_the_limit() -> None:
    log: list[str] = []
    app = app_with(limits(), log)
    async with client(app) as c:
        r = await c.post("/api/v1/things", content=chunks(64 * KIB), headers=auth_headers("operator"))
        assert r.status_code == 413 and r.json()["type"] == "/problems/payload-too-large" and log == []
        small = await c.post("/api/v1/talent/imports", content=chunks(3 * KIB))
        assert small.json() == {"n": 3 * KIB}


async def test_the_bulk_route_has_its_own_limit() -> None:
    app = app_with(limits(), [])
    async with client(app) as c:
        r = await c.post("/api/v1/talent/imports", content=b"x" * 40 * KIB)
        assert r.status_code == 200 and r.json() == {"n": 40 * KIB}
        r = await c.post("/api/v1/talent/imports", content=chunks(40 * KIB))
        assert r.status_code == 200
        r = await c.post("/api/v1/talent/imports", content=b"x" * 65 * KIB)
        assert r.status_code == 413 and r.json()["max_bytes"] == 64 * KIB
        r = await c.post("/api/v1/talent/imports", content=chunks(65 * KIB))
        assert r.status_code == 413


async def test_a_raw_asgi_reader_behind_the_middleware_gets_the_413_too() -> None:
    """A hot route reads the body itself, outside FastAPI."""

    async def raw_app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read"})

    guarded = RequestLimits(raw_app, limits=limits())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://svc") as c:
        r = await c.post("/x", content=chunks(5 * KIB))
        assert r.status_code == 413 and r.json()["type"] == "/problems/payload-too-large"
        assert (await c.post("/x", content=chunks(3 * KIB))).status_code == 200


@pytest.mark.parametrize(
    "credential",
    [
        {"headers": {"Authorization": "Bearer forged.token.here"}},
        {"headers": {"Authorization": "Basic dXNlcjpwYXNz"}},
        {"headers": {"X-API-Key": "itpk_nope_nope"}},
        {"params": {"access_token": "forged"}},
    ],
)
async def test_repeated_failed_authentications_from_one_address_are_throttled(credential: dict[str, Any]) -> None:
    app = app_with(limits(), [])
    async with client(app, "10.0.0.7") as attacker, client(app, "10.0.0.8") as neighbour:
        codes = [(await attacker.get("/api/v1/things", **credential)).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        r = await attacker.get("/api/v1/things", headers=auth_headers("operator"))
        # Even a right credential is not tried while the address is throttled: no oracle.
        assert r.status_code == 429 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "/problems/too-many-failed-authentications"
        assert 1 <= int(r.headers["retry-after"]) <= 2
        # Anonymous requests carry no credential to guess with: not throttled, not counted.
        assert (await attacker.get("/public")).status_code == 200
        # Another address is not affected.
        assert (await neighbour.get("/api/v1/things", headers=auth_headers("operator"))).status_code == 200


async def test_anonymous_401s_and_successes_spend_nothing_and_the_budget_refills() -> None:
    app = app_with(limits(auth_failures_per_minute=600, auth_failure_burst=2), [])
    async with client(app) as c:
        for _ in range(10):
            assert (await c.get("/api/v1/things")).status_code == 401  # no credential
            assert (await c.get("/api/v1/things", headers=auth_headers("operator"))).status_code == 200
        for _ in range(2):
            assert (await c.get("/api/v1/things", headers={"Authorization": "Bearer x"})).status_code == 401
        assert (await c.get("/api/v1/things", headers=auth_headers("operator"))).status_code == 429

        async def allowed_again() -> bool:
            return (await c.get("/api/v1/things", headers=auth_headers("operator"))).status_code == 200

        await wait_for(allowed_again, timeout_s=2, interval_s=0.05, what="the budget to refill")


def test_token_bucket_take_and_peek() -> None:
    bucket = TokenBucket(rate_per_minute=60, burst=2)
    assert bucket.peek("a") == 0
    assert bucket.take("a") == 0 and bucket.take("a") == 0
    wait = bucket.peek("a")
    assert 0 < wait <= 1.0
    assert bucket.take("a") > 0 and bucket.peek("b") == 0


def test_the_limits_are_settings() -> None:
    s = ServiceSettings(
        env="test", max_body_bytes=10, max_bulk_body_bytes=20, auth_failures_per_minute=5, auth_failure_burst=7
    )
    lim = Limits.from_settings(s)
    assert (lim.max_body_bytes, lim.max_bulk_body_bytes, lim.failures.burst) == (10, 20, 7)
    assert lim.body_limit({"method": "POST", "path": "/api/v1/talent/imports"}) == 20
    assert lim.body_limit({"method": "POST", "path": "/api/v1/demands"}) == 10
    defaults = ServiceSettings(env="test")
    assert (defaults.max_body_bytes, defaults.max_bulk_body_bytes) == (1024 * 1024, 32 * 1024 * 1024)
