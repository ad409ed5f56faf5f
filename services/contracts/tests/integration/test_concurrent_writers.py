"""Concurrent writers on two replicas of the contracts service over one PostgreSQL database, as in
production: two staff paying one milestone at once never overpay it; two writers with one
If-Match give one success and one 412. Each pair is made to meet: a third session holds the
contract's row until both requests wait on it, then lets them go together."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from services.contracts.main import definition
from services.contracts.tests.integration.harness import STAFF, Service
from shared.testing import auth_headers, holding_locks, service_client

LOCK_CONTRACT = "SELECT id FROM contracts WHERE id = $1::uuid FOR UPDATE"
OTHER_STAFF = auth_headers("operator", subject="operator-wang")


async def test_two_staff_on_two_replicas_paying_one_milestone_never_overpay(svc: Service) -> None:
    c = await svc.signed(amounts=("1000000.00", "500000.00"))
    mid = c["milestones"][0]["id"]
    await svc.deliver_accept(c, mid)
    url = f"/api/v1/contracts/{c['id']}/milestones/{mid}/payments"
    async with (
        service_client(definition, svc.runtime.database_url) as one,
        service_client(definition, svc.runtime.database_url) as two,
    ):
        async with holding_locks(svc.runtime.database_url, LOCK_CONTRACT, c["id"]) as waiting:
            first = asyncio.create_task(one.post(url, json={"amount": "700000.00", "reference": "A"}, headers=STAFF))
            second = asyncio.create_task(
                two.post(url, json={"amount": "700000.00", "reference": "B"}, headers=OTHER_STAFF)
            )
            await waiting(2)
        results = await asyncio.gather(first, second)
    assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
    refused = next(r for r in results if r.status_code == 409).json()
    assert refused["type"] == "/problems/overpayment" and refused["outstanding"] == "300000.00"
    view = await svc.get(c["id"])
    assert Decimal(view["milestones"][0]["paid_amount"]) == Decimal("700000.00")
    assert (await svc.outbox_types(c["id"])).count("PaymentRecorded") == 1


async def test_two_writers_on_two_replicas_with_one_if_match_give_one_success_and_one_412(svc: Service) -> None:
    c = await svc.create()
    url = f"/api/v1/contracts/{c['id']}"
    tag = f'"v{c["version"]}"'
    async with (
        service_client(definition, svc.runtime.database_url) as one,
        service_client(definition, svc.runtime.database_url) as two,
    ):
        async with holding_locks(svc.runtime.database_url, LOCK_CONTRACT, c["id"]) as waiting:
            writes = [
                asyncio.create_task(client.patch(url, json={"title": title}, headers={**headers, "If-Match": tag}))
                for client, headers, title in (
                    (one, STAFF, "高镍正极材料表面包覆工艺技术开发合同（甲）"),
                    (two, OTHER_STAFF, "高镍正极材料表面包覆工艺技术开发合同（乙）"),
                )
            ]
            await waiting(2)
        results = await asyncio.gather(*writes)
    assert sorted(r.status_code for r in results) == [200, 412], [r.text for r in results]
    [winner] = [r.json() for r in results if r.status_code == 200]
    now = await svc.get(c["id"])
    assert (now["title"], now["version"]) == (winner["title"], c["version"] + 1)
