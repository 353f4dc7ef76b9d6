"""bench/reports.py: the /laporan panels over a 1,000,000-complaint history, on PostgreSQL and SQLite.

Generates a year of complaints (with their status changes and panic presses) into a throwaway
PostgreSQL database (COPY) and a SQLite file (executemany in big batches), then times each panel
for the last 30 days: league table (this and the previous period), area map, charts, emergencies,
and the item CSV export. Target: each panel ≤ 1 s on PostgreSQL.

    .venv/bin/python -m bench.reports [--count 1000000] [--only postgresql|sqlite] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from data_access.db import make_engine, make_session_factory
from data_access.reports import (
    ITEM_COLUMNS,
    ReportFilter,
    area_figures,
    daily_volume,
    emergency_figures,
    export_items,
    hour_weekday,
    league_table,
    response_histogram,
)
from devtools.report_history import (
    COMPLAINT_FIELDS,
    EMERGENCY_FIELDS,
    STATUS_CHANGE_FIELDS,
    emergencies,
    history,
    reference_for_history,
)
from devtools.servers import DEFAULT_PG_URL, postgres_available, prepare_database, temporary_postgres_database
from domain.report_period import period_for

BATCH = 20_000
TARGET_S = 1.0


def _batches(count: int, now: datetime, cats, areas, seed: int):
    complaints, changes = [], []
    for row, chs in history(
        count=count, start=now - timedelta(days=365), end=now, now=now, categories=cats, areas=areas, seed=seed
    ):
        complaints.append(row)
        changes.extend(chs)
        if len(complaints) >= BATCH:
            yield complaints, changes
            complaints, changes = [], []
    if complaints:
        yield complaints, changes


def _load_postgresql(url: str, count: int, now: datetime, cats, areas) -> None:
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()

        def copy(table: str, fields, rows):
            with cur.copy(f"COPY {table} ({', '.join(fields)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)

        for complaints, changes in _batches(count, now, cats, areas, seed=1):
            copy("complaints", COMPLAINT_FIELDS, complaints)
            copy("status_changes", STATUS_CHANGE_FIELDS, changes)
        copy(
            "emergencies",
            EMERGENCY_FIELDS,
            emergencies(count=count // 25, start=now - timedelta(days=365), end=now, now=now, areas=areas),
        )
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def _sqlite_value(v):
    """SQLAlchemy's SQLite storage: naive UTC text with microseconds (what the report compares)."""
    if isinstance(v, datetime):
        return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return v


def _load_sqlite(url: str, count: int, now: datetime, cats, areas) -> None:
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()

        def insert(table: str, fields, rows):
            marks = ", ".join("?" * len(fields))
            cur.executemany(
                f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({marks})", [tuple(map(_sqlite_value, r)) for r in rows]
            )

        for complaints, changes in _batches(count, now, cats, areas, seed=1):
            insert("complaints", COMPLAINT_FIELDS, complaints)
            insert("status_changes", STATUS_CHANGE_FIELDS, changes)
        insert(
            "emergencies",
            EMERGENCY_FIELDS,
            emergencies(count=count // 25, start=now - timedelta(days=365), end=now, now=now, areas=areas),
        )
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def _time(fn, repeat: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def _csv_export(session, flt, now) -> int:
    from dashboard.report_export import csv_text, item_rows

    return sum(len(chunk) for chunk in csv_text(ITEM_COLUMNS, item_rows(export_items(session, flt=flt, now=now))))


def measure(url: str, now: datetime, repeat: int) -> list[tuple[str, float, str]]:
    engine = make_engine(url)
    flt = ReportFilter(period_for("30-hari", now=now))
    out = []
    with make_session_factory(engine)() as s:
        panels = {
            "league table (30 d + previous 30 d)": lambda: league_table(s, flt=flt, now=now),
            "area map (kecamatan + kelurahan)": lambda: area_figures(s, flt=flt, now=now),
            "charts (daily, response bands, hour x weekday)": lambda: (
                daily_volume(s, flt=flt),
                response_histogram(s, flt=flt, now=now),
                hour_weekday(s, flt=flt),
            ),
            "emergencies (30 d + previous)": lambda: (
                emergency_figures(s, flt=flt),
                emergency_figures(s, flt=flt.for_period(flt.period.previous())),
            ),
            "league table, one kecamatan + group": lambda: league_table(
                s, flt=ReportFilter(flt.period, kecamatan="12.75.02", group="infrastruktur"), now=now
            ),
            "items.csv export (30 d)": lambda: _csv_export(s, flt, now),
        }
        for name, fn in panels.items():
            seconds, result = _time(fn, repeat)
            note = ""
            if name.startswith("league table (30"):
                rows, city, _ = result
                note = f"{city.received} complaints, {len(rows)} agencies"
            elif name.startswith("items.csv"):
                note = f"{result / 1e6:.1f} MB"
            out.append((name, seconds, note))
    engine.dispose()
    return out


def _report(kind: str, load_s: float, count: int, rows) -> None:
    print(f"\n{kind}: {count:,} complaints loaded in {load_s:.0f} s")
    for name, seconds, note in rows:
        flag = "" if kind != "PostgreSQL" else ("  ok" if seconds <= TARGET_S else "  OVER TARGET")
        print(f"  {name:<50} {seconds * 1000:8.0f} ms  {note}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args()
    now = datetime.now(UTC)

    if args.only != "sqlite":
        reason = postgres_available(args.pg_url)
        if reason:
            print(f"PostgreSQL skipped: {reason}")
        else:
            with temporary_postgres_database(args.pg_url) as url:
                prepare_database(url)
                with make_session_factory(make_engine(url))() as s:
                    cats, areas = reference_for_history(s)
                start = time.perf_counter()
                _load_postgresql(url, args.count, now, cats, areas)
                load_s = time.perf_counter() - start
                _report("PostgreSQL", load_s, args.count, measure(url, now, args.repeat))

    if args.only != "postgresql":
        with tempfile.TemporaryDirectory(prefix="bcc-bench-reports-") as tmp:
            url = prepare_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            with make_session_factory(make_engine(url))() as s:
                cats, areas = reference_for_history(s)
            start = time.perf_counter()
            _load_sqlite(url, args.count, now, cats, areas)
            load_s = time.perf_counter() - start
            _report("SQLite", load_s, args.count, measure(url, now, args.repeat))


if __name__ == "__main__":
    main()
