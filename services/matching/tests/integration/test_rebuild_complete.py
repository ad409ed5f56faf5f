"""A rebuild gives back everything the live service had, suggestions and their views included,
also when an event was dead-lettered (compared table by table, row by row)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import sqlalchemy as sa

from services.matching import tables
from services.matching.rebuild import rebuild
from services.matching.repository import MatchingRepository
from services.matching.tests.integration.support import (
    capacity_changed,
    carrier_registered,
    contract_completed,
    contract_signed,
    demand_published,
    matching_service,
    person_registered,
)
from shared.bus.base import Record
from shared.events import topics
from shared.replay import kafka_end_offsets
from shared.testing import kafka_bootstrap, table_rows, wait_for

FreshDb = Callable[[str], Awaitable[str]]

# Written anew by whoever writes the row: not part of what a rebuild must give back.
WRITTEN = ("written_at", "updated_at")
SET_IDS = ("suggestion_set_id", "created_at")


async def state(engine: Any) -> dict[str, Any]:
    """Everything the service keeps about the world, modulo write times and set ids."""
    out: dict[str, Any] = {}
    async with engine.connect() as conn:
        for table in (
            tables.carrier_profiles,
            tables.person_profiles,
            tables.capacity_states,
            tables.demand_profiles,
            tables.contract_records,
        ):
            out[table.name] = await table_rows(conn, table, ignore=WRITTEN)
        # Each demand's latest suggestions, as a project manager sees them.
        latest = (
            sa.select(tables.suggestion_sets.c.demand_id, sa.func.max(tables.suggestion_sets.c.created_at).label("at"))
            .group_by(tables.suggestion_sets.c.demand_id)
            .subquery()
        )
        sets = sa.select(tables.suggestion_sets.c.suggestion_set_id).join(
            latest,
            sa.and_(
                latest.c.demand_id == tables.suggestion_sets.c.demand_id,
                latest.c.at == tables.suggestion_sets.c.created_at,
            ),
        )
        for table in (tables.suggestions, tables.expert_suggestions):
            rows = await conn.execute(sa.select(table).where(table.c.suggestion_set_id.in_(sets)))
            out[table.name] = sorted(
                tuple(
                    str(round(v, 9) if isinstance(v, float) else v) for k, v in r._mapping.items() if k not in SET_IDS
                )
                for r in rows
            )
        views = await conn.execute(sa.select(tables.suggestion_views.c.demand_id, tables.suggestion_views.c.body))
        out["suggestion_views"] = sorted((str(v.demand_id), _view(v.body)) for v in views)
    return out


def _view(body: str | None) -> str:
    """A stored view without what names its suggestion set (id, time, what triggered it)."""
    if body is None:
        return ""
    doc = orjson.loads(body)
    for key in ("suggestion_set_id", "suggested_at", "trigger"):
        doc.pop(key, None)
    for entry in doc["carriers"] + doc["experts"]:
        entry["score"] = round(entry["score"], 9)
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS).decode()


def _diff(name: str, live: list[Any], rebuilt: list[Any]) -> str:
    only_live = [r for r in live if r not in rebuilt]
    only_rebuilt = [r for r in rebuilt if r not in live]
    return f"{name}: live only {only_live}; rebuilt only {only_rebuilt}"


async def _dead_letters(topic: str) -> int:
    return sum((await kafka_end_offsets(kafka_bootstrap(), [topics.dlq(topic)])).values())


async def test_a_rebuild_gives_back_the_live_state_even_when_an_event_was_dead_lettered(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        battery = carrier_registered(name="储能研究所", fields=["energy.batteries"], capabilities="固态电池电解质")
        lab = carrier_registered(name="膜技术研究所", fields=["environment.water"], capabilities="反渗透膜")
        cells = carrier_registered(name="电池材料公司", fields=["energy.batteries"], capabilities="正极材料")
        expert = person_registered(carrier_id=battery.carrier_id, fields=["energy.batteries"], keywords=["固态电池"])
        signed = contract_signed(battery.carrier_id, uuid.uuid4(), demand_id=uuid.uuid4())
        kept = demand_published(title="固态电池电解质开发", fields=["energy.batteries"], keywords=["固态电池"])
        lost = demand_published(title="膜法海水淡化", fields=["environment.water"], keywords=["反渗透"])
        profiles = [
            battery,
            lab,
            cells,
            capacity_changed(cells.carrier_id, 4, 4),
            expert,
            signed,
            contract_completed(signed),
        ]
        demand_topic = m.topic_map[topics.DEMAND]
        await m.wait_applied(*await m.publish(*profiles))
        # A live index drifts from a freshly loaded one (its norms are refreshed only now and
        # then, so scores depend on the process's history); the rebuild ranks with a freshly
        # loaded index, so the live process here ranks after a restart, as after onboarding.
        async with m.runtime.uow.read() as conn:
            await m.svc.load(MatchingRepository(conn))
        await m.wait_applied(*await m.publish(kept, lost))
        # Something no handler can ever apply: the live consumer dead-letters it.
        await m.bus.publish([Record(demand_topic, b"poison", b"not a CloudEvent", [])])
        await wait_for(
            lambda: _dead_letters(demand_topic), timeout_s=30, interval_s=0.2, what="the live consumer's dead letter"
        )
        live = await state(m.engine)
        assert all(live[name] for name in ("suggestions", "expert_suggestions", "suggestion_views"))
        assert any(str(lost.demand_id) in row for row in live["suggestions"])

        # What a dead-lettered DemandPublished leaves behind: no profile, no suggestions, no view.
        async with m.engine.begin() as conn:
            for table in (
                tables.suggestions,
                tables.expert_suggestions,
                tables.suggestion_sets,
                tables.suggestion_views,
                tables.demand_profiles,
            ):
                await conn.execute(sa.delete(table).where(table.c.demand_id == lost.demand_id))
            await conn.execute(sa.delete(tables.person_profiles))  # and some plain damage
        assert await state(m.engine) != live

        names = list(m.topic_map.values())
        report = await rebuild(m.engine, m.bus, names, lambda: kafka_end_offsets(kafka_bootstrap(), names))

        rebuilt = await state(m.engine)
        for name in live:
            assert rebuilt[name] == live[name], _diff(name, live[name], rebuilt[name])
        assert report.suggested == 1 and report.views == 2
        # The poison message is reported, not dead-lettered a second time.
        assert report.dead_lettered == 1 and len(report.not_applied) == 1
        assert f"{demand_topic}[" in report.not_applied[0] and "not a CloudEvent" in report.not_applied[0]
        assert await _dead_letters(demand_topic) == 1
        # The suggestions made for the lost demand are announced like any others.
        announced = [e for e in await m.outbox("MatchesSuggested") if e["data"]["demand_id"] == str(lost.demand_id)]
        assert [e["data"]["trigger"] for e in announced] == ["demand_published", "rebuild"]

        async def published() -> bool:
            return all(e["_published"] for e in await m.outbox("MatchesSuggested"))

        await wait_for(published, timeout_s=30, interval_s=0.1, what="the relay to publish the new suggestions")
