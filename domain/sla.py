"""Deadlines counted in WIB, in working days that skip weekends and Indonesian public holidays.

Holidays come from the maintained `holidays` package (national holidays of Indonesia, including
the religious ones whose dates move each year).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WIB = ZoneInfo("Asia/Jakarta")
FIRST_RESPONSE_MINUTES = 10  # e-Sambat's reward line: a first response within 10 minutes


@lru_cache(maxsize=64)
def _indonesian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def warm_holidays(today: date) -> None:
    """Load this year's and next year's holidays now, not on the first complaint (~0.2 s)."""
    for year in (today.year, today.year + 1):
        _indonesian_holidays(year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _indonesian_holidays(day.year)


@lru_cache(maxsize=4096)  # the watchdog asks the same few (day, n) pairs for thousands of items
def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    d = start
    counted = 0
    while counted < days:
        d += timedelta(days=1)
        if is_working_day(d):
            counted += 1
    return d


def working_days_deadline(reported_at: datetime, days: int, tz: ZoneInfo = WIB) -> datetime:
    """End (23:59:59.999999 local) of the `days`-th working day after the day of the report.

    "Within 5 working days" as SP4N-LAPOR! and local service standards use it: a report on Friday
    with 2 working days is due at the end of Tuesday; a report on Saturday likewise.
    """
    if reported_at.tzinfo is None:
        raise ValueError("reported_at must be timezone-aware")
    return _end_of_nth_working_day(reported_at.astimezone(tz).date(), days, tz)


@lru_cache(maxsize=4096)
def _end_of_nth_working_day(local_day: date, days: int, tz: ZoneInfo) -> datetime:
    """Cached: a busy day's reports share a handful of (day, tier) pairs, and counting costs ~25 µs."""
    return datetime.combine(add_working_days(local_day, days), time.max, tzinfo=tz)


def first_response_deadline(reported_at: datetime, minutes: int = FIRST_RESPONSE_MINUTES) -> datetime:
    """A first response is owed within minutes, around the clock (the room is staffed 24/7)."""
    if reported_at.tzinfo is None:
        raise ValueError("reported_at must be timezone-aware")
    return reported_at + timedelta(minutes=minutes)


DUE_SOON = timedelta(minutes=5)


def deadline_state(due_at: datetime, now: datetime, soon: timedelta = DUE_SOON) -> str:
    """`terlambat` (overdue), `segera` (due within `soon`) or `tepat` (on time)."""
    if now > due_at:
        return "terlambat"
    if due_at - now <= soon:
        return "segera"
    return "tepat"
