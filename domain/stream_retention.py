"""Which stream entries may go (pure): up to what every consumer group has acknowledged, or by age.

Redis stream ids are `<milliseconds>-<sequence>`; `XTRIM key MINID <id>` removes entries whose id
is lower than `<id>`. These functions compute that `<id>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

StreamId = tuple[int, int]


def parse_id(entry_id: str) -> StreamId:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def format_id(entry_id: StreamId) -> str:
    return f"{entry_id[0]}-{entry_id[1]}"


def next_id(entry_id: StreamId) -> StreamId:
    """The smallest id after `entry_id`."""
    ms, seq = entry_id
    return (ms + 1, 0) if seq == 2**64 - 1 else (ms, seq + 1)


@dataclass(frozen=True)
class GroupProgress:
    """One consumer group on one stream: what it was last given, and its oldest unacknowledged entry."""

    name: str
    last_delivered_id: str
    oldest_pending_id: str | None  # None: nothing pending


def first_id_to_keep(group: GroupProgress) -> StreamId:
    """Everything below this the group has been given and has acknowledged.

    An entry still pending is kept (its consumer may die and another one claims it); an entry
    after last-delivered-id has not been given to the group yet and is kept too.
    """
    after_delivered = next_id(parse_id(group.last_delivered_id))
    if group.oldest_pending_id is None:
        return after_delivered
    return min(parse_id(group.oldest_pending_id), after_delivered)


def acknowledged_trim_id(groups: Iterable[GroupProgress]) -> str | None:
    """MINID for a stream read by `groups`: the lowest id some group still needs.

    None when no group reads the stream: nobody has acknowledged anything, so nothing may go (the
    worker creates its group from id 0 and must still find every entry).
    """
    keep = [first_id_to_keep(g) for g in groups]
    return format_id(min(keep)) if keep else None


def age_trim_id(now: datetime, keep: timedelta) -> str:
    """MINID that removes entries added before `now - keep` (the id's millisecond part is when)."""
    cutoff_ms = int((now - keep).timestamp() * 1000)
    return format_id((max(cutoff_ms, 0), 0))
