"""/healthz, /readyz and /metrics against real Redis and SQLite, with real outages (a stopped
redis-server, a database that does not answer)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from app import create_dash
from data_access.db import make_engine, make_session_factory
from data_access.models import StatusChange
from data_access.streams import StreamKeys
from data_access.users import record_sign_in_attempt
from data_access.worker_status import write_heartbeat
from devtools.servers import RedisServer, free_port, prepare_database
from domain.escalation import WATCHDOG_ACTOR
from live.keys import LiveKeys
from live.relay import LiveRelay
from tests.integration.helpers import complaint, run_until_idle, wait_for, worker_settings, xadd_all

PERSONAL = ("1275010101900001", "Budi Siregar", "081234567890")


def write_worker_heartbeat(r: redis.Redis, prefix: str, consumer: str, state: str = "ready", at: float | None = None):
    """A worker's heartbeat, written as the ingest worker writes it (data_access/worker_status.py)."""
    write_heartbeat(r, StreamKeys(prefix), consumer, state=state, at=time.time() if at is None else at)


@pytest.fixture
def settings(redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    return worker_settings(redis_server.url, url, stream_prefix, reader_process=False, watchdog_every_s=0)


@pytest.fixture
def relay(settings):
    stop = threading.Event()
    thread = threading.Thread(target=LiveRelay(settings, stop=stop).run, daemon=True)
    thread.start()
    r = redis.Redis.from_url(settings.redis_url)
    wait_for(lambda: r.hget(LiveKeys(settings.stream_prefix).relay_state, "at"), 10, what="the relay's first heartbeat")
    yield
    stop.set()
    thread.join(5)


def _client(settings):
    return create_dash(settings).server.test_client()


def test_healthz_says_the_process_is_alive(settings):
    resp = _client(settings).get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "alive"}
    assert resp.headers["Cache-Control"] == "no-store"


def test_ready_with_database_redis_relay_and_a_ready_worker(settings, relay):
    r = redis.Redis.from_url(settings.redis_url)
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(i)) for i in range(3)])
    run_until_idle(settings)
    write_worker_heartbeat(r, settings.stream_prefix, "w1")
    resp = _client(settings).get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["status"] == "ready" and body["reasons"] == []
    assert {k: v["ok"] for k, v in body["checks"].items()} == {"database": True, "redis": True, "relay": True, "worker": True}
    assert body["checks"]["worker"]["workers"]["w1"]["state"] == "ready"
    assert body["checks"]["relay"]["age_s"] <= 5
    assert body["streams"]["complaints"] == {"backlog": 0, "backlog_at_least": False, "pending": 0, "length": 3}
    assert not any(p in resp.get_data(as_text=True) for p in PERSONAL)


def test_not_ready_without_a_worker_or_with_one_waiting(settings, relay):
    client = _client(settings)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json()["reasons"] == ["worker: no worker seen"]
    r = redis.Redis.from_url(settings.redis_url)
    write_worker_heartbeat(r, settings.stream_prefix, "w1", state="waiting_reference_data")
    body = client.get("/readyz").get_json()
    assert body["checks"]["worker"]["workers"] == {
        "w1": {"state": "waiting_reference_data", "age_s": pytest.approx(0, abs=5), "detail": ""}
    }
    assert body["reasons"] == ["worker: no worker ready (w1: waiting_reference_data)"]
    write_worker_heartbeat(r, settings.stream_prefix, "w1", at=time.time() - 600)  # a ready worker gone quiet
    assert client.get("/readyz").status_code == 503
    write_worker_heartbeat(r, settings.stream_prefix, "w2")
    assert client.get("/readyz").status_code == 200


def test_not_ready_without_a_relay_heartbeat(settings):
    r = redis.Redis.from_url(settings.redis_url)
    write_worker_heartbeat(r, settings.stream_prefix, "w1")
    client = _client(settings)
    assert client.get("/readyz").get_json()["reasons"] == ["relay: no live relay seen"]
    r.hset(LiveKeys(settings.stream_prefix).relay_state, mapping={"at": time.time() - 60, "leader": "x"})
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.get_json()["reasons"] == ["relay: no relay heartbeat for 60 s"]


def test_database_down_is_503_with_the_reason(settings, relay):
    r = redis.Redis.from_url(settings.redis_url)
    write_worker_heartbeat(r, settings.stream_prefix, "w1")
    down = settings.with_overrides(database_url=f"postgresql+psycopg://bcc@127.0.0.1:{free_port()}/bcc?connect_timeout=2")
    client = _client(down)
    resp = client.get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert not body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    assert body["reasons"][0].startswith("database: OperationalError") and len(body["reasons"]) == 1
    assert client.get("/healthz").status_code == 200  # alive, just not ready
    metrics = client.get("/metrics")  # what Redis knows is still scraped
    assert metrics.status_code == 200 and "bcc_stream_events_total" in metrics.get_data(as_text=True)


def test_redis_down_is_503_with_the_reason(settings, tmp_path):
    own = RedisServer(tmp_path / "redis-down").start()
    client = _client(settings.with_overrides(redis_url=own.url))
    own.stop()
    resp = client.get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert body["checks"]["database"]["ok"] and not body["checks"]["redis"]["ok"]
    assert body["checks"]["redis"]["reason"].startswith("ConnectionError")
    assert body["checks"]["relay"] == {"ok": False, "reason": "Redis unavailable"}
    assert client.get("/healthz").status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))}
    assert "bcc_actions" in families and "bcc_stream_events" not in families  # the database part still answers


def _metrics(client, **kw) -> dict:
    resp = client.get("/metrics", **kw)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    out = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_parse_and_count_what_happened(settings, relay):
    r = redis.Redis.from_url(settings.redis_url)
    xadd_all(
        r,
        settings.stream_prefix,
        [("complaints", complaint(i)) for i in range(4)] + [("complaints", complaint(9, category="tidak-ada"))],  # a dead letter
    )
    run_until_idle(settings)
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(0))])  # a duplicate of one stored
    run_until_idle(settings)
    engine = make_engine(settings.database_url)
    with make_session_factory(engine).begin() as s:
        item = s.execute(text("SELECT id FROM complaints ORDER BY id LIMIT 1")).scalar_one()
        at = datetime.now(UTC)
        s.add(StatusChange(item_kind="complaint", item_id=item, to_status="baru", actor=WATCHDOG_ACTOR, at=at, action="escalate"))
        s.add(StatusChange(item_kind="complaint", item_id=item, to_status="baru", actor="op1", at=at, action="escalate"))
        s.add(StatusChange(item_kind="complaint", item_id=item, to_status="baru", actor="op1", at=at, action="note"))
    wait_for(lambda: r.hget(LiveKeys(settings.stream_prefix).push_latency, "count"), 10, what="a relayed batch")
    m = _metrics(_client(settings))
    c = (("stream", "complaints"),)
    assert m[("bcc_stream_events_total", c)] == 5  # 4 stored + the duplicate; the dead letter not
    assert m[("bcc_stream_duplicates_total", c)] == 1
    assert m[("bcc_stream_deadletters_total", c)] == 1
    assert m[("bcc_stream_backlog", c)] == 0 and m[("bcc_stream_pending", c)] == 0
    assert m[("bcc_actions_total", (("action", "escalate"),))] == 2
    assert m[("bcc_actions_total", (("action", "note"),))] == 1
    assert m[("bcc_watchdog_escalations_total", ())] == 1  # only the watchdog's own
    assert m[("bcc_push_latency_seconds_count", ())] >= 1
    assert m[("bcc_push_latency_seconds_bucket", (("le", "+Inf"),))] == m[("bcc_push_latency_seconds_count", ())]
    assert ("bcc_watchdog_rounds_total", ()) in m
    with make_session_factory(engine).begin() as s:
        for outcome in ("wrong", "wrong", "locked", "ok"):
            record_sign_in_attempt(s, at=at, username="u-operator", client_address="127.0.0.1", outcome=outcome)
    m = _metrics(_client(settings))
    assert m[("bcc_sign_in_attempts_total", (("outcome", "wrong"),))] == 2
    assert m[("bcc_sign_in_failures_total", ())] == 3
    text_out = _client(settings).get("/metrics").get_data(as_text=True)
    assert not any(p in text_out for p in (*PERSONAL, "u-operator", "127.0.0.1"))  # counts only
    engine.dispose()


def test_metrics_token_when_set(settings):
    client = _client(settings.with_overrides(metrics_token="rahasia-metrik"))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer salah"}).status_code == 401
    assert _metrics(client, headers={"Authorization": "Bearer rahasia-metrik"})
    assert client.get("/readyz").status_code in (200, 503)  # readiness stays open to the load balancer
