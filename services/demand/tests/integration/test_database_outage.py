"""The demand service as it runs (its own process), through a database outage, with no broker.

It starts and serves writes while the broker is unreachable (the outbox keeps the events); while
its database is down every request answers 503 with ``Retry-After`` (never 500) and ``/readyz``
is false; when the database is back it serves again within seconds, without a restart.

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


@pytest.fixture
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


async def test_outage_answers_503_and_the_service_recovers_without_a_restart(
    own_postgres: ThrowawayPostgres, demand_process: httpx.AsyncClient
) -> None:
    client = demand_process
    # Ready with no broker at all: readiness is the database's, and writes go on into the outbox.
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
    r = await client.post("/api/v1/enterprises", json=enterprise_body())
    assert r.status_code == 201, r.text
    enterprise_id = r.json()["id"]
    r = await client.post("/api/v1/demands", json=demand_body(enterprise_id))  # a hot route
    assert r.status_code == 201, r.text
    demand_id = r.json()["id"]

    await asyncio.to_thread(own_postgres.stop)
    try:
        _assert_unavailable(await client.post("/api/v1/enterprises", json=enterprise_body()))
        _assert_unavailable(await client.post("/api/v1/demands", json=demand_body(enterprise_id)))
        _assert_unavailable(await client.get(f"/api/v1/demands/{demand_id}"))  # hot, raw asyncpg
        _assert_unavailable(await client.get("/api/v1/demands"))
        not_ready = await client.get("/readyz")
        assert not_ready.status_code == 503
        assert not_ready.json()["checks"]["database"].startswith("unreachable")
    finally:
        await asyncio.to_thread(own_postgres.start)
    back = time.monotonic()

    async def serving() -> bool:
        r = await client.post("/api/v1/demands", json=demand_body(enterprise_id))
        assert r.status_code in (201, 503), r.text  # never a 500 on the way back
        return r.status_code == 201

    await wait_for(serving, timeout_s=RECOVERY_S, interval_s=0.1, what="writes after the database came back")
    assert (await client.get(f"/api/v1/demands/{demand_id}")).status_code == 200
    assert (await client.get("/api/v1/demands")).status_code == 200
    assert (await client.get("/readyz")).status_code == 200
    assert time.monotonic() - back < RECOVERY_S
