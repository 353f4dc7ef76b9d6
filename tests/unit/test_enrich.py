"""ingest.enrich: validated events → rows (area, nearest post, deadlines), with a hand-made context."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from domain.contract import BusFixEvent, ComplaintEvent, ContractContext, EmergencyEvent, Rejection, validate_entry
from domain.sla import WIB
from geo import Post, haversine_m, load_city_areas
from ingest.enrich import EnrichContext, Rows, build_rows

AREAS = load_city_areas()
KEL = {a.code: a for a in AREAS.kelurahan}
PAHLAWAN = KEL["12.75.01.1001"]
OTHER = AREAS.kelurahan[20]
MEDAN = (3.5952, 98.6722)
NOW = datetime(2026, 11, 20, 3, 0, 1, tzinfo=UTC)

POSTS = (
    Post(1, "Pos Polisi Kota", "polisi", 3.606743, 98.486022),
    Post(2, "Pos Polisi Utara", "polisi", 3.638343, 98.493434),
    Post(3, "Damkar", "damkar", 3.599017, 98.482463),
    Post(4, "Damkar Utara", "damkar", 3.643884, 98.507273),
    Post(5, "RSUD", "kesehatan", 3.603802, 98.485834),
    Post(6, "Puskesmas Timur", "kesehatan", 3.61644, 98.527777),
    Post(7, "BPBD", "bpbd", 3.60554, 98.481555),
)


def policy(code, group, agency, first, days):
    return SimpleNamespace(
        code=code, group=group, default_agency_code=agency, first_response_minutes=first, resolution_working_days=days
    )


POLICIES = {
    "jalan-rusak": policy("jalan-rusak", "infrastruktur", "DPUPR", 10, 14),
    "lalu-lintas": policy("lalu-lintas", "infrastruktur", "DISHUB", 5, 2),
    "adminduk": policy("adminduk", "pelayanan", "DISDUKCAPIL", 30, 5),
}
CONTRACT = ContractContext(frozenset(POLICIES), AREAS.kelurahan_codes())


@pytest.fixture(scope="module")
def ctx(area_index):
    return EnrichContext(
        areas=area_index,
        posts=POSTS,
        policies=POLICIES,
        kelurahan_centers={a.code: a.interior_point for a in AREAS.kelurahan},
    )


def valid(stream: str, **fields: str):
    event = validate_entry(stream, fields, CONTRACT)
    assert not isinstance(event, Rejection), event.reason
    return event


def complaint(event_id="c-1", **over) -> ComplaintEvent:
    fields = {
        "event_id": event_id,
        "source": "e-sambat",
        "reported_at": "2026-11-20T10:00:00+07:00",  # a Friday
        "category": "lalu-lintas",
        "title": "Lampu lalu lintas mati",
        "reporter_nik": "1275014101900001",
        "reporter_name": "Siti Lubis",
        "reporter_phone": "081234567890",
        "description": "Sejak pagi.",
    }
    fields.update(over)
    return valid("complaints", **{k: v for k, v in fields.items() if v is not None})


def emergency(event_id="e-1", lat=3.6, lon=98.49, kind="kejahatan", **over) -> EmergencyEvent:
    fields = {
        "event_id": event_id,
        "pressed_at": "2026-11-20T10:00:00+07:00",
        "lat": str(lat),
        "lon": str(lon),
        "kind": kind,
        "reporter_nik": "3173014101900001",
        "device_id": "dev-1",
        "accuracy_m": "15",
    }
    fields.update(over)
    return valid("emergencies", **fields)


def fix(vehicle="TB-K1-01", at="2026-11-20T10:00:00+07:00", lat=3.62, lon=98.49, **over) -> BusFixEvent:
    fields = {"vehicle_id": vehicle, "recorded_at": at, "lat": str(lat), "lon": str(lon), "route_id": "TB-K1", "speed_kmh": "20"}
    fields.update(over)
    return valid("bus_gps", **fields)


def rows_for(ctx, *events) -> Rows:
    stream = {ComplaintEvent: "complaints", EmergencyEvent: "emergencies", BusFixEvent: "bus_gps"}
    return build_rows([(stream[type(e)], f"{i + 1}-0", e) for i, e in enumerate(events)], ctx, NOW)


# --- complaints ----------------------------------------------------------------------------------


def test_complaint_with_gps_gets_its_areas(ctx):
    lat, lon = OTHER.interior_point
    (row,) = rows_for(ctx, complaint(lat=str(lat), lon=str(lon))).complaints
    assert row["kelurahan_code"] == OTHER.code
    assert row["kecamatan_code"] == OTHER.kecamatan_code
    assert row["location_source"] == "gps"
    assert row["outside_city"] is False
    assert (row["lat"], row["lon"]) == (lat, lon)


def test_complaint_gps_wins_over_a_different_kelurahan_code(ctx):
    lat, lon = OTHER.interior_point
    (row,) = rows_for(ctx, complaint(lat=str(lat), lon=str(lon), kelurahan_code=PAHLAWAN.code)).complaints
    assert row["kelurahan_code"] == OTHER.code
    assert row["location_source"] == "gps"


def test_complaint_with_only_kelurahan_code_gets_the_centre(ctx):
    (row,) = rows_for(ctx, complaint(kelurahan_code=PAHLAWAN.code)).complaints
    assert row["kelurahan_code"] == PAHLAWAN.code
    assert row["kecamatan_code"] == PAHLAWAN.kecamatan_code == "12.75.01"
    assert (row["lat"], row["lon"]) == PAHLAWAN.interior_point
    assert row["location_source"] == "kelurahan"
    assert row["outside_city"] is False


def test_complaint_gps_outside_city_keeps_the_named_kelurahan(ctx):
    (row,) = rows_for(ctx, complaint(lat=str(MEDAN[0]), lon=str(MEDAN[1]), kelurahan_code=OTHER.code)).complaints
    assert row["kelurahan_code"] == OTHER.code
    assert row["kecamatan_code"] == OTHER.kecamatan_code
    assert row["outside_city"] is True
    assert (row["lat"], row["lon"]) == MEDAN  # the reported position is kept as it was
    assert row["location_source"] == "gps"


def test_complaint_gps_outside_city_without_code(ctx):
    (row,) = rows_for(ctx, complaint(lat="0", lon="0")).complaints
    assert row["kelurahan_code"] is None and row["kecamatan_code"] is None
    assert row["outside_city"] is True


def test_complaint_deadlines_and_routing(ctx):
    (row,) = rows_for(ctx, complaint(kelurahan_code=PAHLAWAN.code)).complaints
    reported = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert row["reported_at"] == reported
    assert row["first_response_due_at"] == reported + timedelta(minutes=5)  # the category's own target
    assert row["resolution_due_at"] == datetime.combine(date(2026, 11, 24), time.max, tzinfo=WIB)  # Fri + 2 → Tue
    assert row["suggested_agency_code"] == "DISHUB"
    assert row["agency_code"] is None


def test_complaint_deadline_follows_policy(ctx):
    (row,) = rows_for(ctx, complaint(kelurahan_code=PAHLAWAN.code, category="jalan-rusak")).complaints
    assert row["first_response_due_at"] - row["reported_at"] == timedelta(minutes=10)
    assert row["resolution_due_at"] == datetime.combine(date(2026, 12, 10), time.max, tzinfo=WIB)  # 14 working days
    assert row["suggested_agency_code"] == "DPUPR"


def test_complaint_row_bookkeeping(ctx):
    (row,) = rows_for(ctx, complaint(kelurahan_code=PAHLAWAN.code, app_version="3.1")).complaints
    assert row["event_id"] == "c-1"
    assert row["stream_entry_id"] == "1-0"
    assert row["received_at"] == NOW and row["updated_at"] == NOW
    assert row["status"] == "baru"
    assert row["version"] == 1
    assert row["escalation_level"] == 0
    assert row["source"] == "e-sambat"
    assert row["category_code"] == "lalu-lintas"
    assert row["title"] == "Lampu lalu lintas mati"
    assert row["description"] == "Sejak pagi."
    # Personal data stays in the system of record (operators may see it).
    assert row["reporter_nik"] == "1275014101900001"
    assert row["reporter_name"] == "Siti Lubis"
    assert row["reporter_phone"] == "081234567890"
    assert row["extra"] == {"app_version": "3.1"}


def test_complaint_without_extra_has_none(ctx):
    (row,) = rows_for(ctx, complaint(kelurahan_code=PAHLAWAN.code)).complaints
    assert row["extra"] is None
    assert row["photo_url"] is None


# --- emergencies ---------------------------------------------------------------------------------


def test_fire_goes_to_the_nearest_damkar(ctx):
    lat, lon = 3.6425, 98.5065  # next to Damkar Utara; Pos Polisi Utara is closer than Damkar (Kota)
    (row,) = rows_for(ctx, emergency(lat=lat, lon=lon, kind="kebakaran")).emergencies
    assert row["nearest_post_id"] == 4
    assert row["nearest_post_distance_m"] == round(haversine_m(lat, lon, 3.643884, 98.507273), 1)
    assert row["nearest_post_distance_m"] < 300


@pytest.mark.parametrize(
    ("kind", "lat", "lon", "post_id"),
    [
        ("kebakaran", 3.600, 98.483, 3),  # the southern fire station
        ("kebakaran", 3.6067, 98.4860, 3),  # next to a police post: still the fire station
        ("kejahatan", 3.600, 98.483, 1),  # nearest police, though the damkar is closer
        ("tidak-diketahui", 3.637, 98.493, 2),  # unknown kind: police call back
        ("medis", 3.615, 98.525, 6),
        ("kecelakaan", 3.6065, 98.4861, 1),  # ambulance or police, whichever is closer: police here
        ("kecelakaan", 3.6039, 98.4858, 5),  # ... and the hospital here
        ("bencana", 3.64, 98.50, 7),  # the only BPBD post, however far
    ],
)
def test_emergency_routed_by_kind(ctx, kind, lat, lon, post_id):
    (row,) = rows_for(ctx, emergency(lat=lat, lon=lon, kind=kind)).emergencies
    assert row["nearest_post_id"] == post_id
    post = next(p for p in POSTS if p.id == post_id)
    assert row["nearest_post_distance_m"] == pytest.approx(haversine_m(lat, lon, post.lat, post.lon), abs=0.05)


def test_emergency_without_a_post_of_the_kind(ctx):
    no_bpbd = EnrichContext(ctx.areas, tuple(p for p in POSTS if p.kind != "bpbd"), POLICIES, ctx.kelurahan_centers)
    (row,) = build_rows([("emergencies", "9-0", emergency(kind="bencana"))], no_bpbd, NOW).emergencies
    assert row["nearest_post_id"] is None
    assert row["nearest_post_distance_m"] is None


def test_emergency_default_kind_and_areas(ctx):
    lat, lon = OTHER.interior_point
    (row,) = rows_for(ctx, emergency(lat=lat, lon=lon, kind="")).emergencies
    assert row["kind"] == "tidak-diketahui"
    assert row["kelurahan_code"] == OTHER.code
    assert row["kecamatan_code"] == OTHER.kecamatan_code
    assert row["outside_city"] is False
    assert row["status"] == "baru" and row["version"] == 1
    assert row["accuracy_m"] == 15.0
    assert row["device_id"] == "dev-1"
    assert row["pressed_at"] == datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert row["received_at"] == NOW
    assert row["stream_entry_id"] == "1-0"


def test_emergency_outside_city_still_routed(ctx):
    (row,) = rows_for(ctx, emergency(lat=MEDAN[0], lon=MEDAN[1])).emergencies
    assert row["outside_city"] is True
    assert row["kelurahan_code"] is None
    assert row["nearest_post_id"] in (1, 2)


# --- buses -------------------------------------------------------------------------------------------


def test_bus_all_positions_kept_latest_per_vehicle_out_of_order(ctx):
    t0, t1, t2 = "2026-11-20T10:00:00+07:00", "2026-11-20T10:00:05+07:00", "2026-11-20T10:00:10+07:00"
    batch = [
        fix("TB-K1-01", t0, 3.620, 98.490),
        fix("TB-K1-01", t2, 3.622, 98.492, bearing_deg="45"),
        fix("TB-K2-01", t1, MEDAN[0], MEDAN[1]),
        fix("TB-K1-01", t1, 3.621, 98.491),  # late: older than the previous fix of this bus
    ]
    rows = rows_for(ctx, *batch)
    assert len(rows.positions) == 4
    assert [p["recorded_at"] for p in rows.positions] == [b.recorded_at for b in batch]
    assert [p["event_id"] for p in rows.positions] == [b.fix_id for b in batch]
    assert [p["outside_city"] for p in rows.positions] == [False, False, True, False]
    latest = {v["vehicle_id"]: v for v in rows.vehicles}
    assert set(latest) == {"TB-K1-01", "TB-K2-01"}
    k1 = latest["TB-K1-01"]
    assert k1["last_recorded_at"] == datetime(2026, 11, 20, 3, 0, 10, tzinfo=UTC)
    assert (k1["last_lat"], k1["last_lon"], k1["last_bearing_deg"]) == (3.622, 98.492, 45.0)
    assert k1["outside_city"] is False
    assert latest["TB-K2-01"]["outside_city"] is True
    assert k1["updated_at"] == NOW
    assert len(rows) == 4  # complaints + emergencies + positions


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]])
def test_bus_latest_does_not_depend_on_batch_order(ctx, order):
    fixes = [fix(at=f"2026-11-20T10:00:{s:02d}+07:00", lat=3.62 + s / 10000) for s in (0, 5, 10)]
    rows = rows_for(ctx, *[fixes[i] for i in order])
    (vehicle,) = rows.vehicles
    assert vehicle["last_recorded_at"] == fixes[2].recorded_at
    assert vehicle["last_lat"] == fixes[2].lat


def test_no_bus_fixes(ctx):
    rows = rows_for(ctx, complaint(kelurahan_code=PAHLAWAN.code))
    assert rows.positions == [] and rows.vehicles == []


# --- duplicates ----------------------------------------------------------------------------------


def test_duplicates_within_a_batch_are_kept_once(ctx):
    c = complaint("dup-1", kelurahan_code=PAHLAWAN.code)
    c_again = complaint("dup-1", kelurahan_code=OTHER.code, title="resent")
    e = emergency("dup-2")
    f = fix()
    f_other_offset = fix(at="2026-11-20T03:00:00Z")  # same vehicle, same instant: the same fix
    rows = rows_for(ctx, c, e, f, c_again, e, f_other_offset, f)
    assert len(rows.complaints) == 1
    assert rows.complaints[0]["stream_entry_id"] == "1-0"  # the first one wins
    assert rows.complaints[0]["kelurahan_code"] == PAHLAWAN.code
    assert len(rows.emergencies) == 1
    assert len(rows.positions) == 1
    assert len(rows.vehicles) == 1
    assert len(rows) == 3


def test_same_id_in_different_streams_is_not_a_duplicate(ctx):
    rows = rows_for(ctx, complaint("same-id", kelurahan_code=PAHLAWAN.code), emergency("same-id"), fix(event_id="same-id"))
    assert (len(rows.complaints), len(rows.emergencies), len(rows.positions)) == (1, 1, 1)


def test_bus_fixes_with_distinct_event_ids_at_the_same_instant_are_both_kept(ctx):
    rows = rows_for(ctx, fix(event_id="g-1"), fix(event_id="g-2"))
    assert [p["event_id"] for p in rows.positions] == ["g-1", "g-2"]


def test_empty_batch(ctx):
    rows = build_rows([], ctx, NOW)
    assert len(rows) == 0
    assert rows.complaints == rows.emergencies == rows.positions == rows.vehicles == []
