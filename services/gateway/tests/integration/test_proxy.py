"""The gateway's proxy and composed demand view, against a recording stub service: what the
caller gets (status, headers, body, problems) and what the service receives (request line,
headers, body)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.gateway.credentials import ApiKeyStore
from services.gateway.downstream import LIMIT_PER_SERVICE
from services.gateway.main import create_gateway_app
from services.gateway.settings import GatewaySettings
from services.gateway.tables import MIGRATIONS
from services.gateway.tests.integration.stub import CARRIERS, CONTRACTS, D1, ID, PEOPLE, Seen, Stub, serving
from shared.auth import verifier_for
from shared.db import create_engine
from shared.migrations import upgrade
from shared.testing import free_port, token_for, wait_for

SERVICES = ("demand", "talent", "matching", "contracts", "dashboard")
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def settings_for(stub: Stub, tmp: Path, down: tuple[str, ...] = (), **overrides: Any) -> GatewaySettings:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    urls = {f"{n}_url": dead if n in down else stub.url for n in SERVICES}
    values: dict[str, Any] = {
        "service_name": "gateway",
        "env": "test",
        "database_url": f"sqlite+aiosqlite:///{tmp}/gateway.db",  # the API keys' store
        "api_key_cache_s": 0.01,
        "compose_timeout_s": 2.0,  # generous: a loaded machine must not turn a part "missing"
        "downstream_timeout_s": 2.0,
        "rate_limit_burst": 10_000,
        **urls,
        **overrides,
    }
    return GatewaySettings(**values)


@contextlib.asynccontextmanager
async def gateway(settings: GatewaySettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_gateway_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client,
    ):
        yield app, client


@dataclass
class Gateway:
    stub: Stub
    client: httpx.AsyncClient
    app: FastAPI
    tmp: Path


@pytest.fixture(scope="module")
async def stub() -> AsyncIterator[Stub]:
    async with serving(Stub()) as s:
        yield s


@pytest.fixture(scope="module")
async def gw(stub: Stub, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    tmp = tmp_path_factory.mktemp("gateway")
    await asyncio.to_thread(upgrade, MIGRATIONS, f"sqlite+aiosqlite:///{tmp}/gateway.db")
    async with gateway(settings_for(stub, tmp)) as (app, client):
        yield Gateway(stub, client, app, tmp)


async def ask(gw: Gateway, method: str, url: str, **kwargs: Any) -> tuple[httpx.Response, list[Seen]]:
    """The gateway's answer to a request, and the calls the service received for it."""
    headers = {"X-Request-ID": "req-1", "traceparent": f"00-{TRACE}-00f067aa0ba902b7-01", **kwargs.pop("headers", {})}
    gw.stub.seen.clear()
    r = await gw.client.request(method, url, headers=headers, **kwargs)
    return r, list(gw.stub.seen)


def user(subject: str = "proxy-test") -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for('operator', subject=subject)}"}


# -- the proxy -------------------------------------------------------------------------------------


async def test_a_proxied_get_passes_on_only_the_listed_response_headers(gw: Gateway) -> None:
    r, seen = await ask(gw, "GET", "/api/v1/enterprises/e-1?limit=5&cursor=abc_-", headers=user())
    assert r.status_code == 200 and r.json() == {
        "method": "GET",
        "path": "/api/v1/enterprises/e-1",
        "query": "limit=5&cursor=abc_-",
    }
    # The first ETag only; hop-by-hop, cookie and internal headers stay behind; the request id is echoed.
    assert [k for k, _ in r.headers.raw] == [
        b"content-type",
        b"etag",
        b"location",
        b"cache-control",
        b"content-length",
        b"x-request-id",
        b"traceresponse",
    ]
    assert r.headers["etag"] == '"e1"' and r.headers["x-request-id"] == "req-1"
    (call,) = seen
    assert call.target == b"/api/v1/enterprises/e-1?limit=5&cursor=abc_-"
    assert call.header(b"x-request-id") == b"req-1"
    assert (call.header(b"traceparent") or b"").startswith(f"00-{TRACE}-".encode())
    assert call.header(b"authorization") == user()["Authorization"].encode()


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("POST", "/api/v1/demands", {"json": {"title": "固态电池", "budget": "1.00"}}),
        ("POST", "/api/v1/demands", {"content": b'{"raw": true}'}),  # no content-type: aiohttp's default
        ("POST", "/api/v1/demands", {"content": b""}),
        ("PUT", "/api/v1/carriers/c-1", {"json": {"capacity": 3}, "headers": {"If-Match": '"v2"'}}),
        ("PATCH", f"/api/v1/demands/{D1}", {"json": {"title": "x"}, "headers": {"Idempotency-Key": "k-1"}}),
        ("DELETE", "/api/v1/match-assignments/m-1", {}),
        ("GET", "/api/v1/contracts?demand_id=%E4%B8%AD&a=%7e&b=x+y", {}),  # a query yarl rewrites
        ("GET", "/api/v1/people/a%20b/%E4%B8%AD", {}),  # a path yarl quotes again
        ("GET", "/api/v1/trainees/", {}),
        (
            "GET",
            f"/api/v1/carriers/{D1}/suggestions",
            {"headers": {"Accept": "application/json", "Accept-Language": "zh"}},
        ),
    ],
)
async def test_proxied_calls_are_sent_and_answered(gw: Gateway, method: str, url: str, kwargs: dict[str, Any]) -> None:
    kwargs = {**kwargs, "headers": {**user(), **kwargs.get("headers", {})}}
    r, seen = await ask(gw, method, url, **kwargs)
    assert r.status_code in (200, 201) and len(seen) == 1
    if method in ("POST", "PUT", "PATCH"):
        assert seen[0].header(b"content-length") is not None


async def test_the_default_content_type_of_a_body_is_aiohttps(gw: Gateway) -> None:
    _, seen = await ask(gw, "POST", "/api/v1/demands", content=b"{}", headers=user())
    assert seen[0].header(b"content-type") == b"application/octet-stream"
    assert seen[0].header(b"content-length") == b"2"


@pytest.mark.parametrize("code", [400, 404, 409, 412, 422, 500, 503, 204, 304])
async def test_a_service_status_passes_through(gw: Gateway, code: int) -> None:
    r, _ = await ask(gw, "GET", f"/api/v1/people/status/{code}", headers=user())
    assert r.status_code == code
    assert ("content-length" in r.headers) is (code not in (204, 304))


async def test_a_chunked_answer_is_passed_on_whole(gw: Gateway) -> None:
    r, _ = await ask(gw, "GET", "/api/v1/people/chunked", headers=user())
    assert r.content == b'{"a":1}' and r.headers["content-length"] == "7"


async def test_a_connection_the_service_closes_is_not_reused(gw: Gateway) -> None:
    for _ in range(3):
        r, _ = await ask(gw, "GET", "/api/v1/people/close", headers=user())
        assert r.status_code == 200
    r, _ = await ask(gw, "GET", "/api/v1/people/after-close", headers=user())
    assert r.status_code == 200


async def test_a_redirect_is_followed_as_aiohttp_did(gw: Gateway) -> None:
    r, seen = await ask(gw, "GET", "/api/v1/people/redirect", headers=user())
    assert r.status_code == 200 and r.json()["path"] == "/api/v1/people/landed"
    assert [s.target for s in seen][-1] == b"/api/v1/people/landed"


async def test_a_slow_service_is_a_503_problem(gw: Gateway) -> None:
    r, _ = await ask(gw, "GET", "/api/v1/people/slow", headers=user())
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "the talent service did not answer (timed out)"


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing-here", "/api/v1/", "/api/v1/demandsx/1", "/api/v1/Demands", "/api/v1/a%25b%20c"]
)
async def test_no_owner_is_the_same_404_problem(gw: Gateway, url: str) -> None:
    r, seen = await ask(gw, "POST", url, content=b"{}", headers=user())
    assert r.status_code == 404 and r.json()["type"] == "/problems/not-found" and not seen
    assert r.json()["instance"] == httpx.URL(url).path.replace("?", "%3F").replace("#", "%23")


@pytest.mark.parametrize(
    ("headers", "slug"),
    [
        ({}, "unauthenticated"),
        ({"Authorization": ""}, "unauthenticated"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "invalid-token"),
        ({"Authorization": "Bearer not-a-jwt"}, "invalid-token"),
        ({"X-API-Key": "itpk_nope_nope"}, "invalid-api-key"),
    ],
)
async def test_refused_callers_get_the_same_401_problem(gw: Gateway, headers: dict[str, str], slug: str) -> None:
    for method, url in (
        ("GET", "/api/v1/demands?limit=1"),
        ("POST", "/api/v1/demands"),
        ("GET", f"/api/v1/demands/{D1}"),
    ):
        r, seen = await ask(gw, method, url, headers=headers, content=b"{}" if method == "POST" else None)
        assert r.status_code == 401 and r.json()["type"] == f"/problems/{slug}" and not seen
        assert r.json()["instance"] == httpx.URL(url).path and r.headers["x-request-id"] == "req-1"
        if slug == "unauthenticated":
            assert r.headers["www-authenticate"] == 'Bearer realm="itp"'


async def test_an_api_key_is_exchanged_for_a_token(gw: Gateway) -> None:
    store = ApiKeyStore(create_engine(f"sqlite+aiosqlite:///{gw.tmp}/gateway.db"))
    key = await store.create(
        subject="portal", roles=["enterprise_user"], enterprise_id="97b2be68-7a8e-4a0e-a59f-2162048fd530"
    )
    r, seen = await ask(gw, "GET", "/api/v1/demands?limit=1", headers={"X-API-Key": key})
    assert r.status_code == 200
    (call,) = seen
    assert call.header(b"x-api-key") is None
    token = (call.header(b"authorization") or b"").decode().removeprefix("Bearer ")
    actor = verifier_for(GatewaySettings(env="test")).verify(token)
    assert actor.subject == f"apikey:{key.split('_')[1]}:portal"
    assert await store.revoke(key.split("_")[1])
    await store.engine.dispose()

    async def refused() -> bool:
        # Revocation reaches a gateway within its key cache's age (a bounded wait, not a sleep).
        r = await gw.client.get("/api/v1/demands?limit=1", headers={"X-API-Key": key})
        return r.status_code == 401

    await wait_for(refused, timeout_s=10, what="the revoked key to be refused")
    r, seen = await ask(gw, "GET", "/api/v1/demands?limit=1", headers={"X-API-Key": key})
    assert (r.status_code, r.json()["type"]) == (401, "/problems/revoked-api-key") and not seen


async def test_a_request_id_is_made_when_missing_and_forwarded(gw: Gateway) -> None:
    gw.stub.seen.clear()
    r = await gw.client.get("/api/v1/enterprises/e-1", headers=user())
    rid = r.headers["x-request-id"]
    assert len(rid) == 32 and int(rid, 16) >= 0
    (call,) = gw.stub.seen
    assert call.header(b"x-request-id") == rid.encode()
    tp = (call.header(b"traceparent") or b"").decode()
    assert tp.startswith("00-") and len(tp) == 55  # a new trace
    long_id = "x" * 300
    r = await gw.client.get("/api/v1/enterprises/e-1", headers={**user(), "X-Request-ID": long_id})
    assert r.headers["x-request-id"] == long_id[:128]


async def test_the_gateways_own_routes_come_before_the_proxy(gw: Gateway) -> None:
    r, seen = await ask(gw, "GET", "/api/v1/vocabulary/fields")
    assert r.status_code == 200 and not seen  # answered by the gateway itself, no token needed
    r, seen = await ask(gw, "POST", "/api/v1/vocabulary/fields", headers=user(), content=b"{}")
    assert r.status_code == 405 and not seen  # no service owns it for another method
    assert r.headers["allow"] == "GET, OPTIONS" and r.json()["type"] == "/problems/method-not-allowed"
    r, seen = await ask(gw, "PATCH", f"/api/v1/demands/{D1}", headers=user(), json={"title": "x"})
    assert r.status_code == 200 and [s.method for s in seen] == ["PATCH"]  # only GET is composed


async def test_an_unexpected_error_is_a_500_problem(gw: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(gw.app.state.downstream, "call", broken)
    transport = httpx.ASGITransport(app=gw.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        r = await client.get("/api/v1/enterprises/e-1", headers=user())
    assert r.status_code == 500 and r.json()["type"] == "/problems/internal-error"
    assert r.json()["instance"] == "/api/v1/enterprises/e-1"


async def test_the_rate_limit_is_a_429_with_retry_after(stub: Stub, tmp_path: Path) -> None:
    settings = settings_for(stub, tmp_path, rate_limit_per_minute=60, rate_limit_burst=3)
    async with gateway(settings) as (_, client):
        heavy = {**user(), "X-Request-ID": "r"}
        codes = [(await client.get("/api/v1/demands?limit=1", headers=heavy)).status_code for _ in range(4)]
        limited = await client.post("/api/v1/demands", content=b"{}", headers=heavy)
        composed = await client.get(f"/api/v1/demands/{D1}", headers=heavy)
        other = await client.get("/api/v1/demands?limit=1", headers=user(subject="someone-else"))
    assert codes == [200, 200, 200, 429]
    for r in (limited, composed):
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["type"] == "/problems/rate-limited" and r.headers["x-request-id"] == "r"
    assert other.status_code == 200  # limits are per caller


async def test_an_unreachable_service_is_a_503_with_retry_after(stub: Stub, tmp_path: Path) -> None:
    settings = settings_for(stub, tmp_path, down=("matching",))
    async with gateway(settings) as (_, client):
        a = await client.get("/api/v1/matches?limit=1", headers={**user(), "X-Request-ID": "r"})
    assert a.status_code == 503 and a.json()["service"] == "matching"
    assert a.headers["content-type"] == "application/problem+json"
    assert a.json()["detail"] == "the matching service did not answer (ClientConnectorError)"
    assert a.headers["Retry-After"] == "2" and a.headers["x-request-id"] == "r"


async def test_the_gateway_stays_ready_while_one_service_is_down(stub: Stub, tmp_path: Path) -> None:
    # A service's rollout or outage must not take the gateway out of the load balancer: only the
    # routes to that service answer 503 (above), the others go on.
    settings = settings_for(stub, tmp_path, down=("dashboard",))
    await asyncio.to_thread(upgrade, MIGRATIONS, f"sqlite+aiosqlite:///{tmp_path}/gateway.db")
    async with gateway(settings) as (_, client):
        r = await client.get("/readyz")
        assert r.status_code == 200, r.text
        assert r.json()["services"]["dashboard"].startswith("unreachable")
        assert r.json()["services"]["demand"] == "ok"
        assert (await client.get("/api/v1/matches?limit=1", headers=user())).status_code == 200


# -- the composed demand view ----------------------------------------------------------------------


async def test_the_composed_view(gw: Gateway) -> None:
    r, seen = await ask(gw, "GET", f"/api/v1/demands/{D1}", headers=user())
    assert r.status_code == 200 and r.headers["etag"] == '"v3"'
    body = r.json()
    assert body["id"] == D1 and body["suggestions"] == CARRIERS and body["suggestions_status"] == "ready"
    assert body["contracts"] == CONTRACTS and body["contract"] == CONTRACTS[0] and body["people"] == PEOPLE
    assert body["missing"] == []
    assert sorted(s.target for s in seen) == [
        f"/api/v1/assignments?target_id={D1}".encode(),
        f"/api/v1/contracts?demand_id={D1}".encode(),
        f"/api/v1/demands/{D1}".encode(),
        f"/api/v1/demands/{D1}/suggestions".encode(),
    ]
    assert all(s.header(b"x-request-id") == b"req-1" for s in seen)


@pytest.mark.parametrize(
    ("demand_id", "status", "check"),
    [
        (ID["nosugg"], 200, {"suggestions": [], "suggestions_status": "pending", "missing": []}),
        (ID["hidden"], 200, {"suggestions": [], "suggestions_status": "hidden", "missing": []}),
        (ID["broken"], 200, {"suggestions": None, "suggestions_status": "unavailable", "missing": ["suggestions"]}),
        (ID["slow"], 200, {"suggestions": None, "suggestions_status": "unavailable", "missing": ["suggestions"]}),
        (ID["empty"], 200, {"contracts": [], "contract": None}),
        (ID["gone"], 404, {"type": "/problems/not-found"}),
        (ID["d"].replace("-", ""), 200, {"id": ID["d"]}),  # the UUID as FastAPI reads it
        ("a%20b", 422, {"type": "/problems/validation-error"}),
        ("%3Fx", 422, {"type": "/problems/validation-error"}),
    ],
)
async def test_composed_view_edges(gw: Gateway, demand_id: str, status: int, check: dict[str, Any]) -> None:
    r, _ = await ask(gw, "GET", f"/api/v1/demands/{demand_id}", headers=user())
    assert r.status_code == status
    body = r.json()
    assert {k: body[k] for k in check} == check


async def test_the_composed_view_without_its_demand_service(stub: Stub, tmp_path: Path) -> None:
    for down in (("demand",), ("matching", "talent")):
        settings = settings_for(stub, tmp_path, down=down)
        async with gateway(settings) as (_, client):
            a = await client.get(f"/api/v1/demands/{D1}", headers={**user(), "X-Request-ID": "r"})
        if down == ("demand",):
            assert a.status_code == 503 and a.json()["service"] == "demand"
            assert a.headers["retry-after"] == "2"
        else:
            assert a.status_code == 200 and a.json()["missing"] == ["suggestions", "people"]


async def test_composed_views_reuse_kept_alive_connections(gw: Gateway) -> None:
    connector = gw.app.state.downstream._session.connector
    for _ in range(3):
        assert (await gw.client.get(f"/api/v1/demands/{D1}", headers=user())).status_code == 200
    opened = len(gw.stub.connections)
    for _ in range(5):
        assert (await gw.client.get(f"/api/v1/demands/{D1}", headers=user())).status_code == 200
    # 20 calls; new connections only if a whole view waited longer than a connection may idle.
    assert len(gw.stub.connections) - opened <= 4
    assert connector.limit_per_host == LIMIT_PER_SERVICE


# -- path confusion --------------------------------------------------------------------------------

# Encoded in a path segment, each of these would make a service read another route or a query.
CONFUSING = ("%23x", "%3Fx", "%3Flimit=1", "%0A", "x%0D%0Ay", "%00", "%09", "%7F", "%2F..", "a%2Fb", "%5C..", "%2E%2E")
# Every prefix the gateway routes (routes._ROUTES), with one extra segment after some.
PROXIED = (
    "people",
    "assignments",
    "trainees",
    "talent",
    "carriers",
    f"carriers/{D1}",
    "enterprises",
    f"enterprises/{D1}",
    "demands",
    f"demands/{D1}",
    f"demands/{D1}/suggestions",
    "matches",
    "match-assignments",
    "contracts",
    f"contracts/{D1}/milestones",
    "dashboard",
)
COMPOSED = ("demands/{}", "enterprises/{}/home", "carriers/{}/inbox", "project-managers/{}/worklist")


@pytest.mark.parametrize("segment", CONFUSING)
async def test_a_confusing_segment_is_refused_and_reaches_no_service(gw: Gateway, segment: str) -> None:
    urls = [f"/api/v1/{base}/{segment}" for base in PROXIED]
    urls += [f"/api/v1/{base}/{segment}/x" for base in PROXIED]
    urls += [f"/api/v1/{c.format(segment)}" for c in COMPOSED]
    urls += [f"/api/v1/demands/{D1}/{segment}", f"/api/v1/{segment}/people"]
    for url in urls:
        for method in ("GET", "POST"):
            gw.stub.seen.clear()
            a = await gw.client.request(method, url, headers={**user(), "X-Request-ID": "r"})
            assert a.status_code in (400, 404, 405, 422), (url, a.status_code)
            assert a.headers["content-type"] == "application/problem+json"
            assert gw.stub.seen == [], (url, [s.target for s in gw.stub.seen])


async def test_a_path_is_forwarded_as_received(gw: Gateway) -> None:
    for raw in ("/api/v1/people/a%25b%20c", "/api/v1/people/%E4%B8%AD/x", "/api/v1/people/%3Cb%3E"):
        _, seen = await ask(gw, "GET", raw, headers=user())
        assert [s.target for s in seen] == [raw.encode()]


async def asgi_get(app: Any, path: str, raw_path: bytes) -> int:
    """The status ``app`` answers a GET with this exact scope (a client that does not normalise)."""
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": raw_path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"gw"), (b"authorization", user()["Authorization"].encode())],
        "client": ("127.0.0.1", 1),
        "server": ("gw", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return int(sent[0]["status"])


async def test_a_dot_segment_or_a_separator_in_the_raw_path_is_refused(gw: Gateway) -> None:
    """What a client that does not normalise its URLs sends (httpx would)."""
    for raw in (b"/api/v1/contracts/../people", b"/api/v1/people/./x", b"/api/v1/people/a%2f..%2fb"):
        gw.stub.seen.clear()
        assert await asgi_get(gw.app, raw.decode().replace("%2f", "/"), raw) == 400, raw
        assert not gw.stub.seen


# -- the door's limits (shared/limits.py) ----------------------------------------------------------


async def big_chunks() -> AsyncIterator[bytes]:
    for _ in range(8):
        yield b"x" * 1024


async def test_big_bodies_and_failed_authentications_are_refused(stub: Stub, tmp_path: Path) -> None:
    settings = settings_for(stub, tmp_path, max_body_bytes=4096, auth_failure_burst=2, auth_failures_per_minute=1)
    async with gateway(settings) as (_, client):
        stub.seen.clear()
        headers = {**user(), "X-Request-ID": "r"}
        declared = await client.post("/api/v1/demands", content=b"x" * 5000, headers=headers)
        streamed = await client.post("/api/v1/demands", content=big_chunks(), headers=headers)
        assert not stub.seen, "no big body reaches a service"
        forged = {"Authorization": "Bearer forged", "X-Request-ID": "r"}
        failures = [(await client.get("/api/v1/demands", headers=forged)).status_code for _ in range(2)]
        throttled = await client.get("/api/v1/demands", headers=headers)
        # One budget per address, whichever route answered the failures.
        composed = await client.get(f"/api/v1/enterprises/{D1}/home", headers=headers)
    for r in (declared, streamed):
        assert (r.status_code, r.json()["type"]) == (413, "/problems/payload-too-large")
        assert r.headers["content-type"] == "application/problem+json" and r.headers["x-request-id"] == "r"
    assert failures == [401, 401]
    for r in (throttled, composed):
        assert (r.status_code, r.json()["type"]) == (429, "/problems/too-many-failed-authentications")
        assert int(r.headers["retry-after"]) >= 1
