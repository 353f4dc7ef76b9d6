"""Deadlines counted in WIB, in working days of the civil-service calendar.

A working day is a weekday that is not a public holiday, not a collective-leave day (*cuti
bersama*, when government offices are closed) and not a day an administrator closed (a local
holiday, a disaster). Holidays and cuti bersama come from the maintained `holidays` package
(Indonesia's `public` and `government` categories); the closed days are passed in as a
`WorkCalendar`, so this module stays free of I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WIB = ZoneInfo("Asia/Jakarta")
FIRST_RESPONSE_MINUTES = 10  # e-Sambat's reward line: a first response within 10 minutes


@dataclass(frozen=True)
class WorkCalendar:
    """Which weekdays government offices are closed besides public holidays.

    `cuti_bersama_closed`: the collective-leave days count as non-working (setting
    CUTI_BERSAMA_WORKING=1 turns that off). `closed_days`: extra days an administrator closed.
    """

    cuti_bersama_closed: bool = True
    closed_days: frozenset[date] = frozenset()


CIVIL_SERVICE = WorkCalendar()


@lru_cache(maxsize=64)
def _indonesian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


@lru_cache(maxsize=64)
def _cuti_bersama(year: int) -> frozenset[date]:
    """Collective-leave days (2026: eight, e.g. 24 December), from the package's `government` category."""
    return frozenset(holidays.country_holidays("ID", years=year, categories=("government",)).keys())


def cuti_bersama_days(year: int) -> frozenset[date]:
    """The collective-leave days of `year` (shown on /admin)."""
    return _cuti_bersama(year)


def warm_holidays(today: date) -> None:
    """Load this year's and next year's holidays now, not on the first complaint (~0.2 s)."""
    for year in (today.year, today.year + 1):
        _indonesian_holidays(year)
        _cuti_bersama(year)


def is_working_day(day: date, calendar: WorkCalendar = CIVIL_SERVICE) -> bool:
    if day.weekday() >= 5 or day in _indonesian_holidays(day.year) or day in calendar.closed_days:
        return False
    return not (calendar.cuti_bersama_closed and day in _cuti_bersama(day.year))


@lru_cache(maxsize=4096)  # the watchdog asks the same few (day, n) pairs for thousands of items
def add_working_days(start: date, days: int, calendar: WorkCalendar = CIVIL_SERVICE) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    d = start
    counted = 0
    while counted < days:
        d += timedelta(days=1)
        if is_working_day(d, calendar):
            counted += 1
    return d


def working_days_deadline(
    reported_at: datetime, days: int, tz: ZoneInfo = WIB, calendar: WorkCalendar = CIVIL_SERVICE
) -> datetime:
    """End (23:59:59.999999 local) of the `days`-th working day after the day of the report.

    "Within 5 working days" as SP4N-LAPOR! and local service standards use it: a report on Friday
    with 2 working days is due at the end of Tuesday; a report on Saturday likewise.
    """
    if reported_at.tzinfo is None:
        raise ValueError("reported_at must be timezone-aware")
    return _end_of_nth_working_day(reported_at.astimezone(tz).date(), days, tz, calendar)


@lru_cache(maxsize=4096)
def _end_of_nth_working_day(local_day: date, days: int, tz: ZoneInfo, calendar: WorkCalendar) -> datetime:
    """Cached: a busy day's reports share a handful of (day, tier) pairs, and counting costs ~25 µs."""
    return datetime.combine(add_working_days(local_day, days, calendar), time.max, tzinfo=tz)


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
