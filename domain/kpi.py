"""KPI maths for the wall: pure functions over plain values, so they are easy to test by hand.

Definitions (shown on the wall's help line and in docs/wall.md):
- first response: the first status change away from `baru` (read, forwarded or rejected);
- overdue: an open complaint still `baru` after its first-response deadline, or any open complaint
  after its resolution deadline;
- within deadline: of the complaints whose first-response deadline has passed, the share that had
  their first response by the deadline (items still inside their deadline are not judged yet).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


def median_minutes(durations: Iterable[timedelta]) -> float | None:
    values = [d.total_seconds() / 60 for d in durations]
    return statistics.median(values) if values else None


def is_overdue(
    *, status_is_new: bool, is_open: bool, first_response_due_at: datetime, resolution_due_at: datetime, now: datetime
) -> bool:
    if not is_open:
        return False
    return (status_is_new and now > first_response_due_at) or now > resolution_due_at


@dataclass(frozen=True)
class DeadlineShare:
    judged: int  # complaints whose deadline has passed or that were answered
    within: int

    @property
    def share(self) -> float | None:
        return self.within / self.judged if self.judged else None


def first_response_share(items: Iterable[tuple[datetime, datetime | None]], now: datetime) -> DeadlineShare:
    """`items` are (first_response_due_at, first_response_at or None)."""
    judged = within = 0
    for due, answered in items:
        if answered is not None:
            judged += 1
            within += answered <= due
        elif now > due:
            judged += 1  # unanswered past its deadline: missed
    return DeadlineShare(judged, within)


@dataclass(frozen=True)
class AgencyResponse:
    agency_code: str
    handled: int
    median_minutes: float | None
    waiting: int  # assigned, no progress yet


def rank_agencies(rows: Sequence[AgencyResponse]) -> list[AgencyResponse]:
    """Fastest first; agencies with no measured response go last, most waiting items first."""
    measured = sorted((r for r in rows if r.median_minutes is not None), key=lambda r: (r.median_minutes, -r.handled))
    unmeasured = sorted((r for r in rows if r.median_minutes is None), key=lambda r: -r.waiting)
    return measured + unmeasured
