"""Health a machine can read: `/healthz`, `/readyz` (JSON) and `/metrics` (Prometheus text).

For a load balancer, an uptime monitor and Prometheus, so no login (`/metrics` may ask for a
bearer token, METRICS_TOKEN) and nothing personal: counts, ages and stream ids only.

Every metric is read from Redis and the database when Prometheus scrapes (a custom collector),
not kept in this process: the figures are the same whichever web process answers, so
prometheus-client's multiprocess mode is not needed.
"""

from __future__ import annotations

import hmac
import time

import redis
from flask import Blueprint, Flask, Response, jsonify, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, inspect, select, text

from dashboard.services import Services, services
from data_access.models import SignInAttempt, StatusChange
from data_access.streams import read_stream_health
from data_access.worker_status import read_heartbeats
from domain.escalation import WATCHDOG_ACTOR
from domain.sign_in import OK as SIGN_IN_OK
from domain.worker_state import WorkerState
from live.keys import LiveKeys
from live.relay import LATENCY_BUCKETS

RELAY_STALE_S = 10.0  # the leader records its state at least every LIVE_HEARTBEAT_S (2 s)
WORKER_STALE_S = 90.0  # workers write their heartbeat with a TTL of about 60 s
REASON_MAX = 200

bp = Blueprint("bcc_health", __name__)


def _reason(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:REASON_MAX]


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# ---- readiness checks: each returns a dict with `ok` (and `reason` when not) ---------------------


def check_database(svc: Services) -> dict:
    started = time.monotonic()
    try:
        with svc.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except sa_exc.SQLAlchemyError as exc:
        return {"ok": False, "reason": _reason(exc)}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_redis(svc: Services) -> dict:
    started = time.monotonic()
    try:
        svc.redis.ping()
    except redis.RedisError as exc:
        return {"ok": False, "reason": _reason(exc)}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_relay(svc: Services, now: float) -> dict:
    state = svc.redis.hgetall(LiveKeys(svc.settings.stream_prefix).relay_state)
    at = _float(state.get(b"at"))
    if at is None:
        return {"ok": False, "reason": "no live relay seen"}
    age = round(max(0.0, now - at), 1)
    out = {"ok": age <= RELAY_STALE_S, "age_s": age, "last_relayed": _text(state.get(b"last", b"")) or None}
    if not out["ok"]:
        out["reason"] = f"no relay heartbeat for {age:.0f} s"
    return out


def check_workers(svc: Services, now: float) -> dict:
    beats = read_heartbeats(svc.redis, svc.keys)
    if not beats:
        return {"ok": False, "reason": "no worker seen", "workers": {}}
    workers = {b.consumer: {"state": b.state, "age_s": round(max(0.0, now - b.at), 1), "detail": b.detail} for b in beats}
    ready = [n for n, w in workers.items() if w["state"] == WorkerState.READY and w["age_s"] <= WORKER_STALE_S]
    out = {"ok": bool(ready), "workers": workers}
    if not ready:
        out["reason"] = "no worker ready (" + ", ".join(f"{n}: {w['state']}" for n, w in workers.items()) + ")"
    return out


def stream_backlog(svc: Services) -> dict:
    """Per input stream: entries not yet delivered (backlog) and delivered but not acknowledged (pending)."""
    out = {}
    for h in read_stream_health(svc.redis, svc.keys, svc.settings.consumer_group):
        out[h.stream] = {"backlog": h.lag, "backlog_at_least": h.lag_at_least, "pending": h.pending, "length": h.length}
    return out


def readiness(svc: Services) -> tuple[bool, dict]:
    now = time.time()
    checks = {"database": check_database(svc), "redis": check_redis(svc)}
    if checks["redis"]["ok"]:
        try:
            checks["relay"] = check_relay(svc, now)
            checks["worker"] = check_workers(svc, now)
            streams = stream_backlog(svc)
        except redis.RedisError as exc:
            checks["redis"] = {"ok": False, "reason": _reason(exc)}
    if not checks["redis"]["ok"]:
        checks.setdefault("relay", {"ok": False, "reason": "Redis unavailable"})
        checks.setdefault("worker", {"ok": False, "reason": "Redis unavailable"})
        streams = {}
    ready = all(c["ok"] for c in checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": checks,
        "streams": streams,
        "reasons": [f"{name}: {c['reason']}" for name, c in checks.items() if not c["ok"]],
    }
    return ready, body


# ---- metrics ---------------------------------------------------------------------------------


class CommandCenterCollector(Collector):
    """Reads every figure from Redis and the database at scrape time; a part that is down is left out."""

    def __init__(self, svc: Services):
        self.svc = svc

    def collect(self):
        yield from self._redis_metrics()
        yield from self._database_metrics()

    def _redis_metrics(self):
        svc, keys = self.svc, LiveKeys(self.svc.settings.stream_prefix)
        try:
            health = read_stream_health(svc.redis, svc.keys, svc.settings.consumer_group)
            screens = {}
            for key in svc.redis.scan_iter(match=keys.screens_pattern, count=500):
                for kind, n in svc.redis.hgetall(key).items():
                    screens[_text(kind)] = screens.get(_text(kind), 0) + int(n)
            latency = {_text(k): v for k, v in svc.redis.hgetall(keys.push_latency).items()}
            rounds = svc.redis.hget(svc.keys.stats, "watchdog:rounds")
        except redis.RedisError:
            return
        families = {
            "events": CounterMetricFamily(
                "bcc_stream_events", "Entries taken in (stored or found duplicate) per input stream", labels=["stream"]
            ),
            "dead": CounterMetricFamily("bcc_stream_deadletters", "Entries sent to the dead-letter stream", labels=["stream"]),
            "dup": CounterMetricFamily("bcc_stream_duplicates", "Entries discarded as duplicates", labels=["stream"]),
            "backlog": GaugeMetricFamily(
                "bcc_stream_backlog", "Entries not yet delivered to the ingest group", labels=["stream"]
            ),
            "pending": GaugeMetricFamily("bcc_stream_pending", "Entries delivered but not acknowledged", labels=["stream"]),
            "length": GaugeMetricFamily("bcc_stream_length", "Entries kept in the stream", labels=["stream"]),
        }
        for h in health:
            families["events"].add_metric([h.stream], h.processed)
            families["dead"].add_metric([h.stream], h.deadlettered)
            families["dup"].add_metric([h.stream], h.duplicates)
            if h.lag is not None:  # at most BACKLOG_COUNT_CAP (data_access/streams.py): enough to alert on
                families["backlog"].add_metric([h.stream], h.lag)
            families["pending"].add_metric([h.stream], h.pending)
            families["length"].add_metric([h.stream], h.length)
        yield from families.values()
        conn = GaugeMetricFamily("bcc_screens_connected", "Open live sockets by page kind", labels=["kind"])
        for kind, n in sorted(screens.items()):
            conn.add_metric([kind], n)
        yield conn
        buckets, cumulative = [], 0
        for bound in (*LATENCY_BUCKETS, "+Inf"):
            cumulative += int(latency.get(f"bucket:{bound}", 0))
            buckets.append((str(bound) if bound == "+Inf" else repr(float(bound)), cumulative))
        yield HistogramMetricFamily(
            "bcc_push_latency_seconds",
            "Change-stream entry to its emit by the live relay",
            buckets=buckets,
            sum_value=float(latency.get("sum", 0)),
        )
        yield CounterMetricFamily("bcc_watchdog_rounds", "SLA watchdog rounds run", value=int(rounds or 0))

    def _database_metrics(self):
        try:
            with self.svc.engine.connect() as conn:
                actions = conn.execute(select(StatusChange.action, func.count()).group_by(StatusChange.action)).all()
                escalations = conn.execute(
                    select(func.count())
                    .select_from(StatusChange)
                    .where(StatusChange.action == "escalate", StatusChange.actor == WATCHDOG_ACTOR)
                ).scalar_one()
                sign_ins = []
                has_sign_ins = inspect(conn).has_table("sign_in_attempts")  # the sign-in audit, migration 0006
                if has_sign_ins:
                    sign_ins = conn.execute(select(SignInAttempt.outcome, func.count()).group_by(SignInAttempt.outcome)).all()
        except sa_exc.SQLAlchemyError:
            return
        fam = CounterMetricFamily("bcc_actions", "Recorded actions (status_changes) by kind", labels=["action"])
        for action, n in sorted(actions):
            fam.add_metric([action], n)
        yield fam
        yield CounterMetricFamily("bcc_watchdog_escalations", "Escalations by the SLA watchdog", value=escalations)
        if has_sign_ins:
            fam = CounterMetricFamily("bcc_sign_in_attempts", "Sign-in attempts by outcome", labels=["outcome"])
            for outcome, n in sorted(sign_ins, key=lambda r: str(r[0])):
                fam.add_metric([str(outcome)], n)
            yield fam
            failed = sum(n for outcome, n in sign_ins if outcome != SIGN_IN_OK)
            yield CounterMetricFamily("bcc_sign_in_failures", "Sign-in attempts that did not sign in", value=failed)


# ---- endpoints -------------------------------------------------------------------------------


def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/healthz")
def healthz():
    """The process is alive and answers; nothing else is checked (that is /readyz)."""
    return _no_store(jsonify({"status": "alive"}))


@bp.get("/readyz")
def readyz():
    ready, body = readiness(services())
    resp = jsonify(body)
    resp.status_code = 200 if ready else 503
    return _no_store(resp)


@bp.get("/metrics")
def metrics():
    svc = services()
    token = svc.settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return _no_store(Response("metrics token required\n", status=401, mimetype="text/plain"))
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CommandCenterCollector(svc))
    return _no_store(Response(generate_latest(registry), mimetype="text/plain; version=0.0.4; charset=utf-8"))


def register_health(server: Flask) -> None:
    server.register_blueprint(bp)
