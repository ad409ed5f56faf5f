"""Idempotency-Key on the contracts service's creates: the key is the caller's own and is read only
after the permission check, and a retry sent while the original is in flight waits for it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa

from services.contracts.tables import contracts, payments
from services.contracts.tests.integration.harness import (
    DASHBOARD,
    PM,
    STAFF,
    Service,
    carrier_user,
    contract_body,
    enterprise_user,
)
from shared.testing import retry_while_held


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def database_url(svc: Service) -> str:
    return str(svc.engine.url.render_as_string(hide_password=False))


async def count(svc: Service, table: sa.Table, **where: Any) -> int:
    async with svc.engine.connect() as conn:
        q = sa.select(sa.func.count()).select_from(table).where(*(table.c[k] == v for k, v in where.items()))
        return int((await conn.execute(q)).scalar_one())


def others(enterprise_id: str, carrier_id: str) -> list[dict[str, str]]:
    """Callers who may not create: the parties themselves, another carrier and enterprise, a dashboard."""
    return [
        carrier_user(carrier_id),
        carrier_user(str(uuid.uuid4())),
        enterprise_user(enterprise_id),
        enterprise_user(str(uuid.uuid4())),
        DASHBOARD,
    ]


def assert_nothing_of(r: httpx.Response, created: dict[str, Any]) -> None:
    assert "idempotent-replayed" not in r.headers
    assert created["id"] not in r.text


async def test_another_caller_replaying_a_contract_key_gets_what_it_would_get_without_it(svc: Service) -> None:
    body = contract_body()
    first = await svc.client.post("/api/v1/contracts", json=body, headers=keyed(STAFF, "c-1"))
    assert first.status_code == 201, first.text
    for headers in others(body["enterprise_id"], body["carrier_id"]):
        r = await svc.client.post("/api/v1/contracts", json=body, headers=keyed(headers, "c-1"))
        assert r.status_code == 403, r.text
        assert_nothing_of(r, first.json())
    # Another staff member may draft, so it gets the answer of its own draft: the match has a contract.
    r = await svc.client.post("/api/v1/contracts", json=body, headers=keyed(PM, "c-1"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/contract-exists", r.text
    assert "idempotent-replayed" not in r.headers
    again = await svc.client.post("/api/v1/contracts", json=body, headers=keyed(STAFF, "c-1"))
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()


async def test_another_caller_replaying_a_payment_key_gets_no_stored_payment(svc: Service) -> None:
    c = await svc.signed(amounts=("100.00", "50.00"))
    m = c["milestones"][0]["id"]
    await svc.deliver_accept(c, m)
    url = f"/api/v1/contracts/{c['id']}/milestones/{m}/payments"
    body = {"amount": "100.00", "reference": "ICBC-2026-77"}
    first = await svc.client.post(url, json=body, headers=keyed(STAFF, "pay-1"))
    assert first.status_code == 201, first.text
    for headers in others(c["enterprise_id"], c["carrier_id"]):
        r = await svc.client.post(url, json=body, headers=keyed(headers, "pay-1"))
        assert r.status_code == 403, r.text
        assert_nothing_of(r, first.json())
        assert "ICBC-2026-77" not in r.text
    r = await svc.client.post(url, json=body, headers=keyed(PM, "pay-1"))  # a payment of its own: overpaid
    assert r.status_code == 409 and "idempotent-replayed" not in r.headers, r.text
    again = await svc.client.post(url, json=body, headers=keyed(STAFF, "pay-1"))
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await count(svc, payments, milestone_id=uuid.UUID(m)) == 1


async def test_a_retried_draft_sent_while_the_original_is_in_flight_gets_the_original(svc: Service) -> None:
    body = contract_body()
    first, second = await retry_while_held(
        database_url(svc), lambda: svc.client.post("/api/v1/contracts", json=body, headers=keyed(STAFF, "c-2"))
    )
    assert isinstance(first, httpx.Response) and first.status_code == 201, first
    assert second.status_code == 201 and second.headers["idempotent-replayed"] == "true", second.text
    assert second.json() == first.json()
    assert await count(svc, contracts, match_id=uuid.UUID(body["match_id"])) == 1


async def test_a_retried_payment_sent_while_the_original_is_in_flight_gets_the_original(svc: Service) -> None:
    c = await svc.signed(amounts=("100.00", "50.00"))
    m = c["milestones"][0]["id"]
    await svc.deliver_accept(c, m)
    url = f"/api/v1/contracts/{c['id']}/milestones/{m}/payments"
    first, second = await retry_while_held(
        database_url(svc), lambda: svc.client.post(url, json={"amount": "100.00"}, headers=keyed(STAFF, "pay-2"))
    )
    assert isinstance(first, httpx.Response) and first.status_code == 201, first
    assert second.status_code == 201 and second.headers["idempotent-replayed"] == "true", second.text
    assert second.json() == first.json()
    assert await count(svc, payments, milestone_id=uuid.UUID(m)) == 1


async def test_when_the_original_draft_fails_the_retry_drafts(svc: Service) -> None:
    body = contract_body()
    first, second = await retry_while_held(
        database_url(svc),
        lambda: svc.client.post("/api/v1/contracts", json=body, headers=keyed(STAFF, "c-3")),
        original_fails=True,
    )
    assert not (isinstance(first, httpx.Response) and first.status_code < 500), first
    assert second.status_code == 201 and "idempotent-replayed" not in second.headers, second.text
    assert await count(svc, contracts, match_id=uuid.UUID(body["match_id"])) == 1


async def test_when_the_original_payment_fails_the_retry_records_it(svc: Service) -> None:
    c = await svc.signed(amounts=("100.00", "50.00"))
    m = c["milestones"][0]["id"]
    await svc.deliver_accept(c, m)
    url = f"/api/v1/contracts/{c['id']}/milestones/{m}/payments"
    first, second = await retry_while_held(
        database_url(svc),
        lambda: svc.client.post(url, json={"amount": "100.00"}, headers=keyed(STAFF, "pay-3")),
        original_fails=True,
    )
    assert not (isinstance(first, httpx.Response) and first.status_code < 500), first
    assert second.status_code == 201 and "idempotent-replayed" not in second.headers, second.text
    assert await count(svc, payments, milestone_id=uuid.UUID(m)) == 1
