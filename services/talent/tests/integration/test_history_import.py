"""The talent service's history import: past trainees registered, enrolled, placed and graduated
through TalentService's use cases, dated when it happened (rows and CloudEvents ``time``), each
source record once, a row naming no registered carrier or moving on before it began reported."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from services.talent.history import TalentHistoryImporter
from services.talent.tests.integration.helpers import (
    OPERATOR,
    TalentApp,
    create_carrier,
    get_json,
    last_seq,
    outbox_rows,
)
from shared.outbox import decode_payload
from shared.testing import unique

pytestmark = pytest.mark.integration


def jsonl(*rows: dict[str, Any]) -> bytes:
    return b"\n".join(orjson.dumps(r) for r in rows)


async def test_trainees_go_in_with_their_dates_once_and_bad_rows_are_reported(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    tag = unique("T")
    row = {
        "type": "trainee",
        "source_id": f"{tag}-1",
        "name": "李明轩",
        "university": "东南大学",
        "carrier": carrier["name_zh"],
        "starts_on": "2019-09-02",
        "ends_on": "2022-06-30",
        "placed_at": "2019-12-02T10:00:00+08:00",
        "graduated_at": "2022-06-28",
    }
    data = jsonl(
        row,
        {**row, "source_id": f"{tag}-2", "carrier": "没有这个研究所"},
        {**row, "source_id": f"{tag}-3", "placed_at": "2019-08-01"},  # placed before it began
    )
    importer = TalentHistoryImporter(talent.runtime.uow)
    seq = await last_seq(talent)

    report = await importer.run(data, "jsonl")

    assert [report.count(n).created for n in ("trainees", "placed", "graduated")] == [1, 1, 1]
    assert [(p.line, p.source_id) for p in report.problems] == [(2, f"{tag}-2"), (3, f"{tag}-3")]
    assert report.problems[0].errors == [{"field": "carrier", "message": "unknown carrier"}]
    events = await outbox_rows(talent, after_seq=seq)
    assert [e.type for e in events] == [
        "PersonRegistered",
        "TraineeEnrolled",
        "TraineePlacementStarted",
        "TraineeGraduated",
    ]
    times = [decode_payload(e.payload)["time"] for e in events]
    assert times == ["2019-09-01T16:00:00Z", "2019-09-01T16:00:00Z", "2019-12-02T02:00:00Z", "2022-06-27T16:00:00Z"]
    trainee = await get_json(talent, f"/api/v1/trainees/{events[1].aggregate_id}", OPERATOR)
    assert (trainee["status"], trainee["created_at"][:10]) == ("graduated", "2019-09-01")

    again = await importer.run(data, "jsonl")

    assert [again.count(n).unchanged for n in ("trainees", "placed", "graduated")] == [1, 1, 1]
    assert len(await outbox_rows(talent, after_seq=seq)) == 4
