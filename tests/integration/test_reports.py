"""The report's SQL aggregation: hand-computed cases, the pure reference, and SQLite = PostgreSQL."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from data_access.db import make_engine, make_session_factory
from data_access.reports import (
    ITEM_COLUMNS,
    ReportFilter,
    city_figures,
    daily_volume,
    emergency_figures,
    export_items,
    figures,
    figures_over,
    hour_weekday,
    response_histogram,
)
from devtools.report_history import (
    COMPLAINT_FIELDS,
    EMERGENCY_FIELDS,
    emergencies,
    history,
    insert_history,
    reference_for_history,
)
from devtools.servers import prepare_database, temporary_postgres_database
from domain.report_kpi import Figures, ReportItem, figures_by, nearest_rank
from domain.report_period import Period
from tests.conftest import PG_URL

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=WIB)
DAY1 = date(2026, 11, 21)  # a Saturday
KEL_A, KEC_A = "12.75.01.1001", "12.75.01"
KEL_B, KEC_B = "12.75.02.1001", "12.75.02"


def complaint_row(cid: int, reported: datetime, category: str, agency: str, status: str, kel=KEL_A, kec=KEC_A, **times) -> tuple:
    values = {
        "id": cid,
        "event_id": f"t-{cid}",
        "stream_entry_id": f"{cid}-0",
        "source": "e-sambat",
        "reported_at": reported,
        "received_at": reported,
        "category_code": category,
        "title": "Judul",
        "lat": 3.6,
        "lon": 98.48,
        "location_source": "kelurahan",
        "kelurahan_code": kel,
        "kecamatan_code": kec,
        "outside_city": False,
        "reporter_nik": "1275010101900001",
        "status": status,
        "suggested_agency_code": agency,
        "agency_code": agency if status not in ("baru", "dibaca") else None,
        "escalation_level": 0,
        "due_state": "tepat",
        "first_response_due_at": reported + timedelta(minutes=10),
        "resolution_due_at": reported + timedelta(days=2),
        "read_at": None,
        "first_response_at": None,
        "forwarded_at": None,
        "in_progress_at": None,
        "resolved_at": None,
        "closed_at": None,
        "rejected_at": None,
        "updated_at": reported,
        "version": 1,
    }
    for name, minutes in times.items():
        values[name] = reported + timedelta(minutes=minutes)
    return tuple(values[f] for f in COMPLAINT_FIELDS)


def hand_made() -> list[tuple]:
    late_evening = datetime(2026, 11, 21, 23, 59, 59, tzinfo=WIB)  # Saturday, last second
    midnight = datetime(2026, 11, 22, 0, 0, 0, tzinfo=WIB)  # Sunday, first second
    return [
        complaint_row(1, late_evening, "jalan-rusak", "DPUPR", "selesai", first_response_at=5, forwarded_at=5, resolved_at=600),
        complaint_row(2, midnight, "jalan-rusak", "DPUPR", "ditutup", first_response_at=10, forwarded_at=10, resolved_at=3600),
        complaint_row(3, midnight, "jalan-rusak", "DPUPR", "baru"),  # unanswered 36 h: >1 day, overdue
        complaint_row(4, midnight + timedelta(hours=3), "adminduk", "DISDUKCAPIL", "dibaca", KEL_B, KEC_B, first_response_at=30),
        complaint_row(5, NOW - timedelta(minutes=3), "adminduk", "DISDUKCAPIL", "baru", KEL_B, KEC_B),  # not judged yet
    ]


@pytest.fixture
def session_factory(migrated_url):
    engine = make_engine(migrated_url)
    yield make_session_factory(engine)
    engine.dispose()


def test_hand_computed_league_and_charts(session_factory):
    insert_history(session_factory.kw["bind"], hand_made(), [])
    period = Period(DAY1, date(2026, 11, 23))
    flt = ReportFilter(period)
    with session_factory() as s:
        by_agency = figures(s, flt=flt, now=NOW, by="agency")
        city = city_figures(s, flt=flt, now=NOW)
        days = daily_volume(s, flt=flt)
        grid = hour_weekday(s, flt=flt)
        hist = response_histogram(s, flt=flt, now=NOW)
        only_saturday = city_figures(s, flt=ReportFilter(Period(DAY1, DAY1)), now=NOW)
        empty = city_figures(s, flt=ReportFilter(Period(date(2026, 1, 1), date(2026, 1, 31))), now=NOW)
        dlh_only = figures(s, flt=ReportFilter(period, kecamatan=KEC_B), now=NOW, by="agency")

    dpupr = by_agency["DPUPR"]
    assert dpupr.received == 3
    assert (dpupr.first_response_p50, dpupr.first_response_p90) == (300, 600)  # 5 and 10 minutes
    assert (dpupr.resolution_p50, dpupr.resolution_p90) == (36000, 216000)  # 10 h and 60 h (late)
    assert (dpupr.reward, dpupr.waited_1d, dpupr.waited_2d) == (2, 1, 0)  # item 3 waits 36 h until now
    assert (dpupr.open_now, dpupr.overdue_now) == (1, 1)
    assert (dpupr.resolved_within, dpupr.resolution_judged) == (1, 2)
    assert (dpupr.judged, dpupr.late) == (3, 2)

    dlh = by_agency["DISDUKCAPIL"]
    assert (dlh.received, dlh.first_response_p50, dlh.judged, dlh.late, dlh.waited_1d) == (2, 1800, 1, 1, 0)
    assert city.received == 5 and city.reward == 2 and city.late == 3

    # The item at 23:59:59 WIB Saturday counts on Saturday, the one at 00:00 WIB on Sunday.
    assert days[DAY1] == {"infrastruktur": 1}
    assert days[date(2026, 11, 22)] == {"infrastruktur": 2, "pelayanan": 1}
    assert days[date(2026, 11, 23)] == {"pelayanan": 1}
    assert only_saturday.received == 1
    assert grid[5][23] == 1 and grid[6][0] == 2 and grid[6][3] == 1 and grid[0][11] == 1  # Sat 23h, Sun 0h/3h, Mon 11h
    assert sum(map(sum, grid)) == 5
    assert hist == {"le10m": 2, "le1h": 1, "le6h": 0, "le1d": 0, "le2d": 0, "gt2d": 0, "waiting": 2}

    assert empty == Figures(key=None)
    assert set(dlh_only) == {"DISDUKCAPIL"}


def test_emergency_times_and_false_alarms(session_factory):
    pressed = datetime(2026, 11, 22, 8, 0, tzinfo=WIB)
    rows = []
    for i, (ack_s, dispatch_s, scene_s, status) in enumerate(
        [(30, 120, 900, "selesai"), (60, None, None, "palsu"), (10, 60, 600, "di_lokasi"), (None, None, None, "baru")], start=1
    ):
        values = dict.fromkeys(EMERGENCY_FIELDS)
        values.update(
            id=i,
            event_id=f"e-{i}",
            stream_entry_id=f"{i}-0",
            pressed_at=pressed,
            received_at=pressed,
            kind="medis",
            lat=3.6,
            lon=98.48,
            kelurahan_code=KEL_A,
            kecamatan_code=KEC_A,
            outside_city=False,
            reporter_nik="1",
            status=status,
            updated_at=pressed,
            version=1,
        )
        for name, secs in (("acknowledged_at", ack_s), ("dispatched_at", dispatch_s), ("on_scene_at", scene_s)):
            values[name] = None if secs is None else pressed + timedelta(seconds=secs)
        rows.append(tuple(values[f] for f in EMERGENCY_FIELDS))
    insert_history(session_factory.kw["bind"], [], [], rows)
    with session_factory() as s:
        f = emergency_figures(s, flt=ReportFilter(Period(date(2026, 11, 22), date(2026, 11, 22))))
        other_area = emergency_figures(s, flt=ReportFilter(Period(date(2026, 11, 22), date(2026, 11, 22)), kecamatan=KEC_B))
    assert (f.pressed, f.false_alarms, f.false_alarm_share) == (4, 1, 0.25)
    assert (f.acknowledge_p50, f.acknowledge_p90) == (30, 60)  # 10 30 60
    assert (f.dispatch_p50, f.dispatch_p90) == (60, 120)
    assert (f.on_scene_p50, f.on_scene_p90) == (600, 900)
    assert other_area.pressed == 0 and other_area.acknowledge_p50 is None


def synthetic(session_factory, count=700):
    with session_factory() as s:
        cats, areas = reference_for_history(s)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    now = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    pairs = list(history(count=count, start=start, end=now, now=now, categories=cats, areas=areas, seed=7))
    complaints = [c for c, _ in pairs]
    changes = [ch for _, chs in pairs for ch in chs]
    presses = list(emergencies(count=60, start=start, end=now, now=now, areas=areas))
    insert_history(session_factory.kw["bind"], complaints, changes, presses)
    return complaints, now


def as_item(row: tuple) -> ReportItem:
    v = dict(zip(COMPLAINT_FIELDS, row, strict=True))
    return ReportItem(
        reported_at=v["reported_at"],
        status=v["status"],
        first_response_due_at=v["first_response_due_at"],
        resolution_due_at=v["resolution_due_at"],
        first_response_at=v["first_response_at"],
        resolved_at=v["resolved_at"],
        agency_code=v["agency_code"] or v["suggested_agency_code"],
    )


def test_sql_figures_equal_the_item_by_item_reference(session_factory):
    complaints, now = synthetic(session_factory)
    period = Period(date(2026, 10, 25), date(2026, 11, 23))
    in_period = [r for r in complaints if period.contains(r[COMPLAINT_FIELDS.index("reported_at")])]
    assert 200 < len(in_period) < len(complaints)
    kec_index = COMPLAINT_FIELDS.index("kecamatan_code")
    with session_factory() as s:
        for by, key in (("agency", lambda i: i.agency_code), (None, lambda _i: None)):
            expected = figures_by((as_item(r) for r in in_period), now, key)
            assert figures(s, flt=ReportFilter(period), now=now, by=by) == expected
        by_kec = figures(s, flt=ReportFilter(period), now=now, by="kecamatan")
        for code, fig in by_kec.items():
            rows = [as_item(r) for r in in_period if r[kec_index] == code]
            assert dataclasses.replace(fig, key=None) == dataclasses.replace(figures_by(rows, now, lambda _i: None)[None])


def tables(url: str, now: datetime, period: Period) -> dict:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            out = {}
            for flt in (
                ReportFilter(period),
                ReportFilter(period, kecamatan=KEC_A, group="infrastruktur"),
                ReportFilter(period, agency="DLH"),
            ):
                out[flt] = (
                    {by: figures(s, flt=flt, now=now, by=by) for by in (None, "agency", "kecamatan", "kelurahan")},
                    daily_volume(s, flt=flt),
                    response_histogram(s, flt=flt, now=now),
                    hour_weekday(s, flt=flt),
                    emergency_figures(s, flt=flt),
                    list(export_items(s, flt=flt, now=now)),
                )
            return out
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_identical_tables_on_sqlite_and_postgresql(tmp_path, pg_unavailable_reason):
    if pg_unavailable_reason:
        pytest.skip(pg_unavailable_reason)
    period = Period(date(2026, 10, 25), date(2026, 11, 23))
    results = []
    with temporary_postgres_database(PG_URL) as pg_url:
        for url in (prepare_database(f"sqlite:///{tmp_path / 'r.sqlite3'}"), prepare_database(pg_url)):
            engine = make_engine(url)
            _complaints, now = synthetic(make_session_factory(engine), count=900)
            engine.dispose()
            results.append(tables(url, now, period))
    sqlite_tables, pg_tables = results
    for flt in sqlite_tables:
        assert sqlite_tables[flt] == pg_tables[flt], flt
    figs = sqlite_tables[ReportFilter(period)][0]
    assert figs[None][None].received > 300 and len(figs["agency"]) > 5


def test_one_pass_over_two_periods_equals_the_reference_for_each(session_factory):
    complaints, now = synthetic(session_factory)
    period = Period(date(2026, 11, 4), date(2026, 11, 23))
    periods = (period, period.previous())
    with session_factory() as s:
        results = figures_over(s, flt=ReportFilter(period), now=now, by="agency", periods=periods)
    for p, result in zip(periods, results, strict=True):
        items = [as_item(r) for r in complaints if p.contains(r[COMPLAINT_FIELDS.index("reported_at")])]
        assert len(items) > 100
        assert result.groups == figures_by(items, now, lambda i: i.agency_code)
        assert result.city == figures_by(items, now, lambda _i: None)[None]


def test_percentiles_are_the_nearest_rank_for_every_group_size(session_factory):
    """Group sizes 1…37 (one kelurahan each), values in shuffled order: p50 and p90 are the values at
    rank ⌈p·n/100⌉ on both databases (PostgreSQL's percentile_disc and SQLite's ranked windows)."""
    with session_factory() as s:
        _cats, areas = reference_for_history(s)
    rng = random.Random(5)
    rows, expected, cid = [], {}, 0
    start = datetime(2026, 11, 2, 8, 0, tzinfo=WIB)
    for size, area in enumerate(areas, start=1):
        delays = rng.sample(range(1, 5000), size)  # distinct minutes to the first response
        for minutes in delays:
            cid += 1
            reported = start + timedelta(seconds=cid)
            rows.append(
                complaint_row(
                    cid, reported, "jalan-rusak", "DPUPR", "dibaca", area.kelurahan, area.kecamatan, first_response_at=minutes
                )
            )
        seconds = [m * 60 for m in delays]
        expected[area.kelurahan] = (nearest_rank(seconds, 50), nearest_rank(seconds, 90))
    insert_history(session_factory.kw["bind"], rows, [])
    with session_factory() as s:
        by_kel = figures(s, flt=ReportFilter(Period(date(2026, 11, 2), date(2026, 11, 2))), now=NOW, by="kelurahan")
    assert {k: (f.first_response_p50, f.first_response_p90) for k, f in by_kel.items()} == expected
    assert len(expected) == 37


def test_item_export_times_are_wib_text_cut_to_the_second(session_factory):
    last_microsecond = datetime(2026, 11, 21, 23, 59, 59, 999999, tzinfo=WIB)  # Saturday, a hair before midnight WIB
    rows = [complaint_row(1, last_microsecond, "jalan-rusak", "DPUPR", "selesai", first_response_at=5, resolved_at=600)]
    rows += [complaint_row(2, last_microsecond + timedelta(microseconds=1), "adminduk", "DISDUKCAPIL", "baru", KEL_B, KEC_B)]
    insert_history(session_factory.kw["bind"], rows, [])
    with session_factory() as s:
        items = list(export_items(s, flt=ReportFilter(Period(DAY1, date(2026, 11, 22))), now=NOW))
    col = {name: i for i, name in enumerate(ITEM_COLUMNS)}
    first, second = items
    assert first[col["reported_at_wib"]] == "2026-11-21T23:59:59+07:00"
    assert first[col["first_response_at_wib"]] == "2026-11-22T00:04:59+07:00"
    assert first[col["resolved_at_wib"]] == "2026-11-22T09:59:59+07:00"
    assert first[col["first_response_due_wib"]] == "2026-11-22T00:09:59+07:00"
    assert (first[col["first_response_s"]], first[col["resolution_s"]]) == (300, 36000)
    assert second[col["reported_at_wib"]] == "2026-11-22T00:00:00+07:00"
    assert second[col["first_response_at_wib"]] is None and second[col["resolved_at_wib"]] is None
