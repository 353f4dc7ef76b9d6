"""KPI maths of the mayor's performance report: pure, so every figure can be checked by hand.

The database computes these figures with SQL (data_access/reports.py); the functions here define
them and are the reference the SQL is tested against. Definitions (also on the page and in
docs/decisions.md):

- durations are whole seconds, measured from the citizen's `reported_at`: each timestamp is cut to
  its whole second first, then subtracted (the same on SQLite and PostgreSQL);
- time to first response: `first_response_at − reported_at` (the first move away from `baru`:
  read, forwarded or rejected);
- time to resolution: `resolved_at − reported_at` for items that are `selesai` or `ditutup` now;
- percentiles use the nearest-rank rule: the p-th percentile of n sorted values is the value at
  rank ⌈p·n/100⌉ (so the median of 4 values is the 2nd);
- reward band: first response within 10 minutes (≤ 600 s); sanction bands: the citizen waited
  more than 1 day (> 86 400 s) and more than 2 days (> 172 800 s) for a first response, counted
  cumulatively (an item that waited 3 days is in both), still-unanswered items waiting until now;
- late: an item that has missed a deadline so far (first response after its deadline or still
  none past it; resolved after its deadline or still open past it); judged: every item except the
  unanswered ones still inside their first-response deadline;
- ranking: late share shrunk toward the city's late share as if each agency had 20 more items
  at the city mean, so a handful of items cannot put an agency at the top or the bottom by luck.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.lifecycle import OPEN_COMPLAINT_STATUSES

REWARD_SECONDS = 10 * 60
SANCTION_1_SECONDS = 24 * 3600
SANCTION_2_SECONDS = 48 * 3600
PRIOR_WEIGHT = 20  # pseudo-items at the city mean added to every agency when ranking
PERCENTILES = (50, 90)
OPEN = frozenset(s.value for s in OPEN_COMPLAINT_STATUSES)
RESOLVED = frozenset({"selesai", "ditutup"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def rank_position(p: int, n: int) -> int:
    """Nearest rank (1-based) of the p-th percentile among n sorted values: ⌈p·n/100⌉, at least 1."""
    return max(1, (p * n + 99) // 100)


def nearest_rank(values: Iterable[float], p: int) -> float | None:
    ordered = sorted(values)
    return ordered[rank_position(p, len(ordered)) - 1] if ordered else None


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds since 1970 (floor), as the database computes them."""
    return (moment - _EPOCH) // _SECOND  # exact integer arithmetic (a float timestamp can round up)


def seconds_between(start: datetime, end: datetime) -> int:
    return epoch_seconds(end) - epoch_seconds(start)


@dataclass(frozen=True)
class ReportItem:
    """The columns of a complaint that the report reads (never personal data)."""

    reported_at: datetime
    status: str
    first_response_due_at: datetime
    resolution_due_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    agency_code: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_resolved(self) -> bool:
        return self.status in RESOLVED and self.resolved_at is not None

    def first_response_seconds(self) -> int | None:
        return None if self.first_response_at is None else seconds_between(self.reported_at, self.first_response_at)

    def resolution_seconds(self) -> int | None:
        return seconds_between(self.reported_at, self.resolved_at) if self.is_resolved else None

    def waited_seconds(self, now: datetime) -> int:
        """How long the citizen waited for a first response (until now when there is none yet)."""
        return seconds_between(self.reported_at, self.first_response_at or now)

    def overdue(self, now: datetime) -> bool:
        """Open and past a deadline now (the wall's rule)."""
        if not self.is_open:
            return False
        return (self.status == "baru" and now > self.first_response_due_at) or now > self.resolution_due_at

    def judged(self, now: datetime) -> bool:
        return self.first_response_at is not None or now > self.first_response_due_at

    def late(self, now: datetime) -> bool:
        fr, res = self.first_response_at, self.resolved_at
        first_late = (fr is not None and fr > self.first_response_due_at) or (fr is None and now > self.first_response_due_at)
        resolution_late = (self.is_resolved and res > self.resolution_due_at) or (self.is_open and now > self.resolution_due_at)
        return first_late or resolution_late

    def resolution_judged(self, now: datetime) -> bool:
        return self.is_resolved or (self.is_open and now > self.resolution_due_at)

    def resolved_within(self) -> bool:
        return self.is_resolved and self.resolved_at <= self.resolution_due_at


@dataclass(frozen=True)
class Figures:
    """One line of the league table (an agency) or the city as a whole, for one period."""

    key: str | None
    received: int = 0
    first_response_p50: int | None = None
    first_response_p90: int | None = None
    resolution_p50: int | None = None
    resolution_p90: int | None = None
    resolution_judged: int = 0
    resolved_within: int = 0
    reward: int = 0
    waited_1d: int = 0
    waited_2d: int = 0
    open_now: int = 0
    overdue_now: int = 0
    judged: int = 0
    late: int = 0

    @property
    def late_share(self) -> float | None:
        return self.late / self.judged if self.judged else None

    @property
    def resolved_within_share(self) -> float | None:
        return self.resolved_within / self.resolution_judged if self.resolution_judged else None


def figures_of(items: Sequence[ReportItem], now: datetime, key: str | None = None) -> Figures:
    """The reference computation of one line, item by item."""
    first = [s for i in items if (s := i.first_response_seconds()) is not None]
    resolution = [s for i in items if (s := i.resolution_seconds()) is not None]
    waited = [i.waited_seconds(now) for i in items if i.first_response_at is not None or i.is_open]
    return Figures(
        key=key,
        received=len(items),
        first_response_p50=nearest_rank(first, 50),
        first_response_p90=nearest_rank(first, 90),
        resolution_p50=nearest_rank(resolution, 50),
        resolution_p90=nearest_rank(resolution, 90),
        resolution_judged=sum(i.resolution_judged(now) for i in items),
        resolved_within=sum(i.resolved_within() for i in items),
        reward=sum(1 for s in first if s <= REWARD_SECONDS),
        waited_1d=sum(1 for s in waited if s > SANCTION_1_SECONDS),
        waited_2d=sum(1 for s in waited if s > SANCTION_2_SECONDS),
        open_now=sum(i.is_open for i in items),
        overdue_now=sum(i.overdue(now) for i in items),
        judged=sum(i.judged(now) for i in items),
        late=sum(i.judged(now) and i.late(now) for i in items),
    )


def figures_by(items: Iterable[ReportItem], now: datetime, key: Callable[[ReportItem], str | None]) -> dict[str | None, Figures]:
    groups: dict[str | None, list[ReportItem]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return {k: figures_of(v, now, k) for k, v in groups.items()}


def shrunk_share(events: int, total: int, prior: float, weight: int = PRIOR_WEIGHT) -> float:
    """(events + weight·prior) / (total + weight): a small sample stays near the prior (the city mean)."""
    return (events + weight * prior) / (total + weight)


@dataclass(frozen=True)
class LeagueRow:
    rank: int  # 1 = worst
    figures: Figures
    score: float  # late share shrunk toward the city's: what the table is sorted by
    previous: Figures | None
    previous_score: float | None

    @property
    def trend(self) -> float | None:
        """Change of the ranking score against the previous period (positive = more late items)."""
        return None if self.previous_score is None else self.score - self.previous_score


def league(
    current: Iterable[Figures], previous: dict[str | None, Figures], city: Figures, city_previous: Figures
) -> list[LeagueRow]:
    """Worst first: highest shrunk late share, then more citizens waiting over 2 days, then code."""
    prior = city.late_share or 0.0
    prior_before = city_previous.late_share or 0.0
    scored = []
    for fig in current:
        before = previous.get(fig.key)
        before_score = shrunk_share(before.late, before.judged, prior_before) if before and before.judged else None
        scored.append((shrunk_share(fig.late, fig.judged, prior), fig, before, before_score))
    scored.sort(key=lambda r: (-r[0], -r[1].waited_2d, r[1].key or ""))
    return [LeagueRow(i + 1, fig, score, before, before_score) for i, (score, fig, before, before_score) in enumerate(scored)]


def change(current: float | None, before: float | None) -> float | None:
    """Relative change in % against the previous period (None when either is missing or it was 0)."""
    if current is None or before is None or before == 0:
        return None
    return (current - before) / before * 100
