"""The embedded mode (SQLite file, in-process bus): the same service, migrated by its Alembic tree,
runs a contract from draft to completion with the same answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from services.contracts.main import definition
from services.contracts.tests.integration.harness import STAFF, Service, contract_body
from shared.bus.memory import InMemoryBus
from shared.events import topics
from shared.migrations import upgrade
from shared.runtime import create_service_app
from shared.settings import ServiceSettings


async def test_a_contract_runs_its_course_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/contracts.db"
    await asyncio.to_thread(upgrade, definition.migrations, url)
    bus = InMemoryBus()
    await bus.ensure_topics([topics.MATCHING, topics.CONTRACTS], 3)
    app = create_service_app(definition, ServiceSettings(env="test", database_url=url), bus, background=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://c") as client:
            svc = Service(client, app.state.runtime, bus)  # type: ignore[arg-type]
            c = await svc.signed(amounts=("0.10", "999999999.99"))
            for m in c["milestones"]:
                await svc.deliver_accept(c, m["id"])
                assert (await svc.pay(c, m["id"], m["amount"])).status_code == 201
            done = await svc.get(c["id"])
            assert (done["status"], done["paid_total"], done["value"]) == (
                "completed",
                "1000000000.09",
                "1000000000.09",
            )
            assert (await svc.pay(c, c["milestones"][0]["id"], "0.01")).status_code == 409
            r = await client.get("/api/v1/contracts", params={"status": "completed", "limit": 1}, headers=STAFF)
            assert [x["id"] for x in r.json()["items"]] == [c["id"]]
            r = await client.get("/api/v1/contracts/totals", params={"by": "month"}, headers=STAFF)
            assert r.json()["total"]["paid"] == "1000000000.09"
            assert (await svc.outbox_types(c["id"]))[-1] == "ContractCompleted"
            r = await client.post("/api/v1/contracts", json=contract_body(), headers=STAFF)
            assert r.status_code == 201
