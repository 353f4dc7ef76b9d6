"""domain.sla on the civil-service calendar of 2026: cuti bersama and administrator-closed days."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from domain.sla import CIVIL_SERVICE, WIB, WorkCalendar, add_working_days, is_working_day, working_days_deadline

# The eight collective-leave days of 2026 (SKB 3 Menteri), as the `holidays` package lists them.
CUTI_BERSAMA_2026 = [
    date(2026, 2, 16),
    date(2026, 3, 18),
    date(2026, 3, 20),
    date(2026, 3, 23),
    date(2026, 3, 24),
    date(2026, 5, 15),
    date(2026, 5, 28),
    date(2026, 12, 24),
]
PUBLIC_RULES = WorkCalendar(cuti_bersama_closed=False)


@pytest.mark.parametrize("day", CUTI_BERSAMA_2026)
def test_cuti_bersama_are_not_working_days_by_default(day):
    assert day.weekday() < 5  # all weekdays: they would count if nothing said otherwise
    assert is_working_day(day) is False
    assert is_working_day(day, CIVIL_SERVICE) is False
    assert is_working_day(day, PUBLIC_RULES) is True  # the setting CUTI_BERSAMA_WORKING=1


def test_five_working_days_from_21_december_2026_skip_cuti_bersama_christmas_and_the_weekend():
    # Mon 21 → Tue 22, Wed 23 (2), Thu 24 cuti bersama, Fri 25 Christmas, Sat/Sun, Mon 28 (3), Tue 29 (4), Wed 30 (5)
    assert add_working_days(date(2026, 12, 21), 5) == date(2026, 12, 30)
    due = working_days_deadline(datetime(2026, 12, 21, 9, 0, tzinfo=WIB), 5)
    assert due == datetime.combine(date(2026, 12, 30), time.max, tzinfo=WIB)
    # counted on public holidays only, the deadline was a day earlier (24 December counted)
    assert add_working_days(date(2026, 12, 21), 5, PUBLIC_RULES) == date(2026, 12, 29)


def test_eid_al_fitr_2026_week_is_closed_from_18_to_24_march():
    # 18 cuti bersama, 19 Nyepi, 20 cuti bersama, 21-22 Eid al-Fitr (a weekend), 23-24 cuti bersama
    for day in range(18, 25):
        assert is_working_day(date(2026, 3, day)) is False, day
    assert add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 25)
    assert add_working_days(date(2026, 3, 17), 1, PUBLIC_RULES) == date(2026, 3, 18)


def test_a_closed_day_set_by_an_administrator_moves_the_deadline():
    flood = WorkCalendar(closed_days=frozenset({date(2026, 11, 24)}))
    assert is_working_day(date(2026, 11, 24), flood) is False
    assert is_working_day(date(2026, 11, 24)) is True
    assert add_working_days(date(2026, 11, 23), 1, flood) == date(2026, 11, 25)
    reported = datetime(2026, 11, 23, 10, 0, tzinfo=WIB)
    assert working_days_deadline(reported, 1, calendar=flood) == datetime.combine(date(2026, 11, 25), time.max, tzinfo=WIB)
    assert working_days_deadline(reported, 1) == datetime.combine(date(2026, 11, 24), time.max, tzinfo=WIB)


def test_a_closed_weekend_day_changes_nothing():
    closed_sunday = WorkCalendar(closed_days=frozenset({date(2026, 11, 22)}))
    assert add_working_days(date(2026, 11, 20), 2, closed_sunday) == add_working_days(date(2026, 11, 20), 2)


def test_calendars_are_hashable_and_equal_by_value():
    a = WorkCalendar(closed_days=frozenset({date(2026, 1, 2)}))
    b = WorkCalendar(closed_days=frozenset({date(2026, 1, 2)}))
    assert a == b and hash(a) == hash(b)
    assert a != CIVIL_SERVICE
