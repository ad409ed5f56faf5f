from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest

from itp.embedded import build_apps, serve
from itp.services import DATA_SERVICES, MIGRATED, migrations_dir
from shared.bus.base import Message
from shared.bus.kafka import KafkaBus
from shared.events import topics
from shared.migrations import upgrade
from shared.testing import (
    auth_headers,
    create_database,
    drop_database,
    free_port,
    kafka_bootstrap,
    migrated_template,
    unique,
    wait_for,
)
from tests.contract.support import check_events, missing
from tests.e2e.conformance import GATEWAYS, Recorder


@pytest.fixture(autouse=True)
def openapi_conformance(monkeypatch: pytest.MonkeyPatch) -> Iterable[Recorder]:
    """Every response a test receives over HTTP is checked against docs/openapi.json (issue 16):
    a status, content type or body the document does not describe fails the test."""
    recorder = Recorder()
    send = httpx.AsyncClient.send

    async def checked_send(self: httpx.AsyncClient, request: httpx.Request, **kw: Any) -> httpx.Response:
        response = await send(self, request, **kw)
        recorder.see(response, body_read=not kw.get("stream", False))
        return response

    monkeypatch.setattr(httpx.AsyncClient, "send", checked_send)
    yield recorder
    assert not recorder.problems, "answers the OpenAPI document does not describe:\n" + "\n".join(recorder.problems)


@pytest.fixture(scope="module")
async def embedded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """The whole platform in this process (SQLite files, in-process bus), as `./dev run` starts it.

    When the module's tests are done, every event they made the platform publish is validated against
    its message schema in docs/asyncapi.json (the events' contract test).
    """
    async with embedded_platform(tmp_path_factory.mktemp("embedded")) as running:
        yield running


@contextlib.asynccontextmanager
async def embedded_platform(data: Path, **settings: str) -> AsyncIterator[dict[str, Any]]:
    """The embedded platform on SQLite files in ``data``; ``settings`` are environment variables
    (``ITP_...``) its services and gateway read when they are built."""
    for name in MIGRATED:
        await asyncio.to_thread(upgrade, migrations_dir(name), f"sqlite+aiosqlite:///{data}/{name}.db")
    ports = {name: free_port() for name in DATA_SERVICES}
    with pytest.MonkeyPatch.context() as env:
        for key, value in settings.items():
            env.setenv(key, value)
        platform, apps = build_apps(gateway_port=free_port(), service_ports=ports, data_dir=str(data))
    GATEWAYS.add(httpx.URL(platform.gateway_url).netloc.decode())
    started, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(apps, "127.0.0.1", started, stop=stop))
    await asyncio.wait_for(started.wait(), 30)
    try:
        yield {"platform": platform, "data_dir": Path(data), "ports": ports, "apps": apps}
    finally:
        stop.set()  # graceful: each server runs its lifespan shutdown (relay, consumers, engine)
        try:
            await asyncio.wait_for(task, 20)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    assert_events_match_asyncapi(platform.bus.messages(topic) for topic in topics.ALL)


def assert_events_match_asyncapi(messages: Iterable[list[Message]]) -> None:
    events = [json.loads(m.value) for batch in messages for m in batch if m.value is not None]
    if not events:
        return
    if (why := missing()) is not None:
        warnings.warn(f"the events were not checked against docs/asyncapi.json: {why}", stacklevel=2)
        return
    result = check_events(events)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
async def embedded_gateway(embedded: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=embedded["platform"].gateway_url, timeout=10, headers=auth_headers("admin")
    ) as client:
        yield client


@contextlib.asynccontextmanager
async def running_stack(**settings: str) -> AsyncIterator[dict[str, Any]]:
    """Every service in its own process (as in production) on the real PostgreSQL and Kafka, each
    with its own database and the stack with its own topics; ``settings`` are extra environment
    variables (``ITP_...``) for every process."""
    databases = {}
    # Its own topics and consumer groups: nothing left on the broker by other tests (or another
    # stack running at the same time) is read, and no group is shared.
    prefix = unique("itp_e2e")
    stack_topics = topics.for_prefix(prefix)
    bus = KafkaBus(kafka_bootstrap())
    await bus.ensure_topics([t for base in stack_topics.values() for t in (base, topics.dlq(base))], 3)
    env = {
        **os.environ,
        "ITP_MODE": "kafka",
        "ITP_ENV": "test",
        "ITP_KAFKA_BOOTSTRAP": kafka_bootstrap(),
        "ITP_TOPIC_PREFIX": prefix,
        **settings,
    }
    ports = {name: free_port() for name in (*DATA_SERVICES, "gateway")}
    GATEWAYS.add(f"127.0.0.1:{ports['gateway']}")
    for name in MIGRATED:  # the data services and the gateway's API keys
        db = unique(f"itp_e2e_{name}")
        env[f"ITP_{name.upper()}_DATABASE_URL"] = await create_database(
            db, template=await migrated_template(name, migrations_dir(name))
        )
        if name in DATA_SERVICES:
            env[f"ITP_{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
        databases[name] = db
    procs = [
        subprocess.Popen(  # noqa: ASYNC220 - started once per module, before any request
            [sys.executable, "-m", "itp.cli", "serve", name, "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=None,
        )
        for name, port in ports.items()
    ]
    try:
        async with httpx.AsyncClient(timeout=5) as probe:

            async def all_ready() -> bool:
                for port in ports.values():
                    assert all(p.poll() is None for p in procs), "a service process exited"
                    try:
                        r = await probe.get(f"http://127.0.0.1:{port}/readyz")
                    except httpx.TransportError:
                        return False
                    if r.status_code != 200:
                        return False
                return True

            await wait_for(all_ready, timeout_s=180, interval_s=0.2, what="every service to be ready")
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{ports['gateway']}", timeout=10, headers=auth_headers("admin")
        ) as gateway:
            yield {"gateway": gateway, "ports": ports, "procs": procs, "topics": stack_topics}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        for db in databases.values():
            await drop_database(db)
