"""The authorization matrix (``authz_matrix.MATRIX``), asserted on the embedded platform through the
gateway and on each service's own port, for every caller.

A row that changes something is asserted for the refused callers first (they must change
nothing), then for the allowed ones; a create that accepts ``Idempotency-Key`` is then replayed by
every refused caller with an allowed caller's key and body, and must be refused the same way
(authorization before any stored answer, keys scoped to their caller).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from shared.testing import auth_headers
from tests.e2e.authz_matrix import CREDENTIAL_EXCHANGE, DEFAULT_PARAMS, ROWS, Row
from tests.e2e.authz_world import (
    CARRIER_A,
    ROLES,
    World,
    build_world,
    contract_body,
    enterprise_body,
    fund_body,
    get_patiently,
    investment_body,
    person_body,
)
from tests.e2e.slice import demand_body

pytestmark = pytest.mark.e2e

# Idle connections are dropped before the servers' keep-alive (5 s) closes them under a request.
POOL = httpx.Limits(keepalive_expiry=2.0)

ALLOWED = frozenset({"ok", "teaser"})
ADMIN = auth_headers("admin", subject="authz-etag-reader")


@dataclass
class Request:
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query: str = ""
    etag_of: str | None = None  # If-Match: the current ETag of this resource (a path template)


Body = Callable[[World, str, dict[str, str]], Request]


def _json(value: Any) -> Body:
    return lambda w, role, p: Request(json=value(w, role, p) if callable(value) else value)


def _if_match(resource: str, value: Any) -> Body:
    return lambda w, role, p: Request(json=value, etag_of=resource)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


# Carriers the rows register: of another field, so that they never crowd the world's two carriers out
# of a demand's suggestions.
OTHER_FIELD = {
    **CARRIER_A,
    "fields": ["ic.power"],
    "capabilities": "功率半导体器件的驱动电路与封装测试。",
    "keywords": [],
}

# What a request of each route sends (valid, so that only authorization can refuse it).
REQUESTS: dict[tuple[str, str], Body] = {
    ("POST", "/api/v1/enterprises"): _json(lambda w, role, p: enterprise_body("授权测试新公司")),
    ("POST", "/api/v1/enterprises/{enterprise_id}/centers"): _json(
        lambda w, role, p: {
            "name": f"中心{uuid.uuid4().hex[:6]}",
            "established_on": "2025-06-01",
            "committed_funding": "100.00",
        }
    ),
    ("POST", "/api/v1/demands"): _json(lambda w, role, p: demand_body(w.ids["ent_a"])),
    ("PATCH", "/api/v1/demands/{demand_id}"): _if_match(
        "/api/v1/demands/{demand_id}", {"title": "车用固态锂电池电解质开发（修订）"}
    ),
    ("POST", "/api/v1/demands/{demand_id}/reject"): _json({"reason": "不在研究院的领域内"}),
    ("POST", "/api/v1/demands/{demand_id}/access-grants"): _json(lambda w, role, p: {"carrier_id": w.ids["car_b"]}),
    ("POST", "/api/v1/matches/conflicts-of-interest"): _json(
        lambda w, role, p: {"enterprise_id": str(uuid.uuid4()), "carrier_id": w.ids["car_b"], "reason": "关联交易"}
    ),
    ("POST", "/api/v1/matches"): _json(
        lambda w, role, p: {
            "demand_id": p["demand_id"],
            "carrier_id": w.ids["car_b"],
            "decision": "rejected",
            "reason": {"code": "other", "note": "授权测试"},
        }
    ),
    ("POST", "/api/v1/matches/offline"): _json(
        lambda w, role, p: {"demand_id": p["demand_id"], "carrier_id": w.ids["car_b"], "reason": "授权测试：线下结识"}
    ),
    ("POST", "/api/v1/match-assignments"): _json(lambda w, role, p: {"demand_ids": [w.ids["public"]]}),
    ("POST", "/api/v1/carriers"): _json(lambda w, role, p: {**OTHER_FIELD, "name_zh": f"新载体{uuid.uuid4().hex[:6]}"}),
    ("PUT", "/api/v1/carriers/{carrier_id}"): _if_match("/api/v1/carriers/{carrier_id}", CARRIER_A),
    ("POST", "/api/v1/people"): _json(lambda w, role, p: person_body(w.ids["car_a"], "researcher")),
    ("PATCH", "/api/v1/people/{person_id}"): _if_match("/api/v1/people/{person_id}", {"title": "研究员"}),
    ("POST", "/api/v1/trainees"): _json(
        lambda w, role, p: {
            "person_id": p["person_id"],
            "programme": "graduate_student",
            "university": "东南大学",
            "carrier_id": w.ids["car_a"],
            "starts_on": _today(),
            "ends_on": (datetime.now(UTC).date() + timedelta(days=300)).isoformat(),
        }
    ),
    ("POST", "/api/v1/trainees/{trainee_id}/withdraw"): _json({"reason": "个人原因"}),
    ("POST", "/api/v1/assignments"): _json(
        lambda w, role, p: {
            "target_type": "contract",
            "target_id": str(uuid.uuid4()),
            "person_id": p["person_id"],
            "role": "engineer",
        }
    ),
    ("POST", "/api/v1/assignments/{assignment_id}/release"): _json({"reason": "项目结束"}),
    ("POST", "/api/v1/talent/imports"): lambda w, role, p: Request(
        content=orjson.dumps({**OTHER_FIELD, "type": "carrier", "name_zh": "导入测试研究所"}),
        headers={"content-type": "application/x-ndjson"},
    ),
    ("POST", "/api/v1/contracts"): _json(lambda w, role, p: contract_body(w.ids["ent_a"], w.ids["car_a"])),
    ("GET", "/api/v1/contracts/totals"): lambda w, role, p: Request(query="by=carrier"),
    ("PATCH", "/api/v1/contracts/{contract_id}"): _if_match(
        "/api/v1/contracts/{contract_id}", {"title": "固态电解质技术开发合同（修订）"}
    ),
    ("POST", "/api/v1/contracts/{contract_id}/sign"): _json(
        lambda w, role, p: {"party": "carrier" if role.startswith("car") else "enterprise"}
    ),
    ("POST", "/api/v1/contracts/{contract_id}/amendment"): _if_match(
        "/api/v1/contracts/{contract_id}", {"value": "2200000.00"}
    ),
    ("POST", "/api/v1/contracts/{contract_id}/milestones/{milestone_id}/deliver"): _json({"note": "已交付"}),
    ("POST", "/api/v1/contracts/{contract_id}/milestones/{milestone_id}/reject"): _json({"reason": "报告不完整"}),
    ("POST", "/api/v1/contracts/{contract_id}/milestones/{milestone_id}/payments"): _json(
        {"amount": "1000.00", "reference": "AUTHZ-REF-1"}
    ),
    ("POST", "/api/v1/contracts/{contract_id}/grant-conversion"): _json(
        lambda w, role, p: {"commercialisation_event": "成立公司", "occurred_on": _today(), "company": "授权测试公司"}
    ),
    ("POST", "/api/v1/contracts/{contract_id}/terminate"): _json({"reason": "双方协商终止"}),
    ("POST", "/api/v1/funds"): _json(lambda w, role, p: fund_body()),
    ("POST", "/api/v1/funds/{fund_id}/investments"): _json(lambda w, role, p: investment_body()),
}


# -- filling a row's path ---------------------------------------------------------------------------

Prepare = Callable[[World, dict[str, str]], Awaitable[dict[str, str]]]


async def _fresh_demand(w: World, state: str, **kw: Any) -> dict[str, str]:
    return {"demand_id": await w.demand(state=state, **kw)}


async def _each_grant(w: World, params: dict[str, str]) -> dict[str, str]:
    await w.grant(params["demand_id"], "car_b")
    return params


async def _each_conflict(w: World, params: dict[str, str]) -> dict[str, str]:
    return {**params, "conflict_id": await w.conflict()}


# variant -> (the world's ids it names, or a coroutine making fresh ones once per row and target)
VARIANTS: dict[str, Callable[[World], Awaitable[dict[str, str]]]] = {
    "-": lambda w: _ids(w, {}),
    "public": lambda w: _ids(w, {"demand_id": "public"}),
    "confidential": lambda w: _ids(w, {"demand_id": "confidential"}),
    "submitted": lambda w: _ids(w, {"demand_id": "submitted"}),
    "draft": lambda w: _ids(w, {"demand_id": "draft"}),
    "pm": lambda w: _ids(w, {"person_id": "pm_person_id"}),
    "fresh-draft": lambda w: _fresh_demand(w, "draft"),
    "fresh-submitted": lambda w: _fresh_demand(w, "submitted"),
    "fresh-published": lambda w: _fresh_demand(w, "published"),
    "fresh-confidential": lambda w: _fresh_demand(w, "published", confidentiality="confidential"),
    "each-grant": lambda w: _with_grant(w),
    "each-conflict": lambda w: _ids(w, {}),
    "fresh-trainee": lambda w: _fresh(w, "trainee_id", w.trainee()),
    "fresh-assignment": lambda w: _fresh(w, "assignment_id", w.assignment()),
    "fresh-contract": lambda w: _fresh_contract(w, "draft"),
    "fresh-signed": lambda w: _fresh_contract(w, "signed"),
    "fresh-amending": lambda w: _fresh_contract(w, "amending"),
    "fresh-delivered": lambda w: _fresh_contract(w, "delivered"),
    "fresh-accepted": lambda w: _fresh_contract(w, "accepted"),
    "fresh-matched": lambda w: _fresh(w, "demand_id", w.matched_demand()),
    "fresh-placed": lambda w: _fresh(w, "trainee_id", w.placed_trainee()),
    "fresh-suggested": lambda w: _fresh_suggested(w),
    "fresh-graduate": lambda w: _fresh(w, "person_id", w.person("graduate_student")),
    "fresh-researcher": lambda w: _fresh(w, "person_id", w.person("researcher")),
}
# Before each allowed call of a row that deletes (the first allowed call would leave nothing to the next).
BEFORE_EACH_ALLOWED: dict[str, Prepare] = {"each-grant": _each_grant, "each-conflict": _each_conflict}


async def _ids(w: World, names: dict[str, str]) -> dict[str, str]:
    return {param: w.ids[names.get(param, name)] for param, name in DEFAULT_PARAMS.items()}


async def _fresh(w: World, param: str, made: Awaitable[str]) -> dict[str, str]:
    return {**await _ids(w, {}), param: await made}


async def _fresh_contract(w: World, stage: str) -> dict[str, str]:
    return {**await _ids(w, {}), **await w.contract_at(stage)}


async def _fresh_suggested(w: World) -> dict[str, str]:
    demand_id = await w.demand()
    await w.suggestions_ready(demand_id)
    return {**await _ids(w, {}), "demand_id": demand_id}


async def _with_grant(w: World) -> dict[str, str]:
    demand_id = await w.demand(confidentiality="confidential")
    await w.grant(demand_id, "car_b")
    return {**await _ids(w, {}), "demand_id": demand_id, "carrier_id": w.ids["car_b"]}


# -- the platform -------------------------------------------------------------------------------------


@dataclass
class Platform:
    world: World
    gateway: httpx.AsyncClient
    services: dict[str, httpx.AsyncClient]
    gateway_routes: set[tuple[str, str]]
    service_of: dict[tuple[str, str], str]  # a route -> the service whose own OpenAPI lists it
    idempotent: set[tuple[str, str]]  # creates that accept Idempotency-Key


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, ops in doc["paths"].items()
        if path.startswith("/api/v1/")
        for method, op in ops.items()
    }


@pytest.fixture(scope="module")
async def platform(embedded: dict[str, Any], embedded_gateway_module: httpx.AsyncClient) -> AsyncIterator[Platform]:
    world = await build_world(embedded_gateway_module)
    base = embedded["platform"].gateway_url
    gateway = httpx.AsyncClient(base_url=base, timeout=15, limits=POOL)
    services = {
        name: httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15, limits=POOL)
        for name, port in embedded["ports"].items()
    }
    gateway_ops = _operations((await gateway.get("/openapi.json")).json())
    service_of: dict[tuple[str, str], str] = {}
    for name, client in services.items():
        for route in _operations((await client.get("/openapi.json")).json()):
            service_of[route] = name
    idempotent = {
        route
        for route, op in gateway_ops.items()
        if any(p.get("name", "").lower() == "idempotency-key" for p in op.get("parameters", []))
    }
    yield Platform(world, gateway, services, set(gateway_ops), service_of, idempotent)
    for client in (gateway, *services.values()):
        await client.aclose()


@pytest.fixture(scope="module")
async def embedded_gateway_module(embedded: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=embedded["platform"].gateway_url,
        timeout=15,
        limits=POOL,
        headers=auth_headers("admin", subject="authz-setup"),
    ) as client:
        yield client


# -- asserting one call -------------------------------------------------------------------------------


def verdict(outcome: str, row: Row, role: str, r: httpx.Response) -> str | None:
    """None when the answer is the expected outcome, else what is wrong."""
    s = r.status_code
    if outcome in ("401", "403", "404"):
        if s == int(outcome):
            return None
        if outcome == "401" and s == 429 and role == "anon":
            return None  # failed authentication may be rate-limited: still no answer
        return f"expected {outcome}, got {s}"
    if outcome == "hide":
        return None if s in (403, 404) else f"expected 403 or 404, got {s}"
    if row.changes:
        if s >= 500 or s in (401, 403, 404, 429):
            return f"expected to pass authorization, got {s}: {r.text[:200]}"
        return None
    if not 200 <= s < 300:
        return f"expected {outcome} (2xx), got {s}: {r.text[:200]}"
    is_teaser = r.headers.get("content-type", "").startswith("application/json") and _teaser(r)
    if outcome == "teaser" and not is_teaser:
        return "expected the teaser, got the full demand"
    if outcome == "ok" and is_teaser:
        return "expected the full answer, got a teaser"
    return None


def _teaser(r: httpx.Response) -> bool:
    body = r.json()
    return isinstance(body, dict) and body.get("teaser") is True


async def call(
    client: httpx.AsyncClient, row: Row, caller: dict[str, str], params: dict[str, str], req: Request
) -> httpx.Response:
    path = row.path.format(**params)
    headers = {**req.headers, **caller}
    if req.etag_of:  # the version the caller read, so that only authorization can refuse the change
        current = await client.get(req.etag_of.format(**params), headers=ADMIN)
        headers["If-Match"] = current.headers["etag"]
    url = path + (f"?{req.query}" if req.query else "")
    if row.path == "/api/v1/dashboard/events":  # the status and headers only: the stream never ends
        async with client.stream("GET", url, headers=headers) as r:
            if r.status_code != 200:
                await r.aread()
            return r
    if row.method == "GET":
        return await get_patiently(client, url, headers)
    kw: dict[str, Any] = {"headers": headers}
    if req.json is not None:
        kw["json"] = req.json
    elif req.content is not None:
        kw["content"] = req.content
    return await client.request(row.method, url, **kw)


async def assert_row(p: Platform, row: Row, target: str, client: httpx.AsyncClient) -> list[str]:
    w = p.world
    params = await VARIANTS[row.variant](w)
    body = REQUESTS.get(row.route, lambda w, role, p: Request())
    problems: list[str] = []

    def check(role: str, r: httpx.Response, outcome: str, what: str = "") -> None:
        wrong = verdict(outcome, row, role, r)
        if wrong:
            problems.append(f"{target} {row.id} as {role}{what}: {wrong}")

    if not row.changes:
        answers = await asyncio.gather(
            *(call(client, row, w.headers[role], params, body(w, role, params)) for role in ROLES)
        )
        for role, r in zip(ROLES, answers, strict=True):
            check(role, r, row.expect[role])
        return problems
    refused = [role for role in ROLES if row.expect[role] not in ALLOWED]
    allowed = [role for role in ROLES if row.expect[role] in ALLOWED]
    # The refused callers first, together: they must change nothing the allowed ones then change.
    answers = await asyncio.gather(
        *(call(client, row, w.headers[role], params, body(w, role, params)) for role in refused)
    )
    for role, r in zip(refused, answers, strict=True):
        check(role, r, row.expect[role])
    first: tuple[str, Request, dict[str, str]] | None = None
    for role in allowed:
        if row.variant in BEFORE_EACH_ALLOWED:
            params = await BEFORE_EACH_ALLOWED[row.variant](w, params)
        req = body(w, role, params)
        req.headers["Idempotency-Key"] = f"authz-{uuid.uuid4().hex}"
        r = await call(client, row, w.headers[role], params, req)
        check(role, r, row.expect[role])
        if first is None and 200 <= r.status_code < 300:
            first = (role, req, params)
    if first is None:
        problems.append(f"{target} {row.id}: no allowed caller succeeded (is the request or the state right?)")
    elif row.route in p.idempotent:
        # Someone else's Idempotency-Key and body: refused as before, and never someone else's answer.
        creator, req, used = first
        answers = await asyncio.gather(*(call(client, row, w.headers[role], used, req) for role in refused))
        for role, r in zip(refused, answers, strict=True):
            check(role, r, row.expect[role], " replaying another caller's Idempotency-Key")
        for role in allowed:
            r = await call(client, row, w.headers[role], used, req)
            if role != creator and r.headers.get("idempotent-replayed") == "true":
                problems.append(f"{target} {row.id} as {role}: got {creator}'s stored answer for its Idempotency-Key")
    return problems


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
async def test_authorization(platform: Platform, row: Row) -> None:
    targets = [("gateway", platform.gateway)]
    name = platform.service_of.get(row.route)
    if name is not None:
        targets.append((name, platform.services[name]))
    if row.changes:  # one target after the other: they may change the same resource
        problems = [p for target, client in targets for p in await assert_row(platform, row, target, client)]
    else:
        found = await asyncio.gather(*(assert_row(platform, row, target, client) for target, client in targets))
        problems = [p for some in found for p in some]
    assert not problems, "\n".join(problems)


async def test_every_route_has_a_row(platform: Platform) -> None:
    """A route of the external API without a row (or a row for a route that is gone) fails: nobody
    adds a route without deciding who may call it."""
    documented = (platform.gateway_routes | set(platform.service_of)) - CREDENTIAL_EXCHANGE
    tabled = {row.route for row in ROWS}
    assert documented - tabled == set(), "routes without a row in authz_matrix.MATRIX"
    assert tabled - documented == set(), "rows for routes no OpenAPI document lists"


async def test_no_role_gets_a_token_without_client_credentials(platform: Platform) -> None:
    """The token endpoint answers client credentials only: a caller's bearer token (any role) or no
    credentials at all is an RFC 6749 error, never an access token."""
    gateway = platform.gateway
    form = {"grant_type": "client_credentials"}
    for role, headers in {**platform.world.headers, "anon": {}}.items():
        r = await gateway.post("/api/v1/oauth/token", data=form, headers=headers)
        assert r.status_code in (400, 401), (role, r.status_code, r.text)
        assert "access_token" not in r.text, role
        assert r.json()["error"] in ("invalid_client", "invalid_request"), (role, r.text)


def test_the_table_keeps_its_invariants() -> None:
    """Rules no row may break, whoever edits the table: anonymous callers read only the public
    vocabulary, a dashboard viewer changes nothing, and nobody but staff acts on another
    enterprise's or carrier's resources."""
    for row in ROWS:
        assert row.expect["anon"] == ("ok" if row.path == "/api/v1/vocabulary/fields" else "401"), row.id
        if row.changes:
            assert row.expect["viewer"] not in ALLOWED, row.id
            assert row.expect["ent_b"] not in ALLOWED and row.expect["car_b"] not in ALLOWED, row.id


@pytest.mark.parametrize("encoded", ["%3Fx", "%23x", "%0Ax", "%2F..%2Fpeople"])
async def test_an_encoded_path_segment_never_reaches_another_route(platform: Platform, encoded: str) -> None:
    """A path parameter carrying an encoded ``?``, ``#``, line feed or ``/`` is refused or forwarded as
    received (then no id): never decoded into another route's answer, even for an admin."""
    admin = platform.world.headers["admin"]
    answered = []
    params = await VARIANTS["-"](platform.world)
    for row in ROWS:
        if "{" not in row.path or row.changes or row.variant not in ("-", "public"):
            continue
        first = row.path.split("{", 1)[1].split("}", 1)[0]
        url = row.path.format(**{**params, first: encoded})
        r = await platform.gateway.get(url, headers=admin)
        if not 400 <= r.status_code < 500:
            answered.append(f"GET {url}: {r.status_code} {r.text[:120]}")
    assert not answered, "\n".join(answered)
