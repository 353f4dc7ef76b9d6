"""A worker started before the reference data is loaded waits (and says so) instead of dead-lettering."""

from __future__ import annotations

import time

import pytest
import redis

from data_access.db import make_engine, make_session_factory
from data_access.migrate import upgrade
from data_access.reference import load_reference, load_samples
from data_access.streams import StreamKeys
from data_access.worker_status import heartbeat_key, read_heartbeats
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


@pytest.mark.parametrize("reader_process", [False, True], ids=["in-process", "reader-process"])
def test_worker_waits_for_reference_data_then_processes_everything(redis_server, database_url, stream_prefix, reader_process):
    upgrade(database_url)  # migrated, but no categories / kelurahan / agencies yet
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r,
        stream_prefix,
        [("complaints", complaint(i, category="sampah")) for i in range(20)]
        + [("emergencies", emergency(i)) for i in range(5)]
        + [("bus_gps", bus_fix(i)) for i in range(30)],
    )
    settings = worker_settings(redis_server.url, database_url, stream_prefix, reader_process=reader_process)
    keys = StreamKeys(stream_prefix)
    with BackgroundWorker(settings) as bg:
        beat = wait_for(
            lambda: r.hgetall(heartbeat_key(keys, "w1")).get(b"state") == b"waiting_reference_data" and read_heartbeats(r, keys),
            what="the waiting heartbeat",
        )
        assert "reference data missing" in beat[0].detail and "categories" in beat[0].detail
        assert abs(beat[0].at - time.time()) < 10
        assert 0 < r.ttl(heartbeat_key(keys, "w1")) <= 60
        time.sleep(1.0)  # several polls' worth: still nothing read, nothing dead-lettered
        assert r.xlen(f"{stream_prefix}deadletter") == 0
        assert all(pending(r, f"{stream_prefix}{s}") == 0 for s in ("complaints", "emergencies", "bus_gps"))
        assert counts(database_url)["complaints"] == 0

        engine = make_engine(database_url)
        with make_session_factory(engine).begin() as s:
            load_reference(s)
            load_samples(s)
        engine.dispose()
        wait_for(lambda: counts(database_url)["complaints"] == 20, timeout=30, what="complaints after seeding")
        wait_for(lambda: counts(database_url)["positions"] == 30, what="positions after seeding")
        wait_for(lambda: counts(database_url)["emergencies"] == 5, what="emergencies after seeding")
        wait_for(lambda: r.hget(heartbeat_key(keys, "w1"), "state") == b"ready", what="the ready heartbeat")
    assert bg.error is None
    assert r.xlen(f"{stream_prefix}deadletter") == 0
    assert not r.exists(heartbeat_key(keys, "w1")), "a stopped worker leaves no heartbeat behind"


def test_worker_reports_db_down_when_the_database_is_not_there(redis_server, tmp_path, stream_prefix):
    url = f"sqlite:///{tmp_path / 'not-migrated.sqlite3'}"  # no tables at all
    settings = worker_settings(redis_server.url, url, stream_prefix, reader_process=False)
    r = redis.Redis.from_url(redis_server.url)
    keys = StreamKeys(stream_prefix)
    with BackgroundWorker(settings) as bg:
        wait_for(lambda: r.hget(heartbeat_key(keys, "w1"), "state") == b"db_down", what="the db_down heartbeat")
    assert bg.error is None
