"""Small helpers for the integration tests: entries that follow the contract, and counts."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import redis
from sqlalchemy import func, select

from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, StatusChange, Vehicle, VehiclePosition
from settings import Settings

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=timezone(timedelta(hours=7)))


def complaint(i: int, **over) -> dict:
    f = {
        "event_id": f"c-{i}",
        "source": "e-sambat",
        "reported_at": (T0 + timedelta(seconds=i)).isoformat(),
        "category": "jalan-rusak",
        "title": f"Jalan berlubang {i}",
        "lat": "3.606743",
        "lon": "98.486022",
        "reporter_nik": "1275010101900001",
        "reporter_name": "Budi Siregar",
        "reporter_phone": "081234567890",
    }
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def emergency(i: int, **over) -> dict:
    f = {
        "event_id": f"e-{i}",
        "pressed_at": (T0 + timedelta(seconds=i)).isoformat(),
        "lat": "3.620284",
        "lon": "98.495825",
        "kind": "kejahatan",
        "reporter_nik": "3275010101900001",
        "reporter_phone": "081200000000",
    }
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def bus_fix(i: int, vehicle: str = "TB-01", **over) -> dict:
    f = {
        "vehicle_id": vehicle,
        "recorded_at": (T0 + timedelta(seconds=5 * i)).isoformat(),
        "lat": f"{3.60 + i * 1e-5:.6f}",
        "lon": "98.49",
        "route_id": "TB-K1",
        "speed_kmh": "25",
        "bearing_deg": "90",
    }
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def xadd_all(client: redis.Redis, prefix: str, entries: list[tuple[str, dict]]) -> None:
    pipe = client.pipeline(transaction=False)
    for stream, fields in entries:
        pipe.xadd(f"{prefix}{stream}", fields)
    pipe.execute()


def counts(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            return {
                name: s.scalar(select(func.count()).select_from(model))
                for name, model in (
                    ("complaints", Complaint),
                    ("emergencies", Emergency),
                    ("positions", VehiclePosition),
                    ("vehicles", Vehicle),
                    ("status_changes", StatusChange),
                )
            }
    finally:
        engine.dispose()


def worker_settings(redis_url: str, database_url: str, prefix: str, **over) -> Settings:
    base = dict(
        redis_url=redis_url,
        database_url=database_url,
        stream_prefix=prefix,
        consumer_name="w1",
        block_ms=100,
        batch_size=200,
        claim_idle_ms=500,
        claim_every_s=0.3,
        retry_max_s=0.5,
    )
    base.update(over)
    return Settings(**base)


def run_until_idle(settings: Settings, idle_polls: int = 5):
    """Run a worker until it has been idle `idle_polls` times; return it (for its counters).

    With `settings.reader_process` its child process is started and ready first, so the batches
    really go through the child (a worker started for real does not wait: it reads batches itself
    until the child is ready).
    """
    from ingest.worker import IngestWorker

    worker = IngestWorker(settings)
    if worker.reader_process is not None:
        worker.reader_process.start()
        assert worker.reader_process.wait_ready(30), "the reader process did not start"
    worker.run(max_idle_polls=idle_polls)
    return worker


class BackgroundWorker:
    """An in-process worker on a thread, stopped by `stop()`."""

    def __init__(self, settings: Settings):
        from ingest.worker import IngestWorker

        self.stop_event = threading.Event()
        self.worker = IngestWorker(settings, stop=self.stop_event)
        # When dash's test server retries on a busy port it injects SystemExit into every thread
        # started after it (dash.testing KillerThread); a pool thread killed that way leaves the
        # worker waiting forever. Start the worker's pool threads now, before any Dash server.
        for pool in (self.worker._reader, self.worker._acker):
            pool.submit(lambda: None).result()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def _run(self):
        try:
            self.worker.run()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            self.error = exc

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(30)
        if self.thread.is_alive():
            import faulthandler
            import sys

            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)  # where it hangs, for the report
        assert not self.thread.is_alive(), "worker did not stop"


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last value: {last!r})")


def pending(client: redis.Redis, key: str, group: str = "bcc-ingest") -> int:
    try:
        return client.xpending(key, group)["pending"]
    except redis.ResponseError:
        return 0


def create_role_users(session, *, password: str, now, agency_code: str = "DPUPR") -> None:
    """One user per role, named `u-<role>`; the agency user belongs to `agency_code`."""
    from data_access.users import create_user
    from domain.roles import Role

    for role in Role:
        create_user(
            session,
            username=f"u-{role}",
            password=password,
            role=role,
            display_name=role,
            now=now,
            agency_code=agency_code if role == Role.AGENCY else None,
        )


def login_client(client, username: str, password: str):
    """Log a Flask test client in through /masuk (CSRF included); returns the POST's response."""
    client.get("/masuk")
    token = client.get_cookie("bcc_csrf").value
    return client.post("/masuk", data={"username": username, "password": password, "csrf_token": token})


def move(
    session,
    *,
    item_kind: str,
    item_id: int,
    to_status: str,
    now,
    actor: str = "supervisor:uji",
    role: str | None = None,
    agency_code: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
):
    """Put an item in `to_status` through the action gate, as a test's setup step: the action is the
    policy's rule for that move (assign/reassign when an agency is given). The role defaults to the
    actor name's prefix when it is a supervisor's or operator's, else supervisor."""
    from data_access.actions import ActionRequest, Actor, perform
    from data_access.models import Complaint, Emergency
    from domain.policy import RULES

    prefix = actor.split(":", 1)[0]
    role = role or (prefix if prefix in ("supervisor", "operator", "agency") else "supervisor")
    item = session.get(Complaint if item_kind == "complaint" else Emergency, item_id)
    candidates = [
        r
        for r in RULES
        if r.kind == item_kind
        and r.changes_state
        and r.action != "merge"
        and item.status in r.from_statuses
        and r.target(item.status) == to_status
        and (r.to_status is not None or r.action == "reopen")
    ]
    if not candidates:
        raise AssertionError(f"no action moves {item_kind} from {item.status} to {to_status}")
    rule = candidates[0]
    own_agency = agency_code or getattr(item, "agency_code", None) if role == "agency" else None
    if rule.needs_agency and agency_code is None:
        agency_code = getattr(item, "suggested_agency_code", None) or "DPUPR"
    request = ActionRequest(
        rule.action,
        item_kind,
        item_id,
        expected_version=expected_version,
        note=note or ("uji" if rule.needs_note else None),
        agency_code=agency_code if rule.needs_agency else None,
    )
    (outcome, *_rest) = perform(session, Actor(actor, role, own_agency), request, now=now)
    return outcome
