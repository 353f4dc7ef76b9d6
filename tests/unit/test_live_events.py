"""domain.live_events: the change event never carries personal data, and is plain JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.live_events import (
    COMPLAINT_FIELDS,
    EMERGENCY_FIELDS,
    SOCKET_EVENT,
    SOCKET_NAMESPACE,
    VEHICLE_FIELDS,
    change_event,
)

FORBIDDEN = ("reporter_nik", "reporter_name", "reporter_phone", "description", "device_id")
SECRETS = {
    "reporter_nik": "1275019988776655",
    "reporter_name": "Rahasia Siregar",
    "reporter_phone": "081299998888",
    "description": "RAHASIA-DESKRIPSI rumah saya di Jl. Mawar 12",
    "device_id": "dev-RAHASIA-4242",
}
AT = datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)
WIB = timezone(timedelta(hours=7))

COMPLAINT_ROW = {
    "id": 17,
    "event_id": "lapor-1",
    "category_code": "jalan-rusak",
    "title": "Jalan berlubang",
    "kelurahan_code": "12.75.01.1001",
    "kecamatan_code": "12.75.01",
    "lat": 3.6,
    "lon": 98.49,
    "outside_city": False,
    "status": "baru",
    "reported_at": datetime(2026, 11, 22, 14, 5, 9, tzinfo=WIB),
    "first_response_due_at": datetime(2026, 11, 22, 7, 15, 9, tzinfo=UTC),
    "source": "lapor",
    "extra": {"app_version": "3.1"},
    "stream_entry_id": "1763795109000-0",
    **SECRETS,
}
EMERGENCY_ROW = {
    "id": 5,
    "kind": "kebakaran",
    "lat": 3.61,
    "lon": 98.5,
    "kelurahan_code": None,
    "kecamatan_code": None,
    "outside_city": True,
    "status": "baru",
    "pressed_at": datetime(2026, 11, 22, 7, 5, 0, tzinfo=UTC),
    "nearest_post_id": 3,
    "nearest_post_distance_m": 812.4,
    "accuracy_m": 12.0,
    **SECRETS,
}
VEHICLE_ROW = {
    "vehicle_id": "TB-K1-01",
    "route_id": "TB-K1",
    "last_lat": 3.62,
    "last_lon": 98.49,
    "last_bearing_deg": 180.0,
    "last_speed_kmh": 25.5,
    "last_recorded_at": datetime(2026, 11, 22, 7, 5, 5, tzinfo=UTC),
    "outside_city": False,
    "updated_at": AT,
    **SECRETS,
}


def build(**kw):
    kw.setdefault("at", AT)
    return change_event(complaints=[COMPLAINT_ROW], emergencies=[EMERGENCY_ROW], vehicles=[VEHICLE_ROW], **kw)


def test_constants():
    assert SOCKET_NAMESPACE.startswith("/")
    assert SOCKET_EVENT


@pytest.mark.parametrize("fields", [COMPLAINT_FIELDS, EMERGENCY_FIELDS, VEHICLE_FIELDS])
def test_whitelists_hold_no_personal_field(fields):
    assert not set(fields) & set(FORBIDDEN)


def test_no_personal_data_in_the_event():
    event = build()
    for section in ("complaints", "emergencies", "vehicles"):
        (item,) = event[section]
        for name in FORBIDDEN:
            assert name not in item
    text = json.dumps(event)
    for name in FORBIDDEN:
        assert name not in text
    for value in SECRETS.values():
        assert value not in text
    assert "RAHASIA" not in text
    assert "app_version" not in text  # free-form extra fields do not leak either


def test_only_whitelisted_fields():
    event = build()
    assert {"at", "complaints", "emergencies", "vehicles", "stream_ids"} <= set(event)
    assert not set(event) & set(FORBIDDEN)
    assert set(event["complaints"][0]) == set(COMPLAINT_FIELDS)
    assert set(event["emergencies"][0]) == set(EMERGENCY_FIELDS)
    assert set(event["vehicles"][0]) == set(VEHICLE_FIELDS)


def test_values_are_copied_and_datetimes_are_iso_strings():
    event = build(stream_ids={"complaints": "1763795109000-0"})
    assert event["at"] == "2026-11-22T07:05:09+00:00"
    c = event["complaints"][0]
    assert c["id"] == 17 and c["title"] == "Jalan berlubang" and c["lat"] == 3.6 and c["outside_city"] is False
    assert c["reported_at"] == "2026-11-22T14:05:09+07:00"
    assert datetime.fromisoformat(c["reported_at"]) == COMPLAINT_ROW["reported_at"]
    assert c["first_response_due_at"] == "2026-11-22T07:15:09+00:00"
    e = event["emergencies"][0]
    assert e["pressed_at"] == "2026-11-22T07:05:00+00:00"
    assert e["nearest_post_id"] == 3 and e["nearest_post_distance_m"] == 812.4
    assert e["kelurahan_code"] is None and e["outside_city"] is True
    v = event["vehicles"][0]
    assert v["last_recorded_at"] == "2026-11-22T07:05:05+00:00"
    assert v["last_speed_kmh"] == 25.5
    assert event["stream_ids"] == {"complaints": "1763795109000-0"}
    assert json.loads(json.dumps(event)) == event  # nothing but JSON types


def test_missing_fields_become_null():
    event = change_event(complaints=[{"id": 1}], at=AT)
    (c,) = event["complaints"]
    assert c["id"] == 1
    assert all(c[f] is None for f in COMPLAINT_FIELDS if f != "id")


def test_empty_event():
    event = change_event(at=AT)
    assert event["at"] == "2026-11-22T07:05:09+00:00"
    assert event["complaints"] == event["emergencies"] == event["vehicles"] == []
    assert event["stream_ids"] == {}


def test_stream_ids_are_a_copy_and_generators_are_accepted():
    ids = {"bus_gps": "1-0"}
    event = change_event(complaints=(r for r in [COMPLAINT_ROW, COMPLAINT_ROW]), stream_ids=ids, at=AT)
    ids["bus_gps"] = "2-0"
    assert event["stream_ids"] == {"bus_gps": "1-0"}
    assert len(event["complaints"]) == 2


def test_input_rows_are_not_modified():
    row = dict(COMPLAINT_ROW)
    build()
    change_event(complaints=[row], at=AT)
    assert row == COMPLAINT_ROW
