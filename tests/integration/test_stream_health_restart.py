"""Stream health after a Redis restart with AOF: the backlog is counted from entry ids, not XINFO lag."""

from __future__ import annotations

import time

import redis

from data_access.streams import StreamKeys, group_backlog, read_stream_health
from devtools.servers import RedisServer

GROUP = "bcc-ingest"


def _consume_all(r: redis.Redis, key: str) -> None:
    while True:
        got = r.xreadgroup(GROUP, "c1", {key: ">"}, count=50)
        if not got:
            return
        r.xack(key, GROUP, *[eid for eid, _ in got[0][1]])


def _health(r, prefix: str, stream: str):
    return next(h for h in read_stream_health(r, StreamKeys(prefix), GROUP) if h.stream == stream)


def test_backlog_is_true_after_restart_from_a_rewritten_aof(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    prefix = "t:"
    key = f"{prefix}bus_gps"
    try:
        r = redis.Redis.from_url(server.url)
        r.xgroup_create(key, GROUP, id="0", mkstream=True)
        for i in range(300):
            r.xadd(key, {"i": i})
        _consume_all(r, key)
        r.bgrewriteaof()  # the AOF base now holds the group's counters (RDB preamble)
        deadline = time.monotonic() + 10
        while r.info("persistence")["aof_rewrite_in_progress"] and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        for i in range(400):
            r.xadd(key, {"i": i})
        _consume_all(r, key)  # everything processed, nothing pending
        assert _health(r, prefix, "bus_gps").lag == 0

        server.stop(kill=True)
        server.start()
        r = redis.Redis.from_url(server.url)
        redis_lag = next(g for g in r.xinfo_groups(key) if g["name"] == GROUP.encode())["lag"]
        assert redis_lag != 0, "Redis's own lag is right after a restart: the test no longer shows the bug"
        h = _health(r, prefix, "bus_gps")
        assert (h.lag, h.pending, h.lag_at_least) == (0, 0, False)

        for i in range(7):
            r.xadd(key, {"i": i})
        assert _health(r, prefix, "bus_gps").lag == 7
        _consume_all(r, key)
        assert _health(r, prefix, "bus_gps").lag == 0
    finally:
        server.stop()


def test_backlog_counts_both_ways_and_says_when_it_stopped_counting(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    key = f"{stream_prefix}complaints"
    r.xgroup_create(key, GROUP, id="0", mkstream=True)
    pipe = r.pipeline(transaction=False)
    for i in range(2500):
        pipe.xadd(key, {"i": i})
    pipe.execute()
    ids = [eid.decode() for eid, _ in r.xrange(key)]
    length = r.xlen(key)
    assert group_backlog(r, key, "0-0", length, cap=5000) == (2500, True)
    assert group_backlog(r, key, ids[99], length, cap=5000) == (2400, True)
    # forward side longer than the cap: counted from the other side
    assert group_backlog(r, key, ids[1999], length, cap=1000) == (500, True)
    assert group_backlog(r, key, ids[99], length, cap=1000) == (2400, True)
    # both sides longer than the cap: "at least cap"
    assert group_backlog(r, key, ids[1199], length, cap=1000) == (1000, False)
    assert group_backlog(r, key, ids[-1], length, cap=1000) == (0, True)
