"""The ingest worker: consumer-group reads, validation, enrichment, idempotent batch writes.

Guarantees (docs/ingest.md):
- an entry is acknowledged only after its effect is committed (or it is in the dead-letter stream);
- nothing is applied twice: every row is keyed by the producer's event_id;
- entries left pending by a dead worker are claimed (XAUTOCLAIM) and finished by a live one;
- while the database or Redis is down the worker waits and retries; it never skips a batch.
"""

from __future__ import annotations

import gc
import json
import logging
import random
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import exc as sa_exc

from data_access.announcements import deliver_pending
from data_access.closed_days import work_calendar
from data_access.db import make_engine, make_session_factory
from data_access.ingest_store import store_rows
from data_access.live_changes import ChangePublisher
from data_access.reference import active_posts, category_policies, contract_context, kelurahan_centers
from data_access.stream_retention import trim_streams
from data_access.streams import StreamKeys, entry_time, group_backlog
from data_access.worker_status import clear_heartbeat, reference_counts, write_heartbeat
from domain.event_content import CONFLICT_REASON
from domain.live_events import change_event
from domain.sla import warm_holidays
from domain.worker_state import WorkerState, missing_reference_data
from geo import AreaIndex
from ingest.enrich import EnrichContext, build_rows
from ingest.prepare import ChildContext, Prepared, prepare_batch, validate_batch
from ingest.reader_process import ChildLost, ReaderProcess
from ingest.retention_daily import DailyRetention
from ingest.watchdog import SlaWatchdog
from settings import Settings

log = logging.getLogger("bcc.ingest")

CONTEXT_REFRESH_S = 60.0
LAG_REFRESH_S = 1.0
LAG_COUNT_CAP = 2_000  # the stats hash's `:lag` is counted up to this each second (then "at least" this)
HEARTBEAT_EVERY_S = 5.0  # data_access/worker_status.py: the key expires 60 s after the last beat
OUTBOX_EVERY_S = 5.0  # held-back bcc:actions entries (Redis was down when an operator acted)
# Errors that mean "this data cannot be stored" rather than "the database is not there".
_DATA_ERRORS = (sa_exc.IntegrityError, sa_exc.DataError)


@dataclass(slots=True, eq=False)  # compared by identity; 3x cheaper to create than frozen (50,000 per bench run)
class Entry:
    stream: str  # name without prefix: complaints / emergencies / bus_gps
    entry_id: str
    fields: dict[bytes, bytes] | None  # None: the entry was deleted before it was processed


class ReferenceDataMissing(RuntimeError):
    """The database answers but has no categories / kelurahan / agencies yet: do not consume."""

    def __init__(self, missing: tuple[str, ...]):
        self.missing = missing
        super().__init__(
            f"reference data missing ({', '.join(missing)}): not consuming the streams until it is loaded (flask --app app seed)"
        )


class Backoff:
    """Exponential back-off with jitter, capped; `reset()` after a success."""

    def __init__(self, cap_s: float, first_s: float = 0.1):
        self.cap_s, self.first_s, self.delay = cap_s, first_s, first_s

    def next(self) -> float:
        d = min(self.delay, self.cap_s)
        self.delay = min(self.delay * 2, self.cap_s)
        return d * (0.8 + 0.4 * random.random())

    def reset(self) -> None:
        self.delay = self.first_s


class IngestWorker:
    def __init__(self, settings: Settings, *, stop: threading.Event | None = None, clock: Callable[[], datetime] | None = None):
        self.settings = settings
        self.keys = StreamKeys(settings.stream_prefix)
        self.stop = stop or threading.Event()
        self.clock = clock or (lambda: datetime.now(UTC))
        redis_timeout_s = max(5.0, settings.block_ms / 1000 + 5)  # a blocking read must not time out
        self.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=redis_timeout_s)
        self.engine = make_engine(settings.database_url)
        self.Session = make_session_factory(self.engine)
        self.publisher = ChangePublisher(self.redis, self.keys.changes)
        self.areas = AreaIndex()
        warm_holidays(self.clock().date())
        self._context_loaded_at = 0.0
        self._last_claim = 0.0
        self._last_lag = 0.0
        self._last_outbox = 0.0
        self._last_beat = 0.0
        self._last_trim = 0.0
        self._state: WorkerState | None = None
        self._read_pending = True  # first finish what this consumer already holds
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-read-ahead")
        self._prefetch: Future | None = None
        self.watchdog = SlaWatchdog(
            Session=self.Session,
            client=self.redis,
            keys=self.keys,
            clock=self.clock,
            every_s=settings.watchdog_every_s,
            stop=threading.Event(),  # set when run() returns, also after max_idle_polls
            cuti_bersama_working=settings.cuti_bersama_working,
        )
        # Acknowledging and announcing a batch overlaps the next batch's write (one batch in flight).
        self._acker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-ack")
        self._ack_future: Future | None = None
        # The next batch is read, validated and enriched in a child process (ingest/reader_process.py).
        self.reader_process = ReaderProcess(settings.redis_url, redis_timeout_s) if settings.reader_process else None
        self._context_version = 0
        self._child_context: ChildContext | None = None  # set with the reference data

    # --- setup -------------------------------------------------------------------------------

    def ensure_groups(self) -> None:
        """Create the consumer group on each stream (from the start: nothing already there is skipped)."""
        for key in self.keys.inputs.values():
            try:
                self.redis.xgroup_create(key, self.settings.consumer_group, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    def _refresh_context(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._context_loaded_at < CONTEXT_REFRESH_S:
            return
        with self.Session() as s:
            missing = missing_reference_data(reference_counts(s))
            if missing:
                raise ReferenceDataMissing(missing)
            self.contract = contract_context(s)
            self.enrich = EnrichContext(
                areas=self.areas,
                posts=tuple(active_posts(s)),
                policies=category_policies(s),
                kelurahan_centers=kelurahan_centers(s),
                calendar=work_calendar(s, cuti_bersama_working=self.settings.cuti_bersama_working),
            )
        self._context_version += 1
        self._child_context = ChildContext(
            version=self._context_version,
            contract=self.contract,
            posts=self.enrich.posts,
            policies=self.enrich.policies,
            kelurahan_centers=self.enrich.kelurahan_centers,
            calendar=self.enrich.calendar,
        )
        self._context_loaded_at = time.monotonic()

    # --- the loop ----------------------------------------------------------------------------

    def run(self, max_idle_polls: int | None = None) -> None:
        """Process until `stop` is set (SIGTERM/SIGINT set it when run from the CLI); the SLA
        watchdog runs on its own thread meanwhile."""
        if self.reader_process is not None:
            self.reader_process.start()  # not waited for: this process reads batches until it is ready
        self.watchdog.start()
        retention = DailyRetention(
            Session=self.Session, client=self.redis, settings=self.settings, clock=self.clock, stop=threading.Event()
        )
        retention.start()  # once a day, in one worker (ingest/retention_daily.py)
        try:
            self._loop(max_idle_polls)
        finally:
            retention.stop.set()
            self.watchdog.stop.set()
            self.watchdog.join()
            if self.reader_process is not None:
                self.reader_process.close()
            try:
                clear_heartbeat(self.redis, self.keys, self.settings.consumer_name)  # stopped: not "ready" any more
            except redis.RedisError:
                pass  # it expires by itself
        log.info("worker %s stopped", self.settings.consumer_name)

    def _loop(self, max_idle_polls: int | None) -> None:
        backoff = Backoff(self.settings.retry_max_s)
        idle = 0
        ready = False
        while not self.stop.is_set():
            try:
                if not ready:
                    self.ensure_groups()
                    self._refresh_context(force=True)
                    ready = True
                    log.info("worker %s ready", self.settings.consumer_name)
                    self._beat(WorkerState.READY, force=True)
                processed = self.step()
                backoff.reset()
                idle = 0 if processed else idle + 1
                if max_idle_polls is not None and idle >= max_idle_polls:
                    break
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                ready = False
                self._read_pending = True
                self._prefetch = None  # whatever it read is pending in Redis and is read again
                wait = backoff.next()
                log.warning("Redis unavailable (%s); retrying in %.1fs", exc, wait)
                self.stop.wait(wait)
            except ReferenceDataMissing as exc:
                ready = False
                if self._state != WorkerState.WAITING_REFERENCE_DATA:
                    log.warning(
                        "worker %s: %s; checking again every %.0f s", self.settings.consumer_name, exc, self.settings.retry_max_s
                    )
                self._beat(WorkerState.WAITING_REFERENCE_DATA, str(exc), force=True)
                self.stop.wait(self.settings.retry_max_s)  # INGEST_RETRY_MAX_S
            except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.ProgrammingError) as exc:
                ready = False  # reference data could not be read: the database is down or not migrated
                wait = backoff.next()
                log.warning("database unavailable while loading reference data (%s); retrying in %.1fs", exc, wait)
                self._beat(WorkerState.DB_DOWN, f"database unavailable: {_short(exc)}", force=True)
                self.stop.wait(wait)
        self.finish_prefetched()
        self.drain_acks()
        self._reader.shutdown(wait=False)
        self._acker.shutdown(wait=False)

    def step(self) -> int:
        """One read-and-process cycle; returns how many entries were handled."""
        self._refresh_context()
        now = time.monotonic()
        handled = 0
        if now - self._last_claim >= self.settings.claim_every_s:
            self._last_claim = now
            handled += self._claim_stale()
        entries, good, bad, rows = self._next_batch()
        if entries:
            if not self._read_pending and not self.stop.is_set():
                # Overlap: read, validate and enrich the next batch while this one is written. Its
                # entries stay pending in Redis until their own commit, so a crash loses nothing.
                self._prefetch = self._reader.submit(self._read_and_prepare)
            self._process(good, bad, rows)
            handled += len(entries)
        if time.monotonic() - self._last_outbox >= OUTBOX_EVERY_S:
            self._last_outbox = time.monotonic()
            deliver_pending(self.Session, self.redis, self.keys, now=self.clock())
        if time.monotonic() - self._last_lag >= LAG_REFRESH_S:
            self._last_lag = time.monotonic()
            self._record_lag()
        every = self.settings.stream_trim_every_s
        if every > 0 and time.monotonic() - self._last_trim >= every:
            self._last_trim = time.monotonic()
            self._trim_streams()
        self._beat(WorkerState.READY)
        return handled

    def _trim_streams(self) -> None:
        """Stream retention (any worker may run it: it trims only what every group acknowledged)."""
        removed = trim_streams(
            self.redis,
            self.keys,
            now=datetime.now(UTC),  # entry ids carry Redis's clock, not the worker's (tests set their own)
            deadletter_keep=timedelta(days=self.settings.deadletter_keep_days),
            actions_keep=timedelta(days=self.settings.actions_keep_days),
        )
        if any(removed.values()):
            log.debug("trimmed streams: %s", removed)

    def _beat(self, state: WorkerState, detail: str = "", force: bool = False) -> None:
        """Heartbeat for /readyz (best effort: with Redis down there is nobody to tell)."""
        if not force and state == self._state and time.monotonic() - self._last_beat < HEARTBEAT_EVERY_S:
            return
        self._state, self._last_beat = state, time.monotonic()
        try:
            write_heartbeat(self.redis, self.keys, self.settings.consumer_name, state=state, at=time.time(), detail=detail)
        except redis.RedisError as exc:
            log.debug("heartbeat not written (%s)", exc)

    def _next_batch(self):
        if self._prefetch is not None:
            future, self._prefetch = self._prefetch, None
            return future.result()  # a Redis error raised while prefetching surfaces here
        return self._read_and_prepare()

    def _read_and_prepare(self):
        """Read a batch, validate it and build its rows (work that overlaps the other batch's write):
        in the child process when it is ready, else here."""
        entries, prepared = self._read()
        return (entries, *self._prepare(entries, prepared))

    def _prepare(self, entries: list[Entry], prepared: Prepared | None = None):
        """(good, bad, rows) of a batch, prepared here unless the child already did it.

        good: (entry, validated event or None when the child validated it); bad: (entry, reason).
        """
        if not entries:
            return [], [], None
        if prepared is None:
            raw = [(e.stream, e.entry_id, e.fields) for e in entries]
            prepared = prepare_batch(raw, self.contract, self.enrich, self.clock())
        events = prepared.events if prepared.events is not None else [None] * len(prepared.good)
        good = [(entries[i], ev) for i, ev in zip(prepared.good, events, strict=True)]
        bad = [(entries[i], reason) for i, reason in prepared.bad]
        return good, bad, prepared.rows

    def finish_prefetched(self) -> None:
        """On a clean stop, write what was already read ahead (by the read-ahead thread, and by the
        child process a batch further) instead of leaving it pending."""
        if self._prefetch is not None:
            future, self._prefetch = self._prefetch, None
            try:
                entries, good, bad, rows = future.result(timeout=self.settings.block_ms / 1000 + 10)
            except Exception as exc:  # noqa: BLE001 - the entries stay pending and are claimed later
                log.warning("read-ahead batch not finished at stop (%s); its entries stay pending", exc)
                return
            if entries:
                self._process(good, bad, rows)
        if self.reader_process is None or self._child_context is None:
            return
        try:
            held = self.reader_process.take_held(self._child_context, self.clock())
        except (redis.ConnectionError, redis.TimeoutError) as exc:  # it had read nothing
            log.info("nothing read ahead at stop (%s)", exc)
            return
        if held and held[0]:
            raw, prepared = held
            self._process(*self._prepare(_entries(raw), prepared))

    def _read(self) -> tuple[list[Entry], Prepared | None]:
        """The next batch and, when the child process read it, its preparation."""
        start = "0" if self._read_pending else ">"
        block = None if self._read_pending else self.settings.block_ms
        result = None
        if self.reader_process is not None:
            try:
                result = self.reader_process.next_batch(
                    self.settings.consumer_group,
                    self.settings.consumer_name,
                    {key: (name, start) for name, key in self.keys.inputs.items()},
                    self.settings.batch_size,
                    block,
                    self._child_context,
                    self.clock(),
                )
            except ChildLost:
                start, block = "0", None  # what it read is pending under this consumer: read that
                self._read_pending = True
        if result is not None:
            raw, prepared = result
            entries = _entries(raw)
        else:
            prepared = None
            resp = self.redis.xreadgroup(
                self.settings.consumer_group,
                self.settings.consumer_name,
                {key: start for key in self.keys.inputs.values()},
                count=self.settings.batch_size,
                block=block,
            )
            entries = [
                Entry(self.keys.name_of(key), eid.decode(), fields) for key, items in (resp or []) for eid, fields in items
            ]
        if self._read_pending and not entries:
            self._read_pending = False
        return entries, prepared

    def _claim_stale(self) -> int:
        """Take over entries a dead consumer read but never acknowledged."""
        total = 0
        for name, key in self.keys.inputs.items():
            cursor = "0-0"
            while True:
                nxt, claimed, deleted = self.redis.xautoclaim(
                    key,
                    self.settings.consumer_group,
                    self.settings.consumer_name,
                    min_idle_time=self.settings.claim_idle_ms,
                    start_id=cursor,
                    count=self.settings.batch_size,
                )
                entries = [Entry(name, eid.decode(), fields) for eid, fields in claimed]
                entries += [Entry(name, (d.decode() if isinstance(d, bytes) else d), None) for d in deleted or []]
                if entries:
                    log.info("claimed %d stale entries of %s", len(entries), name)
                    self._handle(entries)
                    total += len(entries)
                cursor = nxt.decode() if isinstance(nxt, bytes) else nxt
                if cursor == "0-0" or self.stop.is_set():
                    break
        return total

    # --- one batch ---------------------------------------------------------------------------

    def _handle(self, entries: list[Entry]) -> None:
        self._process(*self._prepare(entries))

    def _process(self, good: list[tuple[Entry, object]], bad: list[tuple[Entry, str]], rows=None) -> None:
        """`rows`: the batch's rows when they were already built (read-ahead), else built here."""
        if bad:
            self._dead_letter(bad)
        if good:
            stored, refused = self._store(good, rows)
            if stored is not None and stored.conflicts:
                conflicting = set(stored.conflicts)
                refused = refused + [(e, CONFLICT_REASON) for e, _ in good if (e.stream, e.entry_id) in conflicting]
            if refused:
                self._dead_letter(refused)
            refused_ids = {id(entry) for entry, _ in refused}
            self._acknowledge_after_commit([e for e, _ in good if id(e) not in refused_ids], stored)

    def _store(self, good: list[tuple[Entry, object]], rows=None):
        """Commit the batch, retrying while the database is down. Returns (result, refused entries)."""
        backoff = Backoff(self.settings.retry_max_s)
        while True:
            try:
                return self._commit(good, rows), []
            except _DATA_ERRORS as exc:
                if len(good) == 1:
                    return None, [(good[0][0], f"database refused the entry: {_short(exc)}")]
                log.warning("batch refused by the database (%s); isolating the bad entry", _short(exc))
                return self._store_one_by_one(good)
            except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DBAPIError) as exc:
                wait = backoff.next()
                log.warning("database unavailable (%s); nothing acknowledged; retrying in %.1fs", _short(exc), wait)
                self._beat(WorkerState.DB_DOWN, f"database unavailable: {_short(exc)}")
                if self.stop.wait(wait):
                    raise SystemExit("stopped while the database was unavailable; entries stay pending") from None
            except Exception as exc:  # noqa: BLE001 - enrichment bug: isolate it, keep the rest
                if len(good) == 1:
                    return None, [(good[0][0], f"could not be processed: {type(exc).__name__}: {exc}")]
                log.exception("batch failed; isolating the entry that breaks it")
                return self._store_one_by_one(good)

    def _store_one_by_one(self, good):
        merged, refused = None, []
        for item in good:
            result, bad = self._store([item])
            refused += bad
            if result is not None:
                merged = _merge(merged, result)
        return merged, refused

    def _build_rows(self, good: list[tuple[Entry, object]]):
        return build_rows(((e.stream, e.entry_id, ev) for e, ev in self._with_events(good)), self.enrich, self.clock())

    def _with_events(self, good: list[tuple[Entry, object]]) -> list[tuple[Entry, object]]:
        """Validate here the entries the child validated (it sends rows back, not events)."""
        if all(ev is not None for _, ev in good):
            return good
        missing = [e for e, ev in good if ev is None]
        ok, events, bad = validate_batch([(e.stream, e.entry_id, e.fields) for e in missing], self.contract)
        if bad:  # reference data changed since the child validated it: this entry must be isolated
            raise ValueError(bad[0][1])
        found = {id(missing[i]): ev for i, ev in zip(ok, events, strict=True)}
        return [(e, ev if ev is not None else found[id(e)]) for e, ev in good]

    def _commit(self, good: list[tuple[Entry, object]], rows=None):
        rows = rows if rows is not None else self._build_rows(good)
        with self.Session() as session, session.begin():
            return store_rows(session, rows=rows)

    # --- Redis side effects ------------------------------------------------------------------

    def _redis_retry(self, what: str, fn) -> None:
        """Redis writes that must happen (acks, dead letters): retry until Redis is back."""
        backoff = Backoff(self.settings.retry_max_s)
        while True:
            try:
                fn()
                return
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                wait = backoff.next()
                log.warning("Redis unavailable during %s (%s); retrying in %.1fs", what, exc, wait)
                if self.stop.wait(wait):
                    raise SystemExit(f"stopped during {what}; entries stay pending") from None

    def _dead_letter(self, bad: list[tuple[Entry, str]]) -> None:
        at = self.clock().isoformat()

        def write():
            pipe = self.redis.pipeline(transaction=True)  # dead-letter and ack together, or neither
            for entry, reason in bad:
                fields = (
                    {
                        k.decode("utf-8", "backslashreplace"): v.decode("utf-8", "backslashreplace")
                        for k, v in entry.fields.items()
                    }
                    if entry.fields is not None
                    else None
                )
                pipe.xadd(
                    self.keys.deadletter,
                    {
                        "stream": self.keys.stream(entry.stream),
                        "entry_id": entry.entry_id,
                        "fields": json.dumps(fields, ensure_ascii=False),
                        "reason": reason,
                        "at": at,
                        "consumer": self.settings.consumer_name,
                    },
                )
                pipe.xack(self.keys.stream(entry.stream), self.settings.consumer_group, entry.entry_id)
                pipe.hincrby(self.keys.stats, f"{entry.stream}:deadlettered", 1)
            pipe.execute()

        self._redis_retry("dead-lettering", write)
        for entry, reason in bad:
            log.info("dead-lettered %s %s: %s", entry.stream, entry.entry_id, reason)

    def _acknowledge_after_commit(self, entries: list[Entry], result) -> None:
        """XACK and the change event run in the background while the next batch is written.

        Only committed entries get here, so an entry is still never acknowledged before it is
        stored; a crash before the ack means the entry is read again and applied once (event_id).
        At most one batch waits for its ack: the previous one is finished first, so acks and
        change events keep their order and a Redis outage holds the worker back.
        """
        self.drain_acks()
        self._ack_future = self._acker.submit(self._acknowledge, entries, result)

    def drain_acks(self) -> None:
        """Wait for the batch being acknowledged; its errors (or a stop during retries) surface here."""
        if self._ack_future is not None:
            future, self._ack_future = self._ack_future, None
            future.result()

    def _acknowledge(self, entries: list[Entry], result) -> None:
        if not entries:
            return
        by_stream: dict[str, list[str]] = {}
        for e in entries:
            by_stream.setdefault(e.stream, []).append(e.entry_id)
        last_ids = {stream: max(ids, key=_id_key) for stream, ids in by_stream.items()}

        def ack():
            pipe = self.redis.pipeline(transaction=False)
            for stream, ids in by_stream.items():
                pipe.xack(self.keys.stream(stream), self.settings.consumer_group, *ids)
                pipe.hincrby(self.keys.stats, f"{stream}:processed", len(ids))
                last = last_ids[stream]
                pipe.hset(
                    self.keys.stats,
                    mapping={f"{stream}:last_entry_id": last, f"{stream}:last_entry_at": entry_time(last).isoformat()},
                )
            if result is not None:
                for stream, n in result.duplicates.items():
                    if n:
                        pipe.hincrby(self.keys.stats, f"{stream}:duplicates", n)
                for stream, _entry_id in result.conflicts:  # also dead-lettered (and counted there)
                    pipe.hincrby(self.keys.stats, f"{stream}:conflicts", 1)
            pipe.execute()

        self._redis_retry("acknowledging", ack)
        if result is not None and (result.new_complaints or result.new_emergencies or result.vehicles):
            self.publisher.publish(
                change_event(
                    complaints=result.new_complaints,
                    emergencies=result.new_emergencies,
                    vehicles=result.vehicles,
                    stream_ids=last_ids,
                    at=self.clock(),
                )
            )

    def _record_lag(self) -> None:
        """Backlog per stream into the stats hash, counted from entry ids (XINFO `lag` is wrong after
        a Redis restart, see data_access/streams.group_backlog)."""
        mapping = {}
        for name, key in self.keys.inputs.items():
            for g in self.redis.xinfo_groups(key):
                if g["name"].decode() == self.settings.consumer_group:
                    length = self.redis.xlen(key)
                    mapping[f"{name}:lag"] = group_backlog(
                        self.redis, key, g["last-delivered-id"].decode(), length, cap=LAG_COUNT_CAP
                    )[0]
        if mapping:
            self.redis.hset(self.keys.stats, mapping=mapping)


def _entries(raw) -> list[Entry]:
    """Entries from the reader process's (stream name, entry id, fields) triples."""
    return [Entry(stream, entry_id, fields) for stream, entry_id, fields in raw]


def _id_key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:300]


def _merge(a, b):
    if a is None:
        return b
    a.new_complaints += b.new_complaints
    a.new_emergencies += b.new_emergencies
    a.vehicles += b.vehicles
    for k, v in b.duplicates.items():
        a.duplicates[k] = a.duplicates.get(k, 0) + v
    a.conflicts += b.conflicts
    return a


def freeze_startup_heap() -> None:
    """Take the objects alive at start-up (libraries, geography, models) out of the cyclic GC's scans.

    Each batch allocates tens of thousands of objects that live until its commit, so the collector's
    full pass runs every few dozen batches, and without this each pass re-scans the ~175,000
    start-up objects: 0.4-0.6 s per 50,000 events (~7 % of the worker's time, bench/ingest.py).
    Behaviour is unchanged: memory is still freed by reference counting; only reference cycles
    among the frozen objects would never be collected.
    """
    gc.collect()
    gc.freeze()


def run_worker(settings: Settings) -> None:
    """Entry point for `flask worker`: stop cleanly on SIGTERM/SIGINT (finishes the current batch)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = IngestWorker(settings, stop=stop)
    freeze_startup_heap()
    worker.run()
