"""The institute's calendar: one month rule for every service (issue 20: contracts said China time,
the dashboard UTC, and they disagreed for eight hours a month)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.calendar import DateRange, day_start, institute_month, institute_today


def test_months_are_the_institutes() -> None:
    assert institute_month(datetime(2026, 3, 31, 15, 59, tzinfo=UTC)) == "2026-03"
    assert institute_month(datetime(2026, 3, 31, 16, 0, tzinfo=UTC)) == "2026-04"  # 1 April in Jiangsu
    assert institute_today(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == date(2027, 1, 1)
    with pytest.raises(ValueError):
        institute_month(datetime(2026, 1, 1))


def test_a_date_range_is_whole_days_of_the_institute() -> None:
    r = DateRange(date(2026, 4, 1), date(2026, 4, 30))
    assert r.bounds() == (datetime(2026, 3, 31, 16, tzinfo=UTC), datetime(2026, 4, 30, 16, tzinfo=UTC))
    assert day_start(date(2026, 4, 1)) == datetime(2026, 3, 31, 16, tzinfo=UTC)
    assert r.contains(datetime(2026, 3, 31, 16, tzinfo=UTC))
    assert not r.contains(datetime(2026, 3, 31, 15, 59, tzinfo=UTC))
    assert not r.contains(datetime(2026, 4, 30, 16, tzinfo=UTC))
    assert not r.contains(None)
    assert DateRange(None, None).contains(datetime(1999, 1, 1, tzinfo=UTC))
