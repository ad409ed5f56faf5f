"""A rebuild's batch writes each demand it opened once: two openings of one demand merge as
applying them one after the other would leave the row (a status never moves backwards)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.matching.repository import merge_opened

DEMAND = uuid.uuid4()
AT = datetime(2026, 3, 1, tzinfo=UTC)


def opened(status: str, title: str) -> dict[str, object]:
    return {
        "demand_id": DEMAND,
        "title": title,
        "status": status,
        "published_at": AT if status == "published" else None,
    }


def test_a_publication_after_the_submission_takes_its_status_and_values() -> None:
    assert merge_opened(opened("submitted", "a"), opened("published", "b")) == opened("published", "b")


def test_a_late_submission_takes_its_values_but_not_its_status() -> None:
    merged = merge_opened(opened("published", "a"), opened("submitted", "b"))
    assert merged == {**opened("submitted", "b"), "status": "published", "published_at": AT}


def test_the_first_opening_is_taken_as_it_is() -> None:
    assert merge_opened(None, opened("submitted", "a")) == opened("submitted", "a")
