"""Stream retention against a real Redis: acknowledged entries go, pending and undelivered ones stay."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import redis

from data_access.stream_retention import trim_acknowledged, trim_streams
from data_access.streams import StreamKeys
from devtools.servers import RedisServer
from tests.integration.helpers import BackgroundWorker, bus_fix, counts, wait_for, worker_settings, xadd_all

GROUP = "bcc-ingest"


def _fill(r: redis.Redis, key: str, n: int) -> list[str]:
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.xadd(key, {"i": i})
    return [eid.decode() for eid in pipe.execute()]


def _read(r: redis.Redis, key: str, group: str, n: int, consumer: str = "c1") -> list[str]:
    got = r.xreadgroup(group, consumer, {key: ">"}, count=n)
    return [eid.decode() for eid, _ in got[0][1]] if got else []


def _ids(r: redis.Redis, key: str) -> list[str]:
    return [eid.decode() for eid, _ in r.xrange(key)]


def test_a_pending_entry_is_never_trimmed(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    key = f"{stream_prefix}complaints"
    r.xgroup_create(key, GROUP, id="0", mkstream=True)
    ids = _fill(r, key, 10)
    assert _read(r, key, GROUP, 10) == ids
    r.xack(key, GROUP, *[i for i in ids if i != ids[3]])  # entry 3 stays pending

    assert trim_acknowledged(r, key) == 3
    assert _ids(r, key) == ids[3:]  # from the pending one on
    assert trim_acknowledged(r, key) == 0  # idempotent

    r.xack(key, GROUP, ids[3])
    assert trim_acknowledged(r, key) == 7
    assert r.xlen(key) == 0


def test_entries_not_yet_delivered_are_kept(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    key = f"{stream_prefix}bus_gps"
    r.xgroup_create(key, GROUP, id="0", mkstream=True)
    ids = _fill(r, key, 10)
    r.xack(key, GROUP, *_read(r, key, GROUP, 4))
    assert trim_acknowledged(r, key) == 4
    assert _ids(r, key) == ids[4:]


def test_a_second_group_that_is_behind_holds_trimming_back(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    key = f"{stream_prefix}emergencies"
    r.xgroup_create(key, GROUP, id="0", mkstream=True)
    r.xgroup_create(key, "archive", id="0")
    ids = _fill(r, key, 10)
    r.xack(key, GROUP, *_read(r, key, GROUP, 10))
    assert trim_acknowledged(r, key) == 0  # "archive" has not been given anything yet

    r.xack(key, "archive", *_read(r, key, "archive", 6, consumer="a1"))
    assert trim_acknowledged(r, key) == 6
    assert _ids(r, key) == ids[6:]


def test_a_stream_nobody_reads_is_not_trimmed(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    key = f"{stream_prefix}complaints"
    _fill(r, key, 5)  # producers started before any worker created its group
    assert trim_acknowledged(r, key) == 0
    assert r.xlen(key) == 5


def test_dead_letters_and_actions_keep_their_configured_age(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    keys = StreamKeys(stream_prefix)
    now = datetime.now(UTC)

    def at(days_ago: float, seq: int) -> str:
        return f"{int((now - timedelta(days=days_ago)).timestamp() * 1000)}-{seq}"

    for key in (keys.deadletter, keys.actions):
        for days_ago, seq in ((40, 0), (31, 0), (29, 0), (1, 0)):
            r.xadd(key, {"x": str(days_ago)}, id=at(days_ago, seq))
    removed = trim_streams(r, keys, now=now, deadletter_keep=timedelta(days=30), actions_keep=timedelta(days=7))
    assert removed["deadletter"] == 2 and removed["actions"] == 3
    assert [f[b"x"] for _, f in r.xrange(keys.deadletter)] == [b"29", b"1"]
    assert [f[b"x"] for _, f in r.xrange(keys.actions)] == [b"1"]
    assert trim_streams(r, keys, now=now, deadletter_keep=timedelta(days=30), actions_keep=timedelta(days=7)) == {
        "complaints": 0,
        "emergencies": 0,
        "bus_gps": 0,
        "deadletter": 0,
        "actions": 0,
    }


def test_memory_stays_flat_under_a_running_worker(migrated_url, stream_prefix, tmp_path):
    """Rounds of bus fixes through a worker that trims: the stream and Redis's memory stay bounded."""
    server = RedisServer(tmp_path / "redis", appendonly=False).start()
    try:
        r = redis.Redis.from_url(server.url)
        key = f"{stream_prefix}bus_gps"
        keys = StreamKeys(stream_prefix)
        rounds, per_round = 6, 3000
        settings = worker_settings(server.url, migrated_url, stream_prefix, stream_trim_every_s=0.2, batch_size=500)
        memory, lengths = [], []
        with BackgroundWorker(settings) as bg:
            for n in range(rounds):
                base = n * per_round
                xadd_all(r, stream_prefix, [("bus_gps", bus_fix(base + i, vehicle=f"TB-{i % 30:02d}")) for i in range(per_round)])
                want = (n + 1) * per_round
                wait_for(lambda want=want: counts(migrated_url)["positions"] >= want, timeout=60, what=f"round {n}")
                time.sleep(0.4)  # one trim after the round's acks
                lengths.append(r.xlen(key))
                # the change stream is capped where it is written (data_access/live_changes.py) and fills up to its cap
                memory.append(r.info("memory")["used_memory"] - (r.memory_usage(keys.changes) or 0))
        assert bg.error is None
        print(f"XLEN after each round: {lengths}; used_memory: {memory}")
        # without trimming the stream would hold rounds * per_round entries (~100 bytes each): XLEN
        # 18,000 and ~1.4 MB more at the end
        assert max(lengths) < per_round, lengths
        assert memory[-1] - memory[1] < 250_000, memory
    finally:
        server.stop()


def test_memory_stays_flat_over_200k_entries(tmp_path):
    """A long run compressed: 200,000 entries in 20 rounds, read and acknowledged by a consumer group
    and trimmed after each round; the stream and Redis's memory end where they were after round 1."""
    server = RedisServer(tmp_path / "redis", appendonly=False).start()
    try:
        r = redis.Redis.from_url(server.url)
        keys = StreamKeys("long:")
        key = keys.inputs["bus_gps"]
        r.xgroup_create(key, GROUP, id="0", mkstream=True)
        fix = bus_fix(1)
        memory, lengths = [], []
        for _round in range(20):
            pipe = r.pipeline(transaction=False)
            for _ in range(10_000):
                pipe.xadd(key, fix)
            pipe.execute()
            while got := r.xreadgroup(GROUP, "c1", {key: ">"}, count=2_000):
                r.xack(key, GROUP, *[eid for eid, _ in got[0][1]])
            trim_streams(r, keys, now=datetime.now(UTC), deadletter_keep=timedelta(days=30), actions_keep=timedelta(days=30))
            lengths.append(r.xlen(key))
            memory.append(r.info("memory")["used_memory"])
        print(f"XLEN after each round: {lengths}; used_memory: {memory[0]} .. {memory[-1]}")
        assert lengths == [0] * 20
        assert memory[-1] - memory[0] < 200_000, memory  # untrimmed: ~100 bytes an entry (issue 11), ~20 MB
    finally:
        server.stop()
