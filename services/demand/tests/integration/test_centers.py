"""The cross-enterprise list of joint innovation centers (issue 20: counting 113 centers took 104 calls)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from services.demand.tests.integration.helpers import (
    DASHBOARD,
    OPERATOR,
    DemandApp,
    assert_problem,
    enterprise_user,
    register_enterprise,
)

pytestmark = pytest.mark.integration

CENTERS = "/api/v1/centers"


async def _establish(demand: DemandApp, enterprise_id: str, name: str) -> dict[str, Any]:
    r = await demand.client.post(
        f"/api/v1/enterprises/{enterprise_id}/centers",
        json={"name": name, "established_on": "2020-06-01", "committed_funding": "5000000.00"},
        headers=OPERATOR,
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_every_enterprises_centers_in_one_paged_list_and_one_csv(demand: DemandApp) -> None:
    a, b = await register_enterprise(demand.client), await register_enterprise(demand.client)
    mine = [
        await _establish(demand, a["id"], "=常州新材料联合创新中心"),
        await _establish(demand, b["id"], "无锡传感器联合创新中心"),
        await _establish(demand, a["id"], "苏州集成电路联合创新中心"),
    ]
    listed: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = await demand.client.get(CENTERS, params=params, headers=DASHBOARD)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) <= 2
        listed += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    ids = [c["id"] for c in listed]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if i in {c["id"] for c in mine}] == [c["id"] for c in reversed(mine)]  # newest first
    assert {c["enterprise_id"] for c in listed} >= {a["id"], b["id"]}

    exported = await demand.client.get(CENTERS, params={"format": "csv"}, headers=OPERATOR)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeffid,enterprise_id,name,")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    assert set(ids) <= set(rows)
    assert rows[mine[1]["id"]]["committed_funding"] == "5000000.00"
    assert rows[mine[0]["id"]]["name"] == "'=常州新材料联合创新中心"  # no formula in a spreadsheet
    by_accept = await demand.client.get(CENTERS, headers={**OPERATOR, "Accept": "text/csv"})
    assert by_accept.content.decode("utf-8").startswith("\ufeffid,")


async def test_only_staff_and_dashboard_viewers_list_every_center(demand: DemandApp) -> None:
    ent = await register_enterprise(demand.client)
    assert_problem(await demand.client.get(CENTERS, headers=enterprise_user(ent["id"])), 403, "forbidden")
    assert (await demand.client.get(CENTERS)).status_code == 401
    assert (await demand.client.get(CENTERS, params={"cursor": "x"}, headers=DASHBOARD)).status_code == 400
