"""Reads `<prefix>changes` and emits batches to every screen, at most one per 50 ms window.

Why a relay: a Dash prop keeps only its latest value, so several emitters (workers, web processes)
sending at once make browsers drop events. One relay batching on a short window lost none in the
measurements in docs/decisions.md. Each batch carries the previous and last stream ids: a screen
that sees `prev` differ from the last id it applied knows it missed something and asks for the
entries after its last id (GET /wall/changes); each event carries its own stream id (`sid`), so
an event that arrives twice (in a catch-up and in a batch) is applied once.

No single point of failure: run two (or more) relays. They elect one leader through a Redis lock
with a short TTL (`LIVE_RELAY_LOCK_TTL_S`, default 3 s) that the leader renews; only the leader
reads and emits. When it dies, its lock expires and another relay takes over within the TTL plus
one follower poll (under 5 s with the defaults). The leader writes the last id it relayed to
`<prefix>live:relay` after every emit, and a new leader resumes right after that id, so nothing
is skipped; an entry the old leader emitted just before dying may be emitted again, and every
screen applies it once (by `sid`). The leader also sends a heartbeat on the socket every
`LIVE_HEARTBEAT_S` carrying that last id: a screen that hears none for ~6 s knows its live link is
dead (assets/wall.js), and one whose last applied id is older catches up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

import redis
import socketio
from redis.exceptions import LockError

from data_access.live_changes import changes_after, decode_change
from data_access.streams import StreamKeys, entry_time
from domain.live_events import HEARTBEAT_EVENT, SOCKET_EVENT, SOCKET_NAMESPACE
from live.keys import LiveKeys
from settings import Settings

log = logging.getLogger("bcc.live")
WINDOW_S = 0.05
MAX_EVENTS_PER_BATCH = 2000
FOLLOWER_POLL_S = 0.5  # how often a follower tries to take the lock
RESUME_WITHIN_S = 120.0  # a new leader resumes from the last relayed id if it is this recent; else from now
# push latency buckets (seconds): change-stream entry (XADD, Redis clock) → emitted by the relay
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def relay_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class LiveRelay:
    def __init__(
        self,
        settings: Settings,
        *,
        stop: threading.Event | None = None,
        channel: str = "flask-socketio",
        name: str | None = None,
    ):
        self.keys = StreamKeys(settings.stream_prefix)
        self.live_keys = LiveKeys(settings.stream_prefix)
        self.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=10, socket_connect_timeout=5)
        self.manager = socketio.RedisManager(settings.redis_url, channel=channel, write_only=True)
        self.stop = stop or threading.Event()
        self.name = name or relay_name()
        self.ttl_s = settings.relay_lock_ttl_s
        self.heartbeat_s = settings.live_heartbeat_s
        self.lock = self.redis.lock(self.live_keys.relay_lock, timeout=self.ttl_s, thread_local=False)
        self.prev_id: str | None = None  # None: screens treat the first batch as a gap
        self.last_id: str | None = None  # the last change-stream id emitted (or resumed from)
        self.leading = False
        self.leader_since: float | None = None  # time.monotonic() when this relay last became leader
        self._emitted_at = 0.0  # time.monotonic() of the last emit
        self._renewed_at = 0.0
        self._beat_at = 0.0

    # ---- leadership -----------------------------------------------------------------------------

    def _try_lead(self) -> bool:
        if not self.lock.acquire(blocking=False):
            return False
        self.leading, self.leader_since, self._renewed_at = True, time.monotonic(), time.monotonic()
        log.info("live relay %s is now the leader", self.name)
        return True

    def _keep_lead(self, force: bool = False) -> bool:
        """Renew the lock every third of its TTL; False (and follower again) when it was lost."""
        if not force and time.monotonic() - self._renewed_at < self.ttl_s / 3:
            return True
        try:
            self.lock.reacquire()
        except LockError:
            log.warning("live relay %s lost the leader lock; following", self.name)
            self.leading = False
            return False
        self._renewed_at = time.monotonic()
        return True

    def _step_down(self) -> None:
        if self.leading:
            self.leading = False
            try:
                self.lock.release()  # a clean stop hands over at once, without waiting for the TTL
            except (LockError, redis.RedisError):
                pass

    # ---- where to start -------------------------------------------------------------------------

    def _start_point(self) -> str:
        """The id to read after: the last one relayed (by any relay) if recent, else the stream's end."""
        state = self.redis.hgetall(self.live_keys.relay_state)
        last, at = state.get(b"last"), state.get(b"at")
        if last and at and time.time() - float(at) <= RESUME_WITHIN_S:
            resume = last.decode()
            # nothing skipped, so no gap for the screens; unless the stream's cap trimmed entries after it
            self.prev_id = None if changes_after(self.redis, self.keys.changes, resume, limit=1).trimmed else resume
            return resume
        try:
            end = self.redis.xinfo_stream(self.keys.changes)["last-generated-id"]
            end = end.decode() if isinstance(end, bytes) else end
        except redis.ResponseError:  # no stream yet
            end = "0-0"
        self.prev_id = None  # what came while no relay ran is caught up by each screen
        return end

    # ---- the loop -------------------------------------------------------------------------------

    def _read(self, last_id: str, block_ms: int | None, count: int = MAX_EVENTS_PER_BATCH) -> list[tuple[str, dict | None]]:
        resp = self.redis.xread({self.keys.changes: last_id}, block=block_ms, count=count)
        return [decode_change(eid, fields) for _key, entries in resp or [] for eid, fields in entries]

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    if not self.leading and not self._try_lead():
                        self.stop.wait(FOLLOWER_POLL_S)
                        continue
                    self._lead()
                except redis.RedisError as exc:
                    # still leading if the lock outlives the outage (_keep_lead finds out when it renews)
                    log.warning("Redis unavailable (%s); retrying", exc)
                    self.stop.wait(1.0)
                except Exception:  # noqa: BLE001 - a bug in one batch must not end the relay for good
                    log.exception("live relay round failed; going on")
                    self.stop.wait(1.0)
        finally:
            self._step_down()

    def _lead(self) -> None:
        last_id = self._start_point()
        self.last_id = last_id
        self._beat_at = 0.0
        while not self.stop.is_set() and self._keep_lead():
            if time.monotonic() - self._beat_at >= self.heartbeat_s:
                self.heartbeat()
            got = self._read(last_id, 500)
            if not got:
                continue
            # At most one batch per window: what comes within WINDOW_S of the last emit waits
            # for the window to end and goes with everything that arrived meanwhile; what comes
            # later goes at once (a quiet stream gains nothing by waiting). The wait is a sleep
            # followed by a read that does not block, not XREAD BLOCK with the time left: Redis
            # times out blocked commands only every 1000/hz ms (100 ms at the default hz 10),
            # which stretched a 50 ms window to 100-150 ms.
            wait = self._emitted_at + WINDOW_S - time.monotonic()
            if wait > 0 and len(got) < MAX_EVENTS_PER_BATCH:
                time.sleep(wait)
                got += self._read(got[-1][0], None, MAX_EVENTS_PER_BATCH - len(got))
            if not self._keep_lead(force=time.monotonic() - self._renewed_at > self.ttl_s / 2):
                return  # another relay leads now and sends these itself
            last_id = got[-1][0]
            self.emit([e for _, e in got if e is not None], last_id)

    def emit(self, events: list[dict], last_id: str) -> None:
        batch = {"prev": self.prev_id, "last": last_id, "events": events}
        self.manager.emit(SOCKET_EVENT, batch, namespace=SOCKET_NAMESPACE)
        self.prev_id = self.last_id = last_id
        self._emitted_at = time.monotonic()
        self._record(events)

    def heartbeat(self) -> None:
        """Tell every screen the link is alive and how far the relay has got."""
        self.manager.emit(HEARTBEAT_EVENT, {"at": int(time.time() * 1000), "last": self.last_id}, namespace=SOCKET_NAMESPACE)
        self._beat_at = time.monotonic()
        self._record([])

    def _record(self, events: list[dict]) -> None:
        """The relay state (for a successor and /readyz) and the push latency histogram (/metrics)."""
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        state = {"at": f"{now:.3f}", "leader": self.name}
        if self.last_id:
            state["last"] = self.last_id
        pipe.hset(self.live_keys.relay_state, mapping=state)
        if events:
            counts = [0] * (len(LATENCY_BUCKETS) + 1)
            total = 0.0
            for ev in events:
                latency = max(0.0, now - entry_time(ev["sid"]).timestamp())
                total += latency
                counts[next((i for i, b in enumerate(LATENCY_BUCKETS) if latency <= b), len(LATENCY_BUCKETS))] += 1
            for bound, n in zip((*LATENCY_BUCKETS, "+Inf"), counts, strict=True):
                if n:
                    pipe.hincrby(self.live_keys.push_latency, f"bucket:{bound}", n)
            pipe.hincrby(self.live_keys.push_latency, "count", len(events))
            pipe.hincrbyfloat(self.live_keys.push_latency, "sum", total)
        pipe.execute()


def run_relay(settings: Settings) -> None:
    """One relay (a follower until it holds the lock); SIGTERM/SIGINT stop it and hand over at once."""
    import signal

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("live relay %s started (leader election through %s)", relay_name(), LiveKeys(settings.stream_prefix).relay_lock)
    LiveRelay(settings, stop=stop).run()


def run_relays(settings: Settings, replicas: int) -> None:
    """`replicas` relay processes, each restarted when it dies: one Procfile line that survives a crash.

    honcho (`make run`) stops everything when one of its processes ends, so the relays cannot be two
    Procfile lines that may crash; under systemd or Kubernetes run `live-relay` twice instead, with
    the service manager restarting each."""
    import multiprocessing
    import signal

    ctx = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    procs: list = [None] * replicas
    while not stop.is_set():
        for i, proc in enumerate(procs):
            if proc is None or not proc.is_alive():
                if proc is not None:
                    log.warning("live relay process %s ended (exit code %s); starting another", proc.pid, proc.exitcode)
                procs[i] = ctx.Process(target=run_relay, args=(settings,), name=f"live-relay-{i + 1}", daemon=True)
                procs[i].start()
        stop.wait(1.0)
    for proc in procs:
        if proc is not None and proc.is_alive():
            proc.terminate()
    for proc in procs:
        if proc is not None:
            proc.join(10)


if __name__ == "__main__":  # python -m live.relay [REPLICAS]: as `flask --app app live-relay`, without the app
    import sys

    from settings import load_settings

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    run_relays(load_settings(), n) if n > 1 else run_relay(load_settings())
