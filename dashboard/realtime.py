"""Flask-SocketIO wiring: browsers join namespace /live; the live relay emits through Redis.

Web processes only deliver: they never read streams. With Redis as the message queue any number
of web processes can run; clients use the websocket transport, so no sticky sessions are needed.
Each web process counts its open sockets per page kind in a Redis hash that expires when the
process is gone (read by /metrics, dashboard/health.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

import redis
from flask import Flask, request
from flask_login import current_user
from flask_socketio import SocketIO

from dashboard.access import WALL_COOKIE, token_matches
from domain.live_events import SOCKET_NAMESPACE
from live.keys import LiveKeys
from settings import Settings

EXTENSION_KEY = "bcc_socketio"
SCREEN_KINDS = ("wall", "operator", "agency", "staff")
SCREENS_TTL_S = 30  # a process that died stops being counted after this
SCREENS_REFRESH_S = 10
ROLE_PAGE = {"operator": "operator", "supervisor": "operator", "agency": "agency"}
log = logging.getLogger("bcc.realtime")


class ScreenCounter:
    """Open sockets of this web process by page kind, mirrored to `<prefix>live:screens:<process>`."""

    def __init__(self, client: redis.Redis, keys: LiveKeys):
        self.client, self.key = client, keys.screens(f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}")
        self.kinds: dict[str, str] = {}
        self.lock = threading.Lock()
        self.refresher_started = False

    def connected(self, sid: str, kind: str) -> None:
        with self.lock:
            self.kinds[sid] = kind
        self.write()

    def disconnected(self, sid: str) -> None:
        with self.lock:
            self.kinds.pop(sid, None)
        self.write()

    def write(self) -> None:
        with self.lock:
            counts = {k: sum(1 for v in self.kinds.values() if v == k) for k in SCREEN_KINDS}
        try:
            pipe = self.client.pipeline()
            pipe.hset(self.key, mapping=counts)
            pipe.expire(self.key, SCREENS_TTL_S)
            pipe.execute()
        except redis.RedisError as exc:  # a count is not worth a refused screen
            log.debug("screen count not written: %s", exc)

    def refresh_forever(self, sleep) -> None:
        try:
            while True:
                sleep(SCREENS_REFRESH_S)
                self.write()
        except SystemExit:  # dash's test server stops its threads so; a real process just exits
            return


def _screen_kind(auth, by_token: bool) -> str:
    page = auth.get("page") if isinstance(auth, dict) else None
    if page in SCREEN_KINDS:
        return page
    if by_token:
        return "wall"
    return ROLE_PAGE.get(getattr(current_user, "role", None), "staff")


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
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    screens = ScreenCounter(client, LiveKeys(settings.stream_prefix))

    @sio.on("connect", namespace=SOCKET_NAMESPACE)
    def _connect(auth=None):
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        token = token or request.cookies.get(WALL_COOKIE)
        by_token = token_matches(token, settings.wall_token)
        if not by_token and not getattr(current_user, "is_authenticated", False):
            return False  # neither a wall with its token nor logged-in staff
        if not screens.refresher_started:
            screens.refresher_started = True
            sio.start_background_task(screens.refresh_forever, sio.sleep)
        screens.connected(request.sid, _screen_kind(auth, by_token))
        return True

    @sio.on("disconnect", namespace=SOCKET_NAMESPACE)
    def _disconnect(*_args):
        screens.disconnected(request.sid)

    server.extensions[EXTENSION_KEY] = sio
    return sio
