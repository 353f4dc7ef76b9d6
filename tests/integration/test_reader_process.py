"""The worker's reader child process (ingest/reader_process.py) against a real Redis and database:
it prepares exactly what the worker would, and losing it loses or doubles nothing."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime

import redis

from data_access.db import make_engine, make_session_factory
from data_access.reference import active_posts, category_policies, contract_context, kelurahan_centers
from geo import AreaIndex
from ingest.enrich import EnrichContext
from ingest.prepare import ChildContext, prepare_batch
from ingest.reader_process import ReaderProcess
from tests.integration.helpers import (
    BackgroundWorker,
    bus_fix,
    complaint,
    counts,
    emergency,
    pending,
    wait_for,
    worker_settings,
    xadd_all,
)
from tests.integration.test_resilience import _spawn_worker

STREAMS = ("complaints", "emergencies", "bus_gps")
VOLATILE = {"received_at", "updated_at"}  # the child's clock is the worker's plus the read's duration


def _contexts(url):
    with make_session_factory(make_engine(url))() as s:
        contract = contract_context(s)
        posts, policies, centers = tuple(active_posts(s)), category_policies(s), kelurahan_centers(s)
    child = ChildContext(version=1, contract=contract, posts=posts, policies=policies, kelurahan_centers=centers)
    local = EnrichContext(areas=AreaIndex(), posts=posts, policies=policies, kelurahan_centers=centers)
    return child, contract, local


def time_now():
    return datetime.now(UTC)


def _stable(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in rows]


def test_child_prepares_exactly_what_the_worker_would(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    entries = (
        [("complaints", complaint(i)) for i in range(30)]
        + [("complaints", complaint(99, category="tidak-ada"))]
        + [("emergencies", emergency(i)) for i in range(5)]
        + [("bus_gps", bus_fix(i, vehicle=f"TB-{i % 3:02d}")) for i in range(60)]
    )
    xadd_all(r, stream_prefix, entries)
    keys = {f"{stream_prefix}{s}": (s, ">") for s in STREAMS}
    for key in keys:
        r.xgroup_create(key, "bcc-ingest", id="0")
    child_ctx, contract, local_ctx = _contexts(migrated_url)
    reader = ReaderProcess(redis_server.url, 5.0)
    reader.start()
    try:
        assert reader.wait_ready(30)
        raw, prepared = reader.next_batch("bcc-ingest", "w1", keys, 500, None, child_ctx, time_now())
    finally:
        reader.close()
    assert not reader.running
    assert len(raw) == len(entries) and {name for name, _, _ in raw} == set(STREAMS)
    assert sum(pending(r, key) for key in keys) == len(entries)  # read as the worker's consumer, not acked

    local = prepare_batch(raw, contract, local_ctx, time_now())
    assert prepared.events is None  # events stay in the child; the worker revalidates only if it must
    assert prepared.good == local.good and prepared.bad == local.bad
    assert len(prepared.bad) == 1 and "category" in prepared.bad[0][1]
    for part in ("complaints", "emergencies", "positions", "vehicles"):
        assert _stable(getattr(prepared.rows, part)) == _stable(getattr(local.rows, part)), part


def test_child_killed_mid_stream_loses_and_doubles_nothing(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    settings = worker_settings(redis_server.url, migrated_url, stream_prefix, batch_size=50)
    first = [("complaints", complaint(i)) for i in range(40)] + [("bus_gps", bus_fix(i)) for i in range(200)]
    later = [("complaints", complaint(100 + i)) for i in range(40)] + [("bus_gps", bus_fix(300 + i)) for i in range(200)]
    with BackgroundWorker(settings) as bg:
        reader = bg.worker.reader_process
        reader.restart_after_s = 0.5
        assert reader.wait_ready(30)  # the worker started it
        xadd_all(r, stream_prefix, first)
        wait_for(lambda: counts(migrated_url)["positions"] == 200, what="first part stored")
        assert reader.batches >= 1
        os.kill(reader.pid, signal.SIGKILL)  # mid-stream: the next read finds it gone
        xadd_all(r, stream_prefix, later)
        wait_for(lambda: counts(migrated_url)["positions"] == 400, what="second part stored without the child")
        # It comes back by itself and takes over again.
        xadd_all(r, stream_prefix, [("bus_gps", bus_fix(600 + i)) for i in range(100)])
        wait_for(lambda: counts(migrated_url)["positions"] == 500, what="third part stored")
        restarted = wait_for(lambda: reader.ready and reader.pid, what="reader restarted and ready")
        done = reader.batches
        xadd_all(r, stream_prefix, [("bus_gps", bus_fix(800 + i)) for i in range(100)])
        wait_for(lambda: counts(migrated_url)["positions"] == 600, what="fourth part stored")
        wait_for(lambda: reader.batches > done, what="batches through the restarted child")
        assert reader.pid == restarted
    c = counts(migrated_url)
    assert (c["complaints"], c["status_changes"], c["positions"]) == (80, 80, 600)
    assert all(pending(r, f"{stream_prefix}{s}") == 0 for s in STREAMS)
    assert not r.exists(f"{stream_prefix}deadletter")


def test_child_ends_with_a_killed_worker(redis_server, migrated_url, stream_prefix):
    """SIGKILL gives the worker no chance to stop its child: the child notices the closed pipe."""
    worker = _spawn_worker(redis_server.url, migrated_url, stream_prefix, "w-kill")
    try:
        child = wait_for(lambda: _children(worker.pid), timeout=60, what="the worker's reader process")[0]
        assert "ingest.reader_process" in _cmdline(child)
    finally:
        worker.kill()
        worker.wait(10)
    wait_for(lambda: not _alive(child), timeout=10, what="the reader process to end")


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(p) for p in f.read().split()]
        except FileNotFoundError:  # that thread ended meanwhile
            continue
    return found


def _cmdline(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False
    finally:
        time.sleep(0)


def test_clean_stop_mid_stream_writes_everything_read_ahead(redis_server, migrated_url, stream_prefix):
    """The read-ahead thread holds one batch and the child another: a clean stop writes both."""
    r = redis.Redis.from_url(redis_server.url)
    settings = worker_settings(redis_server.url, migrated_url, stream_prefix, batch_size=20)
    xadd_all(r, stream_prefix, [("bus_gps", bus_fix(i)) for i in range(3000)])
    with BackgroundWorker(settings) as bg:
        reader = bg.worker.reader_process
        assert reader.wait_ready(30)  # the worker started it
        wait_for(lambda: counts(migrated_url)["positions"] >= 200, what="some batches stored")
    stored = counts(migrated_url)["positions"]
    assert stored < 3000, "the worker finished before it was stopped; the test proves nothing"
    assert reader.batches >= 2 and not reader.running
    assert pending(r, f"{stream_prefix}bus_gps") == 0  # everything read was written and acknowledged
    group = next(g for g in r.xinfo_groups(f"{stream_prefix}bus_gps") if g["name"] == b"bcc-ingest")
    assert group["lag"] == 3000 - stored  # and nothing else was read
