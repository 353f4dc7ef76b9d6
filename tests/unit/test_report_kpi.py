"""Report periods in WIB and the league-table maths, against cases worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.report_kpi import (
    Figures,
    ReportItem,
    change,
    figures_by,
    figures_of,
    league,
    nearest_rank,
    rank_position,
    seconds_between,
    shrunk_share,
)
from domain.report_period import Period, PeriodError, parse_day, period_for

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=WIB)  # a Monday noon, WIB


# --- periods ------------------------------------------------------------------------------------


def test_today_starts_at_midnight_wib_which_is_17_utc_the_day_before():
    p = period_for("hari-ini", now=NOW)
    assert (p.first, p.last) == (date(2026, 11, 23), date(2026, 11, 23))
    assert p.start_utc == datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
    assert p.end_utc == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def test_today_follows_wib_not_utc_shortly_after_midnight():
    just_after_midnight = datetime(2026, 11, 22, 17, 30, tzinfo=UTC)  # 00:30 WIB on the 23rd
    assert period_for("hari-ini", now=just_after_midnight).first == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("kind", "first", "days"),
    [("7-hari", date(2026, 11, 17), 7), ("30-hari", date(2026, 10, 25), 30), ("bulan-ini", date(2026, 11, 1), 23)],
)
def test_rolling_periods_end_today_and_count_today(kind, first, days):
    p = period_for(kind, now=NOW)
    assert (p.first, p.last, p.days) == (first, date(2026, 11, 23), days)


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    p = period_for("bulan-ini", now=NOW)  # 1–23 Nov: 23 days
    before = p.previous()
    assert (before.first, before.last, before.days) == (date(2026, 10, 9), date(2026, 10, 31), 23)
    assert before.end_utc == p.start_utc  # no gap, no overlap


def test_custom_period_and_its_errors():
    assert period_for("kustom", now=NOW, first=date(2026, 1, 1), last=date(2026, 1, 31)).days == 31
    with pytest.raises(PeriodError, match="sebelum"):
        Period(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(PeriodError, match="terlalu panjang"):
        Period(date(2024, 1, 1), date(2026, 1, 1))
    with pytest.raises(PeriodError, match="tanggal awal dan akhir"):
        period_for("kustom", now=NOW)
    with pytest.raises(ValueError):
        period_for("kemarin", now=NOW)


def test_item_just_before_midnight_wib_belongs_to_the_earlier_day():
    day = Period(date(2026, 11, 22), date(2026, 11, 22))
    assert day.contains(datetime(2026, 11, 22, 23, 59, 59, tzinfo=WIB))
    assert not day.contains(datetime(2026, 11, 23, 0, 0, 0, tzinfo=WIB))
    assert day.contains(datetime(2026, 11, 21, 17, 0, tzinfo=UTC))  # 00:00 WIB on the 22nd


@pytest.mark.parametrize("bad", ["2026-13-01", "22-11-2026", "20261122", "", None, "2026-11-22T00:00", "x" * 500])
def test_parse_day_refuses_anything_but_yyyy_mm_dd_with_a_readable_message(bad):
    with pytest.raises(PeriodError, match="from"):
        parse_day(bad, "from")


def test_parse_day_accepts_an_iso_date():
    assert parse_day(" 2026-11-22 ", "from") == date(2026, 11, 22)


# --- percentiles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "n", "rank"), [(50, 1, 1), (50, 2, 1), (50, 3, 2), (50, 4, 2), (90, 10, 9), (90, 11, 10), (90, 1, 1), (90, 20, 18)]
)
def test_nearest_rank_positions(p, n, rank):
    assert rank_position(p, n) == rank


def test_nearest_rank_with_ties_and_unsorted_input():
    assert nearest_rank([30, 10, 20, 10], 50) == 10  # sorted 10 10 20 30: rank 2
    assert nearest_rank([5, 5, 5], 90) == 5
    assert nearest_rank([], 50) is None


def test_durations_cut_each_timestamp_to_whole_seconds_first():
    start = datetime(2026, 11, 22, 1, 0, 0, 900000, tzinfo=UTC)
    assert seconds_between(start, start + timedelta(milliseconds=200)) == 1  # 01:00:00.9 → 01:00:01.1
    assert seconds_between(start, start + timedelta(milliseconds=50)) == 0


# --- one agency's figures -----------------------------------------------------------------------


def item(minutes_ago: float, status: str, fr_after_min: float | None = None, res_after_h: float | None = None, **over):
    reported = NOW - timedelta(minutes=minutes_ago)
    base = dict(
        reported_at=reported,
        status=status,
        first_response_due_at=reported + timedelta(minutes=10),
        resolution_due_at=reported + timedelta(days=2),
        first_response_at=None if fr_after_min is None else reported + timedelta(minutes=fr_after_min),
        resolved_at=None if res_after_h is None else reported + timedelta(hours=res_after_h),
        agency_code="DPUPR",
    )
    base.update(over)
    return ReportItem(**base)


def test_figures_of_a_small_hand_computed_agency():
    items = [
        item(60 * 24 * 4, "selesai", fr_after_min=5, res_after_h=10),  # reward; resolved in time
        item(60 * 24 * 4, "ditutup", fr_after_min=10, res_after_h=60),  # reward (exactly 10 min); resolved late
        item(60 * 24 * 3, "dikerjakan", fr_after_min=60 * 30),  # waited 30 h: >1 day; open past its 2-day deadline
        item(60 * 24 * 3, "baru"),  # unanswered 3 days: >1 day and >2 days; overdue
        item(5, "baru"),  # 5 minutes old: not judged yet
        item(60, "ditolak", fr_after_min=20),  # rejected after 20 min: late first response, no resolution
    ]
    f = figures_of(items, NOW)
    assert f.received == 6
    # first responses in minutes: 5, 10, 1800, 20 → seconds sorted 300 600 1200 108000
    assert (f.first_response_p50, f.first_response_p90) == (600, 108000)
    # resolutions: 10 h and 60 h → median is the 1st of 2, p90 the 2nd
    assert (f.resolution_p50, f.resolution_p90) == (36000, 216000)
    assert (f.resolved_within, f.resolution_judged) == (1, 4)  # 2 resolved + 2 open past their deadline
    assert (f.reward, f.waited_1d, f.waited_2d) == (2, 2, 1)
    assert (f.open_now, f.overdue_now) == (3, 2)
    # judged: all but the 5-minute-old item; late: resolved late, open past deadline ×2, rejected late
    assert (f.judged, f.late) == (5, 4)
    assert f.late_share == pytest.approx(0.8)
    assert f.resolved_within_share == pytest.approx(0.25)


def test_empty_period_gives_zeros_and_no_percentiles():
    f = figures_of([], NOW)
    assert f == Figures(key=None)
    assert f.late_share is None and f.resolved_within_share is None


def test_open_items_count_their_wait_until_now():
    f = figures_of([item(60 * 24 + 1, "dibaca", fr_after_min=None)], NOW)
    assert (f.waited_1d, f.waited_2d, f.first_response_p50) == (1, 0, None)


def test_reopened_item_is_not_counted_as_resolved():
    f = figures_of([item(60 * 24, "dikerjakan", fr_after_min=1, res_after_h=2)], NOW)
    assert (f.resolution_p50, f.resolved_within, f.open_now) == (None, 0, 1)


def test_figures_by_agency_groups_items():
    items = [item(30, "dibaca", fr_after_min=1), item(30, "dibaca", fr_after_min=2, agency_code="DLH")]
    by = figures_by(items, NOW, key=lambda i: i.agency_code)
    assert by["DPUPR"].first_response_p50 == 60 and by["DLH"].first_response_p50 == 120


# --- ranking ------------------------------------------------------------------------------------


def test_shrinkage_pulls_small_samples_toward_the_city_mean():
    assert shrunk_share(1, 1, 0.2) == pytest.approx((1 + 4) / 21)  # 1 of 1 late: 0.238, not 1.0
    assert shrunk_share(0, 0, 0.2) == pytest.approx(0.2)
    assert shrunk_share(500, 1000, 0.2) == pytest.approx(504 / 1020)


def test_one_unlucky_item_does_not_top_the_worst_list():
    city = Figures(key=None, judged=1200, late=300)  # 25 % late across the city
    big_bad = Figures(key="BIG", judged=1000, late=400)  # 40 % of 1000
    tiny = Figures(key="TINY", judged=1, late=1)  # 100 % of one item
    good = Figures(key="GOOD", judged=199, late=0)
    rows = league([tiny, good, big_bad], {}, city, Figures(key=None))
    assert [r.figures.key for r in rows] == ["BIG", "TINY", "GOOD"]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[0].trend is None


def test_ties_are_broken_by_long_waits_then_code():
    city = Figures(key=None, judged=100, late=50)
    a = Figures(key="A", judged=10, late=5, waited_2d=1)
    b = Figures(key="B", judged=10, late=5, waited_2d=3)
    c = Figures(key="C", judged=10, late=5, waited_2d=1)
    assert [r.figures.key for r in league([c, a, b], {}, city, city)] == ["B", "A", "C"]


def test_trend_compares_with_the_previous_period():
    city = Figures(key=None, judged=100, late=20)
    now = Figures(key="A", judged=80, late=40)
    before = Figures(key="A", judged=80, late=8)
    (row,) = league([now], {"A": before}, city, city)
    assert row.score == pytest.approx((40 + 4) / 100)
    assert row.trend == pytest.approx((40 + 4) / 100 - (8 + 4) / 100)


def test_relative_change():
    assert change(15, 10) == pytest.approx(50)
    assert change(5, 0) is None and change(None, 3) is None


def test_a_microsecond_before_the_next_second_stays_in_its_second():
    start = datetime(2026, 10, 26, 21, 23, 57, 44000, tzinfo=UTC)
    end = datetime(2026, 10, 30, 20, 25, 25, 999999, tzinfo=UTC)
    assert seconds_between(start, end) == 342088
