"""Soak: a compressed month of the command center's database, with retention running as it would.

Scale (defaults): 30 buses reporting every 5 s around the clock (the sample routes, driven as the
demo feed drives them, standing 60 s at a halte every 6 minutes) = 518,400 position rows per
simulated day, and the demo's complaint and panic rates (`simulate --rate 30` from the Procfile:
complaints per minute at the busiest hour, shaped by the feed's hourly curve; one panic press per
25 complaints) with their lifecycles (devtools/report_history.py), over 35 simulated days. Rows are
written straight into the database per simulated day (COPY on PostgreSQL, executemany on SQLite:
the writers of bench/reports.py), not pushed through Redis in real time: the worker's throughput
is bench/ingest.py's subject. After each simulated day `run_retention` runs at 02:00 WIB of the
next day, as the worker would (data_access/retention.py).

Printed at the start, after each simulated week and at the end: database size, rows kept per
table, and what retention did. The Redis half of the soak (trimmed streams, issue 11 item 1) is
runs where the stream trimming exists (data_access/stream_retention.py): each simulated day a share
(`--redis-share`, default 10 %) of the day's entries goes through the input streams, is read and
acknowledged by a consumer group (a few left pending) and trimmed; Redis used_memory is printed
with the database figures, against what one day's entries take.

    .venv/bin/python -m bench.soak                                   # SQLite, 35 days, 30 buses
    .venv/bin/python -m bench.soak --db postgresql
    .venv/bin/python -m bench.soak --days 12 --detail-days 3 --keep-days 8 --personal-days 5   # every step shows
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from bench.ingest import fresh_database, generate_entries, load_streams
from bench.reports import _copy_writer, _executemany_writer
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, RetentionRun, StatusChange, Vehicle, VehiclePosition
from data_access.reference import bus_routes
from data_access.retention import RetentionPolicy, run_retention
from data_access.streams import StreamKeys
from devtools.report_history import (
    COMPLAINT_FIELDS,
    EMERGENCY_FIELDS,
    STATUS_CHANGE_FIELDS,
    emergencies,
    history,
    reference_for_history,
)
from devtools.servers import DEFAULT_PG_URL
from simulator.feed import BUS_FIX_EVERY_S, HOURLY, WIB, DemoFeed

POSITION_FIELDS = (
    "event_id",
    "vehicle_id",
    "route_id",
    "recorded_at",
    "received_at",
    "lat",
    "lon",
    "speed_kmh",
    "bearing_deg",
    "outside_city",
)
TABLES = (VehiclePosition, Complaint, StatusChange, Emergency, RetentionRun)
HALTE_EVERY_S = 360  # a bus stands at a halte for DWELL_S every 6 minutes
DWELL_S = 60
STEP_M = 5.0  # resolution of the precomputed route loops


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Loop:
    """A route driven out and back, precomputed every STEP_M metres with the demo feed's own Bus.position."""

    def __init__(self, bus):
        legs = list(zip(bus.path, bus.path[1:], strict=False))
        from geo.nearest import haversine_m

        self.length = 2 * sum(haversine_m(a[0], a[1], b[0], b[1]) for a, b in legs)
        saved = bus.distance_m
        self.points = []
        for i in range(int(self.length // STEP_M) + 1):
            bus.distance_m = i * STEP_M
            self.points.append(bus.position())
        bus.distance_m = saved

    def at(self, distance_m: float) -> tuple[float, float, float]:
        return self.points[int((distance_m % self.length) // STEP_M) % len(self.points)]


def _buses(session, count: int, seed: int):
    routes = bus_routes(session)
    if not routes:
        raise SystemExit("no bus routes in the database (the samples should have loaded some)")
    feed = DemoFeed(seed=seed, buses_per_route=math.ceil(count / len(routes)), routes=routes, now=datetime.now(WIB))
    buses = feed.buses[:count]
    loops: dict[str, Loop] = {}
    for b in buses:
        loops.setdefault(b.route_id, Loop(b))
    return buses, loops


def position_rows(buses, loops, day_start: datetime, every_s: float, day: int):
    """One simulated day of fixes for every bus (event ids unique per day and bus)."""
    fixes_per_day = int(86_400 // every_s)
    for n, bus in enumerate(buses):
        loop = loops[bus.route_id]
        speed = bus.speed_kmh / 3.6
        offset = n * 37.0  # buses reach their halte at different moments
        for i in range(fixes_per_day):
            t = i * every_s + offset
            cycles, into = divmod(t, HALTE_EVERY_S)
            standing = into < DWELL_S
            driven = cycles * (HALTE_EVERY_S - DWELL_S) + (0 if standing else into - DWELL_S)
            lat, lon, bearing = loop.at(bus.distance_m + driven * speed)
            at = day_start + timedelta(seconds=i * every_s)
            yield (f"soak-{bus.vehicle_id}-{day}-{i}", bus.vehicle_id, bus.route_id, at, at + timedelta(seconds=1),
                   lat, lon, 0.0 if standing else bus.speed_kmh, bearing, False)  # fmt: skip


def complaints_per_day(rate_per_min: float) -> int:
    return round(rate_per_min * 60 * sum(HOURLY))


def _size(conn) -> int:
    if conn.dialect.name == "postgresql":
        return conn.scalar(text("SELECT pg_database_size(current_database())"))
    pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    free = conn.exec_driver_sql("PRAGMA freelist_count").scalar()
    size = conn.exec_driver_sql("PRAGMA page_size").scalar()
    return (pages - free) * size


def _file_size(url: str) -> int | None:
    if not url.startswith("sqlite"):
        return None
    path = Path(url.split("///", 1)[1])
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def snapshot(engine, url: str, label: str, expect: str) -> None:
    with engine.connect() as conn:
        counts = {m.__tablename__: conn.scalar(select(func.count()).select_from(m)) for m in TABLES}
        used = _size(conn)
        with_nik = conn.scalar(select(func.count()).select_from(Complaint).where(Complaint.reporter_nik.is_not(None)))
        oldest = conn.scalar(select(func.min(VehiclePosition.recorded_at)))
    file_size = _file_size(url)
    size = f"{used / 1e6:8.1f} MB in use" + (f" ({file_size / 1e6:.1f} MB file incl. WAL)" if file_size else "")
    oldest_day = f"{oldest.astimezone(WIB):%Y-%m-%d}" if oldest else "-"
    print(f"{label:>7} | {size} | " + " ".join(f"{k}={v:,}" for k, v in counts.items())
          + f" | complaints with NIK={with_nik:,} | oldest fix {oldest_day} | policy: {expect}")  # fmt: skip
    sys.stdout.flush()


def _trim_streams():
    """The streams engineer's trimming (issue 11 item 1), where this branch has it."""
    try:
        from data_access.stream_retention import trim_streams
    except ImportError:
        return None
    return trim_streams


class RedisSoak:
    """The Redis half: each simulated day `share` of the day's entries goes through the input streams
    (bench/ingest.py's generator and loader), a consumer group reads and acknowledges them (the last
    PENDING_LEFT of each stream stay pending until the next day) and the worker's trimming runs."""

    GROUP = "bcc-ingest"
    PENDING_LEFT = 50

    def __init__(self, trim, share: float, entries_per_day: int, buses: int, folder: Path):
        import redis

        from devtools.servers import RedisServer

        self.trim, self.buses = trim, buses
        self.server = RedisServer(folder / "redis", appendonly=False).start()
        self.client = redis.Redis.from_url(self.server.url)
        self.keys = StreamKeys("soak:")
        for key in self.keys.inputs.values():
            self.client.xgroup_create(key, self.GROUP, id="0", mkstream=True)
        self.per_day = max(1, round(share * entries_per_day))
        self.share = share
        self.baseline = self._memory()
        self.day_bytes = 0
        self.pending: dict[str, list[bytes]] = {}
        self.trimmed = 0

    def _memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def day(self, day: int) -> None:
        load_streams(self.client, self.keys, generate_entries(self.per_day, buses=self.buses, seed=day + 1))
        if day == 0:
            self.day_bytes = self._memory() - self.baseline
        for key, ids in self.pending.items():  # yesterday's stragglers are done now
            self.client.xack(key, self.GROUP, *ids)
        self.pending = {}
        for key in self.keys.inputs.values():
            read: list[bytes] = []
            while batch := self.client.xreadgroup(self.GROUP, "soak", {key: ">"}, count=5000):
                read += [entry_id for entry_id, _ in batch[0][1]]
            done, left = read[: -self.PENDING_LEFT], read[-self.PENDING_LEFT :]
            for i in range(0, len(done), 5000):
                self.client.xack(key, self.GROUP, *done[i : i + 5000])
            self.pending[key] = left
        now = datetime.now(UTC)
        removed = self.trim(self.client, self.keys, now=now, deadletter_keep=timedelta(days=30), actions_keep=timedelta(days=30))
        self.trimmed += sum(removed.values())
        for key, ids in self.pending.items():
            for entry_id in ids:
                if not self.client.xrange(key, min=entry_id, max=entry_id):
                    raise SystemExit(f"a pending entry was trimmed: {key} {entry_id!r}")

    def figures(self) -> str:
        lengths = {self.keys.name_of(k): self.client.xlen(k) for k in self.keys.inputs.values()}
        pending = sum(int(self.client.xpending(k, self.GROUP)["pending"]) for k in self.keys.inputs.values())
        used = self._memory()
        return (f"Redis used_memory {used / 1e6:.1f} MB ({(used - self.baseline) / max(1, self.day_bytes):.2f} x a day's entries "
                f"above an empty server) | stream lengths {lengths} | pending {pending} (all still in the streams) | "
                f"trimmed so far {self.trimmed:,}")  # fmt: skip

    def close(self) -> None:
        self.server.stop()


def soak(args, url: str) -> None:
    engine = make_engine(url)
    Session = make_session_factory(engine)
    policy = RetentionPolicy(
        detail_days=args.detail_days, keep_days=args.keep_days, personal_data_days=args.personal_days, batch_rows=args.batch_rows
    )
    with Session() as s:
        buses, loops = _buses(s, args.buses, args.seed)
        cats, areas = reference_for_history(s)
    start = datetime(2026, 1, 1, tzinfo=WIB).astimezone(UTC)
    with Session.begin() as s:
        for b in buses:
            s.add(Vehicle(vehicle_id=b.vehicle_id, route_id=b.route_id, last_recorded_at=start, last_lat=b.path[0][0],
                          last_lon=b.path[0][1], updated_at=start))  # fmt: skip
    per_day_c = complaints_per_day(args.rate)
    fixes_per_day = int(86_400 // args.every_s) * len(buses)
    print(f"soak on {engine.dialect.name}: {args.days} simulated days from {start.astimezone(WIB):%Y-%m-%d} (WIB), {len(buses)} buses every "
          f"{args.every_s:g} s = {fixes_per_day:,} fixes/day; {per_day_c:,} complaints and {per_day_c // 25:,} panic presses/day "
          f"(--rate {args.rate:g}); policy: detail {policy.detail_days} d, kept {policy.keep_days} d, personal data "
          f"{policy.personal_data_days} d")  # fmt: skip
    trim = _trim_streams()
    redis_soak = None
    if trim is None:
        print("Redis: no stream trimming (data_access.stream_retention) on this branch: Redis not measured")
    elif args.redis_share > 0:
        entries = fixes_per_day + per_day_c + per_day_c // 25
        redis_soak = RedisSoak(trim, args.redis_share, entries, len(buses), Path(tempfile.mkdtemp(prefix="bcc-soak-redis-")))
        print(f"Redis: {redis_soak.per_day:,} entries a simulated day ({args.redis_share:.0%} of the day's {entries:,}: memory "
              f"scales with the share) through the input streams, read and acknowledged by a consumer group, the last "
              f"{RedisSoak.PENDING_LEFT} per stream left pending, then trim_streams")  # fmt: skip

    def expected(days_done: int) -> str:
        full = min(days_done, policy.detail_days)
        thinned = max(0, min(days_done, policy.keep_days) - policy.detail_days)
        return f"{full} days x {fixes_per_day:,} in full + {thinned} thinned days"

    snapshot(engine, url, "start", expected(0))
    writer = _copy_writer if engine.dialect.name == "postgresql" else _executemany_writer
    next_complaint = 1
    next_emergency = 1
    totals = {"write_s": 0.0, "retention_s": 0.0, "removed": 0, "dropped": 0, "erased": 0}
    for day in range(args.days):
        day_start = start + timedelta(days=day)
        day_end = day_start + timedelta(days=1)
        t0 = time.perf_counter()
        raw = engine.raw_connection()
        try:
            write = writer(raw.cursor())
            for chunk in _chunks(position_rows(buses, loops, day_start, args.every_s, day)):
                write("vehicle_positions", POSITION_FIELDS, chunk)
            pairs = list(history(count=per_day_c, start=day_start, end=day_end, now=day_end + timedelta(days=20), categories=cats,
                                 areas=areas, seed=day + 1, first_id=next_complaint))  # fmt: skip
            next_complaint += per_day_c
            write("complaints", COMPLAINT_FIELDS, [row for row, _ in pairs])
            write("status_changes", STATUS_CHANGE_FIELDS, [c for _, changes in pairs for c in changes])
            presses = []
            for row in emergencies(count=per_day_c // 25, start=day_start, end=day_end, now=day_end + timedelta(days=1),
                                   areas=areas, seed=day + 1):  # fmt: skip
                presses.append((next_emergency, f"soak-e-{next_emergency}", *row[2:]))
                next_emergency += 1
            write("emergencies", EMERGENCY_FIELDS, presses)
            raw.commit()
        finally:
            raw.close()
        if redis_soak is not None:
            redis_soak.day(day)
            if day == 0:
                print(f"Redis: one simulated day's entries ({redis_soak.per_day:,}) take {redis_soak.day_bytes / 1e6:.1f} MB")
        t1 = time.perf_counter()
        report = run_retention(Session, policy, now=day_end + timedelta(hours=2))
        t2 = time.perf_counter()
        totals["write_s"] += t1 - t0
        totals["retention_s"] += t2 - t1
        totals["removed"] += report.positions_thinned
        totals["dropped"] += report.positions_dropped
        totals["erased"] += report.complaints_erased + report.emergencies_erased
        log(f"day {day + 1}: written in {t1 - t0:.1f}s, retention {t2 - t1:.1f}s: " + "; ".join(report.lines()))
        if (day + 1) % 7 == 0 or day + 1 == args.days:
            snapshot(engine, url, f"day {day + 1}" if day + 1 != args.days else "end", expected(day + 1))
            if redis_soak is not None:
                print(f"{'':>7} | {redis_soak.figures()}")
    print(f"totals: writing {totals['write_s']:.0f}s, retention {totals['retention_s']:.0f}s; thinning removed "
          f"{totals['removed']:,} fixes, dropping removed {totals['dropped']:,}, personal data erased on "
          f"{totals['erased']:,} items")  # fmt: skip
    engine.dispose()
    if redis_soak is not None:
        redis_soak.close()


def _chunks(rows, size: int = 50_000):
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--days", type=int, default=35)
    p.add_argument("--buses", type=int, default=30)
    p.add_argument("--every-s", type=float, default=BUS_FIX_EVERY_S)
    p.add_argument("--rate", type=float, default=30.0, help="complaints per minute at the busiest hour (demo: 30)")
    p.add_argument("--detail-days", type=int, default=RetentionPolicy.detail_days)
    p.add_argument("--keep-days", type=int, default=RetentionPolicy.keep_days)
    p.add_argument("--personal-days", type=int, default=RetentionPolicy.personal_data_days)
    p.add_argument("--batch-rows", type=int, default=RetentionPolicy.batch_rows)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--redis-share", type=float, default=0.1, help="share of each day's entries sent through Redis (0: none)")
    p.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bcc-soak-") as tmp, fresh_database(args.db, Path(tmp), "soak", args.pg_url) as url:
        soak(args, url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
