"""The hot routes (served before FastAPI) answer exactly as the declared FastAPI routes do.

One database, two apps over it: hot routes on (as services run) and off (``ITP_HOT_ROUTES=false``,
every request through FastAPI). Each case sends the same request to both and compares status,
problem type, the fields named in errors, and the resource.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from services.demand.main import definition
from services.demand.tables import access_grants
from services.demand.tests.integration.helpers import (
    OPERATOR,
    carrier_user,
    demand_body,
    enterprise_user,
    register_enterprise,
)
from shared.testing import (
    hot_and_declared_clients,
)

VOLATILE = {"id", "created_at", "updated_at", "deadline"}


@pytest.fixture(scope="module")
async def clients(_drop_templates: None) -> AsyncIterator[dict[bool, httpx.AsyncClient]]:
    async with hot_and_declared_clients(definition) as clients:
        yield clients


def essence(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    out: dict[str, Any] = {"status": r.status_code, "content-type": r.headers["content-type"]}
    if r.headers["content-type"].startswith("application/problem+json"):
        out |= {k: body[k] for k in ("type", "title", "status", "instance") if k in body}
        out["fields"] = sorted(e["field"] for e in body.get("errors", []))
        out["www-authenticate"] = r.headers.get("www-authenticate")
    else:
        out["body"] = {k: v for k, v in body.items() if k not in VOLATILE} if isinstance(body, dict) else body
        out["etag"] = r.headers.get("etag") is not None
        out["location"] = r.headers.get("location", "").startswith("/api/v1/demands/")
    out["request-id"] = "x-request-id" in r.headers
    return out


async def both(clients: dict[bool, httpx.AsyncClient], method: str, url: str, **kw: Any) -> dict[str, Any]:
    hot, cold = (
        essence(await clients[True].request(method, url, **kw)),
        essence(await clients[False].request(method, url, **kw)),
    )
    assert hot == cold
    return hot


@pytest.fixture(scope="module")
async def enterprise(clients: dict[bool, httpx.AsyncClient]) -> str:
    return str((await register_enterprise(clients[False]))["id"])


async def test_create_answers_alike(clients: dict[bool, httpx.AsyncClient], enterprise: str) -> None:
    ok = await both(
        clients, "POST", "/api/v1/demands", json=demand_body(enterprise), headers=enterprise_user(enterprise)
    )
    assert ok["status"] == 201 and ok["etag"] and ok["location"]
    bad = await both(
        clients,
        "POST",
        "/api/v1/demands",
        json=demand_body(enterprise, budget="-1", title=""),
        headers=enterprise_user(enterprise),
    )
    assert bad["status"] == 422 and bad["fields"] == ["budget", "title"]
    no_json = await both(
        clients,
        "POST",
        "/api/v1/demands",
        content=b"{not json",
        headers={**enterprise_user(enterprise), "content-type": "application/json"},
    )
    assert no_json["status"] == 422
    anonymous = await both(clients, "POST", "/api/v1/demands", json=demand_body(enterprise))
    assert anonymous["status"] == 401 and anonymous["www-authenticate"]
    other = await both(
        clients, "POST", "/api/v1/demands", json=demand_body(enterprise), headers=enterprise_user(uuid.uuid4())
    )
    assert other["status"] == 403
    unknown = uuid.uuid4()
    gone = await both(clients, "POST", "/api/v1/demands", json=demand_body(unknown), headers=OPERATOR)
    assert gone["status"] == 422 and gone["type"] == "/problems/unknown-enterprise"


async def test_idempotent_create_replays_alike(clients: dict[bool, httpx.AsyncClient], enterprise: str) -> None:
    headers = {**enterprise_user(enterprise), "Idempotency-Key": f"k-{uuid.uuid4()}"}
    body = demand_body(enterprise)
    first = await clients[True].post("/api/v1/demands", json=body, headers=headers)
    again_hot = await clients[True].post("/api/v1/demands", json=body, headers=headers)
    again_cold = await clients[False].post("/api/v1/demands", json=body, headers=headers)
    assert first.status_code == again_hot.status_code == again_cold.status_code == 201
    assert first.json()["id"] == again_hot.json()["id"] == again_cold.json()["id"]
    assert again_hot.headers["idempotent-replayed"] == again_cold.headers["idempotent-replayed"] == "true"


async def test_read_answers_alike(clients: dict[bool, httpx.AsyncClient], enterprise: str) -> None:
    created = await clients[False].post(
        "/api/v1/demands",
        json=demand_body(enterprise, confidentiality="confidential"),
        headers=enterprise_user(enterprise),
    )
    demand_id = created.json()["id"]
    await clients[False].post(f"/api/v1/demands/{demand_id}/publish", headers=OPERATOR)
    owner = await both(clients, "GET", f"/api/v1/demands/{demand_id}", headers=enterprise_user(enterprise))
    assert owner["status"] == 200 and owner["body"]["description"] and owner["etag"]
    teaser = await both(clients, "GET", f"/api/v1/demands/{demand_id}", headers=carrier_user(uuid.uuid4()))
    assert teaser["status"] == 200 and "description" not in teaser["body"] and not teaser["etag"]
    missing = await both(clients, "GET", f"/api/v1/demands/{uuid.uuid4()}", headers=OPERATOR)
    assert missing["status"] == 404
    malformed = await both(clients, "GET", "/api/v1/demands/not-a-uuid", headers=OPERATOR)
    assert malformed["status"] == 422 and malformed["fields"] == ["path.demand_id"]
    anonymous = await both(clients, "GET", f"/api/v1/demands/{demand_id}")
    assert anonymous["status"] == 401


async def test_the_asyncpg_read_equals_the_sqlalchemy_read(
    clients: dict[bool, httpx.AsyncClient], enterprise: str
) -> None:
    """The demand read on the driver (PostgreSQL) and through SQLAlchemy (SQLite's way) agree."""
    from services.demand.api import demand_view, service_of
    from services.demand.repository import Viewer
    from shared.responses import dumps

    app = clients[True]._transport.app  # type: ignore[attr-defined]
    svc = service_of(app.state.runtime)
    created = await clients[True].post(
        "/api/v1/demands",
        json=demand_body(enterprise, confidentiality="confidential"),
        headers=enterprise_user(enterprise),
    )
    demand_id = uuid.UUID(created.json()["id"])
    await clients[True].post(f"/api/v1/demands/{demand_id}/publish", headers=OPERATOR)
    carrier = Viewer(staff=False, enterprise_id=None, carrier_id=uuid.uuid4())
    granted = Viewer(staff=False, enterprise_id=None, carrier_id=uuid.uuid4())
    async with app.state.runtime.engine.begin() as conn:
        await conn.execute(
            sa.insert(access_grants).values(
                demand_id=demand_id, carrier_id=granted.carrier_id, granted_by="test", granted_at=datetime.now(UTC)
            )
        )
    viewers = (None, carrier, granted)
    assert svc.pg is not None
    fast = [await svc.get_demand(demand_id, v) for v in viewers]
    pg, svc.pg = svc.pg, None
    try:
        slow = [await svc.get_demand(demand_id, v) for v in viewers]
    finally:
        svc.pg = pg
    assert [(dumps(demand_view(d)), full) for d, full in fast] == [(dumps(demand_view(d)), full) for d, full in slow]
    assert [full for _, full in fast] == [True, False, True]  # only the granted carrier sees it in full
