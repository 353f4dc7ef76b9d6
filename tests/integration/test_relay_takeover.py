"""Two live relays, the leader killed (SIGKILL) under a steady feed: the other takes over within 5 s,
and every Socket.IO client (python-socketio, against the real web app on a real port) gets every
event, applied once. Real Redis, real relay processes, real websockets.

The relays run as the Procfile runs them: one supervisor (`live-relay --replicas 2`) with two relay
processes, so the test also sees the supervisor replace the killed one."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest
import redis
import socketio
from werkzeug.serving import make_server

from app import create_dash
from data_access.live_changes import ChangePublisher, stream_id_key
from data_access.streams import StreamKeys
from devtools.servers import free_port, prepare_database
from domain.live_events import HEARTBEAT_EVENT, SOCKET_EVENT, SOCKET_NAMESPACE, change_event
from live.keys import LiveKeys
from live.relay import LiveRelay
from tests.integration.helpers import wait_for, worker_settings

PROJECT = Path(__file__).resolve().parents[2]
TOKEN = "uji-relay-789"
RATE = 100  # change events per second
FEED_S = 8.0
KILL_AFTER_S = 2.0


class Screen:
    """A Socket.IO client that applies events as assets/wall.js does: by stream id, each once."""

    def __init__(self, url: str):
        self.client = socketio.Client(reconnection=True)
        self.last: str | None = None
        self.applied: Counter[str] = Counter()
        self.received = 0  # events as they came, repeats included
        self.gaps = 0  # batches whose `prev` said something before them never arrived
        self.beats: list[tuple[float, str | None]] = []
        self.batch_times: list[float] = []
        self.lock = threading.Lock()
        self.client.on(SOCKET_EVENT, self.on_batch, namespace=SOCKET_NAMESPACE)
        self.client.on(HEARTBEAT_EVENT, self.on_beat, namespace=SOCKET_NAMESPACE)
        self.client.connect(
            url, namespaces=[SOCKET_NAMESPACE], auth={"token": TOKEN, "page": "wall"}, transports=["websocket"], wait_timeout=10
        )

    def newer(self, sid: str) -> bool:
        return self.last is None or stream_id_key(sid) > stream_id_key(self.last)

    def on_batch(self, batch):
        with self.lock:
            self.batch_times.append(time.monotonic())
            if self.last is not None and (batch["prev"] is None or self.newer(batch["prev"])):
                self.gaps += 1
            for ev in batch["events"]:
                self.received += 1
                if self.newer(ev["sid"]):
                    self.applied[ev["sid"]] += 1
                    self.last = ev["sid"]

    def on_beat(self, beat):
        with self.lock:
            self.beats.append((time.monotonic(), beat.get("last")))


@pytest.fixture
def web(redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    settings = worker_settings(redis_server.url, url, stream_prefix, wall_token=TOKEN)
    app = create_dash(settings)
    server = make_server("127.0.0.1", free_port(), app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield settings, f"http://127.0.0.1:{server.server_port}", app.server.test_client()
    server.shutdown()


def start_relays(settings) -> subprocess.Popen:
    env = {
        **os.environ,
        "REDIS_URL": settings.redis_url,
        "DATABASE_URL": settings.database_url,
        "STREAM_PREFIX": settings.stream_prefix,
        "LIVE_RELAY_LOCK_TTL_S": "3",
        "LIVE_HEARTBEAT_S": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "live.relay", "2"], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def relay_processes(supervisor: subprocess.Popen) -> list[psutil.Process]:
    """The supervisor's relay children (multiprocessing also starts a resource tracker)."""
    return [c for c in psutil.Process(supervisor.pid).children() if "spawn_main" in " ".join(c.cmdline())]


def leader(r, prefix) -> str | None:
    name = r.hget(LiveKeys(prefix).relay_state, "leader")
    return name.decode() if name else None


def test_killing_the_leader_loses_nothing_and_doubles_nothing(web):
    settings, url, http = web
    r = redis.Redis.from_url(settings.redis_url)
    supervisor = start_relays(settings)
    screens = []
    try:
        relays = wait_for(lambda: len(c := relay_processes(supervisor)) == 2 and c, 20, what="two relay processes")
        screens = [Screen(url), Screen(url)]
        wait_for(lambda: all(s.beats for s in screens), 15, what="a heartbeat on every screen")
        metrics = http.get("/metrics").get_data(as_text=True)
        assert 'bcc_screens_connected{kind="wall"} 2.0' in metrics

        publisher = ChangePublisher(r, StreamKeys(settings.stream_prefix).changes)
        published: list[str] = []
        at = datetime.now(UTC)

        def feed():
            start = time.monotonic()
            i = 0
            while time.monotonic() - start < FEED_S:
                ev = change_event(complaints=[{"id": i, "title": f"Aduan {i}", "status": "baru"}], at=at)
                published.append(publisher.publish(ev))
                i += 1
                time.sleep(max(0.0, start + i / RATE - time.monotonic()))

        feeder = threading.Thread(target=feed)
        feeder.start()
        time.sleep(KILL_AFTER_S)
        old = leader(r, settings.stream_prefix)
        victim = next(p for p in relays if old.endswith(f"-{p.pid}"))
        victim.kill()  # SIGKILL: no clean hand-over
        killed_at = time.monotonic()
        new = wait_for(lambda: (n := leader(r, settings.stream_prefix)) != old and n, 6, interval=0.02, what="a new leader")
        takeover_s = time.monotonic() - killed_at
        feeder.join()

        # the other relay, or the one the supervisor started in the victim's place, whichever took the lock
        assert not new.endswith(f"-{victim.pid}")
        assert takeover_s < 5.0, takeover_s
        now_running = wait_for(lambda: len(c := relay_processes(supervisor)) == 2 and c, 10, what="two relays again")
        assert victim.pid not in {p.pid for p in now_running}  # the supervisor replaced the killed one
        assert any(new.endswith(f"-{p.pid}") for p in now_running)
        wait_for(lambda: all(set(s.applied) >= set(published) for s in screens), 15, what="every event on every screen")
        for s in screens:
            with s.lock:
                lost = [sid for sid in published if sid not in s.applied]
                doubled = [sid for sid, n in s.applied.items() if n > 1]
                assert lost == [] and doubled == [], (len(lost), len(doubled))
                assert set(s.applied) == set(published)  # nothing that was not published
                assert s.gaps == 0  # the new leader resumed right after the last id relayed
                # no batch stopped for longer than the take-over
                pauses = [b - a for a, b in zip(s.batch_times, s.batch_times[1:], strict=False)]
                assert max(pauses) < 5.0
        print(
            f"\ntake-over {takeover_s:.2f} s; {len(published)} events; per screen received "
            f"{[s.received for s in screens]}, applied {[sum(s.applied.values()) for s in screens]}, "
            f"longest pause {[round(max(b - a for a, b in zip(s.batch_times, s.batch_times[1:], strict=False)), 2) for s in screens]} s"
        )
    finally:
        for s in screens:
            s.client.disconnect()
        supervisor.terminate()  # it stops its relays
        supervisor.wait(15)


def test_a_new_leader_resumes_after_the_last_relayed_id_unless_it_was_trimmed(redis_server, stream_prefix):
    settings = worker_settings(redis_server.url, "sqlite://", stream_prefix)
    r = redis.Redis.from_url(redis_server.url)
    publisher = ChangePublisher(r, StreamKeys(stream_prefix).changes)
    ids = [publisher.publish(change_event(complaints=[{"id": i}], at=datetime.now(UTC))) for i in range(5)]
    state = LiveKeys(stream_prefix).relay_state
    relay = LiveRelay(settings)

    r.hset(state, mapping={"at": time.time(), "last": ids[1], "leader": "old"})
    assert relay._start_point() == ids[1] and relay.prev_id == ids[1]  # the next batch continues without a gap

    r.hset(state, mapping={"at": time.time() - 600})  # the last leader died long ago
    assert relay._start_point() == ids[-1] and relay.prev_id is None  # from now on; screens catch up themselves

    r.hset(state, mapping={"at": time.time()})
    r.xtrim(StreamKeys(stream_prefix).changes, maxlen=2, approximate=False)  # ids[2] is gone
    assert relay._start_point() == ids[1] and relay.prev_id is None  # a gap the screens must see


def test_a_leader_that_lost_its_lock_stops(redis_server, stream_prefix):
    settings = worker_settings(redis_server.url, "sqlite://", stream_prefix)
    r = redis.Redis.from_url(redis_server.url)
    first, second = LiveRelay(settings, name="a"), LiveRelay(settings, name="b")
    assert first._try_lead() and not second._try_lead()  # one leader at a time
    r.delete(LiveKeys(stream_prefix).relay_lock)  # as if its TTL ran out while it was paused
    assert second._try_lead()
    assert not first._keep_lead(force=True) and not first.leading  # it follows again, it does not emit
    assert second._keep_lead(force=True)
