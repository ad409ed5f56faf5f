"""The history import: past enterprises, centers and demands recorded with their real dates,
their events timed when they happened, each source record once, bad rows reported by line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from services.demand.history import DemandHistoryImporter
from services.demand.service import DemandService
from services.demand.tests.integration.helpers import (
    OPERATOR,
    DemandApp,
    assert_problem,
    demand_body,
    enterprise_body,
    outbox_rows,
    register_enterprise,
    short_types,
)
from shared.outbox import decode_payload
from shared.testing import unique

pytestmark = pytest.mark.integration


def jsonl(*rows: dict[str, Any] | str) -> bytes:
    return b"\n".join(r.encode() if isinstance(r, str) else orjson.dumps(r) for r in rows)


def history_file(tag: str) -> tuple[bytes, str]:
    ent = enterprise_body()
    body = demand_body("unused", deadline="2019-12-31T00:00:00+08:00")
    del body["enterprise_id"]
    demand = {"type": "demand", "source_id": f"{tag}-D1", "enterprise": f"{tag}-E1", "center": f"{tag}-C1", **body}
    data = jsonl(
        # Out of time order on purpose: the import records what happened first, first.
        {**demand, "submitted_at": "2019-05-06T09:30:00+08:00", "published_at": "2019-05-10T10:00:00+08:00"},
        {
            "type": "center",
            "source_id": f"{tag}-C1",
            "enterprise": f"{tag}-E1",
            "name": "新能源联合创新中心",
            "established_on": "2019-04-02",
            "committed_funding": "10000000.00",
        },
        {"type": "enterprise", "source_id": f"{tag}-E1", "registered_at": "2019-03-01T08:00:00+08:00", **ent},
        {**demand, "source_id": f"{tag}-D2", "enterprise": f"{tag}-NOPE", "submitted_at": "2019-06-01"},
        "{not json",
        {**demand, "source_id": f"{tag}-D3", "submitted_at": "2020-01-02", "published_at": None},
    )
    return data, ent["credit_code"]


async def test_history_goes_in_with_its_dates_once_and_reports_bad_rows(demand: DemandApp) -> None:
    tag = unique("hist")
    data, credit_code = history_file(tag)
    importer = DemandHistoryImporter(DemandService(demand.runtime.uow))
    seen: list[tuple[int, int]] = []

    report = await importer.run(data, "jsonl", progress=lambda done, total: seen.append((done, total)))

    created = [report.count(n).created for n in ("enterprises", "centers", "demands", "published")]
    assert created == [1, 1, 1, 1]
    assert [(p.line, p.source_id) for p in report.problems] == [(4, f"{tag}-D2"), (5, None), (6, f"{tag}-D3")]
    assert report.problems[0].errors == [{"field": "enterprise", "message": "unknown enterprise source_id"}]
    # The deadline is after the demand was made (2019-06-01) but D3 came after it: refused.
    assert report.problems[2].errors[0]["field"] == "deadline"
    assert seen[-1] == (6, 6) and [d for d, _ in seen] == sorted(d for d, _ in seen)  # 6 steps

    r = await demand.client.get("/api/v1/demands", params={"q": "热管理", "limit": 100}, headers=OPERATOR)
    assert r.status_code == 200
    ents = await demand.client.get("/api/v1/enterprises", params={"limit": 100}, headers=OPERATOR)
    ent = next(e for e in ents.json()["items"] if e["credit_code"] == credit_code)
    assert ent["created_at"].startswith("2019-03-01T00:00:00")
    mine = [d for d in r.json()["items"] if d["enterprise_id"] == ent["id"]]
    assert len(mine) == 1 and mine[0]["status"] == "published"
    assert mine[0]["created_at"].startswith("2019-05-06T01:30:00")

    events = await outbox_rows(demand.runtime, mine[0]["id"])
    assert short_types(events) == ["DemandSubmitted", "DemandPublished"]
    times = [decode_payload(e.payload)["time"] for e in events]
    assert times == ["2019-05-06T01:30:00Z", "2019-05-10T02:00:00Z"]
    published = decode_payload(events[1].payload)["data"]
    assert isinstance(published, dict) and published["published_at"].startswith("2019-05-10T02:00:00")
    centers = await demand.client.get(f"/api/v1/enterprises/{ent['id']}/centers", headers=OPERATOR)
    assert [c["created_at"][:10] for c in centers.json()] == ["2019-04-01"]  # midnight in China

    before = len(await outbox_rows(demand.runtime))
    again = await importer.run(data, "jsonl")

    names = ("enterprises", "centers", "demands", "published")
    assert [again.count(n).unchanged for n in names] == [1, 1, 1, 1]
    assert sum(again.count(n).created for n in names) == 0
    assert len(await outbox_rows(demand.runtime)) == before


async def test_an_already_registered_enterprise_is_linked_not_registered_again(demand: DemandApp) -> None:
    ent = await register_enterprise(demand.client)
    body = {k: v for k, v in enterprise_body(credit_code=ent["credit_code"]).items()}
    row = {"type": "enterprise", "source_id": unique("E"), "registered_at": "2019-01-01", **body}

    report = await DemandHistoryImporter(DemandService(demand.runtime.uow)).run(jsonl(row), "jsonl")

    assert report.count("enterprises").created == 1 and report.rejected == 0
    assert short_types(await outbox_rows(demand.runtime, ent["id"])) == ["EnterpriseRegistered"]


async def test_the_public_create_still_refuses_a_past_deadline(demand: DemandApp) -> None:
    ent = await register_enterprise(demand.client)
    r = await demand.client.post(
        "/api/v1/demands",
        json=demand_body(ent["id"], deadline=datetime(2019, 12, 31, tzinfo=UTC).isoformat()),
        headers=OPERATOR,
    )
    assert_problem(r, 422, "validation-error")
