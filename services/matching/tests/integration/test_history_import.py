"""Matching's history import: past (offline) matches through the offline-match use case, dated
when they happened (the decision, MatchAccepted and its CloudEvents ``time``), each source record
once; a row whose demand is not in the file, whose carrier is no id, or whose demand never reaches
matching's read model, is reported by line."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import orjson
import pytest

from services.matching.history import MatchingHistoryImporter
from services.matching.service import MatchingService
from services.matching.settings import MatchingSettings
from services.matching.tests.integration.support import (
    STAFF,
    carrier_registered,
    demand_published,
    envelope,
    matching_service,
)
from shared.bulk import read_rows
from shared.testing import unique

pytestmark = pytest.mark.integration

FreshDb = Callable[[str], Awaitable[str]]


async def test_past_matches_go_in_dated_once_and_bad_rows_are_reported(fresh_db: FreshDb) -> None:
    tag = unique("match")
    async with matching_service(await fresh_db("matching"), background=False) as m:
        carrier = carrier_registered(name=f"正极材料研究所 {tag}", fields=["energy.batteries"])
        demand = demand_published(title="高镍正极材料循环寿命提升", fields=["energy.batteries"])
        for event in (carrier, demand):
            assert await m.deliver(envelope(event)) == "applied"
        row = {"type": "match", "carrier": str(carrier.carrier_id), "matched_at": "2019-07-15T10:30:00+08:00"}
        data = b"\n".join(
            orjson.dumps(r)
            for r in (
                {**row, "source_id": f"{tag}-M1", "demand": f"{tag}-D1", "reason": "线下对接会上达成合作意向"},
                {**row, "source_id": f"{tag}-M2", "demand": f"{tag}-D9"},  # not a demand of the file
                {**row, "source_id": f"{tag}-M3", "demand": f"{tag}-D1", "carrier": "正极材料研究所"},  # no id
                {**row, "source_id": f"{tag}-M4", "demand": f"{tag}-D2"},  # never reaches matching
            )
        )
        refs = {f"demand:{tag}-D1": demand.demand_id, f"demand:{tag}-D2": uuid.uuid4()}
        # As `itp import-history` runs it: matching's use cases in a process of their own.
        importer = MatchingHistoryImporter(MatchingService(m.runtime.uow, MatchingSettings()))
        importer.WAIT_S = 1.0  # the demand of M4 is not coming

        report = await importer.run_rows(read_rows(data, "jsonl")[0], refs=refs)

        assert report.count("matches").created == 1
        assert [(p.line, p.source_id) for p in report.problems] == [
            (2, f"{tag}-M2"),
            (3, f"{tag}-M3"),
            (4, f"{tag}-M4"),
        ]
        assert [p.errors[0]["field"] for p in report.problems[:2]] == ["demand", "carrier"]
        assert "read model" in report.problems[2].reason
        (accepted,) = [e for e in await m.outbox("MatchAccepted") if e["data"]["demand_id"] == str(demand.demand_id)]
        assert (accepted["time"], accepted["data"]["accepted_at"][:19]) == (
            "2019-07-15T02:30:00Z",
            "2019-07-15T02:30:00",
        )
        assert accepted["data"]["match_id"] == str(importer.known[f"match:{tag}-M1"])
        r = await m.client.get(f"/api/v1/matches/{accepted['data']['match_id']}", headers=STAFF)
        assert r.status_code == 200, r.text
        decision = r.json()
        assert (decision["decision"], decision["decided_at"][:19]) == ("accepted", "2019-07-15T02:30:00")
        assert decision["reason"]["note"] == "线下对接会上达成合作意向"

        again = await importer.run_rows(read_rows(data, "jsonl")[0], refs=refs)

        assert (again.count("matches").created, again.count("matches").unchanged) == (0, 1)
        assert len(await m.outbox("MatchAccepted")) == 1
