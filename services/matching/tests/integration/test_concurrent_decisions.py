"""Two project managers deciding one suggestion at once, on two replicas of the matching service over
one PostgreSQL database (as in production), give exactly one decision."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from services.matching.main import definition
from services.matching.tests.integration.support import (
    PM,
    STAFF,
    carrier_registered,
    demand_published,
    envelope,
    matching_service,
)
from shared.testing import auth_headers, holding_locks, service_client

OTHER_PM = auth_headers("project_manager", subject="pm-zhao", person_id=str(uuid.uuid4()))
# Holds the (demand, carrier) pair's unique key, so that both decisions provably wait on it together.
HOLD_THE_PAIR = (
    "INSERT INTO match_decisions (match_id, demand_id, carrier_id, decision, decided_by, decided_at) "
    "VALUES (gen_random_uuid(), $1::uuid, $2::uuid, 'accepted', 'holder', now())"
)


async def test_two_project_managers_deciding_one_suggestion_at_once_give_one_decision(
    fresh_db: Callable[[str], Awaitable[str]],
) -> None:
    url = await fresh_db("matching")
    async with matching_service(url, background=False) as m:
        carrier = carrier_registered(
            name="正极材料研究所", fields=["energy.batteries"], capabilities="高镍三元正极材料、正极包覆改性"
        )
        demand = demand_published(
            title="高镍正极材料循环寿命提升",
            description="动力锂电池高镍正极材料在高温循环下容量衰减快，需要开发正极包覆工艺。",
            fields=["energy.batteries"],
            keywords=["正极材料"],
        )
        for event in (carrier, demand):
            assert await m.deliver(envelope(event)) == "applied"
        [suggested] = (await m.suggestions(demand.demand_id))["carriers"]
        accept = {"demand_id": str(demand.demand_id), "carrier_id": suggested["carrier_id"], "decision": "accepted"}
        reject = {**accept, "decision": "rejected", "reason": {"code": "no_capacity"}}
        async with service_client(definition, url) as one, service_client(definition, url) as two:
            async with holding_locks(url, HOLD_THE_PAIR, str(demand.demand_id), suggested["carrier_id"]) as waiting:
                decisions = [
                    asyncio.create_task(one.post("/api/v1/matches", json=accept, headers=PM)),
                    asyncio.create_task(two.post("/api/v1/matches", json=reject, headers=OTHER_PM)),
                ]
                await waiting(2)
            results = await asyncio.gather(*decisions)
        assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
        [made] = [r.json() for r in results if r.status_code == 201]
        listed = await m.client.get(f"/api/v1/matches?demand_id={demand.demand_id}", headers=STAFF)
        assert [(d["carrier_id"], d["decision"]) for d in listed.json()["items"]] == [
            (suggested["carrier_id"], made["decision"])
        ]
        assert len(await m.outbox("MatchAccepted")) + len(await m.outbox("MatchRejected")) == 1
