"""Rebuilding the projection from scratch by replaying the topics gives the same KPIs."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from services.dashboard import tables
from services.dashboard.rebuild import rebuild
from services.dashboard.tests import scenario
from services.dashboard.tests.support import delete_topics, isolated_definition, read_kpis, record, topic_of
from shared.bus.kafka import KafkaBus
from shared.bus.memory import InMemoryBus
from shared.db import create_engine
from shared.events import topics
from shared.replay import kafka_end_offsets, memory_end_offsets
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import kafka_bootstrap, table_rows, unique, wait_for


async def corrupt(engine: Any) -> None:
    """What a bug or a hand edit might leave behind: the rebuild must not depend on any of it."""
    async with engine.begin() as conn:
        await conn.execute(sa.update(tables.demands).values(budget=0, carrier_id=None))
        await conn.execute(sa.delete(tables.payments))
        await conn.execute(sa.insert(tables.demands).values(id=uuid.uuid4(), submitted_at=scenario.at(7, 1)))


async def projection(engine: Any) -> dict[str, list[tuple[str, ...]]]:
    """Every table of the projection, row by row."""
    async with engine.connect() as conn:
        return {t.name: await table_rows(conn, t) for t in tables.PROJECTION}


async def test_a_rebuild_from_the_broker_gives_the_same_kpis_while_the_service_runs(dashboard_db: str) -> None:
    s = scenario.build()
    suffix = uuid.uuid4().hex[:8]
    topic_map = {t: f"itp.test.dashrb{suffix}.{t.split('.')[1]}" for t in topics.ALL}
    names = list(topic_map.values())
    bus = KafkaBus(kafka_bootstrap(), client_id="itp-dashboard-test")
    await bus.start()
    created = [n for t in names for n in (t, topics.dlq(t))]
    await bus.ensure_topics(created, 3)
    engine = create_engine(dashboard_db, pool_size=4)
    try:
        settings = ServiceSettings(env="test", service_name="dashboard", database_url=dashboard_db, mode="kafka")
        app = create_service_app(isolated_definition(names), settings, bus)
        async with app.router.lifespan_context(app):
            await bus.publish([record(env, topic_map[topic_of(env)]) for env in s.envelopes])

            stats = app.state.runtime.consumers[0].stats

            async def all_applied() -> bool:
                return bool(stats.applied == len(s.envelopes))

            await wait_for(all_applied, timeout_s=60, interval_s=0.1, what="the live consumer to apply everything")
            live = await read_kpis(engine)
            scenario.assert_kpis(live, s)
            live_rows = await projection(engine)
            assert all(live_rows.values())

            await corrupt(engine)
            assert scenario.normalise(await read_kpis(engine))["money"] != s.expected_money()

            # The live service keeps running next to the rebuild.
            report = await rebuild(engine, bus, names, lambda: kafka_end_offsets(kafka_bootstrap(), names))

            assert await read_kpis(engine) == live
            assert await projection(engine) == live_rows  # every table, row by row
            assert report.messages == len(s.envelopes)
            assert report.applied == len(s.envelopes) and report.dead_lettered == 0 and report.not_applied == []
            # Its consumer group is namespaced like every other (two stacks may share a broker).
            assert report.group.startswith(f"{topics.PREFIX}-dashboard-rebuild-")
            async with engine.connect() as conn:
                leftover = await conn.execute(
                    sa.select(sa.func.count())
                    .select_from(tables.processed_messages)
                    .where(tables.processed_messages.c.consumer == report.group)
                )
                assert leftover.scalar_one() == 0  # the replay's dedupe rows are gone
    finally:
        await engine.dispose()
        await bus.stop()
        await delete_topics(kafka_bootstrap(), created)


async def test_a_rebuild_on_the_embedded_bus_gives_the_same_kpis(dashboard_db: str) -> None:
    s = scenario.build()
    bus = InMemoryBus()
    await bus.publish([record(env, topic_of(env)) for env in s.envelopes])
    engine = create_engine(dashboard_db, pool_size=2)
    try:
        report = await rebuild(engine, bus, list(topics.ALL), lambda: _ready(memory_end_offsets(bus, topics.ALL)))
        scenario.assert_kpis(await read_kpis(engine), s)
        first = await read_kpis(engine)
        await corrupt(engine)
        again = await rebuild(engine, bus, list(topics.ALL), lambda: _ready(memory_end_offsets(bus, topics.ALL)))
        assert await read_kpis(engine) == first
        assert report.messages == again.messages == len(s.envelopes)
    finally:
        await engine.dispose()


async def _ready(value: Any) -> Any:
    return value


async def test_the_replay_group_honours_the_topic_prefix(dashboard_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two installations sharing a broker (``ITP_TOPIC_PREFIX``) never join each other's groups."""
    monkeypatch.setattr(topics, "PREFIX", "itp_other")
    engine = create_engine(dashboard_db, pool_size=2)
    try:
        report = await rebuild(engine, InMemoryBus(), list(topics.ALL), lambda: _ready({}))
    finally:
        await engine.dispose()
    assert report.group.startswith("itp_other-dashboard-rebuild-")


async def test_itp_rebuild_replays_the_topics_of_its_prefix(dashboard_db: str) -> None:
    """The command as an operator runs it: ``ITP_TOPIC_PREFIX`` picks the topics and names the group."""
    s = scenario.build()
    prefix = unique("itp_rbcli")
    own = topics.for_prefix(prefix)
    created = [n for t in own.values() for n in (t, topics.dlq(t))]
    bus = KafkaBus(kafka_bootstrap(), client_id="itp-dashboard-test")
    await bus.start()
    await bus.ensure_topics(created, 3)
    engine = create_engine(dashboard_db, pool_size=2)
    try:
        await bus.publish([record(env, own[topic_of(env).split(".")[1]]) for env in s.envelopes])
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "itp.cli",
            "rebuild",
            "dashboard",
            env={
                **os.environ,
                "ITP_ENV": "test",
                "ITP_MODE": "kafka",
                "ITP_KAFKA_BOOTSTRAP": kafka_bootstrap(),
                "ITP_TOPIC_PREFIX": prefix,
                "ITP_DASHBOARD_DATABASE_URL": dashboard_db,
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 0, err.decode()
        assert f"from {len(s.envelopes)} messages" in out.decode()
        assert f"group {prefix}-dashboard-rebuild-" in out.decode()
        scenario.assert_kpis(await read_kpis(engine), s)
    finally:
        await engine.dispose()
        await bus.stop()
        await delete_topics(kafka_bootstrap(), created)
