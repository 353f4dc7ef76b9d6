"""Flask-SocketIO wiring: browsers join namespace /live; the live relay emits through Redis.

Web processes only deliver: they never read streams. With Redis as the message queue any number
of web processes can run; clients use the websocket transport, so no sticky sessions are needed.
"""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_socketio import SocketIO

from dashboard.access import WALL_COOKIE, token_matches
from domain.live_events import SOCKET_NAMESPACE
from settings import Settings

EXTENSION_KEY = "bcc_socketio"


def _async_mode() -> str:
    """gevent under gunicorn's gevent worker, plain threads elsewhere (tests, flask run)."""
    try:
        from gevent import monkey

        if monkey.is_module_patched("socket"):
            return "gevent"
    except ImportError:
        pass
    return "threading"


def init_socketio(server: Flask, settings: Settings) -> SocketIO:
    sio = SocketIO(server, message_queue=settings.redis_url, async_mode=_async_mode(), channel="flask-socketio")

    @sio.on("connect", namespace=SOCKET_NAMESPACE)
    def _connect(auth=None):
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        token = token or request.cookies.get(WALL_COOKIE)
        if token_matches(token, settings.wall_token):
            return True
        return bool(getattr(current_user, "is_authenticated", False))  # logged-in staff; else refused

    server.extensions[EXTENSION_KEY] = sio
    return sio
