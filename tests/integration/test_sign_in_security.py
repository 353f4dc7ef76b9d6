"""Sign-in hardening through the real app: Flask-Limiter throttles in the tests' Redis, the lockout
and the audit in the database (SQLite and PostgreSQL), sessions that end at logout and when idle.
"""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import func, select

from app import create_dash
from dashboard import ids
from dashboard.auth import SEEN_KEY, SIGNED_OUT_HEADER, now_utc
from data_access.db import make_engine, make_session_factory
from data_access.models import AdminChange, SignInAttempt, User
from data_access.users import prune_sign_in_attempts, record_sign_in_attempt
from tests.integration.helpers import create_role_users, login_client, worker_settings
from tests.integration.test_agency_admin_access import _callback_key, dash_call

PASSWORD = "kata-sandi-uji-panjang"
RELAXED = {"sign_in_limit_account": "1000/minute", "sign_in_limit_address": "1000/minute"}
# a URL that answers 401 to nobody signed in and 400 (bad date) to the mayor: "who am I" without building a report
WHO = "/laporan/export/agencies.csv?from=kemarin&to=besok"


@pytest.fixture
def make_app(redis_server, migrated_url, stream_prefix):
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc())

    def build(**settings):
        return create_dash(worker_settings(redis_server.url, migrated_url, stream_prefix, **settings))

    build.redis = redis.Redis.from_url(redis_server.url)
    build.prefix = stream_prefix
    return build, Session


def _console_call(app, client, trigger: str, value):
    """The operator queue's callback (one output) as the browser posts it, fired by `trigger` (id.prop)."""
    key = _callback_key(app, trigger)
    spec = app.callback_map[key]

    def items(kind):
        return [
            {"id": i["id"], "property": i["property"], "value": value if f"{i['id']}.{i['property']}" == trigger else None}
            for i in spec[kind]
        ]

    body = {
        "output": key,
        "outputs": dict(zip(("id", "property"), key.rsplit(".", 1), strict=True)),
        "inputs": items("inputs"),
        "state": [{**i, "value": "id"} if i["id"] == ids.OP_LANG else i for i in items("state")],
        "changedPropIds": [trigger],
    }
    return client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": client.get_cookie("bcc_csrf").value})


def _try(client, username, password):
    return login_client(client, username, password)


def _outcomes(Session) -> dict[str, int]:
    with Session() as s:
        return dict(s.execute(select(SignInAttempt.outcome, func.count()).group_by(SignInAttempt.outcome)).all())


def _user(Session, username) -> User:
    with Session() as s:
        return s.scalars(select(User).where(User.username == username)).one()


def test_thirty_quick_wrong_passwords_are_throttled_and_lock_the_account_until_an_admin_unlocks_it(make_app):
    build, Session = make_app
    app = build(sign_in_limit_account="12/minute", sign_in_limit_address="100/minute", sign_in_lock_after=10)
    client = app.server.test_client()
    started = time.monotonic()
    codes = [_try(client, "u-mayor", f"salah-{i:02d}-kata-sandi").status_code for i in range(30)]
    assert time.monotonic() - started < 60, "the 30 tries must fall in one throttle window"
    assert codes == [401] * 12 + [429] * 18
    assert build.redis.keys(f"LIMITS:LIMITER/{build.prefix}sign-in/*"), "the throttle counts in Redis, not in the process"
    throttled = _try(client, "u-mayor", PASSWORD)
    assert throttled.status_code == 429 and "Terlalu banyak percobaan masuk" in throttled.get_data(as_text=True)
    assert "Traceback" not in throttled.get_data(as_text=True) and throttled.headers["Retry-After"] == "60"
    locked = _user(Session, "u-mayor")
    assert locked.locked_at is not None and locked.failed_sign_ins == 10
    assert _outcomes(Session) == {"wrong": 10, "locked": 2, "throttled": 19}

    for limiter in app.server.extensions["limiter"]:
        limiter.reset()  # as if the minute had passed: the throttle forgets, the lockout does not
    refused = _try(client, "u-mayor", PASSWORD)
    assert refused.status_code == 401 and "Nama pengguna atau kata sandi salah." in refused.get_data(as_text=True)
    assert client.get(WHO).status_code == 401
    assert _outcomes(Session)["locked"] == 3

    admin = app.server.test_client()
    assert _try(admin, "u-admin", PASSWORD).status_code == 302
    r = dash_call(
        app, admin, f"{ids.ADM_USER_UNLOCK}.n_clicks", {f"{ids.ADM_USER_ID}.data": locked.id, f"{ids.ADM_LANG}.data": "id"}
    )
    assert r.status_code == 200 and "tidak terkunci lagi" in r.get_data(as_text=True)
    unlocked = _user(Session, "u-mayor")
    assert unlocked.locked_at is None and unlocked.failed_sign_ins == 0
    with Session() as s:
        audit = s.scalars(select(AdminChange).where(AdminChange.action == "unlock")).one()
    assert (audit.actor, audit.entity, audit.entity_key) == ("admin:u-admin", "user", "u-mayor")
    assert audit.changes["failed_sign_ins"] == [10, 0] and audit.changes["locked_at"][1] is None

    assert _try(client, "u-mayor", PASSWORD).status_code == 302
    assert client.get(WHO).status_code == 400  # signed in as the mayor
    assert _outcomes(Session)["ok"] == 2  # the admin and the mayor


def test_the_address_throttle_counts_every_account_from_one_address(make_app):
    build, _Session = make_app
    client = build(sign_in_limit_account="5/minute", sign_in_limit_address="8/minute").server.test_client()
    codes = [_try(client, f"tebakan-{i}", "apa-saja-sandinya").status_code for i in range(8)]
    assert codes == [401] * 8
    assert _try(client, "u-operator", PASSWORD).status_code == 429  # the right password too, from this address


def test_the_account_throttle_holds_with_the_default_limit(make_app):
    build, _Session = make_app
    client = build().server.test_client()
    assert [_try(client, "u-agency", "salah-salah-salah").status_code for _ in range(5)] == [401] * 5
    assert _try(client, "U-AGENCY", PASSWORD).status_code == 429  # the key is the typed name, case folded


def _normalised(response) -> tuple[int, str, list[str]]:
    body = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', response.get_data(as_text=True))
    return response.status_code, body, sorted(h.split("=")[0] for h in response.headers.getlist("Set-Cookie"))


def test_unknown_user_wrong_password_and_locked_account_look_the_same(make_app):
    build, Session = make_app
    with Session.begin() as s:
        s.execute(User.__table__.update().where(User.username == "u-operator").values(locked_at=now_utc()))
    client = build(**RELAXED).server.test_client()
    cases = {
        "unknown": ("tidak-ada-orangnya", PASSWORD),
        "wrong": ("u-mayor", "salah-kata-sandi"),
        "locked": ("u-operator", PASSWORD),
    }
    answers, times = {}, {name: [] for name in cases}
    for _round in range(3):
        for name, (username, password) in cases.items():
            started = time.perf_counter()
            answers[name] = _normalised(_try(client, username, password))
            times[name].append(time.perf_counter() - started)
    assert answers["unknown"] == answers["wrong"] == answers["locked"]
    assert answers["unknown"][0] == 401
    medians = {name: statistics.median(t) for name, t in times.items()}
    # every path verifies one argon2 hash: no path is markedly faster than another
    assert max(medians.values()) < 2 * min(medians.values()), medians
    assert _outcomes(Session) == {"wrong": 6, "locked": 3}


def test_audit_rows_say_who_typed_what_from_where_and_admins_read_them(make_app):
    build, Session = make_app
    app = build(**RELAXED)
    client = app.server.test_client()
    long_name = "=HYPERLINK(" + "x" * 200
    _try(client, long_name, "apa-saja-sandinya")
    assert _try(client, "u-admin", PASSWORD).status_code == 302
    with Session() as s:
        rows = s.scalars(select(SignInAttempt).order_by(SignInAttempt.id)).all()
    assert [(r.username, r.client_address, r.outcome) for r in rows] == [
        (long_name[:64], "127.0.0.1", "wrong"),
        ("u-admin", "127.0.0.1", "ok"),
    ]
    assert all(r.at is not None and abs((now_utc() - r.at).total_seconds()) < 60 for r in rows)
    r = dash_call(app, client, f"{ids.ADM_TABS}.value", {f"{ids.ADM_TABS}.value": "sign_ins", f"{ids.ADM_LANG}.data": "id"})
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and long_name[:64] in text and "salah" in text and "berhasil" in text
    operator = app.server.test_client()
    assert _try(operator, "u-operator", PASSWORD).status_code == 302
    r = dash_call(app, operator, f"{ids.ADM_TABS}.value", {f"{ids.ADM_TABS}.value": "sign_ins"})
    assert r.status_code == 204  # not an admin: nothing


def test_old_sign_in_rows_are_pruned(make_app):
    _build, Session = make_app
    now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    with Session.begin() as s:
        for days in (400, 181, 179, 1):
            record_sign_in_attempt(s, at=now - timedelta(days=days), username=f"d{days}", client_address="10.0.0.1", outcome="ok")
    with Session.begin() as s:
        assert prune_sign_in_attempts(s, now=now, keep=timedelta(days=180)) == 2
    with Session() as s:
        assert sorted(s.scalars(select(SignInAttempt.username))) == ["d1", "d179"]


def test_a_successful_sign_in_prunes_what_is_older_than_the_retention(make_app):
    build, Session = make_app
    with Session.begin() as s:
        for days in (200, 5):
            record_sign_in_attempt(s, at=now_utc() - timedelta(days=days), username=f"d{days}", client_address="-", outcome="ok")
    client = build(sign_in_keep_days=180, **RELAXED).server.test_client()
    assert _try(client, "u-mayor", "salah-kata-sandi").status_code == 401
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(SignInAttempt).where(SignInAttempt.username == "d200")) == 1
    assert _try(client, "u-mayor", PASSWORD).status_code == 302
    with Session() as s:
        assert sorted(s.scalars(select(SignInAttempt.username))) == ["d5", "u-mayor", "u-mayor"]


def test_sign_in_starts_a_new_session_and_logout_makes_the_old_cookie_worthless(make_app):
    build, _Session = make_app
    client = build(**RELAXED).server.test_client()
    client.get("/masuk")
    with client.session_transaction() as sess:
        sess["planted"] = "dari-sebelum-masuk"
    before = client.get_cookie("session").value
    assert _try(client, "u-mayor", PASSWORD).status_code == 302
    signed_in = client.get_cookie("session").value
    assert signed_in != before
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess[SEEN_KEY] > 0
    assert client.get(WHO).status_code == 400
    token = client.get_cookie("bcc_csrf").value
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert client.get(WHO).status_code == 401
    client.set_cookie("session", signed_in)  # replay the cookie saved while signed in
    assert client.get(WHO).status_code == 401


def test_an_idle_session_ends_and_the_console_refresh_does_not_keep_it_alive(make_app):
    build, _Session = make_app
    app = build(idle_timeout_min=30, **RELAXED)
    client = app.server.test_client()
    assert _try(client, "u-operator", PASSWORD).status_code == 302
    assert client.get(WHO).status_code == 403
    long_ago = int((now_utc() - timedelta(minutes=20)).timestamp())
    with client.session_transaction() as sess:
        sess[SEEN_KEY] = long_ago
    # the console's refresh interval and its socket pushes are not a person at the screen
    assert _console_call(app, client, f"{ids.OP_REFRESH}.n_intervals", 7).status_code == 200
    with client.session_transaction() as sess:
        assert sess[SEEN_KEY] == long_ago
    # typing in the search box is
    assert _console_call(app, client, f"{ids.OP_SEARCH}.value", "#1").status_code == 200
    with client.session_transaction() as sess:
        assert sess[SEEN_KEY] > long_ago
        sess[SEEN_KEY] = int((now_utc() - timedelta(minutes=31)).timestamp())
    r = _console_call(app, client, f"{ids.OP_REFRESH}.n_intervals", 8)
    assert r.headers[SIGNED_OUT_HEADER] == "idle"  # assets/csrf.js takes the page to /masuk
    assert client.get(WHO).status_code == 401  # signed out (an operator signed in gets 403 here)

    mayor = app.server.test_client()
    assert _try(mayor, "u-mayor", PASSWORD).status_code == 302
    with mayor.session_transaction() as sess:
        sess[SEEN_KEY] = int((now_utc() - timedelta(minutes=31)).timestamp())
    r = mayor.get("/laporan?lang=en")
    assert (
        r.status_code == 302 and r.headers["Location"].startswith("/masuk?next=/laporan") and "habis=1" in r.headers["Location"]
    )
    assert mayor.get(WHO).status_code == 401
    notice = mayor.get(r.headers["Location"]).get_data(as_text=True)
    assert "tidak ada aktivitas selama 30 menit" in notice


def test_wall_kiosks_have_no_idle_timeout_and_a_secure_cookie_in_production(make_app):
    build, _Session = make_app
    app = build(production=True, secret_key="rahasia-uji", wall_token="dinding-uji", idle_timeout_min=0.001)
    client = app.server.test_client()
    r = client.get("/wall?token=dinding-uji")
    assert r.status_code == 200
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("bcc_wall="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    time.sleep(0.1)
    assert client.get("/wall").status_code == 200  # no sign-in, nothing to time out
    dev = build(wall_token="dinding-uji").server.test_client()
    dev_cookie = next(h for h in dev.get("/wall?token=dinding-uji").headers.getlist("Set-Cookie") if h.startswith("bcc_wall="))
    assert "Secure" not in dev_cookie


def test_with_redis_down_sign_in_works_and_is_still_throttled_in_the_process(migrated_url, stream_prefix):
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc())
    settings = worker_settings("redis://127.0.0.1:1/0", migrated_url, stream_prefix, sign_in_limit_account="3/minute")
    client = create_dash(settings).server.test_client()
    assert _try(client, "u-mayor", PASSWORD).status_code == 302
    assert [_try(client, "u-admin", "salah-kata-sandi").status_code for _ in range(3)] == [401] * 3
    assert _try(client, "u-admin", PASSWORD).status_code == 429
