"""Escalation levels and the watchdog's policy: pure functions of an item, its targets and `now`.

Levels (complaints.escalation_level): 0 none, 1 the agency's head, 2 the duty supervisor,
3 the mayor's office list. A level never goes down and closed items are never escalated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.lifecycle import OPEN_COMPLAINT_STATUSES
from domain.sla import CIVIL_SERVICE, DUE_SOON, WorkCalendar, deadline_state, working_days_deadline

NONE, AGENCY_HEAD, SUPERVISOR, MAYOR_OFFICE = 0, 1, 2, 3
MAX_LEVEL = MAYOR_OFFICE
LEVEL_NAMES = {NONE: "—", AGENCY_HEAD: "kepala OPD", SUPERVISOR: "supervisor", MAYOR_OFFICE: "kantor wali kota"}
WATCHDOG_ACTOR = "sistem:pengawas"

SOON_SHARE = 0.2  # "segera" in the last fifth of a stage (at least DUE_SOON)


@dataclass(frozen=True)
class SlaTargets:
    """A category's targets (columns on `categories`, edited by admins)."""

    first_response_minutes: int = 10
    forward_minutes: int = 60
    followup_working_days: int = 5


@dataclass(frozen=True)
class ItemClock:
    """What the policy needs to know about one complaint."""

    status: str
    reported_at: datetime
    first_response_due_at: datetime
    resolution_due_at: datetime
    forwarded_at: datetime | None = None
    escalation_level: int = 0


@dataclass(frozen=True)
class Verdict:
    due_at: datetime | None  # the nearest deadline still to meet; None for closed items
    due_state: str | None  # tepat / segera / terlambat; None: leave it as it is (closed)
    level: int  # the level the policy asks for: never below the item's current level
    reason: str | None  # why, when level is above the current level

    def escalates(self, current: int) -> bool:
        return self.level > current


def forward_due(item: ItemClock, targets: SlaTargets) -> datetime:
    return item.reported_at + timedelta(minutes=targets.forward_minutes)


def followup_due(item: ItemClock, targets: SlaTargets, calendar: WorkCalendar = CIVIL_SERVICE) -> datetime:
    """The agency's follow-up, counted in working days (WIB, holidays, cuti bersama and closed days
    skipped) from the forwarding."""
    return working_days_deadline(item.forwarded_at or item.reported_at, targets.followup_working_days, calendar=calendar)


def stage_deadline(item: ItemClock, targets: SlaTargets, calendar: WorkCalendar = CIVIL_SERVICE) -> tuple[datetime, datetime]:
    """(start, due) of the deadline that matters now: the current stage's, or resolution if sooner."""
    if item.status == "baru":
        start, due = item.reported_at, item.first_response_due_at
    elif item.status == "dibaca":
        start, due = item.reported_at, forward_due(item, targets)
    elif item.status == "diteruskan":
        start, due = item.forwarded_at or item.reported_at, followup_due(item, targets, calendar)
    else:
        start, due = item.reported_at, item.resolution_due_at
    if item.resolution_due_at < due:
        start, due = item.reported_at, item.resolution_due_at
    return start, due


def soon_window(start: datetime, due: datetime) -> timedelta:
    return max(DUE_SOON, (due - start) * SOON_SHARE)


def twice_overdue(item: ItemClock, now: datetime) -> bool:
    """Overdue twice over: as long again past the resolution deadline as it was given."""
    return now - item.reported_at >= 2 * (item.resolution_due_at - item.reported_at)


def evaluate(item: ItemClock, targets: SlaTargets, now: datetime, calendar: WorkCalendar = CIVIL_SERVICE) -> Verdict:
    """The due state and the escalation level the policy asks for at `now` (docs/decisions.md)."""
    current = item.escalation_level
    if item.status not in OPEN_COMPLAINT_STATUSES:
        return Verdict(None, None, current, None)
    start, due = stage_deadline(item, targets, calendar)
    state = deadline_state(due, now, soon_window(start, due))
    wanted: list[tuple[int, str]] = []
    if now > item.resolution_due_at:
        wanted.append((AGENCY_HEAD, "lewat batas penyelesaian"))
    if item.status == "diteruskan" and now > followup_due(item, targets, calendar):
        wanted.append((AGENCY_HEAD, f"OPD belum menindaklanjuti dalam {targets.followup_working_days} hari kerja"))
    if item.status == "baru" and now > item.first_response_due_at:
        wanted.append((SUPERVISOR, f"belum dibaca lewat {targets.first_response_minutes} menit"))
    if item.status == "dibaca" and now > forward_due(item, targets):
        wanted.append((SUPERVISOR, f"belum diteruskan ke OPD lewat {targets.forward_minutes} menit"))
    if twice_overdue(item, now):
        wanted.append((MAYOR_OFFICE, "terlambat dua kali lipat batas penyelesaian"))
    level, reason = max(wanted, default=(current, None), key=lambda w: w[0])
    if level <= current:
        return Verdict(due, state, current, None)
    return Verdict(due, state, level, reason)
