"""Runs the demo feed against Redis: XADD in small pipelined batches every half second."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

import redis

from data_access.streams import StreamKeys
from domain.sla import WIB
from simulator.feed import DemoFeed

log = logging.getLogger("bcc.sim")
TICK_S = 0.5
OPERATORS_EVERY_S = 2.0


def run_feed(
    client: redis.Redis,
    keys: StreamKeys,
    feed: DemoFeed,
    *,
    duration_s: float | None = None,
    stop: threading.Event | None = None,
    operators=None,
) -> dict[str, int]:
    """Append what the feed produces until `duration_s` passes or `stop` is set; returns counts."""
    stop = stop or threading.Event()
    counts = {"complaints": 0, "emergencies": 0, "bus_gps": 0}
    started = time.monotonic()
    last = last_ops = started
    while not stop.is_set():
        now_mono = time.monotonic()
        if duration_s is not None and now_mono - started >= duration_s:
            break
        entries = feed.due(datetime.now(WIB), now_mono - last)
        last = now_mono
        if entries:
            try:
                pipe = client.pipeline(transaction=False)
                for stream, fields in entries:
                    pipe.xadd(keys.stream(stream), fields)
                pipe.execute()
                for stream, _ in entries:
                    counts[stream] += 1
            except redis.ConnectionError as exc:
                log.warning("Redis unavailable, demo entries of this tick not sent: %s", exc)
        if operators is not None and now_mono - last_ops >= OPERATORS_EVERY_S:
            last_ops = now_mono
            try:
                operators.step(datetime.now(WIB))
            except Exception as exc:  # noqa: BLE001 - the demo feed keeps running whatever the demo operators hit
                log.warning("demo operators: %s", exc)
        stop.wait(TICK_S)
    return counts
