"""Extra closed days (a local holiday, a disaster) that administrators set on /admin.

Working-day deadlines skip them: the ingest worker and the SLA watchdog read them into a
`domain.sla.WorkCalendar`. Each change is audited in `admin_changes` (entity `closed_day`); the
caller owns the transaction, so a change and its audit row commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.actions import Actor
from data_access.admin import AdminInputError, admit
from data_access.models import AdminChange, ClosedDay
from domain import admin_rules as rules
from domain.sla import WorkCalendar

REASON_MAX = 200


PERMISSION = "admin_categories"  # closed days are part of the SLA policy, as the categories' targets are


@dataclass(frozen=True)
class ClosedDayRow:
    day: date
    reason: str
    created_by: str
    created_at: datetime


def list_closed_days(session: Session) -> list[ClosedDayRow]:
    rows = session.scalars(select(ClosedDay).order_by(ClosedDay.day.desc()))
    return [ClosedDayRow(r.day, r.reason, r.created_by, r.created_at) for r in rows]


def work_calendar(session: Session, *, cuti_bersama_working: bool = False) -> WorkCalendar:
    """The calendar deadlines are counted on: holidays, cuti bersama (unless counted as working) and closed days."""
    days = frozenset(session.scalars(select(ClosedDay.day)))
    return WorkCalendar(cuti_bersama_closed=not cuti_bersama_working, closed_days=days)


def _parse_day(value) -> tuple[date | None, list[rules.Problem]]:
    """ISO (2026-12-24) or as written in Indonesia (24-12-2026)."""
    if isinstance(value, date):
        return value, []
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date(), []
        except ValueError:
            continue
    return None, [rules.Problem("adm_err_closed_day_date")]


def add_closed_day(session: Session, *, actor: Actor, now: datetime, day, reason: str | None) -> ClosedDayRow:
    """Close a day. Deadlines already stored stay as promised; new ones (and the watchdog's
    follow-up deadlines) skip it from the worker's next reload (within a minute)."""
    actor = admit(actor, PERMISSION)
    parsed, problems = _parse_day(day)
    problems += rules.check_name(reason, REASON_MAX)
    if not problems and session.get(ClosedDay, parsed) is not None:
        problems.append(rules.Problem("adm_err_closed_day_taken", {"day": parsed.isoformat()}))
    if problems:
        raise AdminInputError(problems)
    row = ClosedDay(day=parsed, reason=reason.strip(), created_by=actor, created_at=now)
    session.add(row)
    session.add(
        AdminChange(
            at=now,
            actor=actor,
            entity="closed_day",
            entity_key=parsed.isoformat(),
            action="create",
            changes={"reason": [None, row.reason]},
        )
    )
    session.flush()
    return ClosedDayRow(row.day, row.reason, row.created_by, row.created_at)


def remove_closed_day(session: Session, *, actor: Actor, now: datetime, day) -> None:
    """Open a closed day again (a mistake, a cancelled closure)."""
    actor = admit(actor, PERMISSION)
    parsed, problems = _parse_day(day)
    row = session.get(ClosedDay, parsed) if parsed else None
    if row is None and not problems:
        problems.append(rules.Problem("adm_err_no_such_closed_day"))
    if problems:
        raise AdminInputError(problems)
    session.add(
        AdminChange(
            at=now,
            actor=actor,
            entity="closed_day",
            entity_key=parsed.isoformat(),
            action="delete",
            changes={"reason": [row.reason, None]},
        )
    )
    session.delete(row)
    session.flush()
