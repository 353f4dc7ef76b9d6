"""Redis key names (all under the configurable prefix) and the stream-health read for the web."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from domain.contract import STREAMS


@dataclass(frozen=True)
class StreamKeys:
    prefix: str = "bcc:"

    def stream(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def inputs(self) -> dict[str, str]:
        """Stream name → key for the three live input streams."""
        return {name: self.stream(name) for name in STREAMS}

    @property
    def deadletter(self) -> str:
        return f"{self.prefix}deadletter"

    @property
    def actions(self) -> str:
        return f"{self.prefix}actions"

    @property
    def changes(self) -> str:
        """Change events for the live screens (written after commit, read by the live relay)."""
        return f"{self.prefix}changes"

    @property
    def stats(self) -> str:
        return f"{self.prefix}ingest:stats"

    def name_of(self, key: str | bytes) -> str:
        key = key.decode() if isinstance(key, bytes) else key
        return key[len(self.prefix) :] if key.startswith(self.prefix) else key


def entry_time(entry_id: str | bytes) -> datetime:
    """The time Redis added an entry (the millisecond part of its id)."""
    if isinstance(entry_id, bytes):
        entry_id = entry_id.decode()
    return datetime.fromtimestamp(int(entry_id.split("-", 1)[0]) / 1000, tz=UTC)


@dataclass(frozen=True)
class StreamHealth:
    stream: str
    length: int
    last_entry_at: datetime | None  # when a producer last appended
    processed: int
    deadlettered: int
    duplicates: int
    lag: int | None  # entries not yet delivered to the ingest group (counted, see group_backlog)
    pending: int  # delivered but not yet acknowledged
    lag_at_least: bool = False  # True: more than BACKLOG_COUNT_CAP entries wait; `lag` is that cap


# Counting a backlog reads entry ids in pages; past this many it reports "at least" instead.
BACKLOG_COUNT_CAP = 20_000
_PAGE = 1_000


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _count_range(client: redis.Redis, key: str, start: str, end: str, *, reverse: bool, cap: int) -> int | None:
    """Entries from `start` towards `end` ("(id" is exclusive; reverse: XREVRANGE), or None past `cap`."""
    n = 0
    while n < cap:
        page = client.xrevrange(key, start, end, count=_PAGE) if reverse else client.xrange(key, start, end, count=_PAGE)
        n += len(page)
        if len(page) < _PAGE:
            return n
        start = f"({_text(page[-1][0])}"  # the next page starts after the last id seen (either direction)
    return None


def group_backlog(
    client: redis.Redis,
    key: str,
    last_delivered_id: str,
    length: int,
    cap: int = BACKLOG_COUNT_CAP,
    last_generated_id: str | None = None,
):
    """(entries after the group's last-delivered-id, exact?) counted from the stream itself.

    XINFO GROUPS `lag` is not used: it is entries-added minus the group's entries-read counter, and
    after a restart from an AOF whose base was rewritten (RDB preamble) Redis 7.0 replays the tail's
    reads as XCLAIM … LASTID, which moves last-delivered-id but not entries-read, so `lag` stays
    too high by everything read since the rewrite, for good (thousands, though nothing waits); with
    a plain AOF it is null instead. The ids are the truth: count what lies after last-delivered-id,
    or, when that side is long, what lies at or before it and subtract from XLEN.
    """
    if last_generated_id is not None and _id_tuple(last_delivered_id) >= _id_tuple(last_generated_id):
        return 0, True  # caught up (the usual case): nothing to count
    after = _count_range(client, key, f"({last_delivered_id}", "+", reverse=False, cap=cap)
    if after is not None:
        return after, True
    upto = _count_range(client, key, last_delivered_id, "-", reverse=True, cap=cap)
    if upto is not None:
        return length - upto, True
    return cap, False


def _id_tuple(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def read_stream_health(client: redis.Redis, keys: StreamKeys, group: str) -> list[StreamHealth]:
    """One snapshot per input stream; a stream that does not exist yet reads as empty."""
    stats = {k.decode() if isinstance(k, bytes) else k: v for k, v in client.hgetall(keys.stats).items()}
    out = []
    for name, key in keys.inputs.items():
        length, last_at, lag, pending, exact = 0, None, None, 0, True
        try:
            info = client.xinfo_stream(key)
            length = info["length"]
            last_id = info.get("last-generated-id")
            if last_id and _text(last_id) != "0-0":
                last_at = entry_time(last_id)
            for g in client.xinfo_groups(key):
                if _text(g["name"]) == group:
                    lag, exact = group_backlog(
                        client, key, _text(g["last-delivered-id"]), length, last_generated_id=_text(last_id or "0-0")
                    )
                    pending = g.get("pending", 0)
        except redis.ResponseError:
            pass  # stream not created yet
        out.append(
            StreamHealth(
                stream=name,
                length=length,
                last_entry_at=last_at,
                processed=_int(stats.get(f"{name}:processed")),
                deadlettered=_int(stats.get(f"{name}:deadlettered")),
                duplicates=_int(stats.get(f"{name}:duplicates")),
                lag=lag,
                pending=pending,
                lag_at_least=not exact,
            )
        )
    return out
