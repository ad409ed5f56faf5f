"""The projection against PostgreSQL: every KPI-relevant event, each applied once, KPIs as computed
by hand; the same in any delivery order and when a second consumer group replays everything; and
the real service consuming the real broker."""

from __future__ import annotations

import random
import uuid
from collections import Counter

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.dashboard import tables
from services.dashboard.domain import Audience
from services.dashboard.handlers import build_batch_scope, build_handlers, projection_handlers
from services.dashboard.live import AnnouncingUnitOfWorkFactory, Broadcaster
from services.dashboard.repository import DashboardRepository
from services.dashboard.service import Projection
from services.dashboard.tests import scenario
from services.dashboard.tests.support import (
    delete_topics,
    isolated_definition,
    message,
    read_kpis,
    record,
    topic_of,
    uow_factory,
)
from shared.bus.kafka import KafkaBus
from shared.bus.memory import InMemoryBus
from shared.consumer import EventConsumer
from shared.events import topics
from shared.events.envelope import Envelope
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import auth_headers, kafka_bootstrap, wait_for


def projection_consumer(engine: AsyncEngine, group: str | None = None) -> EventConsumer:
    return EventConsumer(
        group=group or f"dashboard-test-{uuid.uuid4().hex[:8]}",
        topics=list(topics.ALL),
        bus=InMemoryBus(),
        uow=uow_factory(engine),
        processed=tables.processed_messages,
        handlers=build_handlers(Projection()),
        max_retries=0,
    )


async def apply_all(consumer: EventConsumer, envelopes: list[Envelope]) -> list[str]:
    return [await consumer.process(message(env, offset=n)) for n, env in enumerate(envelopes)]


async def count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


def test_the_scenario_exercises_every_event_that_moves_a_kpi() -> None:
    s = scenario.build()
    used = {type(env.event()) for env in s.envelopes}
    missing = set(projection_handlers(Projection())) - used
    assert not missing, f"no scenario event for {sorted(c.__name__ for c in missing)}"


async def test_each_event_is_applied_once_and_the_kpis_are_the_hand_computed_sums(engine: AsyncEngine) -> None:
    s = scenario.build()
    consumer = projection_consumer(engine)

    for n, env in enumerate(s.envelopes):
        m = message(env, offset=n)
        assert await consumer.process(m) == "applied", env.type
        assert await consumer.process(m) == "duplicate", env.type  # redelivered: skipped

    scenario.assert_kpis(await read_kpis(engine), s)
    assert (consumer.stats.applied, consumer.stats.duplicates) == (len(s.envelopes), len(s.envelopes))
    assert await count(engine, tables.payments) == 3
    # Only project managers' names are kept; the researcher's is not.
    async with engine.connect() as conn:
        people = (await conn.execute(sa.select(tables.labels.c.name).where(tables.labels.c.kind == "person"))).all()
    assert [p.name for p in people] == ["张经理"]


async def test_a_second_group_replaying_every_event_changes_nothing(engine: AsyncEngine) -> None:
    """A rebuild next to the live consumer applies events a second time (another group: the
    processed-messages dedupe does not apply); the handlers themselves must make that harmless."""
    s = scenario.build()
    assert set(await apply_all(projection_consumer(engine), s.envelopes)) == {"applied"}
    before = await read_kpis(engine)

    assert set(await apply_all(projection_consumer(engine), s.envelopes)) == {"applied"}

    assert await read_kpis(engine) == before
    scenario.assert_kpis(before, s)
    assert await count(engine, tables.payments) == 3
    assert await count(engine, tables.demand_fields) == 6  # D1 two fields, D2..D5 one each


async def test_reverse_delivery_order_gives_the_same_kpis(engine: AsyncEngine) -> None:
    """Topics are not ordered with respect to each other, and a replay interleaves with live
    events: updates before creations, a release before its assignment, a payment before its
    contract, an amendment before the signature, a rename before the registration."""
    s = scenario.build()
    assert set(await apply_all(projection_consumer(engine), list(reversed(s.envelopes)))) == {"applied"}
    scenario.assert_kpis(await read_kpis(engine), s)


async def test_shuffled_and_repeated_delivery_gives_the_same_kpis(engine: AsyncEngine) -> None:
    s = scenario.build()
    rng = random.Random(7)
    deliveries = s.envelopes * 2
    rng.shuffle(deliveries)
    outcomes = Counter(await apply_all(projection_consumer(engine), deliveries))
    assert outcomes == {"applied": len(s.envelopes), "duplicate": len(s.envelopes)}
    scenario.assert_kpis(await read_kpis(engine), s)


async def test_the_latest_events_are_kept_in_time_order_without_data(engine: AsyncEngine) -> None:
    s = scenario.build()
    await apply_all(projection_consumer(engine), s.envelopes)
    async with engine.connect() as conn:
        from services.dashboard.repository import DashboardRepository

        recent = await DashboardRepository(conn).recent(5)
    newest = sorted(s.envelopes, key=lambda e: (e.time, e.id), reverse=True)[:5]
    assert [r["id"] for r in recent] == [e.id for e in newest]
    assert recent[0]["type"] == "ContractTerminated"
    assert set(recent[0]) == {"id", "type", "subject", "time"}


async def test_a_batch_is_one_transaction_and_announces_each_event_once_after_it(engine: AsyncEngine) -> None:
    """The live consumer applies a run of one partition's events in one transaction: the
    projection is the same as event by event, and each event is remembered and announced once."""
    s = scenario.build()
    broadcaster = Broadcaster(queue_size=len(s.envelopes) + 10)
    watching = broadcaster.subscribe(None, Audience.FULL)
    viewer = broadcaster.subscribe(None, Audience.VIEWER)
    projection = Projection()
    consumer = EventConsumer(
        group=f"dashboard-test-{uuid.uuid4().hex[:8]}",
        topics=list(topics.ALL),
        bus=InMemoryBus(),
        uow=AnnouncingUnitOfWorkFactory(uow_factory(engine), broadcaster),
        processed=tables.processed_messages,
        handlers=build_handlers(projection),
        batch_scope=build_batch_scope(projection),
        batch_size=len(s.envelopes),
        max_retries=0,
    )
    messages = [message(env, topic="itp.demand.events", offset=n) for n, env in enumerate(s.envelopes)]

    done, failed = await consumer.apply_in_order(messages)

    assert (done, failed) == (messages[-1], None)
    scenario.assert_kpis(await read_kpis(engine), s)
    async with engine.connect() as conn:
        claimed_at = (
            await conn.execute(
                sa.select(tables.processed_messages.c.processed_at).where(
                    tables.processed_messages.c.consumer == consumer.group
                )
            )
        ).scalars()
        assert len(set(claimed_at)) == 1  # one claim for the whole batch: it was not applied event by event
        remembered = await DashboardRepository(conn).recent(None)
    assert {r["id"] for r in remembered} == {e.id for e in s.envelopes}
    announced = [watching.queue.get_nowait() for _ in range(watching.queue.qsize())]
    assert [f.split(b"\n", 1)[0] for f in announced] == [f"id: {e.id}".encode() for e in s.envelopes]
    # A viewer sees a demand from its publication on, even when the batch that submitted it also
    # published it: what a viewer sees of an event is what it saw when that event was applied.
    seen_by_viewer = [viewer.queue.get_nowait() for _ in range(viewer.queue.qsize())]
    assert any(b"event: DemandPublished" in f for f in seen_by_viewer)
    assert not any(b"event: DemandSubmitted" in f for f in seen_by_viewer)

    assert await consumer.apply_in_order(messages) == (messages[-1], None)  # redelivered: nothing again
    assert consumer.stats.duplicates == len(s.envelopes)
    assert watching.queue.empty()


async def projection_rows(engine: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every projection table, in a stable order."""
    async with engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in await conn.execute(sa.select(t))), key=repr) for t in tables.PROJECTION
        }


@pytest.mark.parametrize("order", ["as published", "shuffled"])
async def test_a_batch_writes_the_same_rows_as_its_events_one_by_one(engine: AsyncEngine, order: str) -> None:
    """A batch merges its events' changes in memory and writes each table once: every row of the
    projection is the one its events give applied one at a time, in the same order (releases
    before assignments, updates before creations, the same demand twice in a batch)."""
    s = scenario.build()
    deliveries = list(s.envelopes)
    if order == "shuffled":
        random.Random(21).shuffle(deliveries)
    messages = [message(env, topic="itp.demand.events", offset=n) for n, env in enumerate(deliveries)]
    assert set(await apply_all(projection_consumer(engine), deliveries)) == {"applied"}
    one_by_one = await projection_rows(engine)
    async with engine.begin() as conn:
        await DashboardRepository(conn).clear()

    projection = Projection()
    for size in (len(messages), 5):
        batched = EventConsumer(
            group=f"dashboard-test-{uuid.uuid4().hex[:8]}",
            topics=list(topics.ALL),
            bus=InMemoryBus(),
            uow=uow_factory(engine),
            processed=tables.processed_messages,
            handlers=build_handlers(projection),
            batch_scope=build_batch_scope(projection),
            batch_size=size,
            max_retries=0,
        )
        assert await batched.apply_in_order(messages) == (messages[-1], None)
        assert batched.stats.applied == len(messages)
        assert await projection_rows(engine) == one_by_one  # and again (another group): the same rows


async def test_the_service_projects_every_topic_from_the_real_broker(dashboard_db: str) -> None:
    """The service as deployed (its consumer, its unit of work, its HTTP API) on Apache Kafka:
    each event type of the scenario crosses the broker, some twice."""
    s = scenario.build()
    suffix = uuid.uuid4().hex[:8]
    topic_map = {t: f"itp.test.dash{suffix}.{t.split('.')[1]}" for t in topics.ALL}
    bus = KafkaBus(kafka_bootstrap(), client_id="itp-dashboard-test")
    await bus.start()
    created = [n for t in topic_map.values() for n in (t, topics.dlq(t))]
    await bus.ensure_topics(created, 3)
    try:
        definition = isolated_definition(list(topic_map.values()))
        settings = ServiceSettings(env="test", service_name="dashboard", database_url=dashboard_db, mode="kafka")
        app = create_service_app(definition, settings, bus)
        async with app.router.lifespan_context(app):
            records = [record(env, topic_map[topic_of(env)]) for env in s.envelopes]
            await bus.publish(records + records[:10])  # the first ten again, as a relay resend would
            stats = app.state.runtime.consumers[0].stats

            async def all_consumed() -> bool:
                return bool(stats.applied == len(records) and stats.duplicates >= 10)

            await wait_for(all_consumed, timeout_s=60, interval_s=0.1, what="every record to be consumed")
            assert stats.dead_lettered == 0
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app),
                base_url="http://dashboard",
                headers=auth_headers("project_manager"),  # every figure exact (viewers: see test_api)
            ) as client:
                r = await client.get("/api/v1/dashboard/kpis", params={"limit": 100})
            assert r.status_code == 200, r.text
            scenario.assert_kpis(r.json(), s)
    finally:
        await bus.stop()
        await delete_topics(kafka_bootstrap(), created)
