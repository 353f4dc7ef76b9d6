"""Small counts for the status page (the wall's KPI maths come with the wall issue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.models import Complaint, Emergency, Vehicle, VehiclePosition
from domain.lifecycle import ACTIVE_EMERGENCY_STATUSES, OPEN_COMPLAINT_STATUSES


@dataclass(frozen=True)
class LiveCounts:
    complaints_total: int
    complaints_open: int
    complaints_today: int
    emergencies_active: int
    vehicles: int
    positions: int


def start_of_local_day(now: datetime, tz: ZoneInfo) -> datetime:
    """Midnight of `now`'s calendar day in `tz` (WIB), as an aware UTC datetime."""
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time.min, tzinfo=tz).astimezone(UTC)


def live_counts(session: Session, *, now: datetime, tz: ZoneInfo) -> LiveCounts:
    day_start = start_of_local_day(now, tz)
    c = Complaint
    return LiveCounts(
        complaints_total=session.scalar(select(func.count()).select_from(c)) or 0,
        complaints_open=session.scalar(
            select(func.count()).select_from(c).where(c.status.in_([s.value for s in OPEN_COMPLAINT_STATUSES]))
        )
        or 0,
        complaints_today=session.scalar(select(func.count()).select_from(c).where(c.reported_at >= day_start)) or 0,
        emergencies_active=session.scalar(
            select(func.count()).select_from(Emergency).where(Emergency.status.in_([s.value for s in ACTIVE_EMERGENCY_STATUSES]))
        )
        or 0,
        vehicles=session.scalar(select(func.count()).select_from(Vehicle)) or 0,
        positions=session.scalar(select(func.count()).select_from(VehiclePosition)) or 0,
    )
