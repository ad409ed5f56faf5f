"""A carrier's track record takes the fields of the demands of its completed contracts. The
carrier's registration (talent's topic) and the demand's opening (demand's topic) can be applied
at the same moment, on different partitions: whichever commits second must see the first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import sqlalchemy as sa

from services.matching import tables
from services.matching.tests.integration.support import (
    Matching,
    carrier_registered,
    contract_completed,
    contract_signed,
    demand_published,
    envelope,
    matching_service,
)
from shared.testing import wait_for

FreshDb = Callable[[str], Awaitable[str]]


async def _waiting_for_a_lock(m: Matching) -> bool:
    async with m.engine.connect() as conn:
        n = await conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return bool(n.scalar_one())


async def test_a_carrier_registered_while_its_contracts_demand_opens_gets_the_demands_fields(
    fresh_db: FreshDb,
) -> None:
    async with matching_service(await fresh_db("matching"), background=False) as m:
        reg = carrier_registered(
            kind="research_institute",
            name="先进储能材料研究所",
            fields=["energy.batteries", "materials.nano"],
            capabilities="锂离子电池正极材料、固态电解质",
            keywords=["锂电池"],
        )
        demand = demand_published(title="车用固态锂电池电解质开发", fields=["energy.hydrogen"])
        signed = contract_signed(reg.carrier_id, demand.enterprise_id, demand_id=demand.demand_id)
        # The contract was seen first: neither its carrier nor its demand is known here yet.
        assert await m.deliver(envelope(signed)) == "applied"
        assert await m.deliver(envelope(contract_completed(signed))) == "applied"

        registering, release = asyncio.Event(), asyncio.Event()

        async def register() -> None:
            async with m.runtime.uow() as uow:
                await m.svc.carrier_changed(uow, reg)
                registering.set()
                await release.wait()  # the registration's transaction is still open

        async def open_demand() -> None:
            async with m.runtime.uow() as uow:
                await m.svc.demand_open(uow, demand)

        registration = asyncio.create_task(register())
        await asyncio.wait_for(registering.wait(), timeout=60)
        opening = asyncio.create_task(open_demand())
        try:
            await wait_for(lambda: _waiting_for_a_lock(m), timeout_s=15, what="the demand to wait for the carrier")
        finally:
            release.set()
            await asyncio.gather(registration, opening)
        async with m.engine.connect() as conn:
            track = (
                await conn.execute(
                    sa.select(tables.carrier_profiles.c.track).where(
                        tables.carrier_profiles.c.carrier_id == reg.carrier_id
                    )
                )
            ).scalar_one()
        assert track == [{"fields": ["energy.hydrogen"], "value": "3000000.00"}]
