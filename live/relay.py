"""Reads `<prefix>changes` and emits batches to every screen, at most one per 50 ms window.

Why a relay: a Dash prop keeps only its latest value, so several emitters (workers, web processes)
sending at once make browsers drop events. One relay batching on a short window lost none in the
measurements in docs/decisions.md. Each batch carries the previous and last stream ids: a screen
that sees `prev` differ from the last id it applied knows it missed something and asks for the
entries after its last id (GET /wall/changes); each event carries its own stream id (`sid`), so
an event that arrives twice (in a catch-up and in a batch) is applied once.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
import socketio

from data_access.live_changes import decode_change
from data_access.streams import StreamKeys
from domain.live_events import SOCKET_EVENT, SOCKET_NAMESPACE
from settings import Settings

log = logging.getLogger("bcc.live")
WINDOW_S = 0.05
MAX_EVENTS_PER_BATCH = 2000


class LiveRelay:
    def __init__(self, settings: Settings, *, stop: threading.Event | None = None, channel: str = "flask-socketio"):
        self.keys = StreamKeys(settings.stream_prefix)
        self.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=10)
        self.manager = socketio.RedisManager(settings.redis_url, channel=channel, write_only=True)
        self.stop = stop or threading.Event()
        self.prev_id: str | None = None  # None after a (re)start: screens treat the first batch as a gap
        self._emitted_at = 0.0  # time.monotonic() of the last emit

    def _read(self, last_id: str, block_ms: int | None, count: int = MAX_EVENTS_PER_BATCH) -> list[tuple[str, dict | None]]:
        resp = self.redis.xread({self.keys.changes: last_id}, block=block_ms, count=count)
        return [decode_change(eid, fields) for _key, entries in resp or [] for eid, fields in entries]

    def run(self) -> None:
        last_id = "$"
        while not self.stop.is_set():
            try:
                got = self._read(last_id, 1000)
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
                last_id = got[-1][0]
                self.emit([e for _, e in got if e is not None], last_id)
            except redis.RedisError as exc:
                log.warning("Redis unavailable (%s); retrying", exc)
                self.prev_id = None
                last_id = "$"
                self.stop.wait(1.0)

    def emit(self, events: list[dict], last_id: str) -> None:
        batch = {"prev": self.prev_id, "last": last_id, "events": events}
        self.manager.emit(SOCKET_EVENT, batch, namespace=SOCKET_NAMESPACE)
        self.prev_id = last_id
        self._emitted_at = time.monotonic()


def run_relay(settings: Settings) -> None:
    import signal

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("live relay started")
    LiveRelay(settings, stop=stop).run()
