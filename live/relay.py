"""Reads `<prefix>changes` and emits one batch per 50 ms window to every screen.

Why a relay: a Dash prop keeps only its latest value, so several emitters (workers, web processes)
sending at once make browsers drop events. One relay batching on a short window lost none in the
measurements in docs/decisions.md. Each batch carries the previous and last stream ids: a screen
that sees `prev` differ from the last id it applied knows it missed something and re-reads.
"""

from __future__ import annotations

import json
import logging
import threading
import time

import redis
import socketio

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

    def _read(self, last_id: str, block_ms: int) -> list[tuple[str, dict]]:
        resp = self.redis.xread({self.keys.changes: last_id}, block=block_ms, count=MAX_EVENTS_PER_BATCH)
        out = []
        for _key, entries in resp or []:
            for eid, fields in entries:
                try:
                    out.append((eid.decode(), json.loads(fields[b"event"])))
                except (KeyError, ValueError) as exc:
                    log.warning("skipping unreadable change event %s: %s", eid, exc)
                    out.append((eid.decode(), None))
        return out

    def run(self) -> None:
        last_id = "$"
        while not self.stop.is_set():
            try:
                got = self._read(last_id, 1000)
                if not got:
                    continue
                deadline = time.monotonic() + WINDOW_S
                while len(got) < MAX_EVENTS_PER_BATCH:
                    remaining_ms = int((deadline - time.monotonic()) * 1000)
                    if remaining_ms <= 0:
                        break
                    more = self._read(got[-1][0], remaining_ms)
                    if not more:
                        break
                    got += more
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


def run_relay(settings: Settings) -> None:
    import signal

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("live relay started")
    LiveRelay(settings, stop=stop).run()
