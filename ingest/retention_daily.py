"""The worker's daily retention run (data_access/retention.py): once a day, in one worker only.

A thread checks every few minutes; from RETENTION_HOUR (local time) on, the first worker to take the
day's Redis lock (SET NX, kept two days) runs it; the others see the lock and do nothing. A run that
fails gives the lock back, so the next check (in this or another worker) tries again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
from sqlalchemy.orm import Session, sessionmaker

from data_access.retention import RetentionPolicy, RetentionReport, run_retention
from settings import Settings

log = logging.getLogger("bcc.retention")

CHECK_EVERY_S = 300.0
LOCK_TTL_S = 2 * 86_400


class DailyRetention:
    def __init__(
        self,
        *,
        Session: sessionmaker[Session],
        client: redis.Redis,
        settings: Settings,
        clock: Callable[[], datetime],
        stop: threading.Event,
        check_every_s: float = CHECK_EVERY_S,
    ):
        self.Session, self.client, self.settings, self.clock, self.stop = Session, client, settings, clock, stop
        self.check_every_s = check_every_s
        self.zone = ZoneInfo(settings.timezone)
        self.thread: threading.Thread | None = None

    def tick(self, now: datetime | None = None) -> RetentionReport | None:
        """Run retention if it is time and no worker has run it today; returns what it did, else None."""
        local = (now or self.clock()).astimezone(self.zone)
        if self.settings.retention_hour < 0 or local.hour < self.settings.retention_hour:
            return None
        lock = self.settings.stream_key(f"retention:{local.date().isoformat()}")
        if not self.client.set(lock, self.settings.consumer_name, nx=True, ex=LOCK_TTL_S):
            return None
        try:
            report = run_retention(self.Session, RetentionPolicy.from_settings(self.settings), now=now)
        except BaseException:
            self.client.delete(lock)
            raise
        log.info("retention: %s", "; ".join(report.lines()))
        return report

    def _loop(self) -> None:
        while not self.stop.wait(self.check_every_s):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a failed run is retried at the next check
                log.exception("retention run failed; trying again in %.0fs", self.check_every_s)

    def start(self) -> None:
        if self.settings.retention_hour >= 0 and self.thread is None:
            self.thread = threading.Thread(target=self._loop, name="daily-retention", daemon=True)
            self.thread.start()
