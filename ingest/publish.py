"""Appends change events to the `<prefix>changes` stream, from which the live relay pushes them.

One ordered, capped stream for every producer of changes (ingest workers, operator actions) means
one emitter towards the browsers: no collisions, and stream ids let a screen notice a gap.
"""

from __future__ import annotations

import json
import logging

import redis

log = logging.getLogger(__name__)

CHANGES_MAXLEN = 10_000  # a live display only needs the recent past; the database has the rest


class ChangePublisher:
    """Best effort: the database is the system of record and screens re-read it after a gap."""

    def __init__(self, client: redis.Redis, changes_key: str):
        self.client = client
        self.key = changes_key

    def publish(self, event: dict) -> str | None:
        try:
            entry_id = self.client.xadd(
                self.key, {"event": json.dumps(event, ensure_ascii=False)}, maxlen=CHANGES_MAXLEN, approximate=True
            )
            return entry_id.decode() if isinstance(entry_id, bytes) else entry_id
        except redis.RedisError as exc:
            log.warning("change event not published: %s", exc)
            return None
