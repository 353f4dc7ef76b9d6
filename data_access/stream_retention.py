"""Trimming the Redis streams so memory stays bounded (issue 11): the input streams up to what every
consumer group has acknowledged, the dead-letter stream and `bcc:actions` by age.

Idempotent and safe to run from any number of workers at once: each run reads the groups'
progress and trims below the lowest id any group still needs (domain/stream_retention.py). The
change stream is capped where it is written (data_access/live_changes.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import redis

from data_access.streams import StreamKeys
from domain.stream_retention import GroupProgress, acknowledged_trim_id, age_trim_id


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def group_progress(client: redis.Redis, key: str) -> list[GroupProgress]:
    """Every consumer group on `key` (none when the stream does not exist)."""
    try:
        groups = client.xinfo_groups(key)
    except redis.ResponseError:  # no such key
        return []
    out = []
    for g in groups:
        name = _text(g["name"])
        oldest = None
        if g.get("pending"):
            summary = client.xpending(key, name)
            oldest = _text(summary["min"]) if summary.get("min") else None
        out.append(GroupProgress(name, _text(g["last-delivered-id"]), oldest))
    return out


def trim_acknowledged(client: redis.Redis, key: str) -> int:
    """Remove the entries every group on `key` has acknowledged; returns how many went."""
    minid = acknowledged_trim_id(group_progress(client, key))
    if minid is None:
        return 0
    return client.xtrim(key, minid=minid, approximate=False)


def trim_older_than(client: redis.Redis, key: str, *, keep: timedelta, now: datetime) -> int:
    """Remove entries added more than `keep` before `now`; returns how many went."""
    return client.xtrim(key, minid=age_trim_id(now, keep), approximate=False)


def trim_streams(
    client: redis.Redis, keys: StreamKeys, *, now: datetime, deadletter_keep: timedelta, actions_keep: timedelta
) -> dict[str, int]:
    """One retention round over every stream the command center keeps; entries removed per stream."""
    removed = {name: trim_acknowledged(client, key) for name, key in keys.inputs.items()}
    removed["deadletter"] = trim_older_than(client, keys.deadletter, keep=deadletter_keep, now=now)
    removed["actions"] = trim_older_than(client, keys.actions, keep=actions_keep, now=now)
    return removed
