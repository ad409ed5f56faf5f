"""The contracts service in-process on a fresh PostgreSQL database and the real Kafka broker,
with helpers that drive it over HTTP the way the portals do."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.contracts.main import definition
from services.contracts.tables import outbox
from shared.bus.base import Message
from shared.bus.kafka import KafkaBus
from shared.runtime import ServiceRuntime, create_service_app
from shared.settings import ServiceSettings
from shared.testing import auth_headers, kafka_bootstrap, unique, wait_for

STAFF = auth_headers("operator", subject="operator-zhang")
PM = auth_headers("project_manager", subject="pm-chen")
DASHBOARD = auth_headers("dashboard_viewer", subject="dash")

SCOPE = "完成高镍三元正极材料表面包覆工艺开发，提交中试样品、工艺包与第三方检测报告。"


def enterprise_user(enterprise_id: str) -> dict[str, str]:
    return auth_headers("enterprise_user", enterprise_id=enterprise_id, subject=f"ent-{enterprise_id[:8]}")


def carrier_user(carrier_id: str) -> dict[str, str]:
    return auth_headers("carrier_user", carrier_id=carrier_id, subject=f"car-{carrier_id[:8]}")


def contract_body(
    *,
    enterprise_id: str | None = None,
    carrier_id: str | None = None,
    amounts: tuple[str, ...] = ("960000.00", "1280000.00", "960000.00"),
    value: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A complete contract for a match this service has not seen: ready to sign."""
    from decimal import Decimal

    body: dict[str, Any] = {
        "match_id": str(uuid.uuid4()),
        "demand_id": str(uuid.uuid4()),
        "enterprise_id": enterprise_id or str(uuid.uuid4()),
        "carrier_id": carrier_id or str(uuid.uuid4()),
        "contract_type": "technology_development",
        "title": "高镍正极材料表面包覆工艺技术开发合同",
        "scope": SCOPE,
        "value": value or str(sum((Decimal(a) for a in amounts), Decimal("0.00"))),
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "ip_ownership": "joint",
        "ip_enterprise_share": "60",
        "ip_carrier_share": "40",
        "confidentiality": "confidential",
        "confidentiality_years": 5,
        "milestones": [
            {
                "title": f"第{i + 1}阶段",
                "deliverables": f"第{i + 1}阶段报告与样品",
                "due_on": date(2026, 3 + 2 * i, 28).isoformat(),
                "amount": a,
            }
            for i, a in enumerate(amounts)
        ],
    }
    body.update(overrides)
    return body


@dataclass
class Service:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    bus: KafkaBus

    @property
    def engine(self) -> Any:
        return self.runtime.engine

    # -- driving a contract through its life -------------------------------------------------------
    async def create(self, headers: dict[str, str] | None = None, **kw: Any) -> dict[str, Any]:
        r = await self.client.post("/api/v1/contracts", json=contract_body(**kw), headers=headers or STAFF)
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def sign(self, c: dict[str, Any], party: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        h = headers or (enterprise_user(c["enterprise_id"]) if party == "enterprise" else carrier_user(c["carrier_id"]))
        r = await self.client.post(
            f"/api/v1/contracts/{c['id']}/sign", json={"signatory": f"{party} 法定代表人"}, headers=h
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def signed(self, **kw: Any) -> dict[str, Any]:
        c = await self.create(**kw)
        await self.sign(c, "enterprise")
        return await self.sign(c, "carrier")

    async def deliver_accept(self, c: dict[str, Any], milestone_id: str) -> dict[str, Any]:
        base = f"/api/v1/contracts/{c['id']}/milestones/{milestone_id}"
        r = await self.client.post(
            f"{base}/deliver", json={"note": "交付物已上传"}, headers=carrier_user(c["carrier_id"])
        )
        assert r.status_code == 200, r.text
        r = await self.client.post(f"{base}/accept", headers=enterprise_user(c["enterprise_id"]))
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def pay(self, c: dict[str, Any], milestone_id: str, amount: str, **kw: Any) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/contracts/{c['id']}/milestones/{milestone_id}/payments",
            json={"amount": amount, **kw},
            headers=STAFF,
        )

    async def get(self, contract_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.client.get(f"/api/v1/contracts/{contract_id}", headers=headers or STAFF)
        assert r.status_code == 200, r.text
        return dict(r.json())

    # -- what was published ------------------------------------------------------------------------
    async def outbox_events(self, contract_id: str) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(outbox.c.payload).where(outbox.c.aggregate_id == contract_id).order_by(outbox.c.seq)
            )
            return [orjson.loads(r.payload) for r in rows]

    async def outbox_types(self, contract_id: str) -> list[str]:
        return [e["type"].split(".")[-2] for e in await self.outbox_events(contract_id)]


@asynccontextmanager
async def running_service(database_url: str) -> AsyncIterator[Service]:
    """The service app (no background relay or consumers: tests drive those) and a client for it."""
    bus = KafkaBus(kafka_bootstrap(), client_id=unique("itp-contracts-test"))
    settings = ServiceSettings(env="test", service_name="contracts", database_url=database_url, db_pool_size=12)
    app = create_service_app(definition, settings, bus, background=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://contracts", timeout=30) as client:
            yield Service(client, app.state.runtime, bus)


class TopicTail:
    """Reads a topic from its current end: only what is published after it started."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap(), enable_auto_commit=False)
        self.messages: list[Message] = []

    async def __aenter__(self) -> TopicTail:
        await self.consumer.start()
        try:
            admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap())
            await admin.start()
            try:
                [described] = await admin.describe_topics([self.topic])
            finally:
                await admin.close()
            parts = [p["partition"] for p in described["partitions"]]
            assert parts, f"topic {self.topic} does not exist (itp topics create)"
            tps = [TopicPartition(self.topic, p) for p in sorted(parts)]
            self.consumer.assign(tps)
            await self.consumer.seek_to_end(*tps)
            for tp in tps:
                await self.consumer.position(tp)  # resolve "the end" now, before anything is published
        except BaseException:
            await self.consumer.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def until(self, predicate: Any, *, what: str, timeout_s: float = 30) -> list[Message]:
        async def probe() -> list[Message] | None:
            batches = await self.consumer.getmany(timeout_ms=300)
            for tp, records in batches.items():
                self.messages.extend(
                    Message(tp.topic, tp.partition, r.offset, r.key, r.value, tuple(r.headers or ())) for r in records
                )
            return self.messages if predicate(self.messages) else None

        return await wait_for(probe, timeout_s=timeout_s, interval_s=0.01, what=what)
