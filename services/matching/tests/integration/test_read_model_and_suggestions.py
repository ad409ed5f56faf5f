"""The read model from events over the real broker, the automatic suggestion, and
re-matching when a profile or a capacity changes. Every consumed event is applied once
however often it is delivered."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

import sqlalchemy as sa

from services.matching import tables
from services.matching.repository import MatchingRepository
from services.matching.service import MatchingService
from services.matching.settings import MatchingSettings
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
from shared.testing import wait_for

BATTERY = dict(
    kind="research_institute",
    name="先进储能材料研究所",
    fields=["energy.batteries", "materials.nano"],
    capabilities="锂离子电池正极材料、固态电解质、电池循环寿命测试与失效分析",
    keywords=["锂电池", "正极材料", "固态电池"],
    city="常州",
    province="江苏",
)
CELL_LAB = dict(
    kind="overseas_platform",
    name="Battery Cell Lab",
    fields=["energy.batteries"],
    capabilities="Solid-state battery cells, solid electrolyte interfaces, cycle life testing of lithium-ion batteries",
    keywords=["solid electrolyte", "cycle life"],
    city="Munich",
    province=None,
    country="DE",
)
WATER = dict(
    kind="research_institute",
    name="膜科学技术研究所",
    fields=["environment.water"],
    capabilities="工业废水处理、反渗透膜、膜生物反应器",
    keywords=["水处理", "膜分离"],
)
DEMAND = dict(
    title="车用固态锂电池电解质开发",
    description="开发高安全性的固态电解质，提高锂电池能量密度与循环寿命，要求完成电芯级验证。",
    fields=["energy.batteries"],
    keywords=["固态电池", "固态电解质"],
)

FreshDb = Callable[[str], Awaitable[str]]


async def test_the_read_model_is_built_from_events_over_kafka_and_each_applied_once(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        battery = carrier_registered(**BATTERY)
        cell_lab = carrier_registered(**CELL_LAB)
        expert = person_registered(
            carrier_id=battery.carrier_id, fields=["energy.batteries"], keywords=["固态电解质", "锂电池"]
        )
        full = capacity_changed(cell_lab.carrier_id, capacity=2, load=2)
        demand = demand_published(**DEMAND)
        signed = contract_signed(battery.carrier_id, uuid.uuid4(), demand_id=demand.demand_id)
        done = contract_completed(signed)
        envs = await m.publish(battery, cell_lab, expert, full, demand, signed, done)
        await m.wait_applied(*envs)

        async with m.engine.connect() as conn:
            carriers = {r.carrier_id: r for r in await conn.execute(sa.select(tables.carrier_profiles))}
            people = list(await conn.execute(sa.select(tables.person_profiles)))
            demands = list(await conn.execute(sa.select(tables.demand_profiles)))
            records = list(await conn.execute(sa.select(tables.contract_records)))
        assert set(carriers) == {battery.carrier_id, cell_lab.carrier_id}
        assert carriers[cell_lab.carrier_id].active_load == 2  # CapacityChanged applied
        assert carriers[battery.carrier_id].track == [{"fields": ["energy.batteries"], "value": "3000000.00"}]
        assert [p.person_id for p in people] == [expert.person_id]
        assert [(d.demand_id, d.status, d.budget) for d in demands] == [
            (demand.demand_id, "published", Decimal("2000000.00"))
        ]
        assert [(r.contract_id, r.status) for r in records] == [(signed.contract_id, "completed")]

        # The same messages again (a redelivery): nothing is applied twice, nothing re-suggested.
        sets_before = len(await m.sets(demand.demand_id))
        for env in envs:
            assert await m.deliver(env) == "duplicate"
        assert len(await m.sets(demand.demand_id)) == sets_before
        async with m.engine.connect() as conn:
            assert (await conn.execute(sa.select(sa.func.count()).select_from(tables.contract_records))).scalar() == 1

        # Later lifecycle events move the demand out of the open set, once.
        withdrawn = demand_ev.DemandWithdrawn(demand_id=demand.demand_id, withdrawn_at=signed.signed_at)
        [wenv] = await m.publish(withdrawn)
        await m.wait_applied(wenv)
        assert await m.deliver(wenv) == "duplicate"
        view = await m.suggestions(demand.demand_id)
        assert view["status"] == "withdrawn"
        assert str(demand.demand_id) not in m.svc.demands
        r = await m.client.post(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)
        assert r.status_code == 409 and r.json()["current_state"] == "withdrawn"


async def test_a_published_demand_gets_explained_suggestions_automatically(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        battery = carrier_registered(**BATTERY)
        cell_lab = carrier_registered(**CELL_LAB)
        water = carrier_registered(**WATER)
        expert = person_registered(
            carrier_id=battery.carrier_id, fields=["energy.batteries"], keywords=["固态电解质", "锂电池"]
        )
        profiles = await m.publish(battery, cell_lab, water, expert)
        await m.wait_applied(*profiles)
        demand = demand_published(**DEMAND)
        [denv] = await m.publish(demand)
        await m.wait_applied(denv)

        view = await m.suggestions(demand.demand_id)
        ids = [c["carrier_id"] for c in view["carriers"]]
        assert ids[0] == str(battery.carrier_id)  # same field, Chinese text, same province
        assert str(cell_lab.carrier_id) in ids  # English profile, met through the glossary
        assert str(water.carrier_id) not in ids  # irrelevant, however near
        top = view["carriers"][0]
        assert top["components"]["fields"] == 1.0 and top["components"]["trl"] == 1.0
        assert set(top["components"]) == {"text", "fields", "track_record", "capacity", "region", "trl", "budget"}
        assert top["matched_terms"] and top["explanation"]
        lab = next(c for c in view["carriers"] if c["carrier_id"] == str(cell_lab.carrier_id))
        assert "固态电解质|solid electrolyte" in lab["matched_terms"]
        assert [e["person_id"] for e in view["experts"]] == [str(expert.person_id)]
        assert view["trigger"] == "demand_published"

        [event] = await m.outbox("MatchesSuggested")
        assert event["data"]["demand_id"] == str(demand.demand_id)
        assert [c["carrier_id"] for c in event["data"]["carriers"]] == ids
        assert event["data"]["experts"][0]["person_id"] == str(expert.person_id)

        async def relayed() -> bool:
            return all(e["_published"] for e in await m.outbox("MatchesSuggested"))

        await wait_for(relayed, timeout_s=30, interval_s=0.1, what="the relay to publish MatchesSuggested")

        # On request: a new set, same ranking.
        r = await m.client.post(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)
        assert r.status_code == 201, r.text
        assert r.json()["trigger"] == "requested"
        assert [c["carrier_id"] for c in r.json()["carriers"]] == ids
        assert len(await m.sets(demand.demand_id)) == 2


async def test_profile_and_capacity_changes_re_suggest_only_where_the_top_changes(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        battery = carrier_registered(**BATTERY)
        cell_lab = carrier_registered(**CELL_LAB)
        water = carrier_registered(**WATER)
        await m.wait_applied(*await m.publish(battery, cell_lab, water))
        demand = demand_published(**DEMAND)
        water_demand = demand_published(
            title="印染废水深度处理",
            description="印染废水反渗透膜处理与回用",
            fields=["environment.water"],
            keywords=["水处理"],
        )
        await m.wait_applied(*await m.publish(demand, water_demand))
        assert len(await m.sets(demand.demand_id)) == 1
        assert len(await m.sets(water_demand.demand_id)) == 1

        # A newcomer that fits the battery demand better than anyone: that demand only is re-suggested.
        rival = carrier_registered(
            **{
                **BATTERY,
                "name": "固态电池电解质研究中心",
                "capabilities": "车用固态锂电池电解质开发、固态电解质界面、能量密度与循环寿命提升、电芯级验证",
                "keywords": ["固态电池", "固态电解质", "锂电池"],
                "city": "苏州",
            }
        )
        [renv] = await m.publish(rival)
        await m.wait_applied(renv)
        sets = await m.sets(demand.demand_id)
        assert [s.trigger for s in sets] == ["demand_published", "profile_changed"]
        assert (await m.suggestions(demand.demand_id))["carriers"][0]["carrier_id"] == str(rival.carrier_id)
        assert len(await m.sets(water_demand.demand_id)) == 1  # untouched

        # An edit that changes nothing a project manager sees: no new suggestions.
        [uenv] = await m.publish(carrier_updated(water, version=2, keywords=["水处理", "膜分离", "回用"]))
        await m.wait_applied(uenv)
        assert len(await m.sets(demand.demand_id)) == 2

        # The best carrier fills up: shown as at capacity, not dropped.
        [cenv] = await m.publish(capacity_changed(rival.carrier_id, capacity=3, load=3))
        await m.wait_applied(cenv)
        sets = await m.sets(demand.demand_id)
        assert sets[-1].trigger == "capacity_changed"
        view = await m.suggestions(demand.demand_id)
        entry = next(c for c in view["carriers"] if c["carrier_id"] == str(rival.carrier_id))
        assert entry["at_capacity"] is True and entry["components"]["capacity"] == 0.0
        assert any("at capacity" in line for line in entry["explanation"])
        # Delivered again: applied once, no further set.
        assert await m.deliver(cenv) == "duplicate"
        assert len(await m.sets(demand.demand_id)) == len(sets)


async def test_demand_updates_and_a_completed_contract_feed_the_ranking(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        battery = carrier_registered(**BATTERY)
        # The same profile, farther away: second until its track record tells.
        twin = carrier_registered(**{**BATTERY, "name": "储能材料工程中心", "city": "广州", "province": "广东"})
        await m.wait_applied(*await m.publish(battery, twin))
        demand = demand_published(**DEMAND)
        await m.wait_applied(*await m.publish(demand))
        before = (await m.suggestions(demand.demand_id))["carriers"]
        assert [c["carrier_id"] for c in before] == [str(battery.carrier_id), str(twin.carrier_id)]
        assert before[1]["components"]["track_record"] == 0.0

        signed = contract_signed(twin.carrier_id, uuid.uuid4(), demand_id=demand.demand_id, value=Decimal("8000000"))
        await m.wait_applied(*await m.publish(signed, contract_completed(signed)))
        after = await m.suggestions(demand.demand_id)
        assert after["carriers"][0]["carrier_id"] == str(twin.carrier_id)
        assert after["carriers"][0]["components"]["track_record"] > 0.4
        assert after["trigger"] == "track_record_changed"

        update = demand_ev.DemandUpdated(
            demand_id=demand.demand_id,
            changed={"budget": "50000.00", "trl_target": 9},
            version=2,
            updated_at=signed.signed_at,
        )
        [uenv] = await m.publish(update)
        await m.wait_applied(uenv)
        async with m.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(tables.demand_profiles).where(tables.demand_profiles.c.demand_id == demand.demand_id)
                )
            ).one()
        assert (row.budget, row.trl_target, row.version) == (Decimal("50000.00"), 9, 2)
        assert await m.deliver(uenv) == "duplicate"


async def test_a_second_replica_catches_its_index_up_from_the_database(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        # Another process of the service on the same database; it handles none of the events.
        other = MatchingService(m.runtime.uow, MatchingSettings(index_sync_interval_s=0))
        await other.start()
        battery = carrier_registered(**BATTERY)
        demand = demand_published(**DEMAND)
        await m.wait_applied(*await m.publish(battery, demand))
        assert str(battery.carrier_id) not in other.carriers
        async with m.engine.connect() as conn:
            await other.sync(MatchingRepository(conn))
        assert str(battery.carrier_id) in other.carriers and str(demand.demand_id) in other.demands
        assert other.demands.tops["carriers"][str(demand.demand_id)].shown == ((str(battery.carrier_id), False),)
        # A profile change handled by the first process reaches the second one's index too.
        [env] = await m.publish(carrier_updated(battery, 2, status="suspended"))
        await m.wait_applied(env)
        async with m.engine.connect() as conn:
            await other.sync(MatchingRepository(conn))
        assert str(battery.carrier_id) not in other.carriers


async def test_an_english_name_beside_a_chinese_one_is_indexed(fresh_db: FreshDb) -> None:
    """Issue 19: ``name_en`` in talent's events reaches the profile text matching ranks by, live and
    after a restart (the index built again from the read model)."""
    url = await fresh_db("matching")
    lab = carrier_registered(
        name="星河研究所", name_en="Noise and Vibration Control Laboratory", capabilities="", keywords=[], fields=[]
    )
    demand = demand_published(
        title="Noise and vibration control for compressors",
        description="Reduce the noise and vibration of our industrial compressors at night.",
        fields=[],
        keywords=[],
    )
    async with matching_service(url) as m:
        await m.wait_applied(*await m.publish(lab, demand))
        async with m.engine.connect() as conn:
            row = await MatchingRepository(conn).carrier_row(lab.carrier_id)
        assert row is not None and row.name_en == "Noise and Vibration Control Laboratory"
        view = await m.suggestions(demand.demand_id)
        [entry] = [c for c in view["carriers"] if c["carrier_id"] == str(lab.carrier_id)]
        assert entry["components"]["text"] > 0 and entry["matched_terms"], entry
        assert entry["name"] == "星河研究所"
    async with matching_service(url, background=False) as again:
        r = await again.client.post(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)
        assert r.status_code == 201, r.text
        [entry] = [c for c in r.json()["carriers"] if c["carrier_id"] == str(lab.carrier_id)]
        assert entry["components"]["text"] > 0
