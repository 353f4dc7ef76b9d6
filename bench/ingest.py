"""Ingest throughput: events per second ONE ingest worker sustains, against a bare-INSERT ceiling.

What is measured, per database backend (SQLite file in a temporary folder, as the product uses it,
and a temporary PostgreSQL database; PostgreSQL is skipped with the reason when it does not answer):

1. Worker. A throwaway redis-server (no AOF) is started, a fresh database is migrated
   (`data_access.migrate.upgrade`) and given the reference data and samples. N entries (default
   50,000) of a realistic mix are pre-loaded into the three input streams with pipelined XADD:
   90 % `bus_gps` fixes from 60 buses driving the sample routes (one fix every 5 s per bus),
   8 % complaints, 2 % panic presses, all valid under docs/streams.md and generated with the
   demo feed's helpers (`simulator.feed.DemoFeed`). Then, after freezing the start-up heap out
   of the cyclic GC as the `flask worker` entry point does (`ingest.worker.run_worker`),
   `IngestWorker(settings).run()` runs in this process (real consumer group, validation,
   enrichment, idempotent writes, acks, change events appended to Redis), batch `--batch`,
   block 200 ms, with its reader child process (ingest/reader_process.py; `--no-reader-process`
   measures the worker without it). The child is started and ready before the clock starts, as
   in a worker that has been running (it takes ~0.6 s; until then a worker reads batches itself).
   The clock runs from the call to `run()` until the end of the last cycle that handled entries
   (the idle polls that let `run()` return are not counted).
   Afterwards the database must hold exactly the entries sent (complaints + emergencies +
   vehicle_positions == N, one status_changes row per complaint and emergency), nothing may be
   pending or dead-lettered; otherwise the benchmark fails loudly.

2. Ceiling. The same rows, produced the same way the worker produces them (`validate_entry` +
   `ingest.enrich.build_rows`, per batch exactly as the worker's reads split the streams: up to
   `--batch` entries of each stream per read), are built BEFORE the clock starts. Then a bare loop
   writes them into another fresh, migrated database with SQLAlchemy Core `insert(table)`
   executemany (complaints, emergencies, their first status_changes rows, vehicle_positions) plus
   the vehicles upsert, one transaction per batch. Ids are assigned up front, so there is no
   RETURNING and no ON CONFLICT on the plain inserts: only the database writes are timed.

Each backend is measured `--repeat` times (default 3, fresh servers and databases every time) and
the best worker run and best ceiling run are reported: on a shared machine the slower runs measure
the neighbours. The worker's own CPU time is printed too (SQLite's work is in this process,
redis-server's and PostgreSQL's are not).

Targets: the worker sustains >= 5,000 events/s and >= 50 % of the ceiling on each backend.

Run from the project folder:

    .venv/bin/python -m bench.ingest                 # both backends, 50,000 events, batch 500
    .venv/bin/python -m bench.ingest --events 20000 --batch 1000 --backend sqlite
    .venv/bin/python -m bench.ingest --json          # machine-readable result on stdout
    .venv/bin/python -m bench.ingest --profile       # cProfile the first worker run (stats to stderr)

Progress goes to stderr; the table (or the JSON) to stdout. Exit status is 0 unless the
verification fails, or, with `--strict`, a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import heapq
import io
import json
import math
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, StatusChange, Vehicle, VehiclePosition
from data_access.reference import (
    active_posts,
    category_policies,
    contract_context,
    kelurahan_centers,
)
from data_access.streams import StreamKeys
from devtools.servers import DEFAULT_PG_URL, RedisServer, postgres_available, prepare_database, temporary_postgres_database
from domain.contract import STREAMS, Rejection, validate_entry
from domain.sla import WIB
from geo import AreaIndex
from ingest.enrich import EnrichContext, Rows, build_rows
from ingest.worker import IngestWorker, freeze_startup_heap
from settings import Settings
from simulator.feed import BUS_FIX_EVERY_S, DemoFeed

PROJECT_DIR = Path(__file__).resolve().parent.parent
ROUTES_FILE = PROJECT_DIR / "data" / "reference" / "sample_routes.geojson"
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
MIX = {"bus_gps": 0.90, "complaints": 0.08, "emergencies": 0.02}
TARGET_EVENTS_PER_S = 5_000
TARGET_CEILING_SHARE = 0.50
PREFIX = "bench:"
GROUP = "bcc-ingest"
XADD_PIPELINE = 1_000


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- the entries --------------------------------------------------------------------------------


def generate_entries(n: int, *, buses: int = 60, seed: int = 7, end: datetime | None = None) -> list[tuple[str, dict[str, str]]]:
    """`n` valid entries (stream, fields) in arrival order: the MIX of streams, shuffled.

    Buses drive the sample routes and each sends a fix every BUS_FIX_EVERY_S of simulated time;
    complaints and panic presses are stamped with the simulated time at which they arrive.
    """
    routes = [
        {"route_id": f["properties"]["route_id"], "geometry": f["geometry"]}
        for f in json.loads(ROUTES_FILE.read_text(encoding="utf-8"))["features"]
    ]
    n_bus = round(n * MIX["bus_gps"])
    n_complaints = round(n * MIX["complaints"])
    n_emergencies = n - n_bus - n_complaints
    # Simulated time ends about `end` (default: now), so every timestamp is in the recent past.
    end = end or datetime.now(WIB).replace(microsecond=0)
    start = end - timedelta(seconds=n_bus / buses * BUS_FIX_EVERY_S + 60)
    feed = DemoFeed(seed=seed, buses_per_route=math.ceil(buses / len(routes)), routes=routes, now=start)
    feed.buses = feed.buses[:buses]
    kinds = ["bus_gps"] * n_bus + ["complaints"] * n_complaints + ["emergencies"] * n_emergencies
    random.Random(seed).shuffle(kinds)

    due = [(bus.next_fix_at, i) for i, bus in enumerate(feed.buses)]
    heapq.heapify(due)
    now = start
    out: list[tuple[str, dict[str, str]]] = []
    for kind in kinds:
        if kind == "bus_gps":
            now, i = heapq.heappop(due)
            bus = feed.buses[i]
            bus.distance_m += bus.speed_kmh / 3.6 * BUS_FIX_EVERY_S
            out.append((kind, feed.bus_fix(bus, now)))
            heapq.heappush(due, (now + timedelta(seconds=BUS_FIX_EVERY_S), i))
        elif kind == "complaints":
            out.append((kind, feed.complaint(now)))
        else:
            out.append((kind, feed.emergency(now)))
    return out


def count_by_stream(entries: list[tuple[str, dict[str, str]]]) -> dict[str, int]:
    counts = dict.fromkeys(STREAMS, 0)
    for stream, _ in entries:
        counts[stream] += 1
    return counts


def load_streams(client: redis.Redis, keys: StreamKeys, entries: list[tuple[str, dict[str, str]]]) -> None:
    for i in range(0, len(entries), XADD_PIPELINE):
        pipe = client.pipeline(transaction=False)
        for stream, fields in entries[i : i + XADD_PIPELINE]:
            pipe.xadd(keys.stream(stream), fields)
        pipe.execute()


# --- database set-up ----------------------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, tmp: Path, name: str, pg_url: str) -> Iterator[str]:
    """A migrated database with reference data and samples; yields its URL."""
    if backend == "sqlite":
        cm = _nullcontext(f"sqlite:///{tmp / (name + '.sqlite3')}")
    else:
        cm = temporary_postgres_database(pg_url)
    with cm as url:
        yield prepare_database(url)


@contextmanager
def _nullcontext(value):
    yield value


def table_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                m.__tablename__: conn.execute(select(func.count()).select_from(m.__table__)).scalar_one()
                for m in (Complaint, Emergency, VehiclePosition, StatusChange, Vehicle)
            }
    finally:
        engine.dispose()


def verify(what: str, url: str, sent: dict[str, int], buses: int) -> None:
    """Fail loudly unless the database holds exactly what was sent."""
    got = table_counts(url)
    expected = {
        "complaints": sent["complaints"],
        "emergencies": sent["emergencies"],
        "vehicle_positions": sent["bus_gps"],
        "status_changes": sent["complaints"] + sent["emergencies"],
        "vehicles": buses,
    }
    if got != expected:
        raise SystemExit(f"{what}: the database does not hold what was sent: expected {expected}, found {got}")
    total = got["complaints"] + got["emergencies"] + got["vehicle_positions"]
    if total != sum(sent.values()):
        raise SystemExit(f"{what}: {total} rows for {sum(sent.values())} entries")


# --- 1. the worker ------------------------------------------------------------------------------


@dataclass
class WorkerRun:
    seconds: float
    cpu_seconds: float  # this process's CPU time over the same span (SQLite work included, servers not)
    cycles: int
    child_batches: int  # batches validated and enriched in the worker's child process
    profile: str | None = None


def measure_worker(
    backend: str,
    url: str,
    tmp: Path,
    entries: list[tuple[str, dict[str, str]]],
    batch: int,
    buses: int,
    profile: bool,
    reader_process: bool = True,
) -> WorkerRun:
    server = RedisServer(tmp / f"redis-{backend}", appendonly=False).start()
    try:
        keys = StreamKeys(PREFIX)
        client = redis.Redis.from_url(server.url)
        t0 = time.perf_counter()
        load_streams(client, keys, entries)
        log(f"  loaded {len(entries):,} entries into Redis in {time.perf_counter() - t0:.1f}s")

        settings = Settings(
            reader_process=reader_process,
            redis_url=server.url,
            database_url=url,
            stream_prefix=PREFIX,
            consumer_group=GROUP,
            consumer_name="bench-worker",
            batch_size=batch,
            block_ms=200,
            claim_every_s=3600.0,
        )
        worker = IngestWorker(settings)
        last_busy = [0.0, 0.0]  # wall clock, CPU time
        cycles = [0]
        inner_step = worker.step

        def timed_step() -> int:
            handled = inner_step()
            if handled:
                last_busy[:] = max(last_busy, [time.perf_counter(), time.process_time()])
                cycles[0] += 1
            return handled

        worker.step = timed_step  # type: ignore[method-assign]
        inner_ack = worker._acknowledge

        def timed_ack(*args) -> None:
            # Acks run in the background after each commit: the run ends when the last one is done.
            inner_ack(*args)
            last_busy[:] = max(last_busy, [time.perf_counter(), time.process_time()])

        worker._acknowledge = timed_ack  # type: ignore[method-assign]
        profiler = cProfile.Profile() if profile else None
        if worker.reader_process is not None:
            # Sustained throughput: a running worker's child process started long ago (~0.6 s).
            worker.reader_process.start()
            if not worker.reader_process.wait_ready(30):
                raise SystemExit("the worker's prepare process did not start")
        freeze_startup_heap()  # as the `flask worker` entry point (run_worker) does before run()
        # The first cycle reads this consumer's pending entries (none): that is an idle poll.
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        worker.run(max_idle_polls=3)
        if profiler:
            profiler.disable()
        seconds, cpu_seconds = last_busy[0] - started, last_busy[1] - cpu_started
        worker.engine.dispose()

        # Nothing pending, nothing dead-lettered, everything acknowledged.
        pending = {name: client.xpending(key, GROUP)["pending"] for name, key in keys.inputs.items()}
        dead = client.xlen(keys.deadletter) if client.exists(keys.deadletter) else 0
        if any(pending.values()) or dead:
            raise SystemExit(f"worker on {backend}: pending {pending}, dead-lettered {dead}")
        verify(f"worker on {backend}", url, count_by_stream(entries), buses)

        report = None
        if profiler:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            path = RESULTS_DIR / f"ingest-{backend}.prof"
            profiler.dump_stats(path)
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(35)
            log(text.getvalue())
            report = str(path)
        client.close()
        child = worker.reader_process.batches if worker.reader_process is not None else 0
        return WorkerRun(seconds=seconds, cpu_seconds=cpu_seconds, cycles=cycles[0], child_batches=child, profile=report)
    finally:
        server.stop()


# --- 2. the ceiling -----------------------------------------------------------------------------


@dataclass
class CeilingBatch:
    complaints: list[dict] = field(default_factory=list)
    emergencies: list[dict] = field(default_factory=list)
    status_changes: list[dict] = field(default_factory=list)
    positions: list[dict] = field(default_factory=list)
    vehicles: list[dict] = field(default_factory=list)


def worker_batches(entries: list[tuple[str, dict[str, str]]], batch: int) -> list[list[tuple[str, str, dict[str, str]]]]:
    """Split entries as the worker's reads do: up to `batch` of each stream per XREADGROUP."""
    by_stream: dict[str, list[tuple[str, str, dict[str, str]]]] = {s: [] for s in STREAMS}
    for n, (stream, fields) in enumerate(entries):
        by_stream[stream].append((stream, f"{1_700_000_000_000 + n}-0", fields))
    rounds = max(math.ceil(len(v) / batch) for v in by_stream.values())
    return [[e for s in STREAMS for e in by_stream[s][r * batch : (r + 1) * batch]] for r in range(rounds)]


def _status_row(kind: str, item_id: int, row: dict, time_key: str) -> dict:
    return {
        "item_kind": kind,
        "item_id": item_id,
        "from_status": None,
        "to_status": "baru",
        "actor": "sistem:ingest",
        "at": row["received_at"],
        "note": f"diterima dari stream (terjadi {row[time_key].isoformat()})",
        "agency_code": None,
        "escalation_level": 0,
    }


def build_ceiling_batches(url: str, entries: list[tuple[str, dict[str, str]]], batch: int) -> list[CeilingBatch]:
    """Validate and enrich exactly as the worker does; assign ids so the writes need no RETURNING."""
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        contract = contract_context(s)
        ctx = EnrichContext(
            areas=AreaIndex(),
            posts=tuple(active_posts(s)),
            policies=category_policies(s),
            kelurahan_centers=kelurahan_centers(s),
        )
    engine.dispose()
    out: list[CeilingBatch] = []
    next_id = {"complaints": 1, "emergencies": 1}
    for group in worker_batches(entries, batch):
        events = []
        for stream, entry_id, fields in group:
            event = validate_entry(stream, fields, contract)
            if isinstance(event, Rejection):
                raise SystemExit(f"generated entry breaks the contract ({stream} {fields}): {event.reason}")
            events.append((stream, entry_id, event))
        rows: Rows = build_rows(events, ctx, datetime.now(UTC))
        b = CeilingBatch(positions=rows.positions, vehicles=rows.vehicles)
        for name, kind, time_key, target in (
            ("complaints", "complaint", "reported_at", b.complaints),
            ("emergencies", "emergency", "pressed_at", b.emergencies),
        ):
            for row in getattr(rows, name):
                target.append({**row, "id": next_id[name]})
                b.status_changes.append(_status_row(kind, next_id[name], row, time_key))
                next_id[name] += 1
        out.append(b)
    return out


def run_ceiling(url: str, batches: list[CeilingBatch]) -> float:
    """Seconds spent writing `batches`, one transaction each; nothing else is timed."""
    engine = make_engine(url)
    dialect_insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    vehicles = Vehicle.__table__
    upsert = dialect_insert(vehicles)
    upsert = upsert.on_conflict_do_update(
        index_elements=["vehicle_id"],
        set_={c.name: upsert.excluded[c.name] for c in vehicles.c if c.name != "vehicle_id"},
        where=upsert.excluded.last_recorded_at > vehicles.c.last_recorded_at,
    )
    plain = [
        ("complaints", insert(Complaint.__table__)),
        ("emergencies", insert(Emergency.__table__)),
        ("status_changes", insert(StatusChange.__table__)),
        ("positions", insert(VehiclePosition.__table__)),
    ]
    with engine.connect() as conn:  # open the connection (and SQLite's pragmas) before the clock
        conn.rollback()
        t0 = time.perf_counter()
        for b in batches:
            with conn.begin():
                for name, stmt in plain:
                    rows = getattr(b, name)
                    if rows:
                        conn.execute(stmt, rows)
                if b.vehicles:
                    conn.execute(upsert, sorted(b.vehicles, key=lambda v: v["vehicle_id"]))
        seconds = time.perf_counter() - t0
    engine.dispose()
    return seconds


# --- one backend, the report --------------------------------------------------------------------


@dataclass
class Result:
    """Best of `repeat` runs for the worker and for the ceiling (each run on fresh servers)."""

    backend: str
    events: int
    batch: int
    repeat: int
    reader_process: bool = True  # the worker's reader child process was on
    worker_seconds: float | None = None
    worker_cpu_seconds: float | None = None
    worker_events_per_s: float | None = None
    worker_cycles: int | None = None
    worker_samples_s: list[float] = field(default_factory=list)
    ceiling_samples_s: list[float] = field(default_factory=list)
    ceiling_seconds: float | None = None
    ceiling_events_per_s: float | None = None
    ratio_pct: float | None = None  # best worker run against best ceiling run
    run_ratios_pct: list[float] = field(default_factory=list)  # each worker run against the ceiling run after it
    target_events_per_s: int = TARGET_EVENTS_PER_S
    target_ratio_pct: float = TARGET_CEILING_SHARE * 100
    throughput_pass: bool | None = None
    ratio_pass: bool | None = None
    skipped: str | None = None
    profile: str | None = None


def bench_backend(
    backend: str, entries, *, batch: int, buses: int, pg_url: str, profile: bool, repeat: int, reader_process: bool = True
) -> Result:
    res = Result(backend=backend, events=len(entries), batch=batch, repeat=repeat, reader_process=reader_process)
    if backend == "postgresql":
        reason = postgres_available(pg_url)
        if reason:
            res.skipped = reason
            log(f"[{backend}] skipped: {reason}")
            return res
    sent = count_by_stream(entries)
    batches: list[CeilingBatch] | None = None
    best: WorkerRun | None = None
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmpdir:
        tmp = Path(tmpdir)
        for n in range(1, repeat + 1):
            log(f"[{backend}] run {n}/{repeat}: worker, {len(entries):,} events, batch {batch}")
            with fresh_database(backend, tmp, f"worker{n}", pg_url) as url:
                run = measure_worker(backend, url, tmp / f"run{n}", entries, batch, buses, profile and n == 1, reader_process)
            res.worker_samples_s.append(run.seconds)
            if run.profile:
                res.profile = run.profile
            if best is None or run.seconds < best.seconds:
                best = run
            log(
                f"  worker: {run.seconds:.2f}s ({run.cpu_seconds:.2f}s CPU), {len(entries) / run.seconds:,.0f} events/s, "
                f"{run.child_batches} of {run.cycles} batches prepared in the child process"
            )

            with fresh_database(backend, tmp, f"ceiling{n}", pg_url) as url:
                if batches is None:  # validation + enrichment, never timed; the rows are reused
                    batches = build_ceiling_batches(url, entries, batch)
                seconds = run_ceiling(url, batches)
                verify(f"ceiling on {backend}", url, sent, buses)
            res.ceiling_samples_s.append(seconds)
            res.run_ratios_pct.append(100 * seconds / run.seconds)
            log(f"  ceiling (bare batched INSERTs of the same rows): {seconds:.2f}s, {len(entries) / seconds:,.0f} events/s")
    res.worker_seconds = best.seconds
    res.worker_cpu_seconds = best.cpu_seconds
    res.worker_cycles = best.cycles
    res.worker_events_per_s = len(entries) / res.worker_seconds
    res.ceiling_seconds = min(res.ceiling_samples_s)
    res.ceiling_events_per_s = len(entries) / res.ceiling_seconds
    res.ratio_pct = 100 * res.worker_events_per_s / res.ceiling_events_per_s
    res.throughput_pass = res.worker_events_per_s >= TARGET_EVENTS_PER_S
    res.ratio_pass = res.ratio_pct >= TARGET_CEILING_SHARE * 100
    return res


def render_table(results: list[Result], mix: dict[str, int], profiled: bool) -> str:
    def yn(ok: bool | None) -> str:
        return "-" if ok is None else ("PASS" if ok else "FAIL")

    head = (
        "backend",
        "events",
        "worker s",
        "worker ev/s",
        "ceiling ev/s",
        "ratio %",
        f">= {TARGET_EVENTS_PER_S:,} ev/s",
        ">= 50 % ceiling",
    )
    rows = [head]
    for r in results:
        if r.skipped:
            rows.append((r.backend, f"{r.events:,}", "skipped", "-", "-", "-", "-", "-"))
            continue
        rows.append(
            (
                r.backend,
                f"{r.events:,}",
                f"{r.worker_seconds:.2f}",
                f"{r.worker_events_per_s:,.0f}",
                f"{r.ceiling_events_per_s:,.0f}",
                f"{r.ratio_pct:.1f}",
                yn(r.throughput_pass),
                yn(r.ratio_pass),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    mix_text = ", ".join(f"{n:,} {s}" for s, n in mix.items())
    first = results[0]
    reader = "with its reader process" if first.reader_process else "WITHOUT its reader process"
    title = f"Ingest benchmark: one worker ({reader}), batch {first.batch}, mix {mix_text}; best of {first.repeat} run(s)."
    notes = []
    for r in results:
        if r.skipped:
            notes.append(f"{r.backend}: skipped ({r.skipped})")
            continue
        worker = " / ".join(f"{x:.2f}" for x in r.worker_samples_s)
        ceiling = " / ".join(f"{x:.2f}" for x in r.ceiling_samples_s)
        ratios = " / ".join(f"{x:.0f}" for x in r.run_ratios_pct)
        notes.append(
            f"{r.backend}: worker runs {worker} s (best: {r.worker_cpu_seconds:.2f} s CPU in this process, "
            f"{r.worker_cycles} cycles); ceiling runs {ceiling} s; ratio run by run {ratios} %"
        )
    if profiled:
        notes.append("The first worker run of each backend ran under cProfile (slower); see the .prof files.")
    return "\n".join([title, "", *lines, "", *notes]).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=50_000, help="entries to pre-load (default 50,000)")
    p.add_argument("--batch", type=int, default=500, help="worker batch size and ceiling batch size (default 500)")
    p.add_argument("--buses", type=int, default=60, help="buses sending fixes (default 60)")
    p.add_argument("--backend", choices=("all", "sqlite", "postgresql"), default="all")
    p.add_argument("--pg-url", default=DEFAULT_PG_URL, help=f"PostgreSQL admin URL (default {DEFAULT_PG_URL})")
    p.add_argument("--repeat", type=int, default=3, help="runs per backend; the best worker and ceiling runs count (default 3)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    p.add_argument("--profile", action="store_true", help=f"cProfile the worker; stats to stderr and {RESULTS_DIR}/")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument(
        "--no-reader-process",
        dest="reader_process",
        action="store_false",
        help="measure the worker without its reader child process",
    )
    args = p.parse_args(argv)
    if args.events < 100 or args.batch < 1 or args.buses < 1 or args.repeat < 1:
        p.error("--events must be >= 100, --batch, --buses and --repeat >= 1")

    t0 = time.perf_counter()
    entries = generate_entries(args.events, buses=args.buses, seed=args.seed)
    mix = count_by_stream(entries)
    log(f"generated {len(entries):,} entries ({mix}) in {time.perf_counter() - t0:.1f}s")
    backends = ("sqlite", "postgresql") if args.backend == "all" else (args.backend,)
    results = [
        bench_backend(
            b,
            entries,
            batch=args.batch,
            buses=args.buses,
            pg_url=args.pg_url,
            profile=args.profile,
            repeat=args.repeat,
            reader_process=args.reader_process,
        )
        for b in backends
    ]
    if args.json:
        print(json.dumps({"mix": mix, "profiled": args.profile, "results": [asdict(r) for r in results]}, indent=2))
    else:
        print(render_table(results, mix, args.profile), end="")
    missed = any(r.throughput_pass is False or r.ratio_pass is False for r in results)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
