"""Possible duplicates of a complaint: a bounding-box query narrows, domain.duplicates decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import Complaint
from domain.duplicates import DUPLICATE_RADIUS_M, Report, bounding_box, duplicate_distance, window_start


@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    title: str
    status: str
    reported_at: datetime
    distance_m: float


def duplicate_candidates(
    session: Session, *, complaint_id: int, radius_m: float = DUPLICATE_RADIUS_M, limit: int = 10
) -> list[DuplicateCandidate]:
    """Earlier reports of the same category near this one that it could be merged into, nearest first.

    Rejected reports and reports that are themselves duplicates are not offered.
    """
    c = session.get(Complaint, complaint_id)
    if c is None:
        return []
    me = Report(c.id, c.category_code, c.reported_at, c.lat, c.lon)
    box = bounding_box(c.lat, c.lon, radius_m)
    rows = session.execute(
        select(
            Complaint.id,
            Complaint.category_code,
            Complaint.reported_at,
            Complaint.lat,
            Complaint.lon,
            Complaint.title,
            Complaint.status,
        ).where(
            Complaint.category_code == c.category_code,
            Complaint.id != c.id,
            Complaint.reported_at >= window_start(c.reported_at),
            Complaint.reported_at <= c.reported_at,
            Complaint.lat.between(box.min_lat, box.max_lat),
            Complaint.lon.between(box.min_lon, box.max_lon),
            Complaint.status != "ditolak",
            Complaint.duplicate_of_id.is_(None),
        )
    ).all()
    found = []
    for r in rows:
        d = duplicate_distance(me, Report(r.id, r.category_code, r.reported_at, r.lat, r.lon), radius_m=radius_m)
        if d is not None:
            found.append(DuplicateCandidate(r.id, r.title, r.status, r.reported_at, d))
    found.sort(key=lambda x: (x.distance_m, x.reported_at))
    return found[:limit]
