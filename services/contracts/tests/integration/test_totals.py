"""Totals of signed contracts per carrier, joint innovation center, project manager and month,
checked against sums worked out by hand."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from services.contracts.tables import contracts
from services.contracts.tests.integration.harness import (
    DASHBOARD,
    STAFF,
    Service,
    enterprise_user,
)

C1, C2 = str(uuid.uuid4()), str(uuid.uuid4())
X, Y = str(uuid.uuid4()), str(uuid.uuid4())
P1, P2 = str(uuid.uuid4()), str(uuid.uuid4())


async def _signed_in(svc: Service, month: str, **kw: Any) -> dict[str, Any]:
    c = await svc.signed(**kw)
    year, mon = (int(x) for x in month.split("-"))
    async with svc.engine.begin() as conn:  # as if signed that month (China time)
        await conn.execute(
            sa.update(contracts)
            .where(contracts.c.id == uuid.UUID(c["id"]))
            .values(signed_month=month, signed_at=datetime(year, mon, 15, 2, tzinfo=UTC))
        )
    return c


async def _pay(svc: Service, c: dict[str, Any], index: int, amount: str, paid_on: str) -> None:
    mid = c["milestones"][index]["id"]
    await svc.deliver_accept(c, mid)
    r = await svc.pay(c, mid, amount, paid_on=paid_on)
    assert r.status_code == 201, r.text


async def _book(svc: Service) -> None:
    k1 = await _signed_in(
        svc, "2025-01", carrier_id=C1, center_id=X, project_manager_id=P1, amounts=("400000.00", "600000.00")
    )
    await _pay(svc, k1, 0, "400000.00", "2025-02-10")
    k2 = await _signed_in(svc, "2025-02", carrier_id=C1, center_id=Y, project_manager_id=P2, amounts=("250000.50",))
    await _pay(svc, k2, 0, "250000.50", "2025-02-20")
    assert (await svc.get(k2["id"]))["status"] == "completed"
    k3 = await _signed_in(
        svc, "2025-02", carrier_id=C2, center_id=X, project_manager_id=P1, amounts=("1000000.00", "2000000.00")
    )
    await _pay(svc, k3, 0, "1000000.00", "2025-03-05")
    r = await svc.client.post(f"/api/v1/contracts/{k3['id']}/terminate", json={"reason": "技术路线终止"}, headers=STAFF)
    assert r.status_code == 200, r.text
    await _signed_in(svc, "2025-03", carrier_id=C2, amounts=("500000.00",))
    # Not signed: never in the totals.
    await svc.create(carrier_id=C1, center_id=X, project_manager_id=P1, amounts=("777777.77",))
    half = await svc.create(carrier_id=C2, center_id=X, project_manager_id=P1, amounts=("123.45",))
    await svc.sign(half, "enterprise")


def _row(key: str | None, n: int, value: str, paid: str, outstanding: str, cancelled: str, **kw: str) -> dict[str, Any]:
    return {
        "key": key,
        "contracts": n,
        "value_signed": value,
        "paid": paid,
        "outstanding": outstanding,
        "cancelled": cancelled,
        **kw,
    }


TOTAL = _row(None, 4, "4750000.50", "1650000.50", "1100000.00", "2000000.00")


async def _totals(svc: Service, by: str, headers: dict[str, str] = DASHBOARD, **params: Any) -> dict[str, Any]:
    r = await svc.client.get("/api/v1/contracts/totals", params={"by": by, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _by_key(body: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    return {i["key"]: i for i in body["items"]}


async def test_totals_match_the_sums_worked_out_by_hand(svc: Service) -> None:
    await _book(svc)

    carriers = await _totals(svc, "carrier")
    assert carriers["currency"] == "CNY" and carriers["next_cursor"] is None
    assert _by_key(carriers) == {
        C1: _row(C1, 2, "1250000.50", "650000.50", "600000.00", "0.00"),
        C2: _row(C2, 2, "3500000.00", "1000000.00", "500000.00", "2000000.00"),
    }
    assert carriers["total"] == TOTAL

    centers = await _totals(svc, "center")
    assert _by_key(centers) == {
        X: _row(X, 2, "4000000.00", "1400000.00", "600000.00", "2000000.00"),
        Y: _row(Y, 1, "250000.50", "250000.50", "0.00", "0.00"),
        None: _row(None, 1, "500000.00", "0.00", "500000.00", "0.00"),
    }
    assert centers["total"] == TOTAL

    pms = await _totals(svc, "project_manager")
    assert _by_key(pms) == {
        P1: _row(P1, 2, "4000000.00", "1400000.00", "600000.00", "2000000.00"),
        P2: _row(P2, 1, "250000.50", "250000.50", "0.00", "0.00"),
        None: _row(None, 1, "500000.00", "0.00", "500000.00", "0.00"),
    }

    months = await _totals(svc, "month")
    assert months["items"] == [
        _row("2025-01", 1, "1000000.00", "400000.00", "600000.00", "0.00", paid_in_month="0.00"),
        _row("2025-02", 2, "3250000.50", "1250000.50", "0.00", "2000000.00", paid_in_month="650000.50"),
        _row("2025-03", 1, "500000.00", "0.00", "500000.00", "0.00", paid_in_month="1000000.00"),
    ]
    assert months["total"] == {**TOTAL, "paid_in_month": "1650000.50"}

    # Signed from February on: K1 (January) drops out.
    feb = await _totals(svc, "carrier", month_from="2025-02")
    assert _by_key(feb)[C1] == _row(C1, 1, "250000.50", "250000.50", "0.00", "0.00")
    assert feb["total"]["value_signed"] == "3750000.50"

    # Paginated by key, the grand total on every page.
    page1 = await _totals(svc, "month", limit=2)
    assert [i["key"] for i in page1["items"]] == ["2025-01", "2025-02"] and page1["next_cursor"]
    page2 = await _totals(svc, "month", limit=2, cursor=page1["next_cursor"])
    assert [i["key"] for i in page2["items"]] == ["2025-03"] and page2["next_cursor"] is None
    assert page2["total"] == page1["total"]


async def test_totals_are_for_staff_and_dashboards(svc: Service) -> None:
    assert (await _totals(svc, "carrier", headers=STAFF))["total"]["contracts"] == 0
    r = await svc.client.get(
        "/api/v1/contracts/totals", params={"by": "carrier"}, headers=enterprise_user(str(uuid.uuid4()))
    )
    assert r.status_code == 403
    r = await svc.client.get("/api/v1/contracts/totals", params={"by": "enterprise"}, headers=DASHBOARD)
    assert r.status_code == 422
    r = await svc.client.get(
        "/api/v1/contracts/totals", params={"by": "month", "month_from": "2025-13"}, headers=DASHBOARD
    )
    assert r.status_code == 422
