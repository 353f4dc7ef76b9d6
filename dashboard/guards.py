"""Bad input and dead parts never answer 500: a clear 4xx or 503 with a reason, and a page that loads.

- A Dash callback POST whose body is not the shape a browser sends (not JSON, unknown output,
  inputs or state that do not match the callback's) is answered 400 before Dash sees it.
- A callback given values of the wrong type answers 400 with the callback's name; one that finds the
  database or Redis down answers 503 ("basis data tidak terhubung"). Actions do better: the action
  gate turns a dead database into a refusal shown where the user is looking (data_access.actions).
- A page whose layout cannot reach the database still loads: a banner says what is down, and the
  page reloads itself when it is back.
- Every page carries the system banner: database or Redis down, said plainly, checked every 10 s.
"""

from __future__ import annotations

import functools
import json
import logging

import redis
from dash import Input, Output, dcc, html
from dash.exceptions import PreventUpdate, UnsupportedRelativePath
from flask import Flask, Response, request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

log = logging.getLogger(__name__)

STORE_ERRORS = (OperationalError, DBAPIError, redis.RedisError)
# what a callback raises when a forged request hands it values of another type or shape
INPUT_ERRORS = (TypeError, AttributeError, KeyError, ValueError, IndexError, UnsupportedRelativePath)
BANNER_ID = "system-banner"
BANNER_TICK_ID = "system-banner-tick"
RETRY_ID = "page-retry"  # on the stand-in page of a layout that could not reach the database
BANNER_TEXTS = {
    "database": "Basis data tidak terhubung — data tidak diperbarui dan tindakan belum dapat disimpan.",
    "redis": "Redis tidak terhubung — siaran langsung tertunda; layar diperbarui dari basis data.",
}


def down_reason(exc: BaseException) -> str:
    return "redis" if isinstance(exc, redis.RedisError) else "database"


def guard_callback(fn):
    """Wrap a server callback: wrong-typed input → 400, a dead database or Redis → 503; never a 500."""

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (PreventUpdate, HTTPException):
            raise
        except STORE_ERRORS as exc:
            log.warning("callback %s: %s unavailable: %s", fn.__name__, down_reason(exc), exc)
            raise ServiceUnavailable(BANNER_TEXTS[down_reason(exc)]) from exc
        except INPUT_ERRORS as exc:
            log.warning("callback %s refused input it cannot use", fn.__name__, exc_info=True)
            raise BadRequest(f"invalid input for callback {fn.__name__}: {type(exc).__name__}") from exc

    guarded._bcc_guarded = True
    return guarded


def _shape_problem(body, callback_map: dict) -> str | None:
    """Why a callback request's body is not one a Dash browser sends; None when it is."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    spec = callback_map[output]
    if "callback" not in spec:  # a clientside callback runs in the browser only
        return "no server callback for this output"
    for part, declared in (("inputs", spec.get("inputs", [])), ("state", spec.get("state", []))):
        sent = body.get(part, [])
        if not isinstance(sent, list) or len(sent) != len(declared):
            return f"'{part}' must be a list of {len(declared)}"
        for item, want in zip(sent, declared, strict=True):
            items = item if isinstance(item, list) else [item]
            if not all(isinstance(i, dict) and "id" in i and i.get("property") == want.get("property") for i in items):
                return f"'{part}' does not match the callback"
            if isinstance(item, list) != _is_wildcard(want.get("id")):
                return f"'{part}' does not match the callback"
    multi = output.startswith("..")
    if not isinstance(body.get("outputs"), list if multi else dict):
        return "'outputs' must be a list" if multi else "'outputs' must be an object"
    if not isinstance(body.get("changedPropIds", []), list):
        return "'changedPropIds' must be a list"
    return None


def _is_wildcard(id_) -> bool:
    """A pattern-matching id with ALL / ALLSMALLER arrives as a list of matches."""
    if isinstance(id_, str) and id_.startswith("{"):
        try:
            id_ = json.loads(id_)
        except ValueError:
            return False
    return isinstance(id_, dict) and any(isinstance(v, list) for v in id_.values())


def init_guards(app) -> None:
    """Request-shape check, error answers and the system banner on the app's Flask server."""
    server: Flask = app.server

    @server.before_request
    def _check_callback_body():
        if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        body = request.get_json(silent=True)
        problem = _shape_problem(body, app.callback_map)
        if problem:
            return Response(json.dumps({"error": problem}), status=400, mimetype="application/json")
        spec = app.callback_map[body["output"]]
        if not getattr(spec["callback"], "_bcc_guarded", False):  # Dash's own (the pages router)
            spec["callback"] = guard_callback(spec["callback"])
        return None

    @server.errorhandler(OperationalError)
    @server.errorhandler(DBAPIError)
    @server.errorhandler(redis.RedisError)
    def _store_down(exc):
        log.warning("%s %s: %s unavailable: %s", request.method, request.path, down_reason(exc), exc)
        return Response(BANNER_TEXTS[down_reason(exc)], status=503, mimetype="text/plain")

    @app.callback(Output(BANNER_ID, "children"), Input(BANNER_TICK_ID, "n_intervals"))
    def _banner(_n):
        return system_banner(server)

    app.clientside_callback(
        "function (n) { if (n) { window.location.reload(); } return window.dash_clientside.no_update; }",
        Output(RETRY_ID, "disabled"),
        Input(RETRY_ID, "n_intervals"),
        prevent_initial_call=True,
    )


def system_banner(server: Flask):
    """The banner's content: what is down right now (nothing when all is well)."""
    from dashboard.services import EXTENSION_KEY

    svc = server.extensions[EXTENSION_KEY]
    down = []
    try:
        with svc.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except STORE_ERRORS:
        down.append("database")
    try:
        svc.redis.ping()
    except STORE_ERRORS:
        down.append("redis")
    return [html.P(BANNER_TEXTS[part], className="banner alert system-down", role="alert") for part in down]


def banner_container():
    """Above every page: the banner, filled at once and every 10 s."""
    return html.Div([html.Div(id=BANNER_ID, **{"aria-live": "assertive"}), dcc.Interval(id=BANNER_TICK_ID, interval=10_000)])


def safe_layout(layout):
    """A page layout that still renders when the database is down: a banner and a reload in 15 s."""
    if getattr(layout, "_bcc_safe", False) or not callable(layout):
        return layout

    @functools.wraps(layout)
    def render(*args, **kwargs):
        try:
            return layout(*args, **kwargs)
        except STORE_ERRORS as exc:
            log.warning("page layout %s without %s: %s", layout.__module__, down_reason(exc), exc)
            return html.Main(
                className="status-page",
                children=[
                    html.H1("Binjai Command Center"),
                    html.P(BANNER_TEXTS[down_reason(exc)], className="banner alert system-down", role="alert"),
                    html.P("Halaman ini dimuat ulang sendiri setelah 15 detik.", className="muted"),
                    dcc.Interval(id=RETRY_ID, interval=15_000, max_intervals=1),
                ],
            )

    render._bcc_safe = True
    return render
