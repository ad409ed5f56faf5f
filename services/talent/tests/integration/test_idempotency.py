"""Idempotency-Key on the talent service's creates: the key is the caller's own and is read only
after the permission check, and a retry sent while the original is in flight waits for it."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa

from services.talent.tables import people
from services.talent.tests.integration.helpers import (
    DASHBOARD,
    OPERATOR,
    TalentApp,
    carrier_user,
    create_carrier,
    enterprise_user,
    person_body,
    read_scalar,
)
from shared.testing import auth_headers, retry_while_held


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def people_of(t: TalentApp, carrier_id: str) -> int:
    return int(await read_scalar(t, sa.select(sa.func.count()).where(people.c.carrier_id == uuid.UUID(carrier_id))))


async def test_another_caller_replaying_a_person_key_gets_what_it_would_get_without_it(talent: TalentApp) -> None:
    carrier = (await create_carrier(talent))["id"]
    body = person_body(carrier)
    async with talent.client() as c:
        first = await c.post("/api/v1/people", json=body, headers=keyed(carrier_user(carrier), "p-1"))
        assert first.status_code == 201, first.text
        assert first.json()["contact"]["email"] == body["contact"]["email"]
        other = uuid.uuid4()
        # The same subject bound to another carrier is another caller.
        same_subject = auth_headers("carrier_user", subject=f"carrier-user-{carrier}", carrier_id=other)
        for headers in (same_subject, carrier_user(other), enterprise_user(), DASHBOARD):
            r = await c.post("/api/v1/people", json=body, headers=keyed(headers, "p-1"))
            assert r.status_code == 403, r.text
            assert first.json()["id"] not in r.text and body["contact"]["email"] not in r.text
            assert "idempotent-replayed" not in r.headers
        # An operator may register the person: it is told the e-mail is taken, as without the key.
        r = await c.post("/api/v1/people", json=body, headers=keyed(OPERATOR, "p-1"))
        assert r.status_code == 409 and "idempotent-replayed" not in r.headers, r.text
        again = await c.post("/api/v1/people", json=body, headers=keyed(carrier_user(carrier), "p-1"))
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await people_of(talent, carrier) == 1


async def test_a_retried_registration_sent_while_the_original_is_in_flight_gets_the_original(
    talent: TalentApp,
) -> None:
    carrier = (await create_carrier(talent))["id"]
    body = person_body(carrier)
    async with talent.client(carrier_user(carrier)) as c:
        first, second = await retry_while_held(
            talent.database_url, lambda: c.post("/api/v1/people", json=body, headers={"Idempotency-Key": "p-2"})
        )
    assert isinstance(first, httpx.Response) and first.status_code == 201, first
    assert second.status_code == 201 and second.headers["idempotent-replayed"] == "true", second.text
    assert second.json() == first.json()
    assert await people_of(talent, carrier) == 1


async def test_when_the_original_registration_fails_the_retry_registers(talent: TalentApp) -> None:
    carrier = (await create_carrier(talent))["id"]
    body = person_body(carrier)
    async with talent.client(carrier_user(carrier)) as c:
        first, second = await retry_while_held(
            talent.database_url,
            lambda: c.post("/api/v1/people", json=body, headers={"Idempotency-Key": "p-3"}),
            original_fails=True,
        )
    assert not (isinstance(first, httpx.Response) and first.status_code < 500), first
    assert second.status_code == 201 and "idempotent-replayed" not in second.headers, second.text
    assert await people_of(talent, carrier) == 1
