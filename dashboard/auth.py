"""Login, sessions and CSRF for every state-changing request (docs/security.md says it in one place).

- Flask-Login keeps the session; a session expires after one shift (8 h), after BCC_IDLE_TIMEOUT_MIN
  without activity, and on logout. The session cookie carries the user's `session_version`
  (`SessionUser.get_id`); logout raises it, so a copied cookie is worthless afterwards.
- POST /masuk is throttled by Flask-Limiter per account and per client address (Redis storage, so
  every web process counts together); data_access/users.sign_in locks an account after repeated
  wrong passwords and writes every try to `sign_in_attempts`. An unknown user, a wrong password and
  a locked account get the same answer in about the same time.
- Flask-WTF's CSRFProtect checks every POST, Dash callbacks included: assets/csrf.js sends the
  token from the `bcc_csrf` cookie in an `X-CSRFToken` header.
- Passwords are argon2id hashes (data_access/users.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from flask import Flask, Response, g, redirect, render_template_string, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from dashboard.services import EXTENSION_KEY, services
from data_access.users import UserInfo, end_sessions, get_user, record_sign_in_attempt, sign_in
from domain import sign_in as rules

CSRF_COOKIE = "bcc_csrf"
SHIFT = timedelta(hours=8)
SEEN_KEY = "seen"  # epoch seconds of the session's last user activity (the idle timeout)
SIGNED_OUT_HEADER = "X-BCC-Signed-Out"  # tells assets/csrf.js to go to the login page
FILES = ("/_dash-component-suites", "/assets", "/_favicon")


class SessionUser(UserMixin):
    def __init__(self, info: UserInfo):
        self.info = info
        self.id = str(info.id)

    def get_id(self) -> str:
        """What the session cookie stores: the id and the session version it was issued for."""
        return f"{self.info.id}:{self.info.session_version}"

    @property
    def role(self) -> str:
        return self.info.role


TEXTS = {
    "id": {
        "username": "Nama pengguna",
        "password": "Kata sandi",
        "submit": "Masuk",
        "wrong": "Nama pengguna atau kata sandi salah.",
        "throttled": "Terlalu banyak percobaan masuk. Tunggu sekitar satu menit, lalu coba lagi.",
        "idle": "Sesi Anda berakhir karena tidak ada aktivitas selama {minutes} menit. Silakan masuk lagi.",
        "db_down": "Tidak dapat masuk sekarang: basis data tidak terhubung. Coba lagi sebentar lagi.",
    },
    "en": {
        "username": "Username",
        "password": "Password",
        "submit": "Sign in",
        "wrong": "Wrong username or password.",
        "throttled": "Too many sign-in attempts. Wait about a minute, then try again.",
        "idle": "Your session ended after {minutes} minutes without activity. Please sign in again.",
        "db_down": "Cannot sign in right now: the database is not reachable. Try again shortly.",
    },
}

LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>Masuk — Binjai Command Center</title>
<link rel="stylesheet" href="/assets/base.css"></head>
<body><main class="status-page login">
<h1>Binjai Command Center</h1>
{% if notice %}<p class="banner" role="status">{{ notice }}</p>{% endif %}
<form method="post" action="{{ url_for('bcc_login', next=next, lang=lang if lang != 'id' else None) }}">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <label>{{ tx.username }} <input name="username" autocomplete="username" required autofocus></label>
  <label>{{ tx.password }} <input name="password" type="password" autocomplete="current-password" required></label>
  {% if error %}<p class="banner alert" role="alert">{{ error }}</p>{% endif %}
  <button type="submit">{{ tx.submit }}</button>
</form></main></body></html>"""


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/"):
        return "/"
    return target


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "id"


def _login_page(error_key: str | None = None, status: int = 200, notice: str | None = None):
    lang = _lang()
    tx = TEXTS[lang]
    error = tx[error_key] if error_key else None
    return render_template_string(
        LOGIN_PAGE, error=error, notice=notice, next=_safe_next(request.args.get("next")), lang=lang, tx=tx
    ), status


def _typed_account() -> str:
    """The per-account throttle's key: the username as typed (case folded, cut to the audit's width)."""
    return "account:" + rules.typed_username(request.form.get("username", "")).casefold()


def _settings():
    return services().settings


def init_auth(server: Flask, *, production: bool) -> None:
    server.config.update(
        PERMANENT_SESSION_LIFETIME=SHIFT,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session (walls run for days)
        WTF_CSRF_HEADERS=["X-CSRFToken"],
    )
    CSRFProtect(server)
    settings = server.extensions[EXTENSION_KEY].settings
    limiter = Limiter(
        get_remote_address,
        app=server,
        storage_uri=settings.redis_url,
        storage_options={"socket_timeout": 2, "socket_connect_timeout": 2},
        key_prefix=settings.stream_key("sign-in"),
        strategy="moving-window",
        # Redis down: count in this process instead of failing the login page (the lockout in the
        # database still holds)
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    manager = LoginManager(server)
    manager.login_view = "bcc_login"

    known: dict[int, UserInfo] = {}  # the last answer per account, for while the database is down

    @manager.user_loader
    def _load(session_id: str):
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None  # a cookie from before session versions, or forged
        uid = int(user_id)
        try:
            with services().Session() as s:
                info = get_user(s, user_id=uid)
        except (OperationalError, DBAPIError):  # keep the signed-in user; the pages say the database is down
            info = known.get(uid)
        else:
            if info is None:
                known.pop(uid, None)
            else:
                known[uid] = info
        if info is None or info.session_version != int(version):
            return None  # signed out since (logout, password reset): the cookie no longer counts
        return SessionUser(info)

    @server.route("/masuk", methods=["GET", "POST"], endpoint="bcc_login")
    @limiter.limit(lambda: _settings().sign_in_limit_address, methods=["POST"], scope="address")
    @limiter.limit(lambda: _settings().sign_in_limit_account, key_func=_typed_account, methods=["POST"], scope="account")
    def login():
        if request.method != "POST":
            notice = None
            if request.args.get("habis"):
                notice = TEXTS[_lang()]["idle"].format(minutes=f"{_settings().idle_timeout_min:g}")
            return _login_page(notice=notice)
        now = now_utc()
        try:
            with services().Session.begin() as s:
                result = sign_in(
                    s,
                    username=request.form.get("username", ""),
                    password=request.form.get("password", ""),
                    now=now,
                    client_address=get_remote_address() or "-",
                    lock_after=_settings().sign_in_lock_after,
                    keep_attempts=timedelta(days=_settings().sign_in_keep_days),
                )
        except SQLAlchemyError:
            server.logger.exception("sign-in: database unavailable")
            return _login_page("db_down", 503)
        if result.user is None:
            return _login_page("wrong", 401)  # unknown, wrong and locked alike
        session.clear()  # a fresh session: nothing from before the sign-in survives
        session.permanent = True
        known[result.user.id] = result.user
        login_user(SessionUser(result.user))
        session[SEEN_KEY] = int(now.timestamp())
        return redirect(_safe_next(request.args.get("next")))

    @server.errorhandler(RateLimitExceeded)
    def _throttled(_exc):
        try:
            with services().Session.begin() as s:
                record_sign_in_attempt(
                    s,
                    at=now_utc(),
                    username=request.form.get("username", ""),
                    client_address=get_remote_address() or "-",
                    outcome=rules.THROTTLED,
                )
        except SQLAlchemyError:
            server.logger.exception("sign-in: could not record a throttled try")
        page, status = _login_page("throttled", 429)
        response = server.make_response((page, status))
        response.headers["Retry-After"] = "60"
        return response

    @server.route("/keluar", methods=["POST"], endpoint="bcc_logout")
    def logout():
        if current_user.is_authenticated:
            with services().Session.begin() as s:
                end_sessions(s, user_id=current_user.info.id)
        logout_user()
        session.clear()
        return redirect(url_for("bcc_login"))

    @server.before_request
    def _idle_timeout():
        """End a signed-in session idle for longer than the timeout; note the activity of the others."""
        if request.path.startswith(FILES) or "_user_id" not in session:
            return None  # files, and everyone not signed in (wall kiosks: token cookie, no session)
        if not current_user.is_authenticated:
            return None
        now = now_utc()
        seen = session.get(SEEN_KEY)
        last = datetime.fromtimestamp(seen, UTC) if isinstance(seen, (int, float)) else None
        timeout = timedelta(minutes=_settings().idle_timeout_min)
        shape = rules.RequestShape(
            request.method,
            request.path,
            rules.changed_props_of(request.get_json(silent=True)) if request.path == "/_dash-update-component" else (),
        )
        if rules.idle_expired(last, now, timeout):
            logout_user()
            session.clear()
            g.bcc_signed_out_idle = True
            if request.method == "GET" and rules.is_user_activity(shape):
                return redirect(url_for("bcc_login", next=request.full_path.rstrip("?"), habis=1))
            return None  # callbacks go on as anonymous (refused); the header sends the page to /masuk
        if rules.is_user_activity(shape):
            session[SEEN_KEY] = int(now.timestamp())
        return None

    @server.after_request
    def _csrf_cookie(response: Response) -> Response:
        """Give the page's scripts the CSRF token (not secret from the page itself; tied to the session)."""
        if g.get("bcc_signed_out_idle"):
            response.headers[SIGNED_OUT_HEADER] = "idle"
        if request.path.startswith(("/_dash-component-suites", "/assets", "/socket.io", "/wall/changes")):
            return response
        response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax", secure=production, httponly=False)
        return response


def current_role() -> str | None:
    return getattr(current_user, "role", None) if current_user and current_user.is_authenticated else None


def now_utc() -> datetime:
    return datetime.now(UTC)


def current_actor():
    """The signed-in user as the action gate's Actor (data_access.actions), or None without a session.
    The agency comes from the account, never from the browser."""
    from data_access.actions import Actor

    if not (current_user and current_user.is_authenticated):
        return None
    info = current_user.info
    return Actor(f"{info.role}:{info.username}", info.role, info.agency_code or None)
