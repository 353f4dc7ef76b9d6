"""Crashes and outages: a killed worker, a dead database, a restarted Redis. Nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import make_url

from devtools.servers import RedisServer, free_port
from ingest.worker import IngestWorker
from tests.integration.helpers import (
    BackgroundWorker,
    bus_fix,
    complaint,
    counts,
    emergency,
    pending,
    run_until_idle,
    wait_for,
    worker_settings,
    xadd_all,
)
from tests.integration.tcp_proxy import TcpProxy

PROJECT = Path(__file__).resolve().parents[2]
STREAMS = ("complaints", "emergencies", "bus_gps")


def _all_pending(r, prefix):
    return sum(pending(r, f"{prefix}{s}") for s in STREAMS)


def _not_acknowledged(r, prefix):
    """Entries read but not acknowledged, plus entries not read yet (the group's lag)."""
    total = 0
    for s in STREAMS:
        for g in r.xinfo_groups(f"{prefix}{s}"):
            total += g["pending"] + (g["lag"] or 0)
    return total


def _spawn_worker(redis_url, database_url, prefix, name):
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "STREAM_PREFIX": prefix,
        "INGEST_CONSUMER": name,
        "INGEST_BATCH_SIZE": "200",
        "INGEST_BLOCK_MS": "100",
        "INGEST_CLAIM_IDLE_MS": "300",
        "INGEST_CLAIM_EVERY_S": "0.3",
        "INGEST_RETRY_MAX_S": "0.5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_and_doubles_nothing(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    n_gps, n_c, n_e = 12_000, 600, 60
    entries = (
        [("bus_gps", bus_fix(i, vehicle=f"TB-{i % 40:02d}")) for i in range(n_gps)]
        + [("complaints", complaint(i)) for i in range(n_c)]
        + [("emergencies", emergency(i)) for i in range(n_e)]
    )
    xadd_all(r, stream_prefix, entries)

    first = _spawn_worker(redis_server.url, migrated_url, stream_prefix, "doomed")
    try:
        wait_for(lambda: counts(migrated_url)["positions"] >= 1000, timeout=60, what="the first worker to be busy")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    c = counts(migrated_url)
    assert c["positions"] + c["complaints"] + c["emergencies"] < n_gps + n_c + n_e, "killed too late to test anything"

    second = _spawn_worker(redis_server.url, migrated_url, stream_prefix, "survivor")
    try:
        wait_for(
            lambda: _all_pending(r, stream_prefix) == 0 and counts(migrated_url)["positions"] == n_gps,
            timeout=120,
            what="the second worker to finish, claiming what the first left pending",
        )
        wait_for(lambda: counts(migrated_url)["emergencies"] == n_e, timeout=30, what="all emergencies")
    finally:
        second.terminate()
        _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err.decode()[-2000:]
    c = counts(migrated_url)
    assert (c["positions"], c["complaints"], c["emergencies"]) == (n_gps, n_c, n_e)
    assert c["status_changes"] == n_c + n_e
    assert r.xlen(f"{stream_prefix}deadletter") == 0


def test_crash_after_commit_before_ack_applies_once(redis_server, migrated_url, stream_prefix):
    """The worst moment to die: rows committed, entries not acknowledged. The next worker redoes
    the entries and the event_id keys make the second application a no-op."""
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(i)) for i in range(30)] + [("bus_gps", bus_fix(i)) for i in range(30)])
    dying = IngestWorker(worker_settings(redis_server.url, migrated_url, stream_prefix, consumer_name="dying"))
    dying.ensure_groups()
    dying._refresh_context(force=True)

    def die(*_a, **_k):
        raise SystemExit("killed between commit and XACK")

    dying._acknowledge = die
    dying._read_pending = False
    with pytest.raises(SystemExit):
        dying.step()
        dying.drain_acks()  # the ack runs after the commit, in the background
    assert counts(migrated_url)["complaints"] == 30
    assert _all_pending(r, stream_prefix) == 60

    time.sleep(0.6)  # older than claim_idle_ms
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix, consumer_name="next", claim_every_s=0))
    c = counts(migrated_url)
    assert (c["complaints"], c["positions"], c["status_changes"]) == (30, 30, 30)
    assert _all_pending(r, stream_prefix) == 0


class _DatabaseOutage:
    """Makes the database unavailable to the worker and brings it back, per backend."""

    def __init__(self, database_url: str, tmp_path: Path):
        self.url = make_url(database_url)
        self.direct_url = database_url
        self.worker_url = database_url
        self._lock_conn = None
        self._proxy = None
        if self.url.get_backend_name() == "postgresql":
            self._proxy = TcpProxy(self.url.host or "127.0.0.1", self.url.port or 5432, free_port()).start()
            self.worker_url = self.url.set(host="127.0.0.1", port=self._proxy.port).render_as_string(hide_password=False)

    def down(self):
        if self._proxy:
            self._proxy.stop()  # connections cut, new ones refused
        else:  # SQLite: another process holds the write lock, writes fail with "database is locked"
            self._lock_conn = sqlite3.connect(self.url.database, timeout=1, isolation_level=None)
            self._lock_conn.execute("BEGIN EXCLUSIVE")

    def up(self):
        if self._proxy:
            self._proxy.start()
        else:
            self._lock_conn.execute("ROLLBACK")
            self._lock_conn.close()

    def close(self):
        if self._proxy:
            self._proxy.stop()


@pytest.mark.slow
def test_database_outage_acknowledges_nothing_until_stored(redis_server, migrated_url, stream_prefix, tmp_path):
    r = redis.Redis.from_url(redis_server.url)
    outage = _DatabaseOutage(migrated_url, tmp_path)
    settings = worker_settings(redis_server.url, outage.worker_url, stream_prefix)
    try:
        with BackgroundWorker(settings) as bg:
            xadd_all(r, stream_prefix, [("complaints", complaint(i)) for i in range(10)])
            wait_for(lambda: counts(migrated_url)["complaints"] == 10, what="rows before the outage")

            outage.down()
            xadd_all(
                r,
                stream_prefix,
                [("complaints", complaint(i)) for i in range(10, 40)] + [("bus_gps", bus_fix(i)) for i in range(50)],
            )
            wait_for(lambda: _all_pending(r, stream_prefix) > 0, what="the worker to read new entries")
            time.sleep(2.0)  # several retries happen meanwhile
            assert _not_acknowledged(r, stream_prefix) == 80, "something was acknowledged while the database was down"
            assert bg.thread.is_alive() and bg.error is None

            outage.up()
            wait_for(lambda: _all_pending(r, stream_prefix) == 0, timeout=60, what="the backlog after the outage")
        assert bg.error is None
        c = counts(migrated_url)
        assert (c["complaints"], c["positions"]) == (40, 50)
        assert r.xlen(f"{stream_prefix}deadletter") == 0
    finally:
        outage.close()


@pytest.mark.slow
def test_redis_restart_is_survived(migrated_url, stream_prefix, tmp_path):
    server = RedisServer(tmp_path / "redis-restart").start()
    try:
        r = redis.Redis.from_url(server.url)
        settings = worker_settings(server.url, migrated_url, stream_prefix)
        with BackgroundWorker(settings) as bg:
            xadd_all(r, stream_prefix, [("bus_gps", bus_fix(i)) for i in range(100)])
            wait_for(lambda: counts(migrated_url)["positions"] == 100, what="rows before the restart")

            server.stop(kill=True)
            time.sleep(1.0)  # the worker sees connection errors and backs off
            server.start()  # same port, streams and group restored from the AOF
            r = redis.Redis.from_url(server.url)
            xadd_all(r, stream_prefix, [("bus_gps", bus_fix(i)) for i in range(100, 250)] + [("complaints", complaint(1))])
            wait_for(lambda: counts(migrated_url)["positions"] == 250, timeout=60, what="rows after the restart")
            wait_for(lambda: _all_pending(r, stream_prefix) == 0, what="acks after the restart")
        assert bg.error is None
        assert counts(migrated_url)["complaints"] == 1
    finally:
        server.stop()
