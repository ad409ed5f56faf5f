"""What the dashboard's tests share: its database, real CloudEvents, a served app, an SSE client."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import httpx
import uvicorn
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata
from fastapi import FastAPI

from services.dashboard import handlers
from services.dashboard.main import definition
from services.dashboard.service import KpiService
from shared.bus.base import Message, Record
from shared.events.base import DomainEvent, event_class_for
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.runtime import ConsumerSpec, ServiceDefinition
from shared.testing import create_database, free_port, migrated_template, unique, wait_for

SOURCE = "/itp/dashboard-test"


async def dashboard_database() -> tuple[str, str]:
    """A fresh, migrated dashboard database: (name, URL)."""
    name = unique("itp_test_dashboard")
    url = await create_database(name, template=await migrated_template("dashboard", definition.migrations))
    return name, url


def isolated_definition(topics: Sequence[str] | None = None) -> ServiceDefinition:
    """The dashboard as deployed, but its consumer in a group of its own (and optionally on other
    topics), so that tests neither share offsets with each other nor with a running stack."""
    spec = definition.consumers[0]
    return dataclasses.replace(
        definition,
        consumers=[
            ConsumerSpec(f"projection-test-{uuid.uuid4().hex[:10]}", list(topics or spec.topics), handlers.handlers)
        ],
    )


def envelope(event: DomainEvent, at: datetime | None = None) -> Envelope:
    """The CloudEvent the publisher's relay would send (its time set to ``at`` when given)."""
    env = Envelope.wrap(event, source=SOURCE, traceparent=None)
    return dataclasses.replace(env, time=at) if at is not None else env


def topic_of(env: Envelope) -> str:
    """The topic its publisher sends this event to."""
    cls = event_class_for(env.type)
    assert cls is not None, env.type
    return cls.TOPIC


def message(env: Envelope, topic: str | None = None, offset: int = 0) -> Message:
    return Message(topic or topic_of(env), 0, offset, env.subject.encode(), env.to_json())


def record(env: Envelope, topic: str) -> Record:
    return Record(topic, env.subject.encode(), env.to_json(), [("content-type", CONTENT_TYPE.encode())])


def uow_factory(engine: Any) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(engine, definition.outbox, source="/itp/dashboard", signal=OutboxSignal())


async def read_kpis(engine: Any, limit: int = 100) -> dict[str, Any]:
    return await KpiService(uow_factory(engine)).kpis(limit)


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free local port (lifespan included); yields its base URL.

    A real server, because httpx's ASGI transport buffers whole responses and cannot stream."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        loop="none",
        # Event streams never end by themselves: give them a second at shutdown.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        if task.done():
            task.result()
            raise AssertionError("the server stopped during start-up")
        return server.started

    try:
        await wait_for(started, timeout_s=30, what="the server to start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 15)


@dataclasses.dataclass
class SseEvent:
    id: str | None
    event: str | None
    data: str


class SseClient:
    """Reads a ``text/event-stream`` response: events, and comments (heartbeats and notes)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.events: list[SseEvent] = []
        self.comments: list[str] = []
        self.retry: int | None = None
        self._lines = response.aiter_lines()
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        fields: dict[str, str] = {}
        async for line in self._lines:
            if line == "":
                if "data" in fields:
                    self.events.append(SseEvent(fields.get("id"), fields.get("event"), fields["data"]))
                fields = {}
                self._changed.set()
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                self._changed.set()
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "retry":
                self.retry = int(value)
            elif name == "data" and "data" in fields:
                fields["data"] += "\n" + value
            else:
                fields[name] = value

    async def until(self, predicate: Any, *, timeout_s: float = 15.0, what: str = "") -> None:
        async def probe() -> bool:
            if self._task.done() and not predicate(self):
                self._task.result()
                raise AssertionError(f"stream ended before {what}")
            return bool(predicate(self))

        await wait_for(probe, timeout_s=timeout_s, interval_s=0.02, what=what)

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(BaseException):
            await self._task
        await self.response.aclose()


@contextlib.asynccontextmanager
async def sse(client: httpx.AsyncClient, url: str, **kwargs: Any) -> AsyncIterator[SseClient]:
    """Open an event stream and wait until the server says it is subscribed."""
    async with client.stream("GET", url, **kwargs) as response:
        assert response.status_code == 200, (response.status_code, await response.aread())
        reader = SseClient(response)
        try:
            await reader.until(lambda r: "connected" in r.comments, what="the stream to be subscribed")
            yield reader
        finally:
            await reader.close()


# -- Kafka ------------------------------------------------------------------------------------


async def position_group_at_end(bootstrap: str, group: str, topic_names: Sequence[str]) -> None:
    """Commit the current end of every partition for ``group``: its consumer starts with what is
    published from now on, not with the history that other runs left on the shared topics."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await admin.start()
    try:
        tps = [
            TopicPartition(t["topic"], p["partition"])
            for t in await admin.describe_topics(list(topic_names))
            for p in t["partitions"]
        ]
    finally:
        await admin.close()
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in ends.items()})
    finally:
        await consumer.stop()


async def delete_topics(bootstrap: str, topic_names: Sequence[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        await admin.delete_topics(list(topic_names))
    except Exception:  # best effort: a leftover test topic harms nobody
        pass
    finally:
        await admin.close()
