"""Helpers for the talent service's integration tests: bodies, tokens, outbox and broker probes."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata
from fastapi import FastAPI

from services.talent.handlers import handlers
from services.talent.tables import outbox
from shared.bus.base import Message, Record
from shared.bus.kafka import KafkaBus
from shared.consumer import EventConsumer
from shared.events.base import DomainEvent
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.outbox import decode_payload
from shared.runtime import ServiceRuntime
from shared.testing import auth_headers, kafka_bootstrap, unique, wait_for

KAFKA_TIMEOUT_S = 30.0
TALENT_TOPIC = "itp.talent.events"

OPERATOR = auth_headers("operator", subject="operator-1")
ADMIN = auth_headers("admin", subject="admin-1")
PROJECT_MANAGER = auth_headers("project_manager", subject="pm-1")
DASHBOARD = auth_headers("dashboard_viewer", subject="dashboard-1")


def enterprise_user(enterprise_id: uuid.UUID | str | None = None) -> dict[str, str]:
    eid = enterprise_id or uuid.uuid4()
    return auth_headers("enterprise_user", subject=f"ent-user-{eid}", enterprise_id=eid)


def carrier_user(carrier_id: uuid.UUID | str) -> dict[str, str]:
    return auth_headers("carrier_user", subject=f"carrier-user-{carrier_id}", carrier_id=carrier_id)


@dataclass
class TalentApp:
    app: FastAPI
    runtime: ServiceRuntime
    bus: KafkaBus
    database_url: str

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://talent", headers=headers or {}, timeout=60
        )

    @property
    def consumer(self) -> EventConsumer:
        return self.runtime.consumers[0]


# -- bodies -----------------------------------------------------------------------------------


def tag() -> str:
    return uuid.uuid4().hex[:6]


def carrier_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "research_institute",
        "name_zh": f"先进储能技术研究所{tag()}",
        "name_en": "Institute of Advanced Energy Storage",
        "city": "苏州",
        "province": "江苏",
        "fields": ["energy.batteries", "materials.nano"],
        "capabilities": "锂离子电池正极材料、固态电解质与电池安全评估。Solid-state electrolytes.",
        "equipment": ["手套箱", "XRD"],
        "keywords": ["固态电池", "solid-state battery"],
        "capacity": 3,
    }
    body.update(overrides)
    return body


def person_body(carrier_id: uuid.UUID | str | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"王晓明{tag()}",
        "name_en": "Wang Xiaoming",
        "title": "研究员",
        "roles": ["jitri_researcher"],
        "carrier_id": str(carrier_id) if carrier_id else None,
        "university": "东南大学",
        "fields": ["energy.batteries"],
        "keywords": ["固态电解质", "电池安全"],
        "languages": ["zh", "en"],
        "capacity": 2,
        "contact": {"email": f"wang.{tag()}@jitri.example.cn", "phone": "+86 512 6288 1234", "wechat": "wxm_lab"},
    }
    body.update(overrides)
    return body


# -- HTTP shortcuts ----------------------------------------------------------------------------


async def create_carrier(t: TalentApp, **overrides: Any) -> dict[str, Any]:
    async with t.client(OPERATOR) as c:
        r = await c.post("/api/v1/carriers", json=carrier_body(**overrides))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def create_person(t: TalentApp, carrier_id: uuid.UUID | str | None, **overrides: Any) -> dict[str, Any]:
    async with t.client(OPERATOR) as c:
        r = await c.post("/api/v1/people", json=person_body(carrier_id, **overrides))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def get_json(t: TalentApp, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    async with t.client(headers or OPERATOR) as c:
        r = await c.get(path)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def assert_problem(r: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    body: dict[str, Any] = r.json()
    assert body["type"] == f"/problems/{slug}", body
    assert body["status"] == status
    return body


# -- the outbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    event_id: str
    aggregate_id: str
    event_type: str
    topic: str
    payload: str
    published_at: datetime | None

    @property
    def type(self) -> str:
        return self.event_type.removeprefix("cn.jitri.itp.").rsplit(".v", 1)[0]

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = decode_payload(self.payload)["data"]  # type: ignore[assignment]
        return data


async def outbox_rows(t: TalentApp, *, after_seq: int = 0, aggregate_id: Any = None) -> list[OutboxRow]:
    stmt = sa.select(outbox).where(outbox.c.seq > after_seq).order_by(outbox.c.seq)
    if aggregate_id is not None:
        stmt = stmt.where(outbox.c.aggregate_id == str(aggregate_id))
    async with t.runtime.engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [
        OutboxRow(r.seq, r.event_id, r.aggregate_id, r.event_type, r.topic, r.payload, r.published_at) for r in rows
    ]


async def last_seq(t: TalentApp) -> int:
    async with t.runtime.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.coalesce(sa.func.max(outbox.c.seq), 0)))).scalar_one())


def types_of(rows: list[OutboxRow]) -> list[str]:
    return [r.type for r in rows]


# -- consumed events ---------------------------------------------------------------------------

_offsets = itertools.count()


def message_of(event: DomainEvent, *, source: str, envelope: Envelope | None = None) -> Message:
    """The Kafka message another service's relay would produce for ``event`` (real CloudEvent bytes)."""
    env = envelope or Envelope.wrap(event, source=source, traceparent=None)
    return Message(
        event.TOPIC,
        0,
        next(_offsets),
        event.aggregate_key.encode(),
        env.to_json(),
        (("content-type", CONTENT_TYPE.encode()),),
    )


def record_of(event: DomainEvent, *, source: str) -> Record:
    env = Envelope.wrap(event, source=source, traceparent=None)
    return Record(event.TOPIC, event.aggregate_key.encode(), env.to_json(), [("content-type", CONTENT_TYPE.encode())])


async def _partitions(topics: list[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap(), request_timeout_ms=15000)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]


async def position_group_at_end(group: str, topics: list[str]) -> None:
    """Commit ``group``'s offsets at the current end of ``topics`` (they hold every earlier run's events)."""
    tps = await _partitions(topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in ends.items()})
    finally:
        await consumer.stop()


@contextlib.asynccontextmanager
async def running_consumer(t: TalentApp) -> AsyncIterator[EventConsumer]:
    """The talent service's real consumer (its topics and handlers) on the real broker, under a
    group of its own that starts at the topics' current ends."""
    spec = t.runtime.definition.consumers[0]
    group = unique(f"itp-talent-{spec.name}-it")
    await position_group_at_end(group, spec.topics)
    consumer = EventConsumer(
        group=group,
        topics=spec.topics,
        bus=t.bus,
        uow=t.runtime.uow,
        processed=t.runtime.definition.processed,
        handlers=handlers(t.runtime),
        max_retries=1,
        retry_backoff_s=0.01,
    )
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(consumer.started.wait(), KAFKA_TIMEOUT_S)
        yield consumer
    finally:
        consumer.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


class TopicTail:
    """Reads a topic from the offsets it had when the tail was opened (no consumer group)."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._consumer: AIOKafkaConsumer | None = None

    async def __aenter__(self) -> TopicTail:
        tps = await _partitions([self.topic])
        self._consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap(), enable_auto_commit=False)
        await self._consumer.start()
        self._consumer.assign(tps)
        for tp, offset in (await self._consumer.end_offsets(tps)).items():
            self._consumer.seek(tp, offset)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    async def collect(self, event_ids: set[str], timeout_s: float = KAFKA_TIMEOUT_S) -> dict[str, dict[str, Any]]:
        """The CloudEvents with these ids, once every one of them has arrived."""
        assert self._consumer is not None
        got: dict[str, dict[str, Any]] = {}
        consumer = self._consumer

        async def probe() -> bool:
            batches = await consumer.getmany(timeout_ms=300)
            for msgs in batches.values():
                for m in msgs:
                    doc = decode_payload((m.value or b"").decode())
                    if doc.get("id") in event_ids:
                        got[str(doc["id"])] = {**doc, "_key": (m.key or b"").decode()}
            return event_ids <= set(got)

        await wait_for(probe, timeout_s=timeout_s, interval_s=0, what=f"{len(event_ids)} events on {self.topic}")
        return got


async def read_scalar(t: TalentApp, stmt: Any) -> Any:
    async with t.runtime.engine.connect() as conn:
        return (await conn.execute(stmt)).scalar_one()
