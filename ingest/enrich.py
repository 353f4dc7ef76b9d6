"""Pure enrichment: validated events → database rows (area, nearest post, deadlines).

No I/O: everything it needs (area index, posts, category policies) is passed in, so the worker's
hot path is testable without Redis or a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.contract import BusFixEvent, ComplaintEvent, EmergencyEvent
from domain.routing import post_kinds_for
from domain.sla import CIVIL_SERVICE, WorkCalendar, working_days_deadline
from geo import AreaIndex, Location, Post, nearest_post


@dataclass(frozen=True)
class EnrichContext:
    areas: AreaIndex
    posts: tuple[Post, ...]
    policies: Mapping[str, object]  # category code -> data_access.reference.CategoryPolicy
    kelurahan_centers: Mapping[str, tuple[float, float]]
    calendar: WorkCalendar = CIVIL_SERVICE  # cuti bersama and the closed days of /admin (data_access/closed_days.py)


@dataclass
class Rows:
    """Rows for one batch, keyed by idempotency key; the stream entry id travels with each."""

    complaints: list[dict] = field(default_factory=list)
    emergencies: list[dict] = field(default_factory=list)
    positions: list[dict] = field(default_factory=list)
    vehicles: list[dict] = field(default_factory=list)  # latest fix per vehicle in this batch
    position_entry_ids: list[str] = field(default_factory=list)  # stream entry id of each of `positions`
    # Entries whose key came earlier in the batch: (stream, entry id, the row it would have made).
    # Not written; the store compares them with the row kept (domain/event_content.py).
    repeats: list[tuple[str, str, dict]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.complaints) + len(self.emergencies) + len(self.positions)


def complaint_row(e: ComplaintEvent, entry_id: str, ctx: EnrichContext, now: datetime, loc: Location | None = None) -> dict:
    """`loc`: where e.lat/e.lon falls, when the caller located a whole batch at once."""
    if e.lat is not None:
        lat, lon, location_source = e.lat, e.lon, "gps"
        loc = loc if loc is not None else ctx.areas.locate(lat, lon)
        kel, kec, outside = loc.kelurahan_code, loc.kecamatan_code, loc.outside_city
        if outside and e.kelurahan_code:  # phone GPS wrong, the citizen named the kelurahan
            kel = e.kelurahan_code
            kec = kel.rsplit(".", 1)[0]
    else:
        kel = e.kelurahan_code
        kec = kel.rsplit(".", 1)[0]
        lat, lon = ctx.kelurahan_centers[kel]
        location_source, outside = "kelurahan", False
    policy = ctx.policies[e.category]
    return {
        "event_id": e.event_id,
        "stream_entry_id": entry_id,
        "source": e.source,
        "reported_at": e.reported_at,
        "received_at": now,
        "category_code": e.category,
        "title": e.title,
        "description": e.description,
        "lat": lat,
        "lon": lon,
        "location_source": location_source,
        "kelurahan_code": kel,
        "kecamatan_code": kec,
        "outside_city": outside,
        "reporter_nik": e.reporter_nik,
        "reporter_name": e.reporter_name,
        "reporter_phone": e.reporter_phone,
        "photo_url": e.photo_url,
        "extra": e.extra or None,
        "status": "baru",
        "suggested_agency_code": policy.default_agency_code,
        "agency_code": None,
        "escalation_level": 0,
        "first_response_due_at": e.reported_at + timedelta(minutes=policy.first_response_minutes),
        "resolution_due_at": working_days_deadline(e.reported_at, policy.resolution_working_days, calendar=ctx.calendar),
        "updated_at": now,
        "version": 1,
    }


def emergency_row(e: EmergencyEvent, entry_id: str, ctx: EnrichContext, now: datetime, loc: Location | None = None) -> dict:
    """`loc`: where e.lat/e.lon falls, when the caller located a whole batch at once."""
    loc = loc if loc is not None else ctx.areas.locate(e.lat, e.lon)
    near = nearest_post(ctx.posts, e.lat, e.lon, post_kinds_for(e.kind))
    return {
        "event_id": e.event_id,
        "stream_entry_id": entry_id,
        "pressed_at": e.pressed_at,
        "received_at": now,
        "kind": e.kind,
        "lat": e.lat,
        "lon": e.lon,
        "accuracy_m": e.accuracy_m,
        "kelurahan_code": loc.kelurahan_code,
        "kecamatan_code": loc.kecamatan_code,
        "outside_city": loc.outside_city,
        "reporter_nik": e.reporter_nik,
        "reporter_phone": e.reporter_phone,
        "device_id": e.device_id,
        "extra": e.extra or None,
        "status": "baru",
        "nearest_post_id": near.post.id if near else None,
        "nearest_post_distance_m": round(near.distance_m, 1) if near else None,
        "updated_at": now,
        "version": 1,
    }


def bus_rows(
    fixes: list[BusFixEvent], ctx: EnrichContext, now: datetime, fix_ids: list[str] | None = None
) -> tuple[list[dict], list[dict]]:
    """All fixes for history, and the newest fix per vehicle for the live position.

    `fix_ids` are the fixes' `fix_id`s when the caller already has them (formatting one costs more
    than the rest of the row).
    """
    if not fixes:
        return [], []
    if fix_ids is None:
        fix_ids = [f.fix_id for f in fixes]
    inside = ctx.areas.in_city_many([f.lat for f in fixes], [f.lon for f in fixes])
    positions = []
    latest: dict[str, tuple[BusFixEvent, bool]] = {}  # vehicle -> its newest fix (the first of equals)
    for f, fix_id, ok in zip(fixes, fix_ids, inside.tolist(), strict=True):
        positions.append(
            {
                "event_id": fix_id,
                "vehicle_id": f.vehicle_id,
                "route_id": f.route_id,
                "recorded_at": f.recorded_at,
                "received_at": now,
                "lat": f.lat,
                "lon": f.lon,
                "speed_kmh": f.speed_kmh,
                "bearing_deg": f.bearing_deg,
                "outside_city": not ok,
            }
        )
        cur = latest.get(f.vehicle_id)
        if cur is None or f.recorded_at > cur[0].recorded_at:
            latest[f.vehicle_id] = (f, ok)
    vehicles = [
        {
            "vehicle_id": f.vehicle_id,
            "route_id": f.route_id,
            "last_recorded_at": f.recorded_at,
            "last_lat": f.lat,
            "last_lon": f.lon,
            "last_speed_kmh": f.speed_kmh,
            "last_bearing_deg": f.bearing_deg,
            "outside_city": not ok,
            "updated_at": now,
        }
        for f, ok in latest.values()
    ]
    return positions, vehicles


def build_rows(events: Iterable[tuple[str, str, object]], ctx: EnrichContext, now: datetime) -> Rows:
    """`events` are (stream, entry_id, validated event). Duplicates within a batch keep the first;
    the later ones go to `rows.repeats`."""
    rows = Rows()
    seen: set[tuple[str, str]] = set()
    complaints: list[tuple[ComplaintEvent, str]] = []
    emergencies: list[tuple[EmergencyEvent, str]] = []
    fixes: list[BusFixEvent] = []
    fix_ids: list[str] = []
    repeats: list[tuple[str, str, object]] = []
    for stream, entry_id, event in events:
        if isinstance(event, BusFixEvent):
            key = (stream, event.fix_id)
        else:
            key = (stream, event.event_id)
        if key in seen:
            repeats.append((stream, entry_id, event))
            continue
        seen.add(key)
        if isinstance(event, ComplaintEvent):
            complaints.append((event, entry_id))
        elif isinstance(event, EmergencyEvent):
            emergencies.append((event, entry_id))
        else:
            fixes.append(event)
            fix_ids.append(key[1])
            rows.position_entry_ids.append(entry_id)
    # One vectorised area lookup for every GPS point of the batch, in the order used below.
    points = [e for e, _ in complaints if e.lat is not None] + [e for e, _ in emergencies]
    locations = iter(ctx.areas.locate_many([e.lat for e in points], [e.lon for e in points]))
    rows.complaints = [
        complaint_row(e, entry_id, ctx, now, next(locations) if e.lat is not None else None) for e, entry_id in complaints
    ]
    rows.emergencies = [emergency_row(e, entry_id, ctx, now, next(locations)) for e, entry_id in emergencies]
    rows.positions, rows.vehicles = bus_rows(fixes, ctx, now, fix_ids)
    rows.repeats = [(stream, entry_id, _single_row(event, entry_id, ctx, now)) for stream, entry_id, event in repeats]
    return rows


def _single_row(event, entry_id: str, ctx: EnrichContext, now: datetime) -> dict:
    """The row one event would make on its own (for a repeat, compared but never written)."""
    if isinstance(event, ComplaintEvent):
        return complaint_row(event, entry_id, ctx, now)
    if isinstance(event, EmergencyEvent):
        return emergency_row(event, entry_id, ctx, now)
    return bus_rows([event], ctx, now)[0][0]
