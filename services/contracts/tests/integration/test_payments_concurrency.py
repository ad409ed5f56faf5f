"""Concurrent payments on one milestone never overpay it: the contract and milestone rows are
locked (SELECT ... FOR UPDATE), so the second payment waits, then sees the first."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import sqlalchemy as sa

from services.contracts.tables import contracts, milestones, payments
from services.contracts.tests.integration.harness import Service
from shared.testing import wait_for


async def _waiting_on_locks(svc: Service) -> int:
    """How many sessions of this database wait on a row lock right now."""
    async with svc.engine.connect() as conn:
        return int(
            (
                await conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            ).scalar_one()
        )


async def _paid(svc: Service, milestone_id: str) -> tuple[Decimal, Decimal, int]:
    async with svc.engine.connect() as conn:
        m = (await conn.execute(sa.select(milestones).where(milestones.c.id == uuid.UUID(milestone_id)))).one()
        total = (
            await conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(payments.c.amount), 0), sa.func.count()).where(
                    payments.c.milestone_id == uuid.UUID(milestone_id)
                )
            )
        ).one()
    return m.paid_amount, Decimal(total[0]), int(total[1])


async def test_two_payments_in_flight_at_once_never_overpay(svc: Service) -> None:
    c = await svc.signed(amounts=("1000000.00", "500000.00"))
    mid = c["milestones"][0]["id"]
    await svc.deliver_accept(c, mid)

    # Hold the contract row so that both payments are provably in flight together, both waiting.
    async with svc.engine.connect() as holder:
        tx = await holder.begin()
        await holder.execute(sa.select(contracts.c.id).where(contracts.c.id == uuid.UUID(c["id"])).with_for_update())
        first = asyncio.create_task(svc.pay(c, mid, "600000.00", reference="A"))
        second = asyncio.create_task(svc.pay(c, mid, "600000.00", reference="B"))

        async def both_waiting() -> bool:
            return await _waiting_on_locks(svc) >= 2

        await wait_for(both_waiting, timeout_s=15, what="both payments to wait on the row lock")
        assert not first.done() and not second.done()
        await tx.rollback()
        results = await asyncio.gather(first, second)

    codes = sorted(r.status_code for r in results)
    assert codes == [201, 409], [r.text for r in results]
    refused = next(r for r in results if r.status_code == 409).json()
    assert refused["type"] == "/problems/overpayment" and refused["outstanding"] == "400000.00"
    assert await _paid(svc, mid) == (Decimal("600000.00"), Decimal("600000.00"), 1)


async def test_a_burst_of_concurrent_payments_pays_exactly_what_fits(svc: Service) -> None:
    c = await svc.signed(amounts=("960000.00", "40000.00"))
    mid = c["milestones"][0]["id"]
    await svc.deliver_accept(c, mid)
    results = await asyncio.gather(*(svc.pay(c, mid, "300000.00", reference=f"R{i}") for i in range(8)))
    codes = [r.status_code for r in results]
    assert codes.count(201) == 3 and codes.count(409) == 5, [r.text for r in results if r.status_code not in (201, 409)]
    assert await _paid(svc, mid) == (Decimal("900000.00"), Decimal("900000.00"), 3)
    # What is left fits exactly; one more fen does not.
    assert (await svc.pay(c, mid, "60000.01")).status_code == 409
    assert (await svc.pay(c, mid, "60000.00")).status_code == 201
    view = await svc.get(c["id"])
    assert view["milestones"][0]["status"] == "paid" and view["paid_total"] == "960000.00"


async def test_concurrent_last_payments_complete_the_contract_exactly_once(svc: Service) -> None:
    c = await svc.signed(amounts=("100.00", "200.00"))
    m1, m2 = (m["id"] for m in c["milestones"])
    await svc.deliver_accept(c, m1)
    await svc.deliver_accept(c, m2)
    results = await asyncio.gather(svc.pay(c, m1, "100.00"), svc.pay(c, m2, "200.00"))
    assert [r.status_code for r in results] == [201, 201]
    assert (await svc.outbox_types(c["id"])).count("ContractCompleted") == 1
    assert (await svc.get(c["id"]))["status"] == "completed"


async def test_the_database_itself_refuses_an_overpaid_milestone(svc: Service) -> None:
    c = await svc.signed(amounts=("100.00",))
    mid = uuid.UUID(c["milestones"][0]["id"])
    try:
        async with svc.engine.begin() as conn:
            await conn.execute(
                sa.update(milestones).where(milestones.c.id == mid).values(paid_amount=Decimal("100.01"))
            )
    except sa.exc.IntegrityError as exc:
        assert "ck_milestones_paid_within_amount" in str(exc)
    else:
        raise AssertionError("the CHECK constraint let an overpayment in")
