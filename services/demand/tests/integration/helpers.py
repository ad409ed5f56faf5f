"""Helpers for the demand service's integration tests: request bodies, tokens, outbox and broker probes."""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata
from fastapi import FastAPI

from services.demand.domain import credit_code_check_char
from services.demand.tables import demands, enterprises, outbox
from shared.bus.base import Message
from shared.bus.kafka import KafkaBus
from shared.consumer import EventConsumer
from shared.events.base import DomainEvent
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.outbox import decode_payload
from shared.runtime import ServiceRuntime
from shared.testing import auth_headers, kafka_bootstrap, unique, wait_for

SOURCE = "/itp/demand"
DEMAND_TOPIC = "itp.demand.events"
KAFKA_TIMEOUT_S = 30.0

OPERATOR = auth_headers("operator", subject="operator-1")
OPERATOR_2 = auth_headers("operator", subject="operator-2")
PROJECT_MANAGER = auth_headers("project_manager", subject="pm-1")
DASHBOARD = auth_headers("dashboard_viewer", subject="dashboard-1")


def enterprise_user(enterprise_id: uuid.UUID | str) -> dict[str, str]:
    return auth_headers("enterprise_user", subject=f"ent-user-{enterprise_id}", enterprise_id=enterprise_id)


def carrier_user(carrier_id: uuid.UUID | str) -> dict[str, str]:
    return auth_headers("carrier_user", subject=f"carrier-user-{carrier_id}", carrier_id=carrier_id)


@dataclass
class DemandApp:
    """The demand service in-process: its app, runtime, an HTTP client and the real Kafka bus."""

    app: FastAPI
    runtime: ServiceRuntime
    client: httpx.AsyncClient
    bus: KafkaBus

    @property
    def consumer(self) -> EventConsumer:
        return self.runtime.consumers[0]


# -- request bodies ----------------------------------------------------------------------


def new_credit_code() -> str:
    """A valid unified social credit code (GB 32100-2015 check character), unique per call."""
    body = "91320500" + uuid.uuid4().hex[:9].upper().translate(str.maketrans("IOZSV", "12345"))
    return body + credit_code_check_char(body)


def enterprise_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name_zh": "苏州新能动力科技有限公司",
        "name_en": "Suzhou Xinneng Power Technology Co., Ltd.",
        "credit_code": new_credit_code(),
        "province": "江苏",
        "city": "苏州",
        "industry_code": "C38",
        "size": "large",
        "contacts": [{"name": "王工", "phone": "+86 512 6666 0000"}],
    }
    body.update(overrides)
    return body


def future(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def demand_body(enterprise_id: uuid.UUID | str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "enterprise_id": str(enterprise_id),
        "title": "车用动力电池热管理系统开发",
        "description": "开发高可靠的动力电池热管理方案，降低极端工况下的热失控风险，满足整车十年寿命要求。",
        "fields": ["energy.batteries"],
        "keywords": ["热管理"],
        "demand_type": "technology_development",
        "expected_outcome": "样机与测试报告",
        "trl_current": 3,
        "trl_target": 6,
        "budget": "2500000.00",
        "deadline": future(180),
        "province": "江苏",
        "city": "苏州",
        "contact": {"name": "王工", "email": "wang@example.cn"},
        "confidentiality": "public",
    }
    body.update(overrides)
    return body


# -- HTTP shortcuts ------------------------------------------------------------------------


async def register_enterprise(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/enterprises", json=enterprise_body(**overrides), headers=OPERATOR)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def create_demand(
    client: httpx.AsyncClient, enterprise_id: uuid.UUID | str, headers: dict[str, str] | None = None, **overrides: Any
) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/demands",
        json=demand_body(enterprise_id, **overrides),
        headers=headers or enterprise_user(enterprise_id),
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def act(
    client: httpx.AsyncClient,
    demand_id: str,
    action: str,
    headers: dict[str, str] | None = None,
    json: Any = None,
    expect: int = 200,
) -> dict[str, Any]:
    """POST a transition (``publish``, ``start-negotiation``...) and check its status code."""
    r = await client.post(f"/api/v1/demands/{demand_id}/{action}", headers=headers or OPERATOR, json=json)
    assert r.status_code == expect, r.text
    body: dict[str, Any] = r.json()
    return body


async def published_demand(client: httpx.AsyncClient, enterprise_id: str, **overrides: Any) -> dict[str, Any]:
    d = await create_demand(client, enterprise_id, **overrides)
    return await act(client, d["id"], "publish")


def assert_problem(r: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    body: dict[str, Any] = r.json()
    assert body["type"] == f"/problems/{slug}", body
    assert body["status"] == status
    return body


# -- the database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    event_id: str
    aggregate_type: str
    aggregate_id: str
    event_type: str
    topic: str
    payload: str
    published_at: datetime | None

    @property
    def cloudevent(self) -> dict[str, Any]:
        return decode_payload(self.payload)

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.cloudevent["data"]
        return data


async def outbox_rows(runtime: ServiceRuntime, aggregate_id: uuid.UUID | str | None = None) -> list[OutboxRow]:
    """Outbox rows in ``seq`` order, of one aggregate or all."""
    stmt = sa.select(outbox).order_by(outbox.c.seq)
    if aggregate_id is not None:
        stmt = stmt.where(outbox.c.aggregate_id == str(aggregate_id))
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [
        OutboxRow(r.seq, r.event_id, r.aggregate_type, r.aggregate_id, r.event_type, r.topic, r.payload, r.published_at)
        for r in rows
    ]


def short_types(rows: list[OutboxRow]) -> list[str]:
    """``cn.jitri.itp.DemandPublished.v1`` -> ``DemandPublished``."""
    return [r.event_type.removeprefix("cn.jitri.itp.").rsplit(".v", 1)[0] for r in rows]


def assert_cloudevent(row: OutboxRow, event_cls: type[DomainEvent], subject: uuid.UUID | str) -> dict[str, Any]:
    """The outbox row is the CloudEvent of ``event_cls`` about ``subject``, still unpublished."""
    ce = row.cloudevent
    assert ce["specversion"] == "1.0"
    assert ce["id"] == row.event_id
    assert ce["type"] == row.event_type == event_cls.ce_type()
    assert ce["source"] == SOURCE
    assert ce["subject"] == row.aggregate_id == str(subject)
    assert ce["datacontenttype"] == "application/json"
    t = datetime.fromisoformat(str(ce["time"]).replace("Z", "+00:00"))
    assert t.tzinfo is not None and abs(datetime.now(UTC) - t) < timedelta(minutes=5)
    assert row.topic == event_cls.TOPIC == DEMAND_TOPIC
    assert row.aggregate_type == event_cls.AGGREGATE
    assert row.published_at is None
    event_cls.model_validate(ce["data"])  # the data parses back as the declared event
    return row.data


async def demand_count(runtime: ServiceRuntime, enterprise_id: uuid.UUID | str) -> int:
    async with runtime.engine.connect() as conn:
        n = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(demands)
                .where(demands.c.enterprise_id == uuid.UUID(str(enterprise_id)))
            )
        ).scalar_one()
    return int(n)


async def enterprise_count(runtime: ServiceRuntime, credit_code: str) -> int:
    async with runtime.engine.connect() as conn:
        n = (
            await conn.execute(
                sa.select(sa.func.count()).select_from(enterprises).where(enterprises.c.credit_code == credit_code)
            )
        ).scalar_one()
    return int(n)


# -- consumed events -------------------------------------------------------------------------

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


async def position_group_at_end(group: str, topics: list[str]) -> None:
    """Commit ``group``'s offsets at the current end of ``topics``, so it reads only what comes next
    (the shared topics hold every earlier run's events)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap(), request_timeout_ms=15000)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    tps = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    assert {tp.topic for tp in tps} == set(topics), described
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in ends.items()})
    finally:
        await consumer.stop()


async def read_back(
    bus: KafkaBus,
    topic: str,
    keys: set[str],
    done: Callable[[dict[str, list[Message]]], bool],
    *,
    timeout_s: float = KAFKA_TIMEOUT_S,
) -> dict[str, list[Message]]:
    """Read ``topic`` from the beginning on a fresh group, keeping the records whose key is in ``keys``,
    until ``done(records by key)``."""
    sub = bus.subscriber(unique("itp-demand-it-reader"), [topic])
    await sub.start()
    got: dict[str, list[Message]] = defaultdict(list)
    try:

        async def probe() -> bool:
            for m in await sub.fetch(0.5):
                key = (m.key or b"").decode()
                if key in keys:
                    got[key].append(m)
            return done(got)

        await wait_for(probe, timeout_s=timeout_s, interval_s=0, what=f"records of {sorted(keys)} on {topic}")
    finally:
        await sub.stop()
    return got


def ce_type_of(m: Message) -> str:
    doc = decode_payload((m.value or b"").decode())
    return str(doc["type"]).removeprefix("cn.jitri.itp.").rsplit(".v", 1)[0]


async def get_status(client: httpx.AsyncClient, demand_id: str) -> str:
    r = await client.get(f"/api/v1/demands/{demand_id}", headers=OPERATOR)
    assert r.status_code == 200, r.text
    return str(r.json()["status"])


def new_id() -> str:
    return str(uuid.uuid4())


def later(**kw: float) -> datetime:
    return datetime.now(UTC) + timedelta(**kw)
