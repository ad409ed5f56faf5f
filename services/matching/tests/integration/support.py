"""The matching service in-process on a fresh PostgreSQL database and the real Kafka broker.

Each test gets topics of its own (``itp.test.match<id>.talent`` ...) and a consumer group of
its own, so tests neither share offsets with each other nor with a running stack; the
matching service's own events still go through its outbox and relay to the real
``itp.matching.events``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from aiokafka.admin import AIOKafkaAdminClient

from services.matching import tables
from services.matching.main import definition
from services.matching.service import MatchingService
from shared.bus.base import Message, Record
from shared.bus.kafka import KafkaBus
from shared.consumer import EventConsumer
from shared.events import contracts as contract_ev
from shared.events import demand as demand_ev
from shared.events import talent as talent_ev
from shared.events import topics
from shared.events.base import DomainEvent
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.runtime import ServiceDefinition, ServiceRuntime, create_service_app
from shared.settings import ServiceSettings
from shared.testing import auth_headers, kafka_bootstrap, unique, wait_for

SOURCE = "/itp/matching-test"
STAFF = auth_headers("operator", subject="operator-li")
PM = auth_headers("project_manager", subject="pm-wang", person_id=str(uuid.uuid4()))
UPSTREAM = (topics.TALENT, topics.DEMAND, topics.CONTRACTS)


def enterprise_user(enterprise_id: uuid.UUID | str) -> dict[str, str]:
    return auth_headers("enterprise_user", enterprise_id=str(enterprise_id), subject="ent-user")


def carrier_user(carrier_id: uuid.UUID | str) -> dict[str, str]:
    return auth_headers("carrier_user", carrier_id=str(carrier_id), subject="car-user")


def now() -> datetime:
    return datetime.now(UTC)


def envelope(event: DomainEvent) -> Envelope:
    return Envelope.wrap(event, source=SOURCE, traceparent=None)


def message(env: Envelope, offset: int = 0) -> Message:
    event = env.event()
    assert event is not None
    return Message(type(event).TOPIC, 0, offset, env.subject.encode(), env.to_json())


# -- events as the other services send them ----------------------------------------------------


def carrier_registered(**kw: Any) -> talent_ev.CarrierRegistered:
    base: dict[str, Any] = {
        "carrier_id": uuid.uuid4(),
        "kind": "research_institute",
        "name": "研究所",
        "city": "苏州",
        "province": "江苏",
        "country": "CN",
        "fields": [],
        "capabilities": "",
        "keywords": [],
        "capacity": 3,
        "registered_at": now(),
    }
    base.update(kw)
    return talent_ev.CarrierRegistered(**base)


def carrier_updated(reg: talent_ev.CarrierRegistered, version: int, **kw: Any) -> talent_ev.CarrierProfileUpdated:
    base = reg.model_dump(exclude={"registered_at"})
    base.update(version=version, updated_at=now(), status="active")
    base.update(kw)
    return talent_ev.CarrierProfileUpdated(**base)


def person_registered(**kw: Any) -> talent_ev.PersonRegistered:
    base: dict[str, Any] = {
        "person_id": uuid.uuid4(),
        "name": "王研究员",
        "roles": ["researcher"],
        "fields": [],
        "keywords": [],
        "languages": ["zh"],
        "capacity": 2,
        "registered_at": now(),
    }
    base.update(kw)
    return talent_ev.PersonRegistered(**base)


def capacity_changed(subject_id: uuid.UUID, capacity: int, load: int, subject_type: str = "carrier") -> Any:
    return talent_ev.CapacityChanged(
        subject_type=subject_type, subject_id=subject_id, capacity=capacity, active_load=load, changed_at=now()
    )


def demand_published(**kw: Any) -> demand_ev.DemandPublished:
    base: dict[str, Any] = {
        "demand_id": uuid.uuid4(),
        "enterprise_id": uuid.uuid4(),
        "title": "需求",
        "description": "",
        "fields": [],
        "keywords": [],
        "demand_type": "technology_development",
        "budget": Decimal("2000000.00"),
        "province": "江苏",
        "city": "苏州",
        "trl_current": 3,
        "trl_target": 6,
        "center_id": uuid.uuid4(),
        "published_at": now(),
    }
    base.update(kw)
    return demand_ev.DemandPublished(**base)


def contract_signed(carrier_id: uuid.UUID, enterprise_id: uuid.UUID, **kw: Any) -> contract_ev.ContractSigned:
    base: dict[str, Any] = {
        "contract_id": uuid.uuid4(),
        "enterprise_id": enterprise_id,
        "carrier_id": carrier_id,
        "contract_type": "technology_development",
        "value": Decimal("3000000.00"),
        "contract_version": 1,
        "signed_at": now(),
    }
    base.update(kw)
    return contract_ev.ContractSigned(**base)


def contract_completed(signed: contract_ev.ContractSigned) -> contract_ev.ContractCompleted:
    return contract_ev.ContractCompleted(
        contract_id=signed.contract_id,
        demand_id=signed.demand_id,
        enterprise_id=signed.enterprise_id,
        carrier_id=signed.carrier_id,
        value=signed.value,
        paid_total=signed.value,
        completed_at=now(),
    )


# -- the service under test -------------------------------------------------------------------


def isolated_definition(topic_map: dict[str, str]) -> ServiceDefinition:
    spec = definition.consumers[0]
    return dataclasses.replace(
        definition,
        consumers=[
            dataclasses.replace(
                spec, name=f"read-model-test-{uuid.uuid4().hex[:10]}", topics=[topic_map[t] for t in spec.topics]
            )
        ],
    )


async def delete_topics(names: Sequence[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap(), request_timeout_ms=15000)
    await admin.start()
    try:
        await admin.delete_topics(list(names))
    except Exception:  # best effort: a leftover test topic harms nobody
        pass
    finally:
        await admin.close()


@dataclass
class Matching:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    bus: KafkaBus
    topic_map: dict[str, str]
    database_url: str

    @property
    def svc(self) -> MatchingService:
        svc: MatchingService = self.runtime.service
        return svc

    @property
    def consumer(self) -> EventConsumer:
        return self.runtime.consumers[0]

    @property
    def engine(self) -> Any:
        return self.runtime.engine

    async def publish(self, *events: DomainEvent) -> list[Envelope]:
        """Send events to this test's topics through the real broker, as their publishers would."""
        envs = [envelope(e) for e in events]
        await self.bus.publish(
            [
                Record(
                    self.topic_map[type(e).TOPIC],
                    env.subject.encode(),
                    env.to_json(),
                    [("content-type", CONTENT_TYPE.encode())],
                )
                for e, env in zip(events, envs, strict=True)
            ]
        )
        return envs

    async def deliver(self, env: Envelope) -> str:
        """Hand one message to the consumer directly (as a redelivery would)."""
        return await self.consumer.process(message(env))

    async def applied(self, env: Envelope) -> bool:
        async with self.engine.connect() as conn:
            row = await conn.execute(
                sa.select(tables.processed_messages.c.event_id).where(
                    tables.processed_messages.c.consumer == self.consumer.group,
                    tables.processed_messages.c.event_id == env.id,
                )
            )
            return row.first() is not None

    async def wait_applied(self, *envs: Envelope, timeout_s: float = 30.0) -> None:
        async def all_applied() -> bool:
            return all([await self.applied(e) for e in envs])

        await wait_for(all_applied, timeout_s=timeout_s, interval_s=0.1, what="the consumer to apply the events")

    async def outbox(self, event_type: str) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(tables.outbox.c.payload, tables.outbox.c.published_at)
                .where(tables.outbox.c.event_type.like(f"%.{event_type}.v%"))
                .order_by(tables.outbox.c.seq)
            )
            return [{**orjson.loads(r.payload), "_published": r.published_at is not None} for r in rows]

    async def suggestions(self, demand_id: uuid.UUID, headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.client.get(f"/api/v1/demands/{demand_id}/suggestions", headers=headers or STAFF)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def sets(self, demand_id: uuid.UUID) -> list[Any]:
        async with self.engine.connect() as conn:
            return list(
                await conn.execute(
                    sa.select(tables.suggestion_sets)
                    .where(tables.suggestion_sets.c.demand_id == demand_id)
                    .order_by(tables.suggestion_sets.c.created_at)
                )
            )


@asynccontextmanager
async def matching_service(
    database_url: str, *, background: bool = True, alongside: Matching | None = None
) -> AsyncIterator[Matching]:
    """The matching service on its own topics; ``alongside``: another process of the service
    that ``alongside`` runs, on its database, its topics and in its consumer group."""
    if alongside is None:
        suffix = uuid.uuid4().hex[:10]
        topic_map = {t: f"itp.test.match{suffix}.{t.split('.')[1]}" for t in UPSTREAM}
        definition_ = isolated_definition(topic_map)
    else:
        topic_map, definition_ = alongside.topic_map, alongside.runtime.definition
    names = [n for t in topic_map.values() for n in (t, topics.dlq(t))]
    bus = KafkaBus(kafka_bootstrap(), client_id=unique("itp-matching-it"))
    await bus.start()
    await bus.ensure_topics(names, 3)
    settings = ServiceSettings(env="test", service_name="matching", database_url=database_url, mode="kafka")
    app = create_service_app(definition_, settings, bus, background=background)
    try:
        async with app.router.lifespan_context(app):
            runtime: ServiceRuntime = app.state.runtime
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://matching") as client:
                if background:
                    await wait_for(
                        lambda: _started(runtime), timeout_s=30, interval_s=0.05, what="the consumer to join"
                    )
                yield Matching(client, runtime, bus, topic_map, database_url)
    finally:
        await bus.stop()
        if alongside is None:
            await delete_topics(names)


async def _started(runtime: ServiceRuntime) -> bool:
    return all(c.started.is_set() for c in runtime.consumers)
