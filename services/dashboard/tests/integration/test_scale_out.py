"""Two processes of the dashboard in one consumer group split the partitions and together write
the projection one process would; one joining and leaving in the middle of a burst (two
rebalances) loses nothing and applies nothing twice."""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator

import sqlalchemy as sa

from services.dashboard import handlers, tables
from services.dashboard.repository import DashboardRepository
from services.dashboard.tests import scenario
from services.dashboard.tests.integration.test_api import submitted
from services.dashboard.tests.integration.test_projection import apply_all, projection_consumer, projection_rows
from services.dashboard.tests.support import delete_topics, envelope, isolated_definition, record, topic_of
from shared.bus.kafka import KafkaBus
from shared.consumer import EventConsumer
from shared.db import create_engine
from shared.events import topics
from shared.runtime import ServiceDefinition, ServiceRuntime, create_service_app
from shared.settings import ServiceSettings
from shared.testing import consumer_group_settled, kafka_bootstrap, unique, wait_for


@contextlib.asynccontextmanager
async def dashboard_process(definition: ServiceDefinition, url: str) -> AsyncIterator[EventConsumer]:
    """One process of the dashboard (its own Kafka client) in ``definition``'s consumer group."""
    bus = KafkaBus(kafka_bootstrap(), client_id=unique("itp-dashboard-scale"))
    await bus.start()
    settings = ServiceSettings(env="test", service_name="dashboard", database_url=url, mode="kafka")
    app = create_service_app(definition, settings, bus)
    try:
        async with app.router.lifespan_context(app):
            runtime: ServiceRuntime = app.state.runtime

            async def joined() -> bool:
                return all(c.started.is_set() for c in runtime.consumers)

            await wait_for(joined, timeout_s=60, interval_s=0.05, what="the consumer to join")
            yield runtime.consumers[0]
    finally:
        await bus.stop()


async def test_two_processes_split_the_partitions_and_survive_rebalances_mid_burst(dashboard_db: str) -> None:
    s = scenario.build()
    # Demands with keys of their own: they spread over every partition of the demand topic.
    burst = [envelope(submitted()) for _ in range(40)]
    events = [*s.envelopes, *burst]
    suffix = uuid.uuid4().hex[:8]
    topic_map = {t: f"itp.test.dashscale{suffix}.{t.split('.')[1]}" for t in topics.ALL}
    created = [n for t in topic_map.values() for n in (t, topics.dlq(t))]
    isolated = isolated_definition(list(topic_map.values()))
    # As deployed: its events applied in batches.
    spec = dataclasses.replace(isolated.consumers[0], batch_scope=handlers.batch_scope)
    definition = dataclasses.replace(isolated, consumers=[spec])
    publisher = KafkaBus(kafka_bootstrap(), client_id="itp-dashboard-scale-publisher")
    await publisher.start()
    await publisher.ensure_topics(created, 3)
    engine = create_engine(dashboard_db, pool_size=4)

    try:
        async with dashboard_process(definition, dashboard_db) as first:
            a, group = first.stats, first.group
            await publisher.publish([record(env, topic_map[topic_of(env)]) for env in s.envelopes])
            await wait_for(lambda: _positive(a.applied), timeout_s=60, what="the first process to apply some")
            # A second process joins: the group rebalances, it takes partitions (for the demands below).
            async with dashboard_process(definition, dashboard_db) as second:
                b = second.stats
                # Once the group has settled on two members, the second owns partitions of every topic.
                await wait_for(
                    lambda: consumer_group_settled(group, 2), timeout_s=90, what="the group to settle on two members"
                )
                await publisher.publish([record(env, topic_map[topic_of(env)]) for env in burst])
                await wait_for(lambda: _positive(b.applied), timeout_s=90, what="the second process to apply some")
            # ... and leaves as soon as it has applied some (another rebalance): the first one applies the rest.
            await wait_for(
                lambda: _equal(a.applied + b.applied, len(events)), timeout_s=90, what="every event to be applied"
            )
            assert a.dead_lettered == b.dead_lettered == 0
        # Nothing applied twice: one claim per event in the group.
        async with engine.connect() as conn:
            claims = (
                await conn.execute(sa.select(sa.func.count()).where(tables.processed_messages.c.consumer == group))
            ).scalar_one()
        assert claims == len(events) == a.applied + b.applied
        together = await projection_rows(engine)

        # One consumer alone, the same events: the same projection.
        async with engine.begin() as conn:
            await DashboardRepository(conn).clear()
        assert set(await apply_all(projection_consumer(engine), events)) == {"applied"}
        assert await projection_rows(engine) == together
    finally:
        await publisher.stop()
        await engine.dispose()
        await delete_topics(kafka_bootstrap(), created)


async def _positive(n: int) -> bool:
    return n > 0


async def _equal(n: int, m: int) -> bool:
    return n == m
