"""The institute's calendar: the one rule for months and business days on the platform.

Every month (``YYYY-MM``) and every calendar day a service reports or filters on is the
institute's, in its time zone (``ITP_INSTITUTE_TIMEZONE``, default ``Asia/Shanghai``): a
contract signed at 2026-03-31T20:00Z was signed on 1 April in Jiangsu, and the contracts'
monthly totals and the dashboard's months both say April. Stored times stay UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, SettingsConfigDict


class CalendarSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ITP_INSTITUTE_", extra="ignore")

    timezone: str = "Asia/Shanghai"


@cache
def institute_tz() -> tzinfo:
    return ZoneInfo(CalendarSettings().timezone)


def institute_month(at: datetime) -> str:
    """``YYYY-MM`` of ``at`` in the institute's time zone."""
    if at.tzinfo is None:
        raise ValueError("naive datetime refused: times are timezone-aware UTC")
    return at.astimezone(institute_tz()).strftime("%Y-%m")


def institute_today(now: datetime) -> date:
    return now.astimezone(institute_tz()).date()


def day_start(d: date) -> datetime:
    """The UTC instant the institute's day ``d`` begins."""
    return datetime(d.year, d.month, d.day, tzinfo=institute_tz()).astimezone(UTC)


@dataclass(frozen=True)
class DateRange:
    """Inclusive calendar days of the institute, as a half-open UTC range ``[start, end)``."""

    start: date | None
    end: date | None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        return (
            day_start(self.start) if self.start else None,
            day_start(self.end + timedelta(days=1)) if self.end else None,
        )

    def contains(self, at: datetime | None) -> bool:
        lo, hi = self.bounds()
        return at is not None and (lo is None or at >= lo) and (hi is None or at < hi)
