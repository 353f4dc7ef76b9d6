"""The ingest worker's child process: it reads the next batch from Redis, validates and enriches it,
while the worker writes the current one.

Why: per batch, reading (parsing Redis replies), validating and enriching cost about as much Python
time as SQLAlchemy spends turning rows into statement parameters. In one process the GIL runs them
one after the other, so a read-ahead thread gained little (bench/ingest.py: ~40 % of the
bare-INSERT ceiling). Here they run in a process of their own. Per batch the worker asks for the next
batch (one message) and receives the raw entries, read by XREADGROUP as this worker's consumer,
with their rows (`ingest.prepare.prepare_batch`), pickled through a socket pair: one round trip,
so the worker's reading thread rarely has to win the GIL back from the writing thread.

The child is only an accelerator and never acknowledges anything. Whenever it is still starting,
fails, answers late or is gone, the worker reads and prepares batches itself with the same
functions and restarts the child later; if the child is lost in the middle of a read, the worker
re-reads its own pending entries, so an entry read by a child that died is not left behind.
Entries stay pending in Redis until the worker has committed them, exactly as without the child.

The child is a plain `python -m ingest.reader_process` (not multiprocessing's spawn, which would
re-run whatever script started the worker); it ends when the worker closes its end of the pipe,
also when the worker is killed.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import redis

from ingest.prepare import ChildContext, Prepared, RawEntry

log = logging.getLogger("bcc.ingest")
PROJECT_DIR = Path(__file__).resolve().parent.parent
CHILD_NICENESS = 10


class ChildLost(Exception):
    """The child ended or stopped answering during a read: it may have read entries nobody will write."""


class ReaderProcess:
    """The worker's handle on its child. `next_batch()` returns None whenever the worker should read
    the batch itself, and never waits longer than the read's block time plus `timeout_s`."""

    def __init__(self, redis_url: str, socket_timeout_s: float, *, timeout_s: float = 30.0, restart_after_s: float = 30.0):
        self.redis_url = redis_url
        self.socket_timeout_s = socket_timeout_s
        self.timeout_s = timeout_s
        self.restart_after_s = restart_after_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._sent_version: int | None = None
        self._failed_at: float | None = None
        self.batches = 0  # batches the child read and prepared (tests and the benchmark read it)

    def start(self) -> None:
        """Start the child without waiting for it: until it says it is ready, the worker works alone.
        Does nothing while a child is running."""
        with self._lock:
            if not self.running:
                self._discard(failed=False)  # a child that ended unnoticed: close its pipe first
                self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        path = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ingest.reader_process", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                env={**os.environ, "PYTHONPATH": path},
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("could not start the reader process (%s); the worker reads and prepares batches itself", exc)
            ours.close()
            self._failed_at = time.monotonic()
            return
        finally:
            theirs.close()
        self._conn = Connection(ours.detach())
        self._ready, self._sent_version, self._failed_at = False, None, None
        self._conn.send(("config", self.redis_url, self.socket_timeout_s))

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def ready(self) -> bool:
        """The child said it is ready (noticed at the worker's next read)."""
        return self._ready and self.running

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the child is ready (tests and the benchmark use this; the worker never waits)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:  # taken and released in turn, so the worker is never held up
                if self._check_ready(block_s=0.05):
                    return True
            time.sleep(0.01)
        return False

    def next_batch(
        self,
        group: str,
        consumer: str,
        streams: dict[str, tuple[str, str]],
        count: int,
        block_ms: int | None,
        context: ChildContext,
        now: datetime,
    ) -> tuple[list[RawEntry], Prepared | None] | None:
        """XREADGROUP in the child, then validation and enrichment of what it read.

        `streams`: {stream key: (stream name, start id)}; `now`: the worker's clock, which the child
        advances by the time the read took. Returns (entries as (stream name, entry id, fields),
        their preparation or None when the worker must prepare them), or None when the worker
        should read itself (the child is not ready, or the read failed otherwise than by a lost
        connection: nothing was read). Raises redis.ConnectionError when Redis is unreachable from
        the child, ChildLost when the child failed in the middle of the call.
        """
        with self._lock:
            self._maybe_restart()
            if not self._check_ready():
                return None
            answer = self._ask(context, ("next", group, consumer, streams, count, block_ms, now), (block_ms or 0) / 1000)
        return self._unpack(answer)

    def _unpack(self, answer) -> tuple[list[RawEntry], Prepared | None] | None:
        kind = answer[0]
        if kind == "batch":
            _, raw, good, bad, rows = answer
            self.batches += bool(raw)
            return raw, Prepared(good=good, bad=bad, rows=rows, events=None)
        if kind == "read-only":  # read, but preparing failed: the worker prepares these entries
            log.warning("reader process could not prepare a batch (%s); the worker prepares it", answer[2])
            return answer[1], None
        if kind == "redis-error":
            raise redis.ConnectionError(f"in the reader process: {answer[1]}")
        log.warning("reader process could not read (%s); the worker reads this batch itself", answer[1])
        return None

    def take_held(self, context: ChildContext, now: datetime) -> tuple[list[RawEntry], Prepared | None] | None:
        """At a clean stop: the batch the child read ahead and holds, if any (it reads nothing new)."""
        with self._lock:
            if not self._ready or self._conn is None:
                return None
            try:
                answer = self._ask(context, ("held", now))
            except ChildLost:  # what it read ahead stays pending and is claimed later
                return None
        return self._unpack(answer)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            if self._proc is not None:
                try:
                    self._proc.wait(timeout=5.0)
                except subprocess.TimeoutExpired:
                    pass
            self._discard(failed=False)

    # -- internals --

    def _ask(self, context: ChildContext, request: tuple, extra_wait_s: float = 0.0):
        """Send the reference data if it changed, then `request`; its answer. A broken pipe, a dead
        child or no answer within `timeout_s` (+ `extra_wait_s`) discards the child: ChildLost."""
        try:
            if context.version != self._sent_version:
                self._conn.send(("context", context))
                self._sent_version = context.version
            self._conn.send(request)
            if not self._conn.poll(self.timeout_s + extra_wait_s):
                raise TimeoutError(f"no answer within {self.timeout_s + extra_wait_s:.0f} s")
            return self._conn.recv()
        except Exception as exc:  # noqa: BLE001 - pipe broken, child dead or stuck
            log.warning("reader process failed (%s); the worker reads and prepares batches itself for now", exc)
            self._discard()
            raise ChildLost(str(exc)) from exc

    def _check_ready(self, block_s: float = 0.0) -> bool:
        if self._ready:
            return True
        if self._conn is None:
            return False
        try:
            if self._conn.poll(block_s) and self._conn.recv() == ("ready",):
                self._ready = True
        except (EOFError, OSError):
            log.warning("reader process ended while starting; the worker reads and prepares batches itself")
            self._discard()
        return self._ready

    def _discard(self, failed: bool = True) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            try:
                self._proc.wait(timeout=5.0)
            except subprocess.TimeoutExpired:  # not reaped yet; it cannot outlive the closed pipe
                log.warning("reader process %s did not end after SIGKILL within 5 s", self._proc.pid)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None
        self._ready = False
        if failed:
            self._failed_at = time.monotonic()

    def _maybe_restart(self) -> None:
        if self._proc is not None or self._failed_at is None:
            return
        if time.monotonic() - self._failed_at >= self.restart_after_s:
            log.info("restarting the reader process")
            self._start()


class _ChildLoop:
    """The child's side. In: config, context, next, held, None (stop). Out: one answer per next/held.

    After answering a full batch read with ">" it reads and prepares the following one at once
    (without blocking) and holds it, so the worker's next request is usually answered without
    waiting: the child works a whole batch ahead. Held entries are pending in Redis under the
    worker's consumer like any read entry; if the worker never asks for them (it stopped or lost
    the child), it re-reads them from its pending list or another worker claims them.
    """

    def __init__(self, conn: Connection):
        from domain.sla import warm_holidays
        from geo import AreaIndex

        self.conn = conn
        self.areas = AreaIndex()
        warm_holidays(datetime.now().date())
        self.client: redis.Redis | None = None
        self.contract = self.enrich = None
        self.clock_offset = timedelta(0)  # the worker's clock minus ours (tests give workers fixed clocks)
        self.ahead = None  # an answer read and prepared before it was asked for

    def run(self) -> None:
        # Lower priority: the writer and the database must not wait for work that is a batch ahead
        # (PostgreSQL, two cores: 46-50 % of the ceiling at the same priority, 52-53 % niced).
        os.nice(CHILD_NICENESS)
        gc.collect()
        gc.freeze()  # as the worker does: the start-up heap is not rescanned by every full collection
        try:
            self.conn.send(("ready",))
            while (msg := self.conn.recv()) is not None:
                if msg[0] == "config":
                    self.client = redis.Redis.from_url(msg[1], socket_timeout=msg[2])
                elif msg[0] == "context":
                    self._set_context(msg[1])
                elif msg[0] == "next":
                    self._next(*msg[1:])
                elif msg[0] == "held":
                    self.conn.send(self._take_ahead(msg[1]) or ("batch", [], [], [], None))
        except (EOFError, OSError):
            return  # the worker closed its end or is gone

    def _set_context(self, ctx: ChildContext) -> None:
        from ingest.enrich import EnrichContext

        self.contract = ctx.contract
        self.enrich = EnrichContext(
            areas=self.areas,
            posts=ctx.posts,
            policies=ctx.policies,
            kelurahan_centers=ctx.kelurahan_centers,
            calendar=ctx.calendar,
        )

    def _take_ahead(self, now: datetime):
        """Note the worker's clock; hand over the batch read ahead, if any."""
        self.clock_offset = now - datetime.now(UTC)
        answer, self.ahead = self.ahead, None
        return answer

    def _next(self, group, consumer, streams, count, block_ms, now) -> None:
        answer = self._take_ahead(now)
        if answer is None:
            answer = self._read_and_prepare(group, consumer, streams, count, block_ms)
        self.conn.send(answer)
        full = answer[0] == "batch" and len(answer[1]) >= count
        if full and all(start == ">" for _, start in streams.values()):
            ahead = self._read_and_prepare(group, consumer, streams, count, None)
            if not (ahead[0] == "batch" and not ahead[1]):  # nothing new yet: the next request blocks instead
                self.ahead = ahead

    def _read_and_prepare(self, group, consumer, streams, count, block_ms):
        from ingest.prepare import prepare_batch

        try:
            resp = self.client.xreadgroup(
                group, consumer, {k: start for k, (_, start) in streams.items()}, count=count, block=block_ms
            )
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            return ("redis-error", f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - e.g. NOGROUP: nothing read; the worker reads itself
            return ("error", f"{type(exc).__name__}: {exc}")
        raw = [(streams[key.decode()][0], eid.decode(), fields) for key, items in (resp or []) for eid, fields in items]
        if not raw:
            return ("batch", raw, [], [], None)
        try:
            if self.contract is None or self.enrich is None:
                raise RuntimeError("no reference data received yet")
            p = prepare_batch(raw, self.contract, self.enrich, datetime.now(UTC) + self.clock_offset)
        except Exception as exc:  # noqa: BLE001 - reported; the worker prepares this batch itself
            return ("read-only", raw, f"{type(exc).__name__}: {exc}")
        return ("batch", raw, p.good, p.bad, p.rows)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole process group: the worker decides
    logging.basicConfig(level=logging.WARNING)
    _ChildLoop(Connection(int(sys.argv[1]))).run()
