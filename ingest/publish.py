"""Publishes change events on the Socket.IO message queue (Redis), for every web process."""

from __future__ import annotations

import logging

import socketio

from domain.live_events import SOCKET_EVENT, SOCKET_NAMESPACE

log = logging.getLogger(__name__)


class ChangePublisher:
    """Write-only Socket.IO client manager: the worker emits, web processes deliver to browsers.

    Publishing is best effort: the database is the system of record and screens re-read it when
    they reconnect, so a lost notification never loses data.
    """

    def __init__(self, redis_url: str, channel: str = "flask-socketio"):
        self._mgr = socketio.RedisManager(redis_url, channel=channel, write_only=True)

    def publish(self, event: dict) -> bool:
        try:
            self._mgr.emit(SOCKET_EVENT, event, namespace=SOCKET_NAMESPACE)
            return True
        except Exception as exc:  # noqa: BLE001 - a notification must never stop ingest
            log.warning("change event not published: %s", exc)
            return False
