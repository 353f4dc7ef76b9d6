"""A synthetic complaint history (with status changes and panic presses) for report tests and bench/reports.py.

Rows are plain tuples in the column order of the `*_FIELDS` lists, so they can go to PostgreSQL's
COPY or an executemany INSERT alike. Agencies differ in speed on purpose, so a league table built
from the history has a visible top and bottom. Deadlines are approximations (working days taken
as 7/5 calendar days): good enough for figures, not a substitute for domain/sla.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

COMPLAINT_FIELDS = (
    "id",
    "event_id",
    "stream_entry_id",
    "source",
    "reported_at",
    "received_at",
    "category_code",
    "title",
    "lat",
    "lon",
    "location_source",
    "kelurahan_code",
    "kecamatan_code",
    "outside_city",
    "reporter_nik",
    "status",
    "suggested_agency_code",
    "agency_code",
    "escalation_level",
    "due_state",
    "first_response_due_at",
    "resolution_due_at",
    "read_at",
    "first_response_at",
    "forwarded_at",
    "in_progress_at",
    "resolved_at",
    "closed_at",
    "rejected_at",
    "updated_at",
    "version",
)
STATUS_CHANGE_FIELDS = ("item_kind", "item_id", "from_status", "to_status", "actor", "at", "agency_code", "action")
EMERGENCY_FIELDS = (
    "id",
    "event_id",
    "stream_entry_id",
    "pressed_at",
    "received_at",
    "kind",
    "lat",
    "lon",
    "kelurahan_code",
    "kecamatan_code",
    "outside_city",
    "reporter_nik",
    "status",
    "acknowledged_at",
    "dispatched_at",
    "on_scene_at",
    "resolved_at",
    "false_alarm_at",
    "updated_at",
    "version",
)
SOURCES = ("e-masyarakat", "e-sambat", "lapor", "call-center")
KINDS = ("kejahatan", "kebakaran", "medis", "kecelakaan", "bencana", "tidak-diketahui")


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    agency: str
    first_response_minutes: int
    resolution_working_days: int


@dataclass(frozen=True)
class AreaInfo:
    kelurahan: str
    kecamatan: str
    lat: float
    lon: float


def _first_response_delay(rng: random.Random, slowness: float) -> float:
    """Seconds to a first response: most within minutes, a slow tail of days for slow agencies."""
    u = rng.random()
    if u < 0.55 / slowness:
        return rng.uniform(30, 600)
    if u < 0.85:
        return rng.uniform(600, 6 * 3600) * slowness
    if u < 0.95:
        return rng.uniform(6 * 3600, 30 * 3600) * slowness
    return rng.uniform(30 * 3600, 96 * 3600) * slowness


def history(
    *,
    count: int,
    start: datetime,
    end: datetime,
    now: datetime,
    categories: list[CategoryInfo],
    areas: list[AreaInfo],
    seed: int = 1,
    first_id: int = 1,
    event_prefix: str = "bench",
) -> Iterator[tuple[tuple, list[tuple]]]:
    """(complaint row, its status-change rows) for `count` complaints reported between start and end.
    Event ids are `{event_prefix}-{id}` (the demo's history, simulator/history.py, uses its own)."""
    rng = random.Random(seed)
    agencies = sorted({c.agency for c in categories})
    slowness = {a: 0.6 + 2.4 * i / max(1, len(agencies) - 1) for i, a in enumerate(rng.sample(agencies, len(agencies)))}
    span = (end - start).total_seconds()
    for n in range(count):
        cid = first_id + n
        cat = rng.choice(categories)
        area = rng.choice(areas)
        # in arrival order, as the ingest worker stores them (rows of one period sit together on disk)
        reported = start + timedelta(seconds=(n + rng.random()) * span / count)
        reported = reported.replace(microsecond=rng.randrange(0, 1_000_000, 1000))
        fr_due = reported + timedelta(minutes=cat.first_response_minutes)
        res_due = reported + timedelta(days=cat.resolution_working_days * 7 / 5)
        slow = slowness[cat.agency]
        moves: list[tuple[str, datetime]] = []
        t = reported + timedelta(seconds=_first_response_delay(rng, slow))
        rejected = rng.random() < 0.03
        if t <= now:
            moves.append(("ditolak" if rejected else "dibaca", t))
            if not rejected:
                t = t + timedelta(minutes=rng.uniform(1, 90) * slow)
                for status, hours in (
                    ("diteruskan", 0),
                    ("dikerjakan", rng.uniform(1, 48) * slow),
                    ("selesai", rng.uniform(2, 200) * slow),
                ):
                    t = t + timedelta(hours=hours)
                    if t > now:
                        break
                    moves.append((status, t))
                if moves[-1][0] == "selesai" and rng.random() < 0.6:
                    t = t + timedelta(hours=rng.uniform(1, 48))
                    if t <= now:
                        moves.append(("ditutup", t))
        at = {s: ts for s, ts in moves}
        status = moves[-1][0] if moves else "baru"
        assigned = cat.agency if "diteruskan" in at else None
        row = (
            cid,
            f"{event_prefix}-{cid}",
            f"{cid}-0",
            SOURCES[cid % len(SOURCES)],
            reported,
            reported + timedelta(seconds=2),
            cat.code,
            "Laporan contoh",
            area.lat,
            area.lon,
            "kelurahan",
            area.kelurahan,
            area.kecamatan,
            False,
            "0000000000000000",
            status,
            cat.agency,
            assigned,
            0,
            "tepat",
            fr_due,
            res_due,
            at.get("dibaca"),
            moves[0][1] if moves else None,
            at.get("diteruskan"),
            at.get("dikerjakan"),
            at.get("selesai"),
            at.get("ditutup"),
            at.get("ditolak"),
            moves[-1][1] if moves else reported,
            1 + len(moves),
        )
        changes = [("complaint", cid, None, "baru", "sistem:ingest", reported + timedelta(seconds=2), None, "status")]
        previous = "baru"
        for s, ts in moves:
            changes.append(("complaint", cid, previous, s, "bench", ts, assigned, "status"))
            previous = s
        yield row, changes


def emergencies(
    *,
    count: int,
    start: datetime,
    end: datetime,
    now: datetime,
    areas: list[AreaInfo],
    seed: int = 2,
    first_id: int = 1,
    event_prefix: str = "bench-e",
) -> Iterator[tuple]:
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    for n in range(count):
        eid = first_id + n
        area = rng.choice(areas)
        pressed = start + timedelta(seconds=rng.random() * span)
        ack = pressed + timedelta(seconds=rng.uniform(5, 240))
        false_alarm = rng.random() < 0.3
        dispatched = None if false_alarm else ack + timedelta(seconds=rng.uniform(30, 600))
        on_scene = None if dispatched is None else dispatched + timedelta(seconds=rng.uniform(180, 1800))
        done = None if on_scene is None else on_scene + timedelta(minutes=rng.uniform(10, 120))
        if done is not None and done > now:
            done = None
        status = "palsu" if false_alarm else ("selesai" if done else "di_lokasi")
        yield (
            eid,
            f"{event_prefix}-{eid}",
            f"{eid}-0",
            pressed,
            pressed + timedelta(seconds=1),
            KINDS[eid % len(KINDS)],
            area.lat,
            area.lon,
            area.kelurahan,
            area.kecamatan,
            False,
            "0000000000000000",
            status,
            ack,
            dispatched,
            on_scene,
            done,
            ack if false_alarm else None,
            done or ack,
            1,
        )


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def reference_for_history(session) -> tuple[list[CategoryInfo], list[AreaInfo]]:
    """Categories and kelurahan of a seeded database, in the shape `history` takes."""
    from sqlalchemy import select

    from data_access.models import Category, Kelurahan

    cats = [
        CategoryInfo(code, agency, minutes, days)
        for code, agency, minutes, days in session.execute(
            select(
                Category.code, Category.default_agency_code, Category.first_response_minutes, Category.resolution_working_days
            ).order_by(Category.code)
        )
    ]
    areas = [
        AreaInfo(code, kec, lat, lon)
        for code, kec, lat, lon in session.execute(
            select(Kelurahan.code, Kelurahan.kecamatan_code, Kelurahan.center_lat, Kelurahan.center_lon).order_by(Kelurahan.code)
        )
    ]
    return cats, areas


def insert_history(engine, complaints: list[tuple], changes: list[tuple], presses: list[tuple] = ()) -> None:
    """Plain executemany through SQLAlchemy (types applied): for tests; the bench uses COPY on PostgreSQL."""
    from data_access.models import Complaint, Emergency, StatusChange

    with engine.begin() as conn:
        for table, fields, rows in (
            (Complaint.__table__, COMPLAINT_FIELDS, complaints),
            (StatusChange.__table__, STATUS_CHANGE_FIELDS, changes),
            (Emergency.__table__, EMERGENCY_FIELDS, presses),
        ):
            if rows:
                conn.execute(table.insert(), [dict(zip(fields, r, strict=True)) for r in rows])
