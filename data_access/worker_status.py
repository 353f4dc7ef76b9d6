"""The ingest worker's heartbeat in Redis, and the reference-data count it waits for.

Heartbeat: hash `<prefix>worker:<consumer>:heartbeat` with `state` (domain.worker_state.WorkerState),
`at` (epoch seconds) and `detail` (a sentence for people), expiring HEARTBEAT_TTL_S after the last
beat, so a worker that died leaves no "ready" behind. /readyz reads them (read_heartbeats).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.models import Agency, Category, Kelurahan
from data_access.streams import StreamKeys

HEARTBEAT_TTL_S = 60


def heartbeat_key(keys: StreamKeys, consumer: str) -> str:
    return f"{keys.prefix}worker:{consumer}:heartbeat"


def write_heartbeat(client: redis.Redis, keys: StreamKeys, consumer: str, *, state: str, at: float, detail: str = "") -> None:
    key = heartbeat_key(keys, consumer)
    pipe = client.pipeline(transaction=True)
    pipe.hset(key, mapping={"state": str(state), "at": f"{at:.3f}", "detail": detail})
    pipe.expire(key, HEARTBEAT_TTL_S)
    pipe.execute()


def clear_heartbeat(client: redis.Redis, keys: StreamKeys, consumer: str) -> None:
    client.delete(heartbeat_key(keys, consumer))


@dataclass(frozen=True)
class Heartbeat:
    consumer: str
    state: str
    at: float
    detail: str


def read_heartbeats(client: redis.Redis, keys: StreamKeys) -> list[Heartbeat]:
    """Every live worker's last heartbeat (expired ones are gone), by consumer name."""
    out = []
    prefix, suffix = f"{keys.prefix}worker:", ":heartbeat"
    for key in client.scan_iter(match=f"{prefix}*{suffix}", count=100):
        key = key.decode() if isinstance(key, bytes) else key
        h = {k.decode(): v.decode() for k, v in client.hgetall(key).items()}
        if h:
            consumer = key[len(prefix) : -len(suffix)]
            out.append(Heartbeat(consumer, h.get("state", ""), float(h.get("at") or 0), h.get("detail", "")))
    return sorted(out, key=lambda h: h.consumer)


def reference_counts(session: Session) -> dict[str, int]:
    """Rows of the reference tables the worker needs before it consumes (active categories only)."""
    return {
        "categories": session.scalar(select(func.count()).select_from(Category).where(Category.active.is_(True))),
        "kelurahan": session.scalar(select(func.count()).select_from(Kelurahan)),
        "agencies": session.scalar(select(func.count()).select_from(Agency)),
    }
