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
    lag: int | None  # entries not yet delivered to the ingest group
    pending: int  # delivered but not yet acknowledged


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
        length, last_at, lag, pending = 0, None, None, 0
        try:
            info = client.xinfo_stream(key)
            length = info["length"]
            last_id = info.get("last-generated-id")
            if last_id and (last_id.decode() if isinstance(last_id, bytes) else last_id) != "0-0":
                last_at = entry_time(last_id)
            for g in client.xinfo_groups(key):
                g_name = g["name"].decode() if isinstance(g["name"], bytes) else g["name"]
                if g_name == group:
                    lag = g.get("lag")
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
            )
        )
    return out
