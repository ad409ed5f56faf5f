"""Rebuilding the read model from scratch by replaying the topics from offset 0."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from services.matching import tables
from services.matching.rebuild import rebuild
from services.matching.repository import MatchingRepository
from services.matching.tests.integration.support import (
    STAFF,
    capacity_changed,
    carrier_registered,
    carrier_updated,
    contract_completed,
    contract_signed,
    demand_published,
    matching_service,
    person_registered,
)
from shared.events import demand as demand_ev
from shared.replay import kafka_end_offsets
from shared.testing import kafka_bootstrap

FreshDb = Callable[[str], Awaitable[str]]


async def snapshot(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    async with engine.connect() as conn:
        for table, key, cols in (
            (tables.carrier_profiles, "carrier_id", ("name", "capacity", "active_load", "status", "version", "track")),
            (tables.person_profiles, "person_id", ("name", "carrier_id", "capacity", "active_load", "version")),
            (tables.demand_profiles, "demand_id", ("title", "status", "budget", "trl_target", "version")),
            (tables.contract_records, "contract_id", ("carrier_id", "status", "value")),
            (tables.capacity_states, "subject_id", ("capacity", "active_load")),
        ):
            rows = await conn.execute(sa.select(table).order_by(table.c[key]))
            out[table.name] = [tuple(str(getattr(r, c)) for c in (key, *cols)) for r in rows]
    return out


async def test_a_rebuild_replays_the_topics_into_an_identical_read_model(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        battery = carrier_registered(name="储能研究所", fields=["energy.batteries"], capabilities="固态电池电解质")
        lab = carrier_registered(name="膜技术研究所", fields=["environment.water"], capabilities="反渗透膜")
        expert = person_registered(carrier_id=battery.carrier_id, fields=["energy.batteries"], keywords=["固态电池"])
        demand = demand_published(title="固态电池电解质开发", fields=["energy.batteries"], keywords=["固态电池"])
        gone = demand_published(title="膜法水处理", fields=["environment.water"])
        signed = contract_signed(battery.carrier_id, demand.enterprise_id, demand_id=demand.demand_id)
        events = [
            battery,
            lab,
            carrier_updated(battery, 2, capacity=5, keywords=["固态电池", "电解质"]),
            capacity_changed(battery.carrier_id, 5, 1),
            expert,
            capacity_changed(expert.person_id, 2, 1, subject_type="person"),
            demand,
            gone,
            demand_ev.DemandWithdrawn(demand_id=gone.demand_id, withdrawn_at=gone.published_at),
            demand_ev.DemandUpdated(
                demand_id=demand.demand_id, changed={"trl_target": 7}, version=2, updated_at=gone.published_at
            ),
            signed,
            contract_completed(signed),
        ]
        await m.wait_applied(*await m.publish(*events))
        live = await snapshot(m.engine)
        assert live["carrier_profiles"] and live["contract_records"]
        suggestions_before = len(await m.sets(demand.demand_id))
        view_before = (await m.client.get(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)).content
        assert "王研究员" in view_before.decode()

        # Damage the view the way a bug or a hand edit might.
        async with m.engine.begin() as conn:
            await conn.execute(sa.update(tables.carrier_profiles).values(capacity=0, track=[]))
            await conn.execute(sa.delete(tables.person_profiles))
            await conn.execute(
                sa.insert(tables.demand_profiles).values(
                    demand_id=uuid.uuid4(),
                    enterprise_id=uuid.uuid4(),
                    title="ghost",
                    description="",
                    fields=[],
                    keywords=[],
                    demand_type="technology_service",
                    status="published",
                    updated_at=gone.published_at,
                )
            )
        assert await snapshot(m.engine) != live
        # A view rendered meanwhile shows no name for the expert whose profile is gone.
        async with m.runtime.uow() as uow:
            await m.svc.render_views(uow, [demand.demand_id])
        damaged = await m.client.get(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)
        assert damaged.content != view_before and [e["name"] for e in damaged.json()["experts"]] == [None]

        names = list(m.topic_map.values())
        generation = m.svc.generation
        report = await rebuild(m.engine, m.bus, names, lambda: kafka_end_offsets(kafka_bootstrap(), names))

        assert await snapshot(m.engine) == live
        # The stored views were rendered again from the rebuilt tables.
        view = await m.client.get(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)
        assert view.content == view_before
        assert report.messages == len(events) and report.dead_lettered == 0
        assert report.generation >= generation + 2  # bumped when emptied and when done
        # The replay suggested nothing and published nothing; its dedupe rows are gone.
        assert len(await m.sets(demand.demand_id)) == suggestions_before
        async with m.engine.connect() as conn:
            left = await conn.execute(
                sa.select(sa.func.count())
                .select_from(tables.processed_messages)
                .where(tables.processed_messages.c.consumer == report.group)
            )
            assert left.scalar_one() == 0
            # The live process notices the new generation and reloads its index.
            await m.svc.sync(MatchingRepository(conn), force=True)
        assert m.svc.generation == report.generation
        assert str(battery.carrier_id) in m.svc.carriers and str(expert.person_id) in m.svc.experts
        assert str(gone.demand_id) not in m.svc.demands and str(demand.demand_id) in m.svc.demands
