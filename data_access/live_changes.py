"""The `<prefix>changes` stream: written by every producer of changes (`ChangePublisher`), read by
the live relay and by a screen catching up on a gap.

A screen that missed a batch asks for the entries after the last id it applied instead of reloading
the whole picture (≈3 MB with 20,000 open complaints). The stream is capped, so when entries after
that id have been trimmed away the answer says so and the screen reloads its snapshot.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

import redis

log = logging.getLogger(__name__)

CATCH_UP_MAX = 2000  # entries per answer; a screen further behind asks again (`more`)


STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")


def stream_id_key(entry_id: str) -> tuple[int, int]:
    """`"1700000000000-3"` → (1700000000000, 3): stream ids compare as pairs of numbers, not as text.

    Raises ValueError for anything else (the catch-up endpoint passes ids from the browser)."""
    if not STREAM_ID.fullmatch(entry_id or ""):
        raise ValueError(f"not a stream id: {entry_id!r}")
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq)


def decode_change(entry_id: bytes | str, fields: dict) -> tuple[str, dict | None]:
    """One stream entry → (id, event with its id in `sid`), or (id, None) when it cannot be read."""
    eid = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    try:
        event = json.loads(fields[b"event"] if b"event" in fields else fields["event"])
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("skipping unreadable change event %s: %s", eid, exc)
        return eid, None
    if not isinstance(event, dict):
        return eid, None
    event["sid"] = eid  # lets a screen apply each event once, whichever way it arrived
    return eid, event


@dataclass(frozen=True)
class ChangesAfter:
    events: list[dict]
    last: str | None  # id of the last entry read (None: nothing after `after`)
    more: bool  # CATCH_UP_MAX reached: ask again from `last`
    trimmed: bool  # entries after `after` are gone from the capped stream: reload the snapshot


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _trimmed_after(client: redis.Redis, key: str, after: str) -> bool:
    """True when entries newer than `after` may have been trimmed away by the stream's cap.

    The cap trims from the oldest end, so while `after` itself is still in the stream nothing after
    it is missing. `after` is always an id the screen got from this stream (or "0-0")."""
    try:
        info = client.xinfo_stream(key)
    except redis.ResponseError:
        return False  # no stream yet: nothing was ever trimmed
    added = info.get("entries-added")  # Redis 7: every entry ever added, trimmed or not
    if added is not None and added <= info.get("length", 0):
        return False  # nothing was ever removed
    if after != "0-0" and client.xrange(key, min=after, max=after, count=1):
        return False
    first = info.get("first-entry")
    oldest_kept = _text(first[0]) if first else None
    if oldest_kept is None:  # everything trimmed: missing something if anything came after `after`
        last = info.get("last-generated-id")
        return last is not None and stream_id_key(_text(last)) > stream_id_key(after)
    return stream_id_key(oldest_kept) > stream_id_key(after)


def changes_after(client: redis.Redis, key: str, after: str, limit: int = CATCH_UP_MAX) -> ChangesAfter:
    """The change events after stream id `after` (exclusive), oldest first."""
    stream_id_key(after)  # raises ValueError for anything that is not a stream id
    if _trimmed_after(client, key, after):
        return ChangesAfter([], None, False, True)
    entries = client.xrange(key, min=f"({after}", count=limit)
    events = []
    for eid, fields in entries:
        _, event = decode_change(eid, fields)
        if event is not None:
            events.append(event)
    last = entries[-1][0].decode() if entries else None
    return ChangesAfter(events, last, len(entries) >= limit, False)


# --- writing: one ordered, capped stream for every producer of changes ----------------------
#
# Ingest workers and operator actions append here and the live relay pushes from it: one emitter
# towards the browsers, no collisions, and stream ids let a screen notice a gap.

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
