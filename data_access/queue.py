"""The operator queue: emergencies first, then open complaints by time left to their deadline.

Reporter data is not part of the queue; the detail view reveals it on request (audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.models import Agency, Category, Complaint, Emergency, Kecamatan, Kelurahan, StatusChange
from domain.escalation import ItemClock, SlaTargets, soon_window, stage_deadline
from domain.lifecycle import ACTIVE_EMERGENCY_STATUSES, OPEN_COMPLAINT_STATUSES
from domain.numbering import ItemNumber, parse_item_number
from domain.sla import deadline_state


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None
    category: str | None = None
    kecamatan: str | None = None
    agency: str | None = None
    overdue_only: bool = False
    search: str | None = None


def _wants(number: ItemNumber | None, kind: str) -> bool:
    """A search for a number looks only at the kind it names ("P-12": complaints; "#12": both)."""
    return number is None or number.kind in (None, kind)


def operator_queue(
    session: Session, *, now: datetime, filters: QueueFilters = QueueFilters(), agency_code: str | None = None
) -> list[dict]:
    """Rows for the queue grid; `agency_code` limits it to one agency's assigned complaints."""
    rows: list[dict] = []
    number = parse_item_number(filters.search)
    text = None if number is not None or not filters.search else f"%{filters.search.strip()}%"
    complaint_only = filters.agency or filters.category
    if agency_code is None and not complaint_only and _wants(number, "emergency"):
        e = Emergency
        q = (
            select(e.id, e.kind, e.status, e.pressed_at, e.version, Kelurahan.name, Kecamatan.name, e.kecamatan_code)
            .outerjoin(Kelurahan, Kelurahan.code == e.kelurahan_code)
            .outerjoin(Kecamatan, Kecamatan.code == e.kecamatan_code)
            .where(e.status.in_([s.value for s in ACTIVE_EMERGENCY_STATUSES]))
        )
        if filters.kecamatan:
            q = q.where(e.kecamatan_code == filters.kecamatan)
        if number is not None:  # pinned, but not above the search: "D-4" finds D-4 only
            q = q.where(e.id == number.id)
        elif text is not None:
            q = q.where(e.kind.ilike(text) | Kelurahan.name.ilike(text) | Kecamatan.name.ilike(text))
        for r in session.execute(q):
            rows.append(
                {
                    "key": f"emergency-{r[0]}",
                    "kind": "emergency",
                    "id": r[0],
                    "title": r[1],
                    "category": r[1],
                    "status": r[2],
                    "reported_at": r[3].isoformat(),
                    "age_s": int((now - r[3]).total_seconds()),
                    "due_at": None,
                    "due_in_s": None,
                    "due_state": "terlambat" if r[2] == "baru" else "tepat",
                    "kelurahan": r[5] or "",
                    "kecamatan": r[6] or "",
                    "source": "panic",
                    "agency": "",
                    "escalation": 0,
                    "version": r[4],
                    "pin": 0 if r[2] == "baru" else 1,
                    "sort": (0, 0 if r[2] == "baru" else 1, r[3].timestamp()),
                }
            )
    c = Complaint
    q = (
        select(
            c.id,
            c.title,
            c.category_code,
            Category.name_id,
            c.status,
            c.reported_at,
            c.first_response_due_at,
            c.resolution_due_at,
            Kelurahan.name,
            Kecamatan.name,
            c.source,
            c.agency_code,
            c.suggested_agency_code,
            c.escalation_level,
            c.version,
            c.forwarded_at,
            Category.first_response_minutes,
            Category.forward_minutes,
            Category.followup_working_days,
            Category.name_en,
        )
        .join(Category, Category.code == c.category_code)
        .outerjoin(Kelurahan, Kelurahan.code == c.kelurahan_code)
        .outerjoin(Kecamatan, Kecamatan.code == c.kecamatan_code)
    )
    if not _wants(number, "complaint"):
        q = q.where(False)
    elif number is not None:  # "P-123" finds that report in any status (to close, reopen or check it)
        q = q.where(c.id == number.id)
    elif filters.status:  # any status, closed ones too, when asked for by name
        q = q.where(c.status == filters.status)
    else:
        q = q.where(c.status.in_([s.value for s in OPEN_COMPLAINT_STATUSES]))
    if agency_code is not None:
        q = q.where(c.agency_code == agency_code)
    if filters.category:
        q = q.where(c.category_code == filters.category)
    if filters.kecamatan:
        q = q.where(c.kecamatan_code == filters.kecamatan)
    if filters.agency:
        q = q.where(c.agency_code == filters.agency)
    if text is not None:
        q = q.where(c.title.ilike(text) | Kelurahan.name.ilike(text) | Kecamatan.name.ilike(text))
    for r in session.execute(q):
        # The same stage deadline and "due soon" window as the SLA watchdog (domain/escalation.py).
        clock = ItemClock(status=r[4], reported_at=r[5], first_response_due_at=r[6], resolution_due_at=r[7], forwarded_at=r[15])
        start, due = stage_deadline(clock, SlaTargets(r[16], r[17], r[18]))
        state = deadline_state(due, now, soon_window(start, due))
        if filters.overdue_only and state != "terlambat":
            continue
        rows.append(
            {
                "key": f"complaint-{r[0]}",
                "kind": "complaint",
                "id": r[0],
                "title": r[1],
                "category": r[3],
                "category_en": r[19] or r[3],
                "status": r[4],
                "reported_at": r[5].isoformat(),
                "age_s": int((now - r[5]).total_seconds()),
                "due_at": due.isoformat(),
                "due_in_s": int((due - now).total_seconds()),
                "due_state": state,
                "kelurahan": r[8] or "",
                "kecamatan": r[9] or "",
                "source": r[10],
                "agency": r[11] or "",
                "suggested_agency": r[12] or "",
                "escalation": r[13],
                "version": r[14],
                "pin": 2 if r[4] == "baru" else 3,  # unanswered complaints before the rest (oldest-first order)
                "sort": (1, 0, due.timestamp()),
            }
        )
    rows.sort(key=lambda x: x.pop("sort"))
    return rows


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    agency_code: str | None
    action: str = "status"
    escalation_level: int | None = None


def timeline(session: Session, *, item_kind: str, item_id: int) -> list[TimelineEntry]:
    rows = session.scalars(
        select(StatusChange)
        .where(StatusChange.item_kind == item_kind, StatusChange.item_id == item_id)
        .order_by(StatusChange.at, StatusChange.id)
    ).all()
    return [
        TimelineEntry(r.at, r.from_status, r.to_status, r.actor, r.note, r.agency_code, r.action, r.escalation_level)
        for r in rows
    ]


def categories(session: Session) -> list[tuple[str, str, str]]:
    """(code, Indonesian name, English name) of the active categories, for filters."""
    rows = session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.name_id))
    return [(c.code, c.name_id, c.name_en) for c in rows]


def kecamatan_list(session: Session) -> list[tuple[str, str]]:
    return [(k.code, k.name) for k in session.scalars(select(Kecamatan).order_by(Kecamatan.name))]


def agencies(session: Session) -> list[tuple[str, str]]:
    return [(a.code, a.name) for a in session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code))]


def repeat_false_alarms(session: Session, *, emergency_ids: list[int]) -> dict[int, int]:
    """Per emergency: earlier presses from the same NIK or phone that were marked `palsu`.

    Shown to operators as a warning ("nomor berulang"); the NIK and phone themselves are not.
    """
    if not emergency_ids:
        return {}
    me = Emergency
    current = session.execute(
        select(me.id, me.reporter_nik, me.reporter_phone, me.pressed_at).where(me.id.in_(emergency_ids))
    ).all()
    out = {}
    for eid, nik, phone, pressed in current:
        same = me.reporter_nik == nik
        if phone:
            same = same | (me.reporter_phone == phone)
        out[eid] = session.scalar(
            select(func.count()).select_from(me).where(same, me.status == "palsu", me.id != eid, me.pressed_at <= pressed)
        )
    return out
