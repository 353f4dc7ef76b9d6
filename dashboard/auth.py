"""Login, sessions and CSRF for every state-changing request.

- Flask-Login keeps the session; a session expires after one shift (8 h) and on logout.
- Flask-WTF's CSRFProtect checks every POST, Dash callbacks included: assets/csrf.js sends the
  token from the `bcc_csrf` cookie in an `X-CSRFToken` header.
- Passwords are argon2id hashes (data_access/users.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from flask import Flask, Response, redirect, render_template_string, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy.exc import DBAPIError, OperationalError

from dashboard.services import services
from data_access.users import UserInfo, authenticate, get_user

CSRF_COOKIE = "bcc_csrf"
SHIFT = timedelta(hours=8)


class SessionUser(UserMixin):
    def __init__(self, info: UserInfo):
        self.info = info
        self.id = str(info.id)

    @property
    def role(self) -> str:
        return self.info.role


LOGIN_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Masuk — Binjai Command Center</title>
<link rel="stylesheet" href="/assets/base.css"></head>
<body><main class="status-page login">
<h1>Binjai Command Center</h1>
<form method="post" action="{{ url_for('bcc_login', next=next) }}">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <label>Nama pengguna <input name="username" autocomplete="username" required autofocus></label>
  <label>Kata sandi <input name="password" type="password" autocomplete="current-password" required></label>
  {% if error %}<p class="banner alert" role="alert">{{ error }}</p>{% endif %}
  <button type="submit">Masuk</button>
</form></main></body></html>"""


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/"):
        return "/"
    return target


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
    manager = LoginManager(server)
    manager.login_view = "bcc_login"

    known: dict[int, UserInfo] = {}  # the last answer per account, for while the database is down

    @manager.user_loader
    def _load(user_id: str):
        try:
            uid = int(user_id)
        except ValueError:
            return None
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
        return SessionUser(info) if info else None

    @server.route("/masuk", methods=["GET", "POST"], endpoint="bcc_login")
    def login():
        nxt = _safe_next(request.args.get("next"))
        error = None
        if request.method == "POST":
            with services().Session.begin() as s:
                info = authenticate(s, username=request.form.get("username", ""), password=request.form.get("password", ""))
            if info is None:
                error = "Nama pengguna atau kata sandi salah."
            else:
                session.clear()
                session.permanent = True
                known[info.id] = info
                login_user(SessionUser(info))
                return redirect(nxt)
        return render_template_string(LOGIN_PAGE, error=error, next=nxt), 401 if error else 200

    @server.route("/keluar", methods=["POST"], endpoint="bcc_logout")
    def logout():
        logout_user()
        session.clear()
        return redirect(url_for("bcc_login"))

    @server.after_request
    def _csrf_cookie(response: Response) -> Response:
        """Give the page's scripts the CSRF token (not secret from the page itself; tied to the session)."""
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
