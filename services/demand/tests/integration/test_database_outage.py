"""The demand service as it runs (its own process), through database outages, with no broker.

It starts while both its database and the broker are unreachable; while its database is down
every request answers 503 with ``Retry-After`` (never 500) and ``/readyz`` is false; when the
database is back (after the start, and again after a restart under load) it serves again within
seconds, without a restart of its own; it takes writes with the broker away all along (the outbox
keeps the events).

The database is a PostgreSQL cluster of this test's own, stopped and started here: never the
shared one.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from services.demand.main import definition
from services.demand.tests.integration.helpers import OPERATOR, demand_body, enterprise_body
from shared.migrations import upgrade
from shared.testing import ThrowawayPostgres, free_port, wait_for

RECOVERY_S = 10.0


@pytest.fixture(scope="module")
async def own_postgres() -> AsyncIterator[ThrowawayPostgres]:
    pg = ThrowawayPostgres()
    try:
        await asyncio.to_thread(pg.init)
        await asyncio.to_thread(pg.start)
        url = await pg.create_database("itp_demand")
        await asyncio.to_thread(upgrade, definition.migrations, url)
        yield pg
    finally:
        await asyncio.to_thread(pg.destroy)


@asynccontextmanager
async def demand_process(own_postgres: ThrowawayPostgres) -> AsyncIterator[httpx.AsyncClient]:
    port = free_port()
    env = {
        **os.environ,
        "ITP_ENV": "test",
        "ITP_MODE": "kafka",
        "ITP_KAFKA_BOOTSTRAP": f"127.0.0.1:{free_port()}",  # nothing listens there: no broker
        "ITP_DEMAND_DATABASE_URL": own_postgres.url("itp_demand"),
        "ITP_CONSUMER_PAUSE_MAX_S": "1",
    }
    proc = subprocess.Popen(  # noqa: ASYNC220 - one process per test, started before any request
        [sys.executable, "-m", "itp.cli", "serve", "demand", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=None,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10, headers=OPERATOR) as client:

            async def up() -> bool:
                assert proc.poll() is None, f"the service exited with code {proc.returncode}"
                try:
                    return (await client.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await wait_for(up, timeout_s=30, interval_s=0.1, what="the demand service to listen")
            yield client
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _assert_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["retry-after"]) > 0
    assert r.json()["status"] == 503


async def _assert_down(client: httpx.AsyncClient, enterprise_id: str, demand_id: str | None) -> None:
    _assert_unavailable(await client.post("/api/v1/enterprises", json=enterprise_body()))
    _assert_unavailable(await client.post("/api/v1/demands", json=demand_body(enterprise_id)))  # hot
    if demand_id is not None:
        _assert_unavailable(await client.get(f"/api/v1/demands/{demand_id}"))  # hot, raw asyncpg
    _assert_unavailable(await client.get("/api/v1/demands"))
    not_ready = await client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json()["checks"]["database"].startswith("unreachable")


async def _recovers(client: httpx.AsyncClient, enterprise_id: str) -> str:
    """Wait (bounded) until a write succeeds again; every answer meanwhile is a 201 or a 503."""
    created: list[str] = []

    async def serving() -> bool:
        r = await client.post("/api/v1/demands", json=demand_body(enterprise_id))
        assert r.status_code in (201, 503), r.text  # never a 500 on the way back
        if r.status_code == 201:
            created.append(r.json()["id"])
        return bool(created)

    back = time.monotonic()
    await wait_for(serving, timeout_s=RECOVERY_S, interval_s=0.1, what="writes after the database came back")
    assert time.monotonic() - back < RECOVERY_S
    assert (await client.get("/readyz")).status_code == 200
    return created[0]


async def test_outages_answer_503_and_the_service_recovers_without_a_restart(own_postgres: ThrowawayPostgres) -> None:
    await asyncio.to_thread(own_postgres.stop)
    # Starts with neither its database nor the broker: alive, not ready, 503 to every request.
    async with demand_process(own_postgres) as client:
        enterprise_id = "00000000-0000-4000-8000-000000000001"
        await _assert_down(client, enterprise_id, None)

        await asyncio.to_thread(own_postgres.start)
        enterprise_id = await _wait_created(client)
        demand_id = await _recovers(client, enterprise_id)
        ready = await client.get("/readyz")
        assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}  # no broker in it

        # A restart: the pool's connections die with the server.
        await asyncio.to_thread(own_postgres.stop)
        try:
            await _assert_down(client, enterprise_id, demand_id)
        finally:
            await asyncio.to_thread(own_postgres.start)
        await _recovers(client, enterprise_id)
        assert (await client.get(f"/api/v1/demands/{demand_id}")).status_code == 200
        assert (await client.get("/api/v1/demands")).status_code == 200


async def _wait_created(client: httpx.AsyncClient) -> str:
    ids: list[str] = []

    async def created() -> bool:
        r = await client.post("/api/v1/enterprises", json=enterprise_body())
        assert r.status_code in (201, 503), r.text
        if r.status_code == 201:
            ids.append(r.json()["id"])
        return bool(ids)

    await wait_for(created, timeout_s=RECOVERY_S, interval_s=0.1, what="an enterprise once the database is up")
    return ids[0]
