"""What the wall screen shows, read from the system of record. No personal data leaves here.

Every function returns plain dataclasses/dicts built from a whitelist of columns: reporter NIK,
name and phone are never selected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from data_access.models import Agency, BusRoute, Category, Complaint, Emergency, Kelurahan, Vehicle, VehiclePosition
from data_access.summary import start_of_local_day
from domain.kpi import AgencyResponse, DeadlineShare, first_response_share, median_minutes, rank_agencies
from domain.lifecycle import ACTIVE_EMERGENCY_STATUSES, OPEN_COMPLAINT_STATUSES

OPEN = [s.value for s in OPEN_COMPLAINT_STATUSES]
ACTIVE = [s.value for s in ACTIVE_EMERGENCY_STATUSES]
BUS_STALE_AFTER = timedelta(minutes=2)
AGENCY_WINDOW = timedelta(days=7)


def _overdue_clause(now: datetime):
    return and_(
        Complaint.status.in_(OPEN),
        or_(and_(Complaint.status == "baru", Complaint.first_response_due_at < now), Complaint.resolution_due_at < now),
    )


def _first_response_at():
    """The first status change away from `baru` (kept by `data_access.actions.change_status`)."""
    return Complaint.first_response_at


@dataclass(frozen=True)
class WallKpis:
    open_complaints: int
    new_today: int
    overdue: int
    median_first_response_min: float | None
    unanswered_today: int
    within_deadline: DeadlineShare
    emergencies_active: int
    emergencies_unacknowledged: int
    oldest_unacknowledged_at: datetime | None
    buses_in_service: int
    buses_stale: int
    category_mix_today: dict[str, int] = field(default_factory=dict)  # group -> count
    agencies: list[AgencyResponse] = field(default_factory=list)


@dataclass(frozen=True)
class InstantCounts:
    """The numbers the wall also updates itself from live batches (a snapshot's starting point)."""

    open_complaints: int
    new_today: int
    emergencies_active: int
    emergencies_unacknowledged: int
    oldest_unacknowledged_at: datetime | None


def instant_counts(session: Session, *, now: datetime, tz: ZoneInfo) -> InstantCounts:
    c, e = Complaint, Emergency
    open_count = session.scalar(select(func.count()).where(c.status.in_(OPEN))) or 0
    new_today = session.scalar(select(func.count()).where(c.reported_at >= start_of_local_day(now, tz))) or 0
    active = session.scalar(select(func.count()).where(e.status.in_(ACTIVE))) or 0
    unack = session.execute(select(func.count(), func.min(e.pressed_at)).where(e.status == "baru")).one()
    return InstantCounts(open_count, new_today, active, unack[0] or 0, unack[1])


def wall_kpis(session: Session, *, now: datetime, tz: ZoneInfo) -> WallKpis:
    day_start = start_of_local_day(now, tz)
    c = Complaint
    counts = instant_counts(session, now=now, tz=tz)
    overdue = session.scalar(select(func.count()).where(_overdue_clause(now))) or 0
    today = session.execute(
        select(c.reported_at, c.first_response_due_at, _first_response_at(), Category.group)
        .join(Category, Category.code == c.category_code)
        .where(c.reported_at >= day_start)
    ).all()
    mix: dict[str, int] = {}
    for _r, _d, _a, group in today:
        mix[group] = mix.get(group, 0) + 1
    answered = [a - r for r, _d, a, _g in today if a is not None]
    # Deadline share: complaints whose first-response deadline falls in today, answered or not.
    due_today = session.execute(
        select(c.first_response_due_at, _first_response_at()).where(
            c.first_response_due_at >= day_start, c.first_response_due_at <= now
        )
    ).all()
    share = first_response_share(((d, a) for d, a in due_today), now)

    stale_before = now - BUS_STALE_AFTER
    buses = session.execute(
        select(
            func.count().filter(Vehicle.last_recorded_at >= stale_before),
            func.count().filter(Vehicle.last_recorded_at < stale_before),
        )
    ).one()

    return WallKpis(
        open_complaints=counts.open_complaints,
        new_today=counts.new_today,
        overdue=overdue,
        median_first_response_min=median_minutes(answered),
        unanswered_today=sum(1 for _r, _d, a, _g in today if a is None),
        within_deadline=share,
        emergencies_active=counts.emergencies_active,
        emergencies_unacknowledged=counts.emergencies_unacknowledged,
        oldest_unacknowledged_at=counts.oldest_unacknowledged_at,
        buses_in_service=buses[0] or 0,
        buses_stale=buses[1] or 0,
        category_mix_today=mix,
        agencies=agency_response(session, now=now),
    )


def agency_response(session: Session, *, now: datetime) -> list[AgencyResponse]:
    """Per agency over the last 7 days: time from assignment to the agency's first progress."""
    c = Complaint
    since = now - AGENCY_WINDOW
    progress_at = func.coalesce(c.in_progress_at, c.resolved_at)
    rows = session.execute(
        select(c.agency_code, c.forwarded_at, progress_at).where(c.agency_code.is_not(None), c.forwarded_at >= since)
    ).all()
    by_agency: dict[str, list] = {}
    waiting: dict[str, int] = {}
    for code, fwd, prog in rows:
        if prog is not None and prog >= fwd:
            by_agency.setdefault(code, []).append(prog - fwd)
        else:
            waiting[code] = waiting.get(code, 0) + 1
    codes = set(by_agency) | set(waiting)
    return rank_agencies(
        [
            AgencyResponse(code, len(by_agency.get(code, [])), median_minutes(by_agency.get(code, [])), waiting.get(code, 0))
            for code in codes
        ]
    )


def open_complaint_points(session: Session, *, now: datetime) -> list[dict]:
    """Every open complaint as a map point: id, position, category group, overdue flag."""
    c = Complaint
    overdue = case((_overdue_clause(now), True), else_=False)
    rows = session.execute(
        select(c.id, c.lat, c.lon, c.category_code, Category.group, c.status, overdue, c.kelurahan_code)
        .join(Category, Category.code == c.category_code)
        .where(c.status.in_(OPEN))
    ).all()
    return [
        {
            "id": r[0],
            "lat": r[1],
            "lon": r[2],
            "category": r[3],
            "group": r[4],
            "status": r[5],
            "overdue": bool(r[6]),
            "kel": r[7],
        }
        for r in rows
    ]


def area_counts(session: Session, *, now: datetime) -> dict[str, dict[str, int]]:
    """Per kelurahan code: open and overdue complaints (for the choropleth)."""
    c = Complaint
    rows = session.execute(
        select(c.kelurahan_code, func.count(), func.count().filter(_overdue_clause(now)))
        .where(c.status.in_(OPEN), c.kelurahan_code.is_not(None))
        .group_by(c.kelurahan_code)
    ).all()
    return {code: {"open": n, "overdue": o} for code, n, o in rows}


def active_emergency_points(session: Session) -> list[dict]:
    e = Emergency
    rows = session.execute(
        select(e.id, e.lat, e.lon, e.kind, e.status, e.pressed_at, e.kelurahan_code, Kelurahan.name)
        .outerjoin(Kelurahan, Kelurahan.code == e.kelurahan_code)
        .where(e.status.in_(ACTIVE))
        .order_by(e.pressed_at)
    ).all()
    return [
        {
            "id": r[0],
            "lat": r[1],
            "lon": r[2],
            "kind": r[3],
            "status": r[4],
            "pressed_at": r[5].isoformat(),
            "kelurahan_code": r[6],
            "kelurahan": r[7],
        }
        for r in rows
    ]


def vehicle_points(session: Session) -> list[dict]:
    v = Vehicle
    rows = session.execute(
        select(
            v.vehicle_id,
            v.route_id,
            v.last_lat,
            v.last_lon,
            v.last_bearing_deg,
            v.last_speed_kmh,
            v.last_recorded_at,
            v.outside_city,
        )
    ).all()
    return [
        {
            "vehicle_id": r[0],
            "route_id": r[1],
            "last_lat": r[2],
            "last_lon": r[3],
            "last_bearing_deg": r[4],
            "last_speed_kmh": r[5],
            "last_recorded_at": r[6].isoformat(),
            "outside_city": r[7],
        }
        for r in rows
    ]


def route_colors(session: Session) -> dict[str, str]:
    return dict(session.execute(select(BusRoute.route_id, BusRoute.color)).all())


def newest_stored(session: Session) -> dict[str, datetime | None]:
    """Per input stream, when its newest stored row was received (the badges' "how fresh").

    Entries that arrive but are refused (duplicates, dead letters) store nothing, so this goes stale
    while the stream does not. The newest row by primary key: an index lookup, not a scan."""
    out: dict[str, datetime | None] = {}
    for stream, model in (("complaints", Complaint), ("emergencies", Emergency), ("bus_gps", VehiclePosition)):
        out[stream] = session.scalar(select(model.received_at).order_by(model.id.desc()).limit(1))
    return out


def recent_events(session: Session, *, limit: int = 12) -> list[dict]:
    """Latest complaints and emergencies for the ticker: title/kind, kelurahan, time. No reporter data."""
    c, e = Complaint, Emergency
    complaints = session.execute(
        select(c.id, c.title, c.category_code, c.status, c.reported_at, Kelurahan.name)
        .outerjoin(Kelurahan, Kelurahan.code == c.kelurahan_code)
        .order_by(c.reported_at.desc())
        .limit(limit)
    ).all()
    emergencies = session.execute(
        select(e.id, e.kind, e.status, e.pressed_at, Kelurahan.name)
        .outerjoin(Kelurahan, Kelurahan.code == e.kelurahan_code)
        .order_by(e.pressed_at.desc())
        .limit(limit)
    ).all()
    items = [
        {
            "kind": "complaint",
            "id": r[0],
            "title": r[1],
            "category": r[2],
            "status": r[3],
            "at": r[4].isoformat(),
            "kelurahan": r[5],
        }
        for r in complaints
    ] + [
        {
            "kind": "emergency",
            "id": r[0],
            "title": r[1],
            "category": r[1],
            "status": r[2],
            "at": r[3].isoformat(),
            "kelurahan": r[4],
        }
        for r in emergencies
    ]
    return sorted(items, key=lambda i: i["at"], reverse=True)[:limit]


def agency_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Agency.code, Agency.name)).all())


def kelurahan_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Kelurahan.code, Kelurahan.name)).all())


def category_groups(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.code, Category.group)).all())
