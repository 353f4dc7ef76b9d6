"""Retention on SQLite and PostgreSQL: months dropped, an old day thinned, recent detail untouched,
personal data of long-closed items erased with an audit row, and a second run that finds nothing to do."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from data_access import position_partitions as pp
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, RetentionRun, Vehicle, VehiclePosition
from data_access.retention import RETENTION_ACTOR, RetentionPolicy, run_retention

NOW = datetime(2031, 3, 15, 5, 0, tzinfo=UTC)
OLD = datetime(2030, 1, 20, 3, 0, tzinfo=UTC)  # its whole month is older than 365 days at NOW
THIN_DAY = datetime(2031, 2, 3, 1, 0, tzinfo=UTC)  # 40 days before NOW: thinned
RECENT = datetime(2031, 3, 12, 1, 0, tzinfo=UTC)  # 3 days before NOW: full detail
EDGE = datetime(2031, 2, 14, 1, 0, tzinfo=UTC)  # 29 days before NOW: still full detail
POLICY = RetentionPolicy(detail_days=30, keep_days=365, personal_data_days=365, batch_rows=50, partitions_ahead=2)


def _drive(vehicle: str, start: datetime, minutes: int, tag: str) -> list[dict]:
    """East at 10 m/s for `minutes`, standing 3 minutes half way; a fix every 5 s."""
    rows, x = [], 0.0
    for i in range(minutes * 12):
        standing = minutes * 6 <= i < minutes * 6 + 36
        if not standing:
            x += 50.0
        at = start + timedelta(seconds=5 * i)
        rows.append(
            {
                "event_id": f"{tag}-{i}",
                "vehicle_id": vehicle,
                "route_id": "R1",
                "recorded_at": at,
                "received_at": at,
                "lat": 3.6,
                "lon": 98.45 + x / 111_100,
                "speed_kmh": 0.0 if standing else 36.0,
                "bearing_deg": 90.0,
                "outside_city": False,
            }
        )
    return rows


def _complaint(n: int, status: str, **times) -> dict:
    reported = times.pop("reported_at")
    return {
        "event_id": f"ret-c-{n}",
        "stream_entry_id": f"{n}-0",
        "source": "e-sambat",
        "reported_at": reported,
        "received_at": reported,
        "category_code": "jalan-rusak",
        "title": "Jalan berlubang",
        "lat": 3.6,
        "lon": 98.48,
        "location_source": "gps",
        "reporter_nik": "1275010101900001",
        "reporter_name": "Budi Siregar",
        "reporter_phone": "081234567890",
        "status": status,
        "first_response_due_at": reported + timedelta(minutes=10),
        "resolution_due_at": reported + timedelta(days=14),
        "updated_at": reported,
        **times,
    }


def _emergency(n: int, status: str, **times) -> dict:
    pressed = times.pop("pressed_at")
    return {
        "event_id": f"ret-e-{n}",
        "stream_entry_id": f"{n}-0",
        "pressed_at": pressed,
        "received_at": pressed,
        "kind": "medis",
        "lat": 3.6,
        "lon": 98.48,
        "reporter_nik": "1275010101900002",
        "reporter_phone": "081234567891",
        "device_id": "dev-1234",
        "status": status,
        "updated_at": pressed,
        **times,
    }


def _positions_between(conn, start: datetime, end: datetime) -> list:
    vp = VehiclePosition
    return (
        conn.execute(select(vp.recorded_at).where(vp.recorded_at >= start, vp.recorded_at < end).order_by(vp.recorded_at))
        .scalars()
        .all()
    )


def test_retention_drops_thins_keeps_recent_detail_and_erases_personal_data(migrated_url):
    engine = make_engine(migrated_url)
    Session = make_session_factory(engine)
    postgres = engine.dialect.name == "postgresql"
    # The daily job ran back then too: on PostgreSQL that created the partitions of those months.
    run_retention(Session, POLICY, now=OLD)

    with engine.begin() as conn:
        conn.execute(
            Vehicle.__table__.insert(),
            {"vehicle_id": "TB-01", "route_id": "R1", "last_recorded_at": RECENT, "last_lat": 3.6, "last_lon": 98.45,
             "updated_at": RECENT},
        )  # fmt: skip
        for rows in (
            _drive("TB-01", OLD, 10, "old"),
            _drive("TB-01", THIN_DAY, 20, "thin"),
            _drive("TB-01", EDGE, 20, "edge"),
            _drive("TB-01", RECENT, 20, "recent"),
        ):
            conn.execute(VehiclePosition.__table__.insert(), rows)
        for row in (
            _complaint(1, "ditutup", reported_at=NOW - timedelta(days=420), closed_at=NOW - timedelta(days=400)),
            _complaint(2, "ditolak", reported_at=NOW - timedelta(days=380), rejected_at=NOW - timedelta(days=370)),
            _complaint(3, "ditutup", reported_at=NOW - timedelta(days=120), closed_at=NOW - timedelta(days=100)),
            _complaint(4, "dikerjakan", reported_at=NOW - timedelta(days=420)),  # old but still open
        ):
            conn.execute(Complaint.__table__.insert(), row)
        for row in (
            _emergency(1, "palsu", pressed_at=NOW - timedelta(days=400), false_alarm_at=NOW - timedelta(days=400)),
            _emergency(2, "selesai", pressed_at=NOW - timedelta(days=10), resolved_at=NOW - timedelta(days=10)),
        ):
            conn.execute(Emergency.__table__.insert(), row)
        if postgres:
            assert "vehicle_positions_p2030_01" in {p.name for p in pp.month_partitions(conn)}
            # March 2031 has no partition yet: its fixes wait in the default partition
            assert conn.scalar(text("SELECT count(*) FROM vehicle_positions_default WHERE recorded_at >= '2031-03-01'")) == 240

    report = run_retention(Session, POLICY, now=NOW)

    with engine.connect() as conn:
        # dropped: everything older than the keep period
        assert _positions_between(conn, OLD - timedelta(days=1), OLD + timedelta(days=1)) == []
        assert report.positions_dropped == 120
        # thinned: the day 40 days back keeps its ends and the stop, at most one fix a minute
        thinned = _positions_between(conn, THIN_DAY, THIN_DAY + timedelta(hours=1))
        assert 3 <= len(thinned) <= 8, thinned
        assert thinned[0] == THIN_DAY and thinned[-1] == THIN_DAY + timedelta(seconds=5 * 239)
        assert max(Counter(int(t.timestamp() // 60) for t in thinned).values()) == 1
        stop_from, stop_to = THIN_DAY + timedelta(minutes=10), THIN_DAY + timedelta(minutes=13)
        assert [t for t in thinned if stop_from <= t < stop_to], "the stop survived thinning"
        # recent detail untouched, also a day before the detail period ends
        assert len(_positions_between(conn, RECENT, RECENT + timedelta(hours=1))) == 240
        assert len(_positions_between(conn, EDGE, EDGE + timedelta(hours=1))) == 240
        assert report.positions_thinned == 240 - len(thinned)
        assert [d for d, _, _ in report.days_thinned].count("2031-02-03") == 1

        # personal data: erased where final for longer than the period, the items and their times stay
        people = {
            r.event_id: r
            for r in conn.execute(
                select(Complaint.event_id, Complaint.reporter_nik, Complaint.reporter_name, Complaint.reporter_phone,
                       Complaint.closed_at, Complaint.title)
            )
        }  # fmt: skip
        assert people["ret-c-1"][1:4] == (None, None, None) and people["ret-c-1"].closed_at is not None
        assert people["ret-c-2"][1:4] == (None, None, None) and people["ret-c-2"].title == "Jalan berlubang"
        assert people["ret-c-3"].reporter_nik == "1275010101900001"
        assert people["ret-c-4"].reporter_name == "Budi Siregar"
        presses = dict(conn.execute(select(Emergency.event_id, Emergency.reporter_nik)).all())
        assert presses == {"ret-e-1": None, "ret-e-2": "1275010101900002"}
        assert conn.scalar(select(Emergency.device_id).where(Emergency.event_id == "ret-e-1")) is None
        assert (report.complaints_erased, report.emergencies_erased) == (2, 1)

        audit = conn.execute(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(1)).one()
        assert audit.actor == RETENTION_ACTOR
        assert (audit.complaints_erased, audit.emergencies_erased) == (2, 1)
        assert audit.positions_dropped == 120 and audit.positions_thinned == report.positions_thinned
        assert audit.details["policy"]["personal_data_days"] == 365

        if postgres:
            names = {p.name for p in pp.month_partitions(conn)}
            assert "vehicle_positions_p2030_01" not in names and "vehicle_positions_p2030_02" not in names
            assert {"vehicle_positions_p2031_03", "vehicle_positions_p2031_05"} <= names
            assert "vehicle_positions_p2030_01" in report.partitions_dropped
            assert "vehicle_positions_p2031_05" in report.partitions_created
            # the fixes that waited in the default partition moved to their month
            assert conn.scalar(text("SELECT count(*) FROM vehicle_positions_p2031_03")) == 240
            assert conn.scalar(text("SELECT count(*) FROM vehicle_positions_default WHERE recorded_at >= '2031-03-01'")) == 0

    # a second run the same day finds nothing more to do
    again = run_retention(Session, POLICY, now=NOW + timedelta(minutes=5))
    assert (again.positions_dropped, again.positions_thinned, again.days_thinned) == (0, 0, [])
    assert (again.complaints_erased, again.emergencies_erased) == (0, 0)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(RetentionRun)) == 3
    engine.dispose()
