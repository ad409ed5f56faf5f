"""Curation (accept / reject with a structured reason), conflicts of interest, batch
assignment and who may see what, against the real database and broker."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.matching.tests.integration.support import (
    PM,
    STAFF,
    Matching,
    capacity_changed,
    carrier_registered,
    carrier_user,
    demand_published,
    enterprise_user,
    matching_service,
    now,
    person_registered,
)
from shared.events import topics
from shared.testing import auth_headers, kafka_bootstrap, wait_for

BATTERY_FIELDS = ["energy.batteries"]

FreshDb = Callable[[str], Awaitable[str]]


def battery_carrier(name: str, capabilities: str, **kw: Any) -> Any:
    return carrier_registered(name=name, fields=BATTERY_FIELDS, capabilities=capabilities, keywords=["锂电池"], **kw)


CARRIERS = [
    battery_carrier("正极材料研究所", "高镍三元正极材料、正极包覆改性、锂电池循环寿命"),
    battery_carrier("正极工艺工程中心", "正极材料烧结工艺、正极前驱体、锂电池正极量产工艺"),
    battery_carrier("电池管理系统实验室", "电池管理系统、电池热管理、锂电池安全监测"),
    carrier_registered(
        name="锂电回收研究院",
        fields=["environment.waste", "energy.batteries"],
        capabilities="废旧锂电池回收、湿法冶金、正极材料再生",
        keywords=["电池回收"],
    ),
]
DEMAND = dict(
    title="高镍正极材料循环寿命提升",
    description="动力锂电池高镍正极材料在高温循环下容量衰减快，需要开发正极包覆工艺，提升锂电池循环寿命与热安全。",
    fields=BATTERY_FIELDS,
    keywords=["正极材料", "锂电池"],
)


async def _kafka_ends() -> dict[TopicPartition, int]:
    c = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap(), group_id=None)
    await c.start()
    try:
        tps = [TopicPartition(topics.MATCHING, p) for p in c.partitions_for_topic(topics.MATCHING) or {0, 1, 2}]
        return dict(await c.end_offsets(tps))
    finally:
        await c.stop()


async def _read_matching_topic(since: dict[TopicPartition, int], event_ids: set[str]) -> dict[str, bytes]:
    """The records with these CloudEvent ids published to itp.matching.events after ``since``."""
    import orjson

    c = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap(), group_id=None, enable_auto_commit=False)
    await c.start()
    found: dict[str, bytes] = {}
    try:
        c.assign(list(since))
        for tp, off in since.items():
            c.seek(tp, off)

        async def more() -> bool:
            for msgs in (await c.getmany(timeout_ms=500)).values():
                for msg in msgs:
                    doc = orjson.loads(msg.value)
                    if doc["id"] in event_ids:
                        found[doc["id"]] = msg.value
            return set(found) == event_ids

        await wait_for(more, timeout_s=30, interval_s=0.05, what="the events on itp.matching.events")
    finally:
        await c.stop()
    return found


async def _setup(m: Matching) -> tuple[Any, list[Any]]:
    await m.wait_applied(*await m.publish(*CARRIERS))
    demand = demand_published(**DEMAND)
    await m.wait_applied(*await m.publish(demand))
    return demand, [c["carrier_id"] for c in (await m.suggestions(demand.demand_id))["carriers"]]


async def test_accepting_and_rejecting_with_reasons(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand, ranked = await _setup(m)
        cathode, process, bms, recycling = (str(c.carrier_id) for c in CARRIERS)
        assert set(ranked) == {cathode, process, bms, recycling}
        since = await _kafka_ends()

        # Reject the cathode institute as a field mismatch: carriers sharing its fields and
        # matched terms are lowered for this demand, and the explanation says so.
        body = {
            "demand_id": str(demand.demand_id),
            "carrier_id": cathode,
            "decision": "rejected",
            "reason": {"code": "field_mismatch", "note": "需要工艺放大而不是材料研究"},
        }
        r = await m.client.post("/api/v1/matches", json=body, headers={**PM, "Idempotency-Key": "rej-1"})
        assert r.status_code == 201, r.text
        rejection = r.json()
        assert rejection["decision"] == "rejected" and rejection["resuggested_set_id"]
        again = await m.client.post("/api/v1/matches", json=body, headers={**PM, "Idempotency-Key": "rej-1"})
        assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
        assert again.json()["match_id"] == rejection["match_id"]

        view = await m.suggestions(demand.demand_id)
        ids = [c["carrier_id"] for c in view["carriers"]]
        assert cathode not in ids  # never suggested again for this demand
        lowered = next(c for c in view["carriers"] if c["carrier_id"] == process)
        assert lowered["adjustments"] and lowered["adjustments"][0]["reason"] == "field_mismatch"
        assert lowered["score"] < lowered["base_score"]
        assert any("rejected for this demand as a field mismatch" in line for line in lowered["explanation"])
        assert view["trigger"] == "rejection"

        # Deciding again on the same suggestion: 409 naming the state.
        r = await m.client.post("/api/v1/matches", json={**body, "reason": {"code": "other"}}, headers=PM)
        assert r.status_code == 409
        assert r.json()["current_state"] == "rejected" and r.json()["allowed_actions"] == []

        # A rejection needs a reason; an unknown carrier was never suggested.
        r = await m.client.post("/api/v1/matches", json={**body, "carrier_id": process, "reason": None}, headers=PM)
        assert r.status_code == 422
        r = await m.client.post(
            "/api/v1/matches", json={**body, "carrier_id": str(uuid.uuid4()), "decision": "accepted"}, headers=PM
        )
        assert r.status_code == 422 and r.json()["type"] == "/problems/not-decidable"

        # Accept the process centre: MatchAccepted carries what the contracts service needs.
        r = await m.client.post(
            "/api/v1/matches",
            json={"demand_id": str(demand.demand_id), "carrier_id": process, "decision": "accepted"},
            headers=PM,
        )
        assert r.status_code == 201, r.text
        accepted = r.json()
        [acc] = await m.outbox("MatchAccepted")
        data = acc["data"]
        assert data["match_id"] == accepted["match_id"]
        assert data["demand_title"] == DEMAND["title"] and data["demand_type"] == "technology_development"
        assert data["budget"] == "2000000.00" and data["enterprise_id"] == str(demand.enterprise_id)
        assert data["center_id"] == str(demand.center_id) and data["score"] > 0
        [rej] = await m.outbox("MatchRejected")
        assert rej["data"]["reason"] == {"code": "field_mismatch", "note": "需要工艺放大而不是材料研究"}

        # Both reach the broker, once each (the idempotent retry added nothing).
        published = await _read_matching_topic(since, {acc["id"], rej["id"]})
        assert set(published) == {acc["id"], rej["id"]}
        assert len(await m.outbox("MatchRejected")) == 1

        listed = await m.client.get(f"/api/v1/matches?demand_id={demand.demand_id}", headers=STAFF)
        assert [d["decision"] for d in listed.json()["items"]] == ["accepted", "rejected"]
        r = await m.client.get(f"/api/v1/matches/{accepted['match_id']}", headers=carrier_user(process))
        assert r.status_code == 200
        r = await m.client.get(f"/api/v1/matches/{accepted['match_id']}", headers=carrier_user(bms))
        assert r.status_code == 403
        # Enterprise users do not curate.
        r = await m.client.post(
            "/api/v1/matches",
            json={"demand_id": str(demand.demand_id), "carrier_id": bms, "decision": "accepted"},
            headers=enterprise_user(demand.enterprise_id),
        )
        assert r.status_code == 403


async def test_a_match_made_outside_the_suggestions(fresh_db: FreshDb) -> None:
    """Issue 19: a project manager records a carrier that was never suggested, with why; the same
    MatchAccepted as an accepted suggestion (without a suggestion set), once per pair."""
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand, ranked = await _setup(m)
        outsider = carrier_registered(name="海洋声学研究所", fields=["environment.water"], capabilities="水声换能器")
        conflicted = carrier_registered(name="关联企业研究院", fields=["environment.water"], capabilities="水处理")
        await m.wait_applied(*await m.publish(outsider, conflicted))
        assert str(outsider.carrier_id) not in [
            c["carrier_id"] for c in (await m.suggestions(demand.demand_id))["carriers"]
        ]
        body = {
            "demand_id": str(demand.demand_id),
            "carrier_id": str(outsider.carrier_id),
            "reason": "展会上结识，已有合作意向",
        }

        # Who may: project managers, operators and admins, never the enterprise or a carrier.
        for headers in (enterprise_user(demand.enterprise_id), carrier_user(outsider.carrier_id)):
            assert (await m.client.post("/api/v1/matches/offline", json=body, headers=headers)).status_code == 403
        # The reason is required; unknown demands and carriers are 404.
        r = await m.client.post("/api/v1/matches/offline", json={**body, "reason": None}, headers=PM)
        assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["reason"]
        for unknown in ({"demand_id": str(uuid.uuid4())}, {"carrier_id": str(uuid.uuid4())}):
            r = await m.client.post("/api/v1/matches/offline", json={**body, **unknown}, headers=PM)
            assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json", r.text

        r = await m.client.post("/api/v1/matches/offline", json=body, headers={**PM, "Idempotency-Key": "off-1"})
        assert r.status_code == 201, r.text
        match = r.json()
        assert r.headers["location"] == f"/api/v1/matches/{match['match_id']}"
        assert (match["decision"], match["origin"], match["suggestion_set_id"]) == ("accepted", "offline", None)
        assert match["reason"] == {"code": "other", "note": "展会上结识，已有合作意向"}
        again = await m.client.post("/api/v1/matches/offline", json=body, headers={**PM, "Idempotency-Key": "off-1"})
        assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
        assert again.json()["match_id"] == match["match_id"]
        [acc] = await m.outbox("MatchAccepted")
        assert acc["data"]["match_id"] == match["match_id"] and acc["data"]["suggestion_set_id"] is None
        assert acc["data"]["enterprise_id"] == str(demand.enterprise_id)
        assert acc["data"]["demand_title"] == DEMAND["title"] and acc["data"]["score"] is None

        # Once per pair; a suggested carrier's decision is read back as a suggestion's.
        r = await m.client.post("/api/v1/matches/offline", json=body, headers=PM)
        assert r.status_code == 409 and r.json()["current_state"] == "accepted", r.text
        r = await m.client.post(
            "/api/v1/matches",
            json={"demand_id": str(demand.demand_id), "carrier_id": ranked[0], "decision": "accepted"},
            headers=PM,
        )
        assert r.status_code == 201 and r.json()["origin"] == "suggestion", r.text
        got = await m.client.get(f"/api/v1/matches/{match['match_id']}", headers=STAFF)
        assert got.status_code == 200 and got.json()["origin"] == "offline"
        # A conflict of interest refuses it as it refuses accepting a suggestion.
        conflict = {
            "enterprise_id": str(demand.enterprise_id),
            "carrier_id": str(conflicted.carrier_id),
            "reason": "关联",
        }
        assert (
            await m.client.post("/api/v1/matches/conflicts-of-interest", json=conflict, headers=STAFF)
        ).status_code == 201
        r = await m.client.post(
            "/api/v1/matches/offline", json={**body, "carrier_id": str(conflicted.carrier_id)}, headers=STAFF
        )
        assert r.status_code == 422 and r.json()["type"] == "/problems/not-decidable", r.text
        assert len(await m.outbox("MatchAccepted")) == 2


async def test_a_match_to_a_team_of_people(fresh_db: FreshDb) -> None:
    """Issue 19: a demand matched to a team (people with free capacity, one of them leading): the
    carrier that contracts is the lead's employer, and MatchAccepted carries the team."""
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand, _ = await _setup(m)
        lab = carrier_registered(name="海洋声学研究所", fields=["acoustics.noise"], capabilities="减振降噪")
        lead = person_registered(carrier_id=lab.carrier_id, name="张声学", capacity=2)
        engineer = person_registered(carrier_id=None, university="江南大学", name="李工程", capacity=1)
        busy = person_registered(carrier_id=lab.carrier_id, name="王繁忙", capacity=1)
        await m.wait_applied(
            *await m.publish(lab, lead, engineer, busy, capacity_changed(busy.person_id, 1, 1, subject_type="person"))
        )
        team = {
            "lead_person_id": str(lead.person_id),
            "members": [
                {"person_id": str(lead.person_id), "role": "principal_investigator"},
                {"person_id": str(engineer.person_id), "role": "engineer"},
            ],
        }
        body = {"demand_id": str(demand.demand_id), "team": team, "reason": "组建联合攻关团队"}

        # A team is two or more people, led by one of them; each with free capacity.
        one = {**team, "members": team["members"][:1]}
        r = await m.client.post("/api/v1/matches/offline", json={**body, "team": one}, headers=PM)
        assert r.status_code == 422, r.text
        outsider = {**team, "lead_person_id": str(uuid.uuid4())}
        r = await m.client.post("/api/v1/matches/offline", json={**body, "team": outsider}, headers=PM)
        assert r.status_code == 422, r.text
        with_busy = {**team, "members": [*team["members"], {"person_id": str(busy.person_id), "role": "engineer"}]}
        r = await m.client.post("/api/v1/matches/offline", json={**body, "team": with_busy}, headers=PM)
        assert r.status_code == 422 and "no free capacity" in r.json()["detail"], r.text
        unknown = {**team, "members": [*team["members"], {"person_id": str(uuid.uuid4()), "role": "engineer"}]}
        r = await m.client.post("/api/v1/matches/offline", json={**body, "team": unknown}, headers=PM)
        assert r.status_code == 404, r.text
        led_by_free_agent = {**team, "lead_person_id": str(engineer.person_id)}
        r = await m.client.post("/api/v1/matches/offline", json={**body, "team": led_by_free_agent}, headers=PM)
        assert r.status_code == 422 and "needs a carrier" in r.json()["detail"], r.text
        assert await m.outbox("MatchAccepted") == []

        r = await m.client.post("/api/v1/matches/offline", json=body, headers=PM)
        assert r.status_code == 201, r.text
        match = r.json()
        assert (match["carrier_id"], match["origin"], match["team"]) == (str(lab.carrier_id), "offline", team)
        [acc] = await m.outbox("MatchAccepted")
        assert acc["data"]["carrier_id"] == str(lab.carrier_id) and acc["data"]["team"] == team
        got = await m.client.get(f"/api/v1/matches/{match['match_id']}", headers=carrier_user(lab.carrier_id))
        assert got.status_code == 200 and got.json()["team"] == team
        listed = await m.client.get(f"/api/v1/matches?demand_id={demand.demand_id}", headers=STAFF)
        assert [d["team"] for d in listed.json()["items"]] == [team]


async def test_a_rolled_back_conflict_of_interest_leaves_nothing_behind(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand, ranked = await _setup(m)
        top = ranked[0]
        with pytest.raises(RuntimeError, match="rolled back"):
            async with m.svc.uow() as uow:
                await m.svc.add_conflict(
                    uow, enterprise_id=demand.enterprise_id, carrier_id=uuid.UUID(top), reason="r", created_by="t"
                )
                raise RuntimeError("rolled back")
        # Rolled back: the carrier is in no conflict, still suggested, on request too.
        assert m.svc.conflicts.get(str(demand.enterprise_id), set()) == set()
        assert top in [c["carrier_id"] for c in (await m.suggestions(demand.demand_id))["carriers"]]
        r = await m.client.post(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)
        assert top in [c["carrier_id"] for c in r.json()["carriers"]]


async def test_conflicts_of_interest_are_never_suggested(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand, ranked = await _setup(m)
        top = ranked[0]
        body = {"enterprise_id": str(demand.enterprise_id), "carrier_id": top, "reason": "董事交叉任职"}
        r = await m.client.post(
            "/api/v1/matches/conflicts-of-interest", json=body, headers=enterprise_user(demand.enterprise_id)
        )
        assert r.status_code == 403
        r = await m.client.post("/api/v1/matches/conflicts-of-interest", json=body, headers=STAFF)
        assert r.status_code == 201, r.text
        conflict = r.json()
        assert (
            await m.client.post("/api/v1/matches/conflicts-of-interest", json=body, headers=STAFF)
        ).status_code == 409

        # The open demand is re-suggested at once without it, and stays so on request.
        view = await m.suggestions(demand.demand_id)
        assert top not in [c["carrier_id"] for c in view["carriers"]]
        assert view["trigger"] == "conflict_of_interest"
        r = await m.client.post(f"/api/v1/demands/{demand.demand_id}/suggestions", headers=STAFF)
        assert top not in [c["carrier_id"] for c in r.json()["carriers"]]
        # A new demand of the same enterprise: never suggested either; nor assignable, nor acceptable.
        second = demand_published(**{**DEMAND, "enterprise_id": demand.enterprise_id})
        await m.wait_applied(*await m.publish(second))
        assert top not in [c["carrier_id"] for c in (await m.suggestions(second.demand_id))["carriers"]]
        r = await m.client.post(
            "/api/v1/match-assignments",
            json={"demand_ids": [str(second.demand_id)], "k": 4, "floor": 0.0},
            headers=STAFF,
        )
        assert top not in [c["carrier_id"] for d in r.json()["demands"] for c in d["carriers"]]
        # Another enterprise's demand still gets it.
        other = demand_published(**DEMAND)
        await m.wait_applied(*await m.publish(other))
        assert top in [c["carrier_id"] for c in (await m.suggestions(other.demand_id))["carriers"]]

        listed = await m.client.get(
            f"/api/v1/matches/conflicts-of-interest?enterprise_id={demand.enterprise_id}", headers=STAFF
        )
        assert [c["id"] for c in listed.json()["items"]] == [conflict["id"]]
        got = await m.client.get(f"/api/v1/matches/conflicts-of-interest/{conflict['id']}", headers=STAFF)
        assert got.status_code == 200 and got.json()["reason"] == "董事交叉任职"
        r = await m.client.delete(f"/api/v1/matches/conflicts-of-interest/{conflict['id']}", headers=STAFF)
        assert r.status_code == 204
        assert top in [c["carrier_id"] for c in (await m.suggestions(demand.demand_id))["carriers"]]
        r = await m.client.delete(f"/api/v1/matches/conflicts-of-interest/{conflict['id']}", headers=STAFF)
        assert r.status_code == 404


async def test_batch_assignment_respects_capacity_and_the_floor(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        cathode, process, bms, recycling = CARRIERS
        await m.wait_applied(*await m.publish(*CARRIERS))
        # One free slot each for two carriers, none for the others.
        await m.wait_applied(
            *await m.publish(
                capacity_changed(cathode.carrier_id, 3, 2),
                capacity_changed(process.carrier_id, 3, 2),
                capacity_changed(bms.carrier_id, 2, 2),
                capacity_changed(recycling.carrier_id, 2, 2),
            )
        )
        start = now() - timedelta(seconds=1)
        demands = [demand_published(**DEMAND) for _ in range(3)]
        water = demand_published(title="印染废水处理", description="印染废水深度处理回用", fields=["environment.water"])
        await m.wait_applied(*await m.publish(*demands, water))

        r = await m.client.post(
            "/api/v1/match-assignments",
            json={"published_since": start.isoformat(), "k": 2, "floor": 0.3},
            headers={**STAFF, "Idempotency-Key": "batch-1"},
        )
        assert r.status_code == 201, r.text
        batch = r.json()
        assigned = [c["carrier_id"] for d in batch["demands"] for c in d["carriers"]]
        assert sorted(assigned) == sorted([str(cathode.carrier_id), str(process.carrier_id)])  # capacity: 1 each
        assert all(c["score"] >= 0.3 for d in batch["demands"] for c in d["carriers"])
        unserved = {u["demand_id"]: u["reason"] for u in batch["unserved"]}
        assert str(water.demand_id) in unserved and "floor" in unserved[str(water.demand_id)]
        assert len(unserved) >= 2
        for d in batch["demands"]:
            for c in d["carriers"]:
                assert c["why"] and c["components"]
        [event] = await m.outbox("AssignmentProposed")
        assert event["data"]["batch_id"] == batch["batch_id"] and event["data"]["k"] == 2
        assert {u["demand_id"] for u in event["data"]["unserved"]} == set(unserved)

        replay = await m.client.post(
            "/api/v1/match-assignments",
            json={"published_since": start.isoformat(), "k": 2, "floor": 0.3},
            headers={**STAFF, "Idempotency-Key": "batch-1"},
        )
        assert replay.json()["batch_id"] == batch["batch_id"] and len(await m.outbox("AssignmentProposed")) == 1
        got = await m.client.get(f"/api/v1/match-assignments/{batch['batch_id']}", headers=PM)
        assert got.status_code == 200 and got.json()["total_score"] == batch["total_score"]
        r = await m.client.post("/api/v1/match-assignments", json={"k": 2}, headers=STAFF)
        assert r.status_code == 422
        r = await m.client.post(
            "/api/v1/match-assignments", json={"demand_ids": [str(water.demand_id)]}, headers=carrier_user(uuid.uuid4())
        )
        assert r.status_code == 403


async def test_who_sees_which_suggestions(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        demand, ranked = await _setup(m)
        path = f"/api/v1/demands/{demand.demand_id}/suggestions"
        for headers in (STAFF, PM, enterprise_user(demand.enterprise_id)):
            r = await m.client.get(path, headers=headers)
            assert [c["carrier_id"] for c in r.json()["carriers"]] == ranked
        mine = await m.client.get(path, headers=carrier_user(ranked[1]))
        assert [c["carrier_id"] for c in mine.json()["carriers"]] == [ranked[1]]
        stranger = await m.client.get(path, headers=carrier_user(uuid.uuid4()))
        assert stranger.json()["carriers"] == []
        for headers in (enterprise_user(uuid.uuid4()), auth_headers("dashboard_viewer")):
            assert (await m.client.get(path, headers=headers)).status_code == 403
        assert (await m.client.get(path)).status_code == 401
        assert (await m.client.post(path, headers=enterprise_user(demand.enterprise_id))).status_code == 201
        assert (await m.client.post(path, headers=enterprise_user(uuid.uuid4()))).status_code == 403
        assert (await m.client.get(f"/api/v1/demands/{uuid.uuid4()}/suggestions", headers=STAFF)).status_code == 404
