"""The demo record as `./dev run` loads it (itp.demo through each service's history import, in the
embedded platform): the dashboard, read through the gateway, shows the institute's published
2019-2020 figures exactly (589 demands, 563 matched, 157 contracts worth 740 m yuan), in 2019 and 2020.

Heavier than most e2e tests (the whole record goes through the imports and every consumer); the
polling is bounded and generous, so a loaded machine makes it slower, not flaky.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from itp.demo import generate, load
from shared.testing import auth_headers, wait_for

pytestmark = pytest.mark.e2e

PEOPLE = {"project_manager": 168, "jitri_researcher": 167, "graduate_student": 0, "postdoc": 0}
PUBLISHED: dict[str, Any] = {
    "centers": 113,
    "centers_by_year": [{"year": "2019", "established": 59}, {"year": "2020", "established": 54}],
    "carriers_by_kind": {
        "overseas_platform": 8,
        "rd_enterprise": 50,
        "research_institute": 58,
        "university_domestic": 52,
        "university_overseas": 55,
    },
    "people": PEOPLE,
    "trainees_enrolled": 1500,
    "submitted": 589,
    "matched": 563,
    "contracted": 157,
    "intended": "1710000000.00",
    "contract_value": "740000000.00",
    "funds": 11,
    "social_capital_leveraged": "1315000000.00",
}


def figures(kpis: dict[str, Any]) -> dict[str, Any]:
    s = kpis["supply"]
    return {
        "centers": s["centers"],
        "centers_by_year": s["centers_by_year"],
        "carriers_by_kind": s["carriers_by_kind"],
        "people": {k: s["people_by_role"].get(k, 0) for k in PEOPLE},
        "trainees_enrolled": s["trainees"]["enrolled"],
        "submitted": kpis["funnel"]["submitted"],
        "matched": kpis["funnel"]["matched"],
        "contracted": kpis["contracts"]["signed"],
        "intended": kpis["money"]["intended"],
        "contract_value": kpis["money"]["contracted"],
        "paid": kpis["money"]["paid"],
        "funds": kpis["funds"]["funds"],
        "social_capital_leveraged": kpis["funds"]["social_capital_leveraged"],
    }


def published() -> dict[str, Any]:
    """The published figures, and the trainees' programmes as the demo record draws them."""
    rows = [r.values for r in generate().history]
    programmes = [r["programme"] for r in rows if r["type"] == "trainee"]
    people = {**PEOPLE, **{p: programmes.count(p) for p in ("graduate_student", "postdoc")}}
    paid = sum((Decimal(r["amount"]) for r in rows if r["type"] == "payment"), Decimal(0))
    return {**PUBLISHED, "people": people, "paid": str(paid.quantize(Decimal("0.01")))}


async def test_the_loaded_demo_dashboard_reads_the_published_figures(embedded: dict[str, Any]) -> None:
    apps = embedded["apps"]
    loaded = await load(
        {name: apps[name][0].state.runtime.uow for name in ("demand", "talent", "matching", "contracts")},
        matching=apps["matching"][0].state.runtime.service,
    )
    assert (loaded["centers"], loaded["demands"], loaded["funds"], loaded["trainees"]) == (113, 589, 11, 1500)
    assert (loaded["matches"], loaded["contracts"]) == (563, 157)
    viewer = auth_headers("dashboard_viewer")
    async with httpx.AsyncClient(base_url=embedded["platform"].gateway_url, timeout=30, headers=viewer) as client:

        async def read() -> dict[str, Any]:
            r = await client.get("/api/v1/dashboard/kpis")
            assert r.status_code == 200, r.text
            return figures(r.json())

        expected = published()

        async def caught_up() -> bool:
            return await read() == expected

        await wait_for(caught_up, timeout_s=300, interval_s=1.0, what="the dashboard shows the demo record")
        assert await read() == expected
        # 2019-2020 shows as 2019-2020: every demand submitted in those years (the institute's calendar).
        months = (await client.get("/api/v1/dashboard/breakdowns/month", params={"format": "csv"})).text
        rows = [line.split(",") for line in months.removeprefix("\ufeff").splitlines()[1:]]
        assert {r[0][:4] for r in rows} == {"2019", "2020"}
        # Matches, signatures and payments too: dated when they happened, not when they were imported.
        columns = dict(zip(("submitted", "matched", "contracts", "paid"), (2, 4, 8, 10), strict=True))
        total = {name: sum(Decimal(r[i] or 0) for r in rows) for name, i in columns.items()}
        assert total == {"submitted": 589, "matched": 563, "contracts": 157, "paid": Decimal(expected["paid"])}
        years = (await client.get("/api/v1/dashboard/funds")).json()["items"]
        assert [y["year"] for y in years] == ["2019", "2020"] and sum(y["funds"] for y in years) == 11
