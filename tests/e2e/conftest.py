from __future__ import annotations

import asyncio
import contextlib
import json
import warnings
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest

from itp.embedded import build_apps, serve
from itp.services import DATA_SERVICES, MIGRATED, migrations_dir
from shared.bus.base import Message
from shared.events import topics
from shared.migrations import upgrade
from shared.testing import auth_headers, free_port
from tests.contract.support import check_events, missing


@pytest.fixture(scope="module")
async def embedded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """The whole platform in this process (SQLite files, in-process bus), as `./dev run` starts it.

    When the module's tests are done, every event they made the platform publish is validated against
    its message schema in docs/asyncapi.json (the events' contract test).
    """
    data = tmp_path_factory.mktemp("embedded")
    for name in MIGRATED:
        await asyncio.to_thread(upgrade, migrations_dir(name), f"sqlite+aiosqlite:///{data}/{name}.db")
    ports = {name: free_port() for name in DATA_SERVICES}
    platform, apps = build_apps(gateway_port=free_port(), service_ports=ports, data_dir=str(data))
    started, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(apps, "127.0.0.1", started, stop=stop))
    await asyncio.wait_for(started.wait(), 30)
    try:
        yield {"platform": platform, "data_dir": Path(data), "ports": ports}
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
