"""An agency's own queue and the detail of one of its items (its moves go through the action gate).

Every query here is scoped by the agency's code from the logged-in account, never by anything the
browser sends, and none of them selects reporter data (NIK, name, phone): an agency sees what it
must fix and where, not who reported it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data_access.models import Category, Complaint, Kecamatan, Kelurahan
from data_access.queue import TimelineEntry, timeline
from domain.sla import deadline_state

WORKING = ("diteruskan", "dikerjakan")
DONE = ("selesai", "ditutup")
RECENT_DONE = timedelta(days=7)  # done items stay in view for a week, so the agency sees its record


def agency_queue(session: Session, *, agency_code: str, now: datetime) -> list[dict]:
    """Rows for the agency grid: its forwarded and in-progress items, and those done in the last week."""
    c = Complaint
    q = (
        select(
            c.id,
            c.title,
            Category.name_id,
            c.status,
            c.reported_at,
            c.resolution_due_at,
            c.resolved_at,
            Kelurahan.name,
            Kecamatan.name,
            c.escalation_level,
            c.version,
        )
        .join(Category, Category.code == c.category_code)
        .outerjoin(Kelurahan, Kelurahan.code == c.kelurahan_code)
        .outerjoin(Kecamatan, Kecamatan.code == c.kecamatan_code)
        .where(c.agency_code == agency_code)
        .where(or_(c.status.in_(WORKING), (c.status.in_(DONE) & (c.updated_at >= now - RECENT_DONE))))
    )
    rows = []
    for r in session.execute(q):
        done = r.status in DONE
        state = "selesai" if done else deadline_state(r.resolution_due_at, now)
        rows.append(
            {
                "key": f"complaint-{r.id}",
                "id": r.id,
                "title": r.title,
                "category": r.name_id,
                "status": r.status,
                "age_s": int((now - r.reported_at).total_seconds()),
                "due_at": r.resolution_due_at.isoformat(),
                "due_in_s": None if done else int((r.resolution_due_at - now).total_seconds()),
                "due_state": state,
                "kelurahan": r[7] or "luar kota",
                "kecamatan": r[8] or "",
                "escalation": r.escalation_level,
                "version": r.version,
            }
        )
    # open items by time left (overdue first), done ones after them
    rows.sort(key=lambda x: (x["due_in_s"] is None, x["due_in_s"] if x["due_in_s"] is not None else -x["age_s"]))
    return rows


@dataclass(frozen=True)
class AgencyItem:
    """What an agency may know about a complaint: the problem and the place, not the reporter."""

    id: int
    title: str
    description: str | None
    category: str
    status: str
    photo_url: str | None
    lat: float
    lon: float
    location_source: str
    kelurahan_code: str | None
    kelurahan: str | None
    kecamatan: str | None
    reported_at: datetime
    resolution_due_at: datetime
    escalation_level: int
    version: int
    timeline: list[TimelineEntry]


def agency_item(session: Session, *, agency_code: str, item_id: int) -> AgencyItem | None:
    """The complaint when it is assigned to `agency_code`; None otherwise (no matter why)."""
    c = Complaint
    r = session.execute(
        select(
            c.id,
            c.title,
            c.description,
            Category.name_id,
            c.status,
            c.photo_url,
            c.lat,
            c.lon,
            c.location_source,
            c.kelurahan_code,
            Kelurahan.name,
            Kecamatan.name,
            c.reported_at,
            c.resolution_due_at,
            c.escalation_level,
            c.version,
        )
        .join(Category, Category.code == c.category_code)
        .outerjoin(Kelurahan, Kelurahan.code == c.kelurahan_code)
        .outerjoin(Kecamatan, Kecamatan.code == c.kecamatan_code)
        .where(c.id == item_id, c.agency_code == agency_code)
    ).one_or_none()
    if r is None:
        return None
    return AgencyItem(*r, timeline=timeline(session, item_kind="complaint", item_id=item_id))
