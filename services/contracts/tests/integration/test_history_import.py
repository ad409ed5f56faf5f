"""The contracts service's history import: past funds and their investments through FundService's
use cases, dated when they happened (rows and CloudEvents ``time``), each source record once, a
fund outside policy or an investment beyond the fund's capital reported by line."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from services.contracts.history import ContractsHistoryImporter
from services.contracts.tests.integration.harness import STAFF, Service
from services.contracts.tests.integration.test_funds import _events
from shared.testing import unique

pytestmark = pytest.mark.integration


def jsonl(*rows: dict[str, Any]) -> bytes:
    return b"\n".join(orjson.dumps(r) for r in rows)


async def test_funds_and_investments_go_in_with_their_dates_once_and_bad_rows_are_reported(svc: Service) -> None:
    tag = unique("fund")
    fund = {
        "type": "fund",
        "source_id": f"{tag}-F1",
        "name": f"产研院先进制造创业投资基金 {tag}",
        "manager": "毅达资本",
        "committed_capital": "300000000.00",
        "institute_commitment": "30000000.00",
        "established_on": "2019-06-18",
    }
    invest = {"type": "investment", "fund": f"{tag}-F1", "company": "常州锂源储能材料有限公司", "stake_percent": "12"}
    data = jsonl(
        # Out of time order on purpose: the fund goes in before its investments.
        {**invest, "source_id": f"{tag}-I1", "amount": "20000000.00", "invested_on": "2020-03-02"},
        fund,
        {**fund, "source_id": f"{tag}-F2", "name": f"超出政策的基金 {tag}", "institute_commitment": "90000000.00"},
        {**invest, "source_id": f"{tag}-I2", "amount": "290000000.00", "invested_on": "2020-04-01"},  # beyond capital
        {**invest, "source_id": f"{tag}-I3", "fund": "NOPE", "amount": "1.00", "invested_on": "2020-04-01"},
        {"type": "demand", "source_id": f"{tag}-D1"},  # another service's row: not this import's
    )
    importer = ContractsHistoryImporter(svc.runtime.uow)

    report = await importer.run(data, "jsonl", others=("demand",))

    assert (report.count("funds").created, report.count("investments").created) == (1, 1)
    assert [(p.line, p.source_id) for p in report.problems] == [(3, f"{tag}-F2"), (4, f"{tag}-I2"), (5, f"{tag}-I3")]
    assert report.problems[2].errors == [{"field": "fund", "message": "unknown fund source_id"}]
    funds = (await svc.client.get("/api/v1/funds", params={"limit": 100}, headers=STAFF)).json()["items"]
    (f,) = [x for x in funds if x["name"] == fund["name"]]
    assert (f["created_at"][:19], f["invested_total"], f["investments"]) == ("2019-06-17T16:00:00", "20000000.00", 1)
    established, invested = await _events(svc, f["id"])
    assert (established["time"], invested["time"]) == ("2019-06-17T16:00:00Z", "2020-03-01T16:00:00Z")
    assert invested["data"]["recorded_at"].startswith("2020-03-01T16:00:00")

    again = await importer.run(data, "jsonl", others=("demand",))

    assert (again.count("funds").unchanged, again.count("investments").unchanged) == (1, 1)
    assert again.count("funds").created + again.count("investments").created == 0
    assert len(await _events(svc, f["id"])) == 2
