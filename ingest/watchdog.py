"""The SLA watchdog inside the worker process: every N seconds, on its own thread, so a round
never holds up a batch of incoming events. Escalations are announced like operator actions."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

import redis
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from data_access.actions import announce
from data_access.live_changes import ChangePublisher
from data_access.streams import StreamKeys
from data_access.watchdog import SweepResult, sla_sweep
from domain.live_events import due_event

log = logging.getLogger("bcc.watchdog")


class SlaWatchdog:
    def __init__(
        self,
        *,
        Session: sessionmaker[Session],
        client: redis.Redis,
        keys: StreamKeys,
        clock: Callable[[], datetime],
        every_s: float,
        stop: threading.Event,
        cuti_bersama_working: bool = False,
    ):
        self.Session, self.client, self.keys, self.clock = Session, client, keys, clock
        self.cuti_bersama_working = cuti_bersama_working
        self.every_s, self.stop = every_s, stop
        self.thread: threading.Thread | None = None

    def tick(self, now: datetime | None = None) -> SweepResult:
        """One round at `now` (default: the clock): due states, escalations, announcements."""
        started = time.monotonic()
        at = now or self.clock()
        result = sla_sweep(self.Session, now=at, cuti_bersama_working=self.cuti_bersama_working)
        try:
            self.client.hincrby(self.keys.stats, "watchdog:rounds", 1)  # bcc_watchdog_rounds_total (/metrics)
        except redis.RedisError:
            pass  # the round itself counts more than its count
        for outcome in result.escalations:
            announce(self.client, self.keys, outcome, self.Session)
        if result.due_states_changed:
            ChangePublisher(self.client, self.keys.changes).publish(due_event(changed=result.due_states_changed, at=at))
        if result.escalations or result.due_states_changed:
            log.info(
                "watchdog: %d open checked, %d due states changed, %d escalated, %d skipped in %.2fs",
                result.checked, result.due_states_changed, len(result.escalations), result.skipped, time.monotonic() - started,
            )  # fmt: skip
        return result

    def _loop(self) -> None:
        while not self.stop.wait(self.every_s):
            try:
                self.tick()
            except (sa_exc.SQLAlchemyError, redis.RedisError) as exc:
                log.warning("watchdog round failed (%s); trying again in %.0fs", exc, self.every_s)
            except Exception:  # noqa: BLE001 - a bug here must not stop the watchdog for good
                log.exception("watchdog round failed")

    def start(self) -> None:
        if self.every_s > 0 and self.thread is None:
            self.thread = threading.Thread(target=self._loop, name="sla-watchdog", daemon=True)
            self.thread.start()

    def join(self, timeout: float = 10.0) -> None:
        if self.thread is not None:
            self.thread.join(timeout)
