"""domain.sla: working days in WIB that skip weekends and Indonesian public holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from domain.sla import (
    FIRST_RESPONSE_MINUTES,
    WIB,
    add_working_days,
    first_response_deadline,
    is_working_day,
    working_days_deadline,
)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59, 999999), tzinfo=WIB)


# --- working days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 11, 20), True),  # Friday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2026, 12, 25), False),  # Christmas (a Friday)
        (date(2026, 8, 17), False),  # Independence Day (a Monday)
        (date(2026, 8, 18), True),
        (date(2026, 1, 1), False),  # New Year (a Thursday)
        (date(2026, 5, 1), False),  # Labour Day (a Friday)
        (date(2026, 6, 1), False),  # Pancasila Day (a Monday)
        (date(2026, 5, 27), False),  # Eid al-Adha 2026 (a Wednesday; moves every year)
        (date(2027, 1, 1), False),  # New Year 2027 (a Friday)
        (date(2027, 1, 4), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_add_working_days_zero_is_the_same_day():
    assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)


def test_add_working_days_negative_raises():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 20), -1)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 23), 1, date(2026, 11, 24)),  # Mon + 1 → Tue
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Mon + 5 → next Mon
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Fri + 1 → Mon
        (date(2026, 11, 20), 2, date(2026, 11, 24)),  # Fri + 2 → Tue
        (date(2026, 11, 21), 2, date(2026, 11, 24)),  # Sat + 2 → Tue
        (date(2026, 11, 22), 2, date(2026, 11, 24)),  # Sun + 2 → Tue
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Thu + 1 skips Christmas Fri and the weekend
        (date(2026, 8, 14), 1, date(2026, 8, 18)),  # Fri + 1 skips the weekend and 17 August (Mon)
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # across the year: skips New Year 2027 (Fri)
        (date(2026, 11, 20), 14, date(2026, 12, 10)),
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due


def test_add_working_days_never_lands_on_a_non_working_day():
    start = date(2026, 1, 1)
    for offset in range(0, 365, 7):
        for days in (1, 2, 5, 14):
            due = add_working_days(start + timedelta(days=offset), days)
            assert is_working_day(due)
            assert due > start + timedelta(days=offset)


# --- deadlines --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported_at", "days", "due_day"),
    [
        (datetime(2026, 11, 20, 10, 0, tzinfo=WIB), 2, date(2026, 11, 24)),  # Friday → end of Tuesday
        (datetime(2026, 11, 21, 10, 0, tzinfo=WIB), 2, date(2026, 11, 24)),  # Saturday → end of Tuesday
        (datetime(2026, 11, 20, 23, 59, 59, tzinfo=WIB), 2, date(2026, 11, 24)),
        (datetime(2026, 11, 23, 0, 0, tzinfo=WIB), 1, date(2026, 11, 24)),
        (datetime(2026, 12, 24, 9, 0, tzinfo=WIB), 1, date(2026, 12, 28)),  # Christmas skipped
        (datetime(2026, 8, 14, 9, 0, tzinfo=WIB), 1, date(2026, 8, 18)),  # 17 August skipped
        (datetime(2026, 11, 23, 9, 0, tzinfo=WIB), 0, date(2026, 11, 23)),
    ],
)
def test_working_days_deadline_end_of_day_wib(reported_at, days, due_day):
    due = working_days_deadline(reported_at, days)
    assert due == end_of(due_day)
    assert due.astimezone(WIB).time() == time(23, 59, 59, 999999)
    assert due.utcoffset() == timedelta(hours=7)


def test_friday_plus_two_in_utc_terms():
    due = working_days_deadline(datetime(2026, 11, 20, 3, 0, tzinfo=UTC), 2)
    assert due.astimezone(UTC) == datetime(2026, 11, 24, 16, 59, 59, 999999, tzinfo=UTC)


def test_report_counts_from_the_wib_day_not_the_utc_day():
    # 00:30 WIB on Friday is still Thursday 17:30 in UTC: counting starts from Friday.
    reported = datetime(2026, 11, 19, 17, 30, tzinfo=UTC)
    assert reported.astimezone(WIB).date() == date(2026, 11, 20)
    assert working_days_deadline(reported, 1) == end_of(date(2026, 11, 23))


def test_late_evening_report_in_wib_stays_on_that_day():
    # 23:30 WIB Friday (16:30 UTC Friday), given in another offset: still a Friday report.
    reported = datetime(2026, 11, 20, 11, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert reported.astimezone(WIB) == datetime(2026, 11, 20, 23, 30, tzinfo=WIB)
    assert working_days_deadline(reported, 1) == end_of(date(2026, 11, 23))


def test_deadline_is_independent_of_the_input_offset():
    instant = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    results = {
        working_days_deadline(instant.astimezone(tz), 3)
        for tz in (UTC, WIB, timezone(timedelta(hours=-10)), timezone(timedelta(hours=14)))
    }
    assert results == {end_of(date(2026, 11, 25))}


def test_naive_datetimes_raise():
    with pytest.raises(ValueError):
        working_days_deadline(datetime(2026, 11, 20, 10, 0), 2)
    with pytest.raises(ValueError):
        first_response_deadline(datetime(2026, 11, 20, 10, 0))


def test_first_response_is_ten_minutes_around_the_clock():
    assert FIRST_RESPONSE_MINUTES == 10
    for reported in (
        datetime(2026, 11, 21, 23, 55, tzinfo=WIB),  # Saturday night
        datetime(2026, 12, 25, 3, 0, tzinfo=WIB),  # Christmas
        datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    ):
        assert first_response_deadline(reported) - reported == timedelta(minutes=10)


def test_first_response_custom_minutes():
    reported = datetime(2026, 11, 20, 10, 0, tzinfo=WIB)
    assert first_response_deadline(reported, 30) == datetime(2026, 11, 20, 10, 30, tzinfo=WIB)
    assert first_response_deadline(reported, 0) == reported
