"""The stored view of a demand's suggestions (``suggestion_views``): what
``GET /demands/{id}/suggestions`` returns is, after every change that shows in it, byte for byte
the view rendered afresh from the tables; renderings of one view wait for each other; a process
with other weights, or another renderer, does not serve views stored by the old one; the migration
leaves placeholders that are never served, and ``itp views refresh`` stores the views."""

from __future__ import annotations

import asyncio
import uuid
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import sqlalchemy as sa

from services.matching import tables, views
from services.matching.main import definition
from services.matching.repository import READ_VIEW
from services.matching.service import MatchingService
from services.matching.settings import MatchingSettings
from services.matching.tests.integration.support import (
    PM,
    STAFF,
    Matching,
    capacity_changed,
    carrier_registered,
    carrier_updated,
    carrier_user,
    demand_published,
    enterprise_user,
    matching_service,
    now,
    person_registered,
)
from shared.events import demand as demand_ev
from shared.events import talent as talent_ev
from shared.migrations import downgrade, upgrade
from shared.pagination import etag
from shared.pgread import asyncpg_plan
from shared.testing import wait_for

FreshDb = Callable[[str], Awaitable[str]]

BATTERY = ["energy.batteries"]
CARRIERS = [
    carrier_registered(name=name, fields=BATTERY, capabilities=caps, keywords=["锂电池", "正极材料"])
    for name, caps in (
        ("正极材料研究所", "高镍三元正极材料、正极包覆改性、锂电池循环寿命"),
        ("正极工艺工程中心", "正极材料烧结工艺、正极前驱体、锂电池正极量产工艺"),
        ("电池管理系统实验室", "电池管理系统、电池热管理、锂电池安全监测"),
        ("固态电池研究院", "固态电解质、锂电池界面、正极材料包覆"),
    )
]
EXPERT = person_registered(
    name="王研究员", carrier_id=CARRIERS[1].carrier_id, fields=BATTERY, keywords=["正极材料", "锂电池"]
)
DEMAND = dict(
    title="高镍正极材料循环寿命提升",
    description="动力锂电池高镍正极材料在高温循环下容量衰减快，需要开发正极包覆工艺，提升锂电池循环寿命。",
    fields=BATTERY,
    keywords=["正极材料", "锂电池"],
)


async def in_sync(m: Matching, demand_id: uuid.UUID) -> dict[str, Any]:
    """The view as served: the same bytes as rendered afresh now, of the latest set, with its ETag."""
    r = await m.client.get(f"/api/v1/demands/{demand_id}/suggestions", headers=STAFF)
    assert r.status_code == 200, r.text
    assert r.content == await m.svc.render_suggestions(demand_id)
    sets = await m.sets(demand_id)
    latest = sets[-1].suggestion_set_id if sets else None
    assert r.headers["etag"] == etag(zlib.crc32(str(latest).encode()))
    view: dict[str, Any] = r.json()
    assert view["suggestion_set_id"] == (str(latest) if latest else None)
    return view


def by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["carrier_id"]: c for c in view["carriers"]}


async def setup(m: Matching) -> demand_ev.DemandPublished:
    await m.wait_applied(*await m.publish(*CARRIERS, EXPERT))
    demand = demand_published(**DEMAND)
    await m.wait_applied(*await m.publish(demand))
    return demand


async def post(m: Matching, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await m.client.post(path, json=body, headers=PM)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_the_view_of_an_open_demand_follows_new_suggestions_decisions_and_conflicts(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        d = demand.demand_id
        first = await in_sync(m, d)
        assert first["trigger"] == "demand_published" and len(first["carriers"]) == 4
        assert [e["name"] for e in first["experts"]] == ["王研究员"]
        second = str(EXPERT.carrier_id)  # accepted, then in a conflict of interest (with its expert)
        top = next(c["carrier_id"] for c in first["carriers"] if c["carrier_id"] != second)

        # A capacity change re-ranks: a new set, shown at once.
        await m.wait_applied(*await m.publish(capacity_changed(uuid.UUID(top), 2, 2)))
        full = await in_sync(m, d)
        assert full["trigger"] == "capacity_changed" and full["suggestion_set_id"] != first["suggestion_set_id"]
        assert by_id(full)[top]["at_capacity"] is True

        # Accepting shows the decision (no new set); rejecting re-suggests without the carrier.
        accepted = await post(m, "/api/v1/matches", {"demand_id": str(d), "carrier_id": second, "decision": "accepted"})
        view = await in_sync(m, d)
        assert view["suggestion_set_id"] == full["suggestion_set_id"]
        assert (by_id(view)[second]["decision"], by_id(view)[second]["match_id"]) == ("accepted", accepted["match_id"])
        await post(
            m,
            "/api/v1/matches",
            {"demand_id": str(d), "carrier_id": top, "decision": "rejected", "reason": {"code": "no_capacity"}},
        )
        view = await in_sync(m, d)
        assert view["trigger"] == "rejection" and top not in by_id(view)
        assert by_id(view)[second]["decision"] == "accepted"

        # A conflict of interest hides the carrier (and its expert); removing it shows them again.
        conflict = await post(
            m,
            "/api/v1/matches/conflicts-of-interest",
            {"enterprise_id": str(demand.enterprise_id), "carrier_id": second, "reason": "董事交叉任职"},
        )
        view = await in_sync(m, d)
        assert second not in by_id(view) and view["experts"] == []
        r = await m.client.delete(f"/api/v1/matches/conflicts-of-interest/{conflict['id']}", headers=STAFF)
        assert r.status_code == 204
        view = await in_sync(m, d)
        assert by_id(view)[second]["decision"] == "accepted" and [e["name"] for e in view["experts"]] == ["王研究员"]

        # Who sees what is unchanged: the enterprise everything, a carrier its own entry only.
        path = f"/api/v1/demands/{d}/suggestions"
        mine = (await m.client.get(path, headers=carrier_user(second))).json()
        assert [c["carrier_id"] for c in mine["carriers"]] == [second] and mine["visibility"] == "own carrier only"
        assert [e["name"] for e in mine["experts"]] == ["王研究员"]
        ent = await m.client.get(path, headers=enterprise_user(demand.enterprise_id))
        assert ent.content == (await m.client.get(path, headers=STAFF)).content
        assert (await m.client.get(path, headers=enterprise_user(uuid.uuid4()))).status_code == 403


async def test_the_view_of_a_matched_demand_follows_names_decisions_and_conflicts(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        d = demand.demand_id
        await m.wait_applied(*await m.publish(demand_ev.DemandMatched(demand_id=d, matched_at=now())))
        view = await in_sync(m, d)
        assert view["status"] == "matched"
        sets = len(await m.sets(d))  # a matched demand is not re-suggested by what follows

        # Renamed carriers and experts show their new names.
        process = CARRIERS[1]
        renamed = carrier_updated(process, 2, name="正极工艺工程技术中心")
        person = talent_ev.PersonProfileUpdated(
            **{**EXPERT.model_dump(exclude={"registered_at"}), "name": "王教授", "version": 2, "updated_at": now()}
        )
        await m.wait_applied(*await m.publish(renamed))
        view = await in_sync(m, d)
        assert by_id(view)[str(process.carrier_id)]["name"] == "正极工艺工程技术中心"
        assert [e["name"] for e in view["experts"]] == ["王研究员"]
        await m.wait_applied(*await m.publish(person))
        assert [e["name"] for e in (await in_sync(m, d))["experts"]] == ["王教授"]

        # A rejection while matched re-suggests nothing: the view shows the decision.
        bms = str(CARRIERS[2].carrier_id)
        rejected = await post(
            m,
            "/api/v1/matches",
            {"demand_id": str(d), "carrier_id": bms, "decision": "rejected", "reason": {"code": "other"}},
        )
        assert rejected["resuggested_set_id"] is None
        view = await in_sync(m, d)
        assert (by_id(view)[bms]["decision"], by_id(view)[bms]["match_id"]) == ("rejected", rejected["match_id"])

        # Conflicts of interest hide and show the carrier (and its expert) here too.
        conflict = await post(
            m,
            "/api/v1/matches/conflicts-of-interest",
            {"enterprise_id": str(demand.enterprise_id), "carrier_id": str(process.carrier_id), "reason": "关联方"},
        )
        view = await in_sync(m, d)
        assert str(process.carrier_id) not in by_id(view) and view["experts"] == []
        await m.client.delete(f"/api/v1/matches/conflicts-of-interest/{conflict['id']}", headers=STAFF)
        view = await in_sync(m, d)
        assert str(process.carrier_id) in by_id(view) and len(view["experts"]) == 1
        assert len(await m.sets(d)) == sets

        # The status comes from the read model at read time.
        await m.wait_applied(*await m.publish(demand_ev.DemandClosed(demand_id=d, closed_at=now())))
        assert (await in_sync(m, d))["status"] == "closed"


async def _waiting_for_a_lock(m: Matching) -> bool:
    async with m.engine.connect() as conn:
        n = await conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return bool(n.scalar_one())


async def test_renderings_of_one_view_follow_each_other(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        d = demand.demand_id
        carrier = (await in_sync(m, d))["carriers"][0]["carrier_id"]
        async with m.runtime.uow() as uow:
            # A new set, rendered but not committed yet: its transaction holds the view's lock.
            new_set = await m.svc.suggest(uow, d, trigger="requested")
            accept = asyncio.create_task(
                m.client.post(
                    "/api/v1/matches",
                    json={"demand_id": str(d), "carrier_id": carrier, "decision": "accepted"},
                    headers=PM,
                )
            )
            # The decision's rendering waits (it would otherwise render the set before this one).
            await wait_for(lambda: _waiting_for_a_lock(m), timeout_s=15, interval_s=0.05, what="the rendering to wait")
            assert not accept.done()
        assert (await accept).status_code == 201
        view = await in_sync(m, d)
        assert view["suggestion_set_id"] == str(new_set) and by_id(view)[carrier]["decision"] == "accepted"


async def test_a_process_with_other_weights_explains_with_its_own(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        stored = await in_sync(m, demand.demand_id)
        other = MatchingService(m.runtime.uow, MatchingSettings(weights={"text": 0.2, "fields": 0.8}))
        view = await other.suggestions_view(demand.demand_id)
        assert view is not None
        assert view.body == await other.render_suggestions(demand.demand_id)
        assert view.suggestion_set_id == uuid.UUID(stored["suggestion_set_id"])
        assert b'"weights":{"text":0.2,"fields":0.8}' in view.body and stored["weights"] != {"text": 0.2, "fields": 0.8}


async def test_a_view_stored_by_another_renderer_is_never_served(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        current = await in_sync(m, demand.demand_id)
        # As the previous release stored it: the same weights, another renderer's shape.
        old_key = views.weights_key(m.svc.weights).replace(f"{views.RENDERER} ", f"{views.RENDERER - 1} ", 1)
        async with m.engine.begin() as conn:
            await conn.execute(
                sa.update(tables.suggestion_views)
                .where(tables.suggestion_views.c.demand_id == demand.demand_id)
                .values(body='{"old_shape":true}', weights=old_key)
            )
        assert await in_sync(m, demand.demand_id) == current


async def test_the_view_reads_the_same_through_asyncpg_and_through_sqlalchemy(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        # PostgreSQL: the one statement is sent to asyncpg directly.
        assert m.svc.reader.driver and asyncpg_plan(READ_VIEW, m.runtime.engine.dialect) is not None
        portable = MatchingService(m.runtime.uow, MatchingSettings())
        portable.reader.driver = False  # what every other database does: SQLAlchemy runs it
        for d in (demand.demand_id, uuid.uuid4()):
            assert await portable.suggestions_view(d) == await m.svc.suggestions_view(d)
        assert await m.svc.suggestions_view(uuid.uuid4()) is None


async def test_the_migration_leaves_placeholders_rendered_on_read_until_itp_views_refresh(
    fresh_db: FreshDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        other = demand_published(**{**DEMAND, "title": "锂电池正极材料量产工艺"})
        await m.wait_applied(*await m.publish(other))
        await m.wait_applied(*await m.publish(demand_ev.DemandMatched(demand_id=other.demand_id, matched_at=now())))
        first = (await in_sync(m, demand.demand_id))["carriers"]
        await post(
            m,
            "/api/v1/matches",
            {"demand_id": str(demand.demand_id), "carrier_id": first[0]["carrier_id"], "decision": "accepted"},
        )
        await post(
            m,
            "/api/v1/matches/conflicts-of-interest",
            {"enterprise_id": str(other.enterprise_id), "carrier_id": first[1]["carrier_id"], "reason": "关联方"},
        )
        before = {
            d: (await m.client.get(f"/api/v1/demands/{d}/suggestions", headers=STAFF)).content
            for d in (demand.demand_id, other.demand_id)
        }
    previous = "3f0b538a4a34"
    await asyncio.to_thread(downgrade, definition.migrations, url, previous)
    await asyncio.to_thread(upgrade, definition.migrations, url)
    async with matching_service(url) as m:
        async with m.engine.connect() as conn:
            rows = (await conn.execute(sa.select(tables.suggestion_views))).all()
        assert {r.demand_id for r in rows} == set(before) and {r.weights for r in rows} == {None}
        for d, body in before.items():  # rendered afresh, the placeholder never served
            assert (await m.client.get(f"/api/v1/demands/{d}/suggestions", headers=STAFF)).content == body
    async with matching_service(url) as m:  # what ``itp views refresh`` runs
        assert await m.svc.refresh_views() == len(before)
    async with matching_service(url) as m:
        async with m.engine.connect() as conn:
            rows = (await conn.execute(sa.select(tables.suggestion_views))).all()
        assert {r.weights for r in rows} == {views.weights_key(m.svc.weights)}
        for d, body in before.items():
            assert (await m.client.get(f"/api/v1/demands/{d}/suggestions", headers=STAFF)).content == body
            await in_sync(m, d)


async def test_each_caller_gets_its_answer(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand = await setup(m)
        cases: list[tuple[str, dict[str, str]]] = [
            (str(demand.demand_id), STAFF),
            (str(demand.demand_id), enterprise_user(demand.enterprise_id)),
            (str(demand.demand_id), enterprise_user(uuid.uuid4())),
            (str(demand.demand_id), carrier_user(CARRIERS[1].carrier_id)),
            (str(demand.demand_id), carrier_user(uuid.uuid4())),
            (str(uuid.uuid4()), STAFF),
            ("not-a-uuid", STAFF),
            (str(demand.demand_id), {}),
        ]
        statuses = []
        for demand_id, headers in cases:
            r = await m.client.get(f"/api/v1/demands/{demand_id}/suggestions", headers=headers)
            statuses.append(r.status_code)
        assert statuses == [200, 200, 403, 200, 200, 404, 422, 401]
