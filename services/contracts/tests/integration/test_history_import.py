"""The contracts service's history import: past funds and their investments, contracts and their
payments through the service's use cases, dated when they happened (rows and CloudEvents
``time``), each source record once, a bad row (a fund outside policy, an investment beyond the
fund's capital, a contract of an unknown match, a payment beyond its milestone) reported by line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from services.contracts.history import ContractsHistoryImporter
from services.contracts.tests.integration.harness import STAFF, Service
from services.contracts.tests.integration.test_drafting import consumer_for, contracts_for, match_accepted, message
from services.contracts.tests.integration.test_funds import _events
from shared.bulk import read_rows
from shared.events.envelope import Envelope
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


async def test_contracts_sign_their_match_drafts_and_payments_go_in_when_they_happened_once(svc: Service) -> None:
    tag = unique("deal")
    # The draft comes from matching's MatchAccepted of 2019, consumed now: dated when the match was made.
    accepted = match_accepted(accepted_at=datetime(2019, 5, 6, 2, 30, tzinfo=UTC))
    env = Envelope.wrap(accepted, source="/itp/matching", traceparent=None, time=accepted.accepted_at)
    assert await consumer_for(svc).process(message(env)) == "applied"
    (draft,) = await contracts_for(svc, accepted.match_id)
    assert draft.created_at == accepted.accepted_at
    milestones = [
        {"title": "方案设计", "deliverables": "技术方案", "due_on": "2019-09-30", "amount": "1200000.00"},
        {"title": "样品验证", "deliverables": "样品与测试报告", "due_on": "2020-06-30", "amount": "1800000.00"},
    ]
    contract = {
        "type": "contract", "source_id": f"{tag}-K1", "match": f"{tag}-M1", "signed_at": "2019-06-03T10:00:00+08:00",
        "enterprise_signatory": "王伟", "carrier_signatory": "李娜", "value": "3000000.00",
        "scope": "高镍三元正极材料包覆工艺开发与验证", "starts_on": "2019-06-10", "ends_on": "2020-12-31",
        "ip_ownership": "enterprise", "milestones": milestones,
    }  # fmt: skip
    pay = {"type": "payment", "contract": f"{tag}-K1", "milestone": 1, "amount": "1200000.00"}
    data = jsonl(
        {**pay, "source_id": f"{tag}-P1", "paid_on": "2019-10-08"},  # before its contract in the file
        contract,
        {**contract, "source_id": f"{tag}-K2", "match": f"{tag}-M9"},  # no such match in the file
        {**pay, "source_id": f"{tag}-P2", "milestone": 3, "paid_on": "2020-07-01"},  # no third milestone
        {**pay, "source_id": f"{tag}-P3", "milestone": 2, "amount": "9000000.00", "paid_on": "2020-07-01"},  # too much
    )
    importer = ContractsHistoryImporter(svc.runtime.uow)
    refs = {f"match:{tag}-M1": accepted.match_id}  # what matching's import of the same file made

    report = await importer.run_rows(read_rows(data, "jsonl")[0], refs=refs)

    assert (report.count("contracts").created, report.count("payments").created) == (1, 1)
    assert [(p.line, p.source_id) for p in report.problems] == [(3, f"{tag}-K2"), (4, f"{tag}-P2"), (5, f"{tag}-P3")]
    assert report.problems[0].errors == [{"field": "match", "message": "unknown match source_id"}]
    assert report.problems[1].errors[0]["field"] == "milestone"
    c = await svc.get(str(draft.id))
    assert (c["status"], c["value"], c["signed_at"][:19], c["paid_total"]) == (
        "in_force", "3000000.00", "2019-06-03T02:00:00", "1200000.00",
    )  # fmt: skip
    events = {e["type"].split(".")[-2]: e for e in await _events(svc, str(draft.id))}
    assert events["ContractSigned"]["time"] == "2019-06-03T02:00:00Z"
    assert events["PaymentRecorded"]["time"] == "2019-10-07T16:00:00Z"

    again = await importer.run_rows(read_rows(data, "jsonl")[0], refs=refs)

    assert (again.count("contracts").unchanged, again.count("payments").unchanged) == (1, 1)
    assert again.count("contracts").created + again.count("payments").created == 0
    assert (await svc.get(str(draft.id)))["version"] == c["version"]
