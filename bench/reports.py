"""bench/reports.py: the /laporan panels over a 1,000,000-complaint history, on PostgreSQL and SQLite.

Generates a year of complaints (with their status changes and panic presses) into a throwaway
PostgreSQL database (COPY) and a SQLite file (executemany in big batches), then times each panel
for the last 30 days: league table (this and the previous period), area map, charts, emergencies,
and the item CSV export. Target: each panel ≤ 1 s on PostgreSQL.

    .venv/bin/python -m bench.reports [--count 1000000] [--only postgresql|sqlite] [--repeat 3]

Loading takes minutes; while iterating, `--keep-db NAME` keeps what it loaded (PostgreSQL database
NAME, SQLite file NAME.sqlite3 in the temp folder) and `--reuse-db NAME` times that history again
(migrated to the newest schema first, so new indexes are built on it). `--dump FILE` writes every
panel's figures as JSON, to check that a faster query still gives the same figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from data_access.db import make_engine, make_session_factory
from data_access.migrate import upgrade
from data_access.models import Complaint
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


def _load(url: str, count: int, now: datetime, cats, areas, writer) -> None:
    """Write the synthetic history with `writer(cursor)`, a function (table, fields, rows) → None."""
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        write = writer(cur)
        for complaints, changes in _batches(count, now, cats, areas, seed=1):
            write("complaints", COMPLAINT_FIELDS, complaints)
            write("status_changes", STATUS_CHANGE_FIELDS, changes)
        write(
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


def _copy_writer(cur):
    def copy(table: str, fields, rows):
        with cur.copy(f"COPY {table} ({', '.join(fields)}) FROM STDIN") as cp:
            for r in rows:
                cp.write_row(r)

    return copy


def _sqlite_value(v):
    """SQLAlchemy's SQLite storage: naive UTC text with microseconds (what the report compares)."""
    if isinstance(v, datetime):
        return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return v


def _executemany_writer(cur):
    def insert(table: str, fields, rows):
        marks = ", ".join("?" * len(fields))
        cur.executemany(
            f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({marks})", [tuple(map(_sqlite_value, r)) for r in rows]
        )

    return insert


def _load_postgresql(url: str, count: int, now: datetime, cats, areas) -> None:
    _load(url, count, now, cats, areas, _copy_writer)  # COPY: the fast path for a million rows


def _load_sqlite(url: str, count: int, now: datetime, cats, areas) -> None:
    _load(url, count, now, cats, areas, _executemany_writer)


def _time(fn, repeat: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def _csv_export(session, flt, now) -> int:
    from dashboard.report_export import csv_text

    return sum(len(chunk) for chunk in csv_text(ITEM_COLUMNS, export_items(session, flt=flt, now=now)))


def _plain(value):
    """Figures, rows and dicts as JSON-friendly values (for --dump)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def measure(url: str, now: datetime, repeat: int, dump: dict | None = None) -> list[tuple[str, float, str]]:
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
            if dump is not None:
                dump[name] = _plain(result)
            note = ""
            if name.startswith("league table (30"):
                rows, city, _ = result
                note = f"{city.received} complaints, {len(rows)} agencies"
            elif name.startswith("items.csv"):
                note = f"{result / 1e6:.1f} MB"
            out.append((name, seconds, note))
    engine.dispose()
    return out


def _report(kind: str, load_s: float | None, count: int, rows) -> None:
    loaded = "history reused (not loaded)" if load_s is None else f"{count:,} complaints loaded in {load_s:.0f} s"
    print(f"\n{kind}: {loaded}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, seconds, note in rows:
        flag = "" if kind != "PostgreSQL" else ("  ok" if seconds <= TARGET_S else "  OVER TARGET")
        print(f"  {name:<50} {seconds * 1000:8.0f} ms  {note}{flag}")


@contextmanager
def _kept_postgres_database(admin_url: str, name: str, create: bool):
    """The PostgreSQL database NAME, left in place afterwards (created when `create`, replacing one of that name)."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None
            if create:
                if exists:
                    conn.execute(text(f'DROP DATABASE "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            elif not exists:
                raise SystemExit(f"no PostgreSQL database {name!r} to reuse: load one first with --keep-db {name}")
    finally:
        admin.dispose()
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def _sqlite_file(name: str | None, create: bool):
    if name is None:
        with tempfile.TemporaryDirectory(prefix="bcc-bench-reports-") as tmp:
            yield Path(tmp) / "bench.sqlite3"
        return
    path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
    if create:
        path.unlink(missing_ok=True)
    elif not path.exists():
        raise SystemExit(f"no SQLite file {path} to reuse: load one first with --keep-db {name}")
    yield path


def _history_now(url: str) -> datetime:
    """The moment a reused history was generated for: just after its newest complaint."""
    engine = make_engine(url)
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(Complaint.reported_at))).scalar_one()
    engine.dispose()
    return newest.replace(tzinfo=UTC, microsecond=0) + timedelta(seconds=60)


def _revision(url: str, upgrade_first: bool = False) -> str | None:
    if upgrade_first:
        upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return revision


def _run(kind: str, url: str, args, load) -> None:
    """Load (unless reusing), then time every panel and print the figures."""
    if args.reuse_db:
        if _revision(url) != _revision(url, upgrade_first=True):  # a reused history gets the newest indexes
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            engine.dispose()
        load_s = None
    else:
        prepare_database(url)
        with make_session_factory(make_engine(url))() as s:
            cats, areas = reference_for_history(s)
        now = datetime.now(UTC).replace(microsecond=0)
        start = time.perf_counter()
        load(url, args.count, now, cats, areas)
        load_s = time.perf_counter() - start
    if args.keep_db or args.reuse_db:
        now = _history_now(url)  # the same moment on every run over a kept history: comparable figures
    dump = {} if args.dump else None
    rows = measure(url, now, args.repeat, dump)
    _report(kind, load_s, args.count, rows)
    if args.dump:
        path = Path(f"{args.dump}.{kind.lower()}.json")
        path.write_text(json.dumps({"now": now.isoformat(), "panels": dump}, indent=1, default=str))
        print(f"  figures written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument(
        "--keep-db", metavar="NAME", help="load into database NAME and keep it (SQLite: NAME.sqlite3 in the temp folder)"
    )
    keep.add_argument("--reuse-db", metavar="NAME", help="time the history kept earlier with --keep-db NAME (no load)")
    parser.add_argument("--dump", metavar="PREFIX", help="write each panel's figures to PREFIX.<database>.json")
    args = parser.parse_args()
    name = args.keep_db or args.reuse_db

    if args.only != "sqlite":
        reason = postgres_available(args.pg_url)
        if reason:
            print(f"PostgreSQL skipped: {reason}")
        else:
            database = (
                _kept_postgres_database(args.pg_url, name, create=bool(args.keep_db))
                if name
                else temporary_postgres_database(args.pg_url)
            )
            with database as url:
                _run("PostgreSQL", url, args, _load_postgresql)

    if args.only != "postgresql":
        with _sqlite_file(name, create=bool(args.keep_db)) as path:
            _run("SQLite", f"sqlite:///{path}", args, _load_sqlite)


if __name__ == "__main__":
    main()
