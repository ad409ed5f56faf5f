"""The hot route (served before FastAPI) answers exactly as the declared FastAPI route does.

One database, two apps over it: hot routes on (as services run) and off (``ITP_HOT_ROUTES=false``,
every request through FastAPI). Each request goes to both; status, headers and bytes must match.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.contracts.main import definition
from services.contracts.tests.integration.harness import (
    DASHBOARD,
    STAFF,
    Service,
    carrier_user,
    enterprise_user,
)
from shared.testing import (
    auth_headers,
    hot_and_declared_clients,
)

E, K = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture(scope="module")
async def clients(_drop_templates: None) -> AsyncIterator[dict[bool, httpx.AsyncClient]]:
    async with hot_and_declared_clients(definition) as clients:
        yield clients


@pytest.fixture(scope="module")
async def book(clients: dict[bool, httpx.AsyncClient]) -> dict[str, Any]:
    """Contracts of two enterprises and carriers: drafts, one signed, one with a milestone accepted."""
    svc = Service(clients[True], None, None)  # type: ignore[arg-type]  # only its HTTP helpers
    signed = await svc.signed(enterprise_id=E, carrier_id=K)
    worked = await svc.signed(enterprise_id=E)
    await svc.deliver_accept(worked, worked["milestones"][0]["id"])
    drafts = [await svc.create(enterprise_id=E), await svc.create(carrier_id=K), await svc.create()]
    return {"signed": signed, "worked": worked, "drafts": drafts}


def _same(hot: httpx.Response, cold: httpx.Response) -> None:
    def essence(r: httpx.Response) -> tuple[int, dict[str, str], bytes]:
        per_request = ("x-request-id", "traceresponse")
        return r.status_code, {k: v for k, v in r.headers.items() if k not in per_request}, r.content

    assert essence(hot) == essence(cold)
    assert "x-request-id" in hot.headers


async def both(clients: dict[bool, httpx.AsyncClient], params: Any, headers: dict[str, str]) -> httpx.Response:
    hot = await clients[True].get("/api/v1/contracts", params=params, headers=headers)
    cold = await clients[False].get("/api/v1/contracts", params=params, headers=headers)
    _same(hot, cold)
    return hot


async def test_the_list_answers_the_same_hot_and_cold(
    clients: dict[bool, httpx.AsyncClient], book: dict[str, Any]
) -> None:
    signed = book["signed"]
    callers = {
        "staff": STAFF,
        "enterprise": enterprise_user(E),
        "carrier": carrier_user(K),
        "both": auth_headers("enterprise_user", "carrier_user", enterprise_id=E, carrier_id=K),
        "dashboard": DASHBOARD,
        "nobody": {},
        "forged": {"Authorization": "Bearer not.a.token"},
    }
    queries: list[Any] = [
        {},
        {"demand_id": signed["demand_id"]},  # the gateway's call
        {"demand_id": str(uuid.uuid4())},  # a demand without a contract
        {"enterprise_id": E},
        {"carrier_id": K, "enterprise_id": E},
        {"match_id": signed["match_id"]},
        [("status", "draft"), ("status", "in_force")],
        {"contract_type": "technology_development", "limit": 2},
        {"active_on": "2026-06-01"},
        {"signed_from": "2000-01-01", "signed_to": "2100-12-31"},
        {"created_from": "2000-01-01", "created_to": "2000-01-02"},
        {"demand_id": "not-a-uuid"},
        {"limit": 0},
        {"limit": 101, "signed_from": "yesterday"},
        {"cursor": "nonsense"},
        [("demand_id", "bad"), ("demand_id", signed["demand_id"])],
    ]
    statuses = set()
    for headers in callers.values():
        for params in queries:
            statuses.add((await both(clients, params, headers)).status_code)
    assert statuses == {200, 400, 401, 403, 422}
    r = await both(clients, {"demand_id": signed["demand_id"]}, callers["enterprise"])
    assert [c["id"] for c in r.json()["items"]] == [signed["id"]]


async def test_pages_follow_the_same_cursor_hot_and_cold(
    clients: dict[bool, httpx.AsyncClient], book: dict[str, Any]
) -> None:
    for headers in (STAFF, enterprise_user(E)):
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            r = await both(clients, {"limit": 2, **({"cursor": cursor} if cursor else {})}, headers)
            seen += [c["id"] for c in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) and seen
