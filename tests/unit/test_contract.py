"""domain.contract: every rule of docs/streams.md (v1) for the three live streams."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.contract import (
    COMPLAINT_SOURCES,
    EMERGENCY_KINDS,
    BusFixEvent,
    ComplaintEvent,
    ContractContext,
    EmergencyEvent,
    Rejection,
    decode_fields,
    validate_entry,
)

CTX = ContractContext(
    category_codes=frozenset({"jalan-rusak", "sampah", "lainnya"}),
    kelurahan_codes=frozenset({"12.75.01.1001", "12.75.02.1003", "12.75.05.1007"}),
)

COMPLAINT = {
    "event_id": "lapor-2026-000123",
    "source": "lapor",
    "reported_at": "2026-11-22T14:05:09+07:00",
    "category": "jalan-rusak",
    "title": "Jalan berlubang besar",
    "lat": "3.6001",
    "lon": "98.4852",
    "reporter_nik": "1275014101900001",
}
EMERGENCY = {
    "event_id": "sos-000042",
    "pressed_at": "2026-11-22T14:05:09+07:00",
    "lat": "3.6001",
    "lon": "98.4852",
    "reporter_nik": "3173014101900001",
}
BUS = {
    "vehicle_id": "TB-07",
    "recorded_at": "2026-11-22T14:05:09+07:00",
    "lat": "3.6001",
    "lon": "98.4852",
}
BASE = {"complaints": COMPLAINT, "emergencies": EMERGENCY, "bus_gps": BUS}
MODEL = {"complaints": ComplaintEvent, "emergencies": EmergencyEvent, "bus_gps": BusFixEvent}
TIME_FIELD = {"complaints": "reported_at", "emergencies": "pressed_at", "bus_gps": "recorded_at"}
STREAMS = tuple(BASE)

DROP = object()  # marker: remove this field


def entry(stream: str, **changes: object) -> dict[str, str]:
    fields = dict(BASE[stream])
    for k, v in changes.items():
        if v is DROP:
            fields.pop(k, None)
        else:
            fields[k] = v  # type: ignore[assignment]
    return fields


def accept(stream: str, **changes: object):
    result = validate_entry(stream, entry(stream, **changes), CTX)
    assert not isinstance(result, Rejection), f"unexpectedly rejected: {result.reason}"
    assert isinstance(result, MODEL[stream])
    return result


def reject(stream: str, field: str, **changes: object) -> str:
    """Assert the entry is rejected and the reason names `field`; return the reason."""
    result = validate_entry(stream, entry(stream, **changes), CTX)
    assert isinstance(result, Rejection), f"unexpectedly accepted: {result!r}"
    assert isinstance(result.reason, str) and result.reason
    assert field in result.reason, f"reason {result.reason!r} does not name {field!r}"
    return result.reason


# --- the base entries are valid ----------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAMS)
def test_base_entries_are_valid(stream):
    event = accept(stream)
    assert event.lat == pytest.approx(3.6001)
    assert event.lon == pytest.approx(98.4852)
    assert getattr(event, TIME_FIELD[stream]) == datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)


def test_complaint_typed_values():
    e = accept("complaints", description="Sudah dua minggu.", reporter_name="Budi Siregar", reporter_phone="081234567890")
    assert e.event_id == "lapor-2026-000123"
    assert e.source == "lapor"
    assert e.category == "jalan-rusak"
    assert e.title == "Jalan berlubang besar"
    assert e.description == "Sudah dua minggu."
    assert e.reporter_nik == "1275014101900001"
    assert e.reporter_name == "Budi Siregar"
    assert e.reporter_phone == "081234567890"
    assert e.kelurahan_code is None
    assert e.photo_url is None
    assert e.reported_at.utcoffset().total_seconds() == 0


def test_unknown_stream_is_rejected_by_name():
    result = validate_entry("parking", dict(COMPLAINT), CTX)
    assert isinstance(result, Rejection)
    assert "parking" in result.reason


def test_stream_name_with_prefix_is_not_a_stream():
    assert isinstance(validate_entry("bcc:complaints", dict(COMPLAINT), CTX), Rejection)


# --- required fields -----------------------------------------------------------------------------

REQUIRED = [
    ("complaints", "event_id"),
    ("complaints", "source"),
    ("complaints", "reported_at"),
    ("complaints", "category"),
    ("complaints", "title"),
    ("complaints", "reporter_nik"),
    ("emergencies", "event_id"),
    ("emergencies", "pressed_at"),
    ("emergencies", "lat"),
    ("emergencies", "lon"),
    ("emergencies", "reporter_nik"),
    ("bus_gps", "vehicle_id"),
    ("bus_gps", "recorded_at"),
    ("bus_gps", "lat"),
    ("bus_gps", "lon"),
]


@pytest.mark.parametrize(("stream", "field"), REQUIRED)
def test_missing_required_field_is_rejected(stream, field):
    reason = reject(stream, field, **{field: DROP})
    assert f"{field}: required field is missing" in reason


@pytest.mark.parametrize(("stream", "field"), REQUIRED)
def test_empty_required_field_is_rejected(stream, field):
    reject(stream, field, **{field: ""})


@pytest.mark.parametrize(
    ("stream", "field"),
    [
        ("complaints", "description"),
        ("complaints", "reporter_name"),
        ("complaints", "reporter_phone"),
        ("complaints", "photo_url"),
        ("complaints", "kelurahan_code"),
        ("emergencies", "accuracy_m"),
        ("emergencies", "kind"),
        ("emergencies", "reporter_phone"),
        ("emergencies", "device_id"),
        ("bus_gps", "route_id"),
        ("bus_gps", "speed_kmh"),
        ("bus_gps", "bearing_deg"),
        ("bus_gps", "event_id"),
    ],
)
def test_optional_fields_may_be_absent_or_empty(stream, field):
    accept(stream, **{field: DROP})
    if field != "description":  # an empty description is simply an empty text
        event = accept(stream, **{field: ""})
        if field != "kind":
            assert getattr(event, field) is None


def test_several_errors_are_all_named():
    reason = reject("complaints", "source", source="twitter", reporter_nik="12", title="")
    assert "reporter_nik" in reason
    assert "title" in reason


# --- event_id --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event_id",
    [
        "a",
        "A" * 64,
        "0" * 64,
        "abc.DEF_09:-x",
        "urn:lapor:2026:000123",
        "6f1c2a9e-8c1b-4c1a-9a63-0c8a1f2b3c4d",
        "e-sambat.2026.11.22_001",
    ],
)
@pytest.mark.parametrize("stream", ["complaints", "emergencies", "bus_gps"])
def test_event_id_allowed(stream, event_id):
    event = accept(stream, event_id=event_id)
    assert event.event_id == event_id


@pytest.mark.parametrize(
    "event_id",
    [
        "a" * 65,
        "has space",
        " leading",
        "trailing ",
        "slash/id",
        "id#1",
        "id@host",
        "a+b",
        "tab\there",
        "nul\x00byte",
        "ümlaut",
        "日本",
        "emoji🚨",
        "semi;colon",
        "<script>",
    ],
)
@pytest.mark.parametrize("stream", ["complaints", "emergencies", "bus_gps"])
def test_event_id_forbidden(stream, event_id):
    reject(stream, "event_id", event_id=event_id)


@pytest.mark.parametrize(
    ("stream", "field", "value"),
    [
        ("complaints", "event_id", "lapor-1\n"),
        ("bus_gps", "vehicle_id", "TB-07\n"),
        ("complaints", "reporter_nik", "1275014101900001\n"),
        ("emergencies", "reporter_nik", "3173014101900001\n"),
        ("complaints", "photo_url", "https://foto.example.org/a.jpg\n"),
    ],
)
def test_trailing_newline_is_not_allowed(stream, field, value):
    reject(stream, field, **{field: value})


@pytest.mark.parametrize("field", ["vehicle_id", "route_id"])
@pytest.mark.parametrize("value", ["TB 07", "TB/07", "x" * 65, "TB-07#"])
def test_bus_ids_follow_the_id_pattern(field, value):
    reject("bus_gps", field, **{field: value})


# --- source ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["e-masyarakat", "e-sambat", "lapor", "call-center", "walk-in", "other"])
def test_complaint_source_allowed(source):
    assert accept("complaints", source=source).source == source


def test_complaint_sources_constant_matches_contract():
    assert set(COMPLAINT_SOURCES) == {"e-masyarakat", "e-sambat", "lapor", "call-center", "walk-in", "other"}


@pytest.mark.parametrize("source", ["LAPOR", "Lapor", "twitter", "e_sambat", "lapor ", "call center", "whatsapp"])
def test_complaint_source_forbidden(source):
    reject("complaints", "source", source=source)


# --- times ----------------------------------------------------------------------------------------------

VALID_TIMES = [
    ("2026-11-22T14:05:09+07:00", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22T07:05:09Z", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22T07:05:09z", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22T14:05:09+0700", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22T07:05:09+00:00", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22T02:05:09-05:00", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22T16:35:09+09:30", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22 14:05:09+07:00", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
    ("2026-11-22T14:05+07:00", datetime(2026, 11, 22, 7, 5, 0, tzinfo=UTC)),
    ("2026-11-22T14:05:09.250+07:00", datetime(2026, 11, 22, 7, 5, 9, 250000, tzinfo=UTC)),
    ("2026-11-22T14:05:09.123456+07:00", datetime(2026, 11, 22, 7, 5, 9, 123456, tzinfo=UTC)),
    ("2026-11-23T00:30:00+07:00", datetime(2026, 11, 22, 17, 30, 0, tzinfo=UTC)),  # previous day in UTC
    ("2028-02-29T12:00:00+07:00", datetime(2028, 2, 29, 5, 0, 0, tzinfo=UTC)),  # leap day
    (" 2026-11-22T14:05:09+07:00 ", datetime(2026, 11, 22, 7, 5, 9, tzinfo=UTC)),
]

INVALID_TIMES = [
    "2026-11-22T14:05:09",  # no offset
    "2026-11-22 14:05:09",
    "2026-11-22T14:05",
    "2026-11-22",  # a date only
    "2026-11-22T14:05:09+07",  # offset without minutes
    "2026-11-22T14:05:09 WIB",
    "2026-11-22T14:05:09 +07:00",
    "2026-02-30T10:00:00+07:00",  # impossible date
    "2027-02-29T10:00:00+07:00",  # not a leap year
    "2026-13-01T10:00:00+07:00",
    "2026-00-10T10:00:00+07:00",
    "2026-11-31T10:00:00+07:00",
    "2026-11-22T24:00:00+07:00",
    "2026-11-22T14:60:00+07:00",
    "2026-11-22T14:05:61+07:00",
    "2026-11-22T14:05:09+25:00",  # offset out of range
    "1763795109",  # unix timestamp
    "1763795109.5",
    "1763795109000",
    "22/11/2026 14:05",
    "22-11-2026T14:05:09+07:00",
    "Sun, 22 Nov 2026 14:05:09 +0700",
    "2026-W47-7T14:05:09+07:00",
    "kemarin",
    "now",
    "",
    "   ",
]


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize(("text", "utc"), VALID_TIMES)
def test_time_with_offset_is_valid_and_normalised_to_utc(stream, text, utc):
    field = TIME_FIELD[stream]
    value = getattr(accept(stream, **{field: text}), field)
    assert value == utc
    assert value.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize("text", INVALID_TIMES)
def test_time_without_offset_or_impossible_is_invalid(stream, text):
    field = TIME_FIELD[stream]
    reject(stream, field, **{field: text})


@pytest.mark.parametrize("text", ["2026-11-22T14:05:09+07:60", "2026-11-22T14:05:09+07:99", "2026-11-22T14:05:09+0775"])
def test_offset_minutes_above_59_are_invalid(text):
    reject("complaints", "reported_at", reported_at=text)


@pytest.mark.parametrize(
    ("stream", "text"), [("complaints", "0001-01-01T00:00:00+07:00"), ("bus_gps", "9999-12-31T23:59:59-07:00")]
)
def test_time_overflowing_utc_is_a_rejection_not_an_exception(stream, text):
    field = TIME_FIELD[stream]
    reject(stream, field, **{field: text})


# --- category, title, description ---------------------------------------------------------------


@pytest.mark.parametrize("category", ["jalan-rusak", "sampah", "lainnya"])
def test_category_in_context(category):
    assert accept("complaints", category=category).category == category


@pytest.mark.parametrize("category", ["tidak-ada", "Jalan-Rusak", "jalan-rusak ", "air-bersih", ""])
def test_category_not_in_context(category):
    reject("complaints", "category", category=category)


def test_category_comes_from_the_context_not_a_fixed_list():
    ctx = ContractContext(category_codes=frozenset({"baru-ditambah"}), kelurahan_codes=CTX.kelurahan_codes)
    assert not isinstance(validate_entry("complaints", entry("complaints", category="baru-ditambah"), ctx), Rejection)
    assert isinstance(validate_entry("complaints", entry("complaints", category="jalan-rusak"), ctx), Rejection)


@pytest.mark.parametrize("title", ["x", "x" * 140, "é" * 140, "Lampu jalan mati 🚨", "  padded  ", "<b>tebal</b>"])
def test_title_allowed(title):
    assert accept("complaints", title=title).title == title


@pytest.mark.parametrize("title", ["", " ", "   ", "\t\n", "\u00a0", "x" * 141, "é" * 141])
def test_title_forbidden(title):
    reject("complaints", "title", title=title)


@pytest.mark.parametrize(
    "description",
    ["", "d", "d" * 4000, "é" * 4000, "<script>alert('x')</script>", "baris 1\nbaris 2\r\n\ttab", "'; DROP TABLE complaints; --"],
)
def test_description_up_to_4000_kept_verbatim(description):
    assert accept("complaints", description=description).description == description


@pytest.mark.parametrize("description", ["d" * 4001, "é" * 4001])
def test_description_over_4000_rejected(description):
    reject("complaints", "description", description=description)


# --- coordinates and the location rule -----------------------------------------------------------


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize(
    ("lat", "lon"),
    [("90", "180"), ("-90", "-180"), ("0", "0"), ("3.6", "98.49"), ("-6.2", "106.8"), ("1e0", "9.8e1"), (" 3.6 ", "98.49")],
)
def test_coordinates_in_range(stream, lat, lon):
    event = accept(stream, lat=lat, lon=lon)
    assert event.lat == pytest.approx(float(lat))
    assert event.lon == pytest.approx(float(lon))


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lat", "90.000001"),
        ("lat", "-90.1"),
        ("lat", "360"),
        ("lon", "180.5"),
        ("lon", "-181"),
        ("lat", "abc"),
        ("lat", "3,6"),
        ("lon", "98°29'"),
        ("lat", "nan"),
        ("lat", "NaN"),
        ("lon", "inf"),
        ("lon", "-Infinity"),
        ("lat", "0x10"),
        ("lon", "[98.4]"),
    ],
)
def test_coordinates_out_of_range_or_not_numbers(stream, field, value):
    reject(stream, field, **{field: value})


def test_complaint_with_kelurahan_code_only():
    e = accept("complaints", lat=DROP, lon=DROP, kelurahan_code="12.75.01.1001")
    assert e.lat is None and e.lon is None
    assert e.kelurahan_code == "12.75.01.1001"


def test_complaint_with_both_locations():
    e = accept("complaints", kelurahan_code="12.75.02.1003")
    assert e.lat is not None and e.kelurahan_code == "12.75.02.1003"


def test_complaint_with_empty_coordinates_and_kelurahan_code():
    e = accept("complaints", lat="", lon="", kelurahan_code="12.75.05.1007")
    assert e.lat is None and e.lon is None


@pytest.mark.parametrize(
    "changes",
    [
        {"lon": DROP},
        {"lat": DROP},
        {"lon": ""},
        {"lat": ""},
        {"lon": DROP, "kelurahan_code": "12.75.01.1001"},
        {"lat": DROP, "kelurahan_code": "12.75.01.1001"},
    ],
)
def test_complaint_half_a_point_is_invalid(changes):
    reason = reject("complaints", "lat", **changes)
    assert "lon" in reason


@pytest.mark.parametrize("changes", [{"lat": DROP, "lon": DROP}, {"lat": "", "lon": "", "kelurahan_code": ""}])
def test_complaint_without_any_location_is_invalid(changes):
    reason = reject("complaints", "kelurahan_code", **changes)
    assert "location" in reason


@pytest.mark.parametrize("code", ["12.75.01.9999", "12.71.01.1001", "12.75.01", "1275011001", "12.75.01.1001 "])
def test_kelurahan_code_must_be_in_context(code):
    reject("complaints", "kelurahan_code", kelurahan_code=code)
    reject("complaints", "kelurahan_code", lat=DROP, lon=DROP, kelurahan_code=code)


# --- NIK -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nik", ["1275014101900001", "1275000000000000", "1275999999999999"])
def test_complaint_nik_binjai(nik):
    assert accept("complaints", reporter_nik=nik).reporter_nik == nik


@pytest.mark.parametrize(
    "nik",
    [
        "1271014101900001",  # Medan
        "3173014101900001",  # Jakarta
        "2751014101900001",
        "127501410190000",  # 15 digits
        "12750141019000011",  # 17 digits
        "1275 0141 0190 0001",
        "12750141O1900001",  # letter O
        "١٢٧٥٠١٤١٠١٩٠٠٠٠١",  # Arabic-Indic digits are not NIK digits
        "12345",
        "",
    ],
)
def test_complaint_nik_forbidden(nik):
    reject("complaints", "reporter_nik", reporter_nik=nik)


def test_complaint_nik_outside_binjai_reason_says_why():
    assert "1275" in reject("complaints", "reporter_nik", reporter_nik="1271014101900001")


@pytest.mark.parametrize("nik", ["3173014101900001", "1271014101900001", "1275014101900001", "0000000000000000"])
def test_emergency_nik_any_16_digits(nik):
    assert accept("emergencies", reporter_nik=nik).reporter_nik == nik


@pytest.mark.parametrize("nik", ["317301410190000", "31730141019000011", "3173-0141-0190-01", "abcdefghijklmnop", "12345"])
def test_emergency_nik_forbidden(nik):
    reject("emergencies", "reporter_nik", reporter_nik=nik)


# --- photo_url ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://foto.example.org/a.jpg",
        "http://x.id/p?q=1&r=2#frag",
        "HTTPS://FOTO.EXAMPLE.ORG/A.JPG",
        "https://192.0.2.10:8443/f/1.png",
    ],
)
def test_photo_url_http_s(url):
    assert accept("complaints", photo_url=url).photo_url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "ftp://foto.example.org/a.jpg",
        "file:///etc/passwd",
        "data:image/png;base64,AAAA",
        "//foto.example.org/a.jpg",
        "foto.example.org/a.jpg",
        "http://",
        "https:// foto.example.org/a.jpg",
        "https://foto.example.org/a b.jpg",
        " https://foto.example.org/a.jpg",
        "https://" + "a" * 2000,
    ],
)
def test_photo_url_forbidden(url):
    reject("complaints", "photo_url", photo_url=url)


# --- emergency kind and accuracy -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["kejahatan", "kebakaran", "medis", "kecelakaan", "bencana", "tidak-diketahui"])
def test_emergency_kind_allowed(kind):
    assert accept("emergencies", kind=kind).kind == kind


def test_emergency_kinds_constant_matches_contract():
    assert set(EMERGENCY_KINDS) == {"kejahatan", "kebakaran", "medis", "kecelakaan", "bencana", "tidak-diketahui"}


@pytest.mark.parametrize("changes", [{"kind": DROP}, {"kind": ""}])
def test_emergency_kind_defaults_to_tidak_diketahui(changes):
    assert accept("emergencies", **changes).kind == "tidak-diketahui"


@pytest.mark.parametrize("kind", ["KEBAKARAN", "banjir", "fire", "tidak diketahui", " medis"])
def test_emergency_kind_forbidden(kind):
    reject("emergencies", "kind", kind=kind)


@pytest.mark.parametrize(("value", "expected"), [("0", 0.0), ("12.5", 12.5), ("3000", 3000.0), ("", None)])
def test_accuracy_allowed(value, expected):
    assert accept("emergencies", accuracy_m=value).accuracy_m == expected


@pytest.mark.parametrize("value", ["-1", "-0.001", "nan", "inf", "abc", "10m"])
def test_accuracy_forbidden(value):
    reject("emergencies", "accuracy_m", accuracy_m=value)


# --- bus speed, bearing, fix_id -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "0.0", "35.5", "120"])
def test_speed_allowed(value):
    assert accept("bus_gps", speed_kmh=value).speed_kmh == float(value)


@pytest.mark.parametrize("value", ["-0.1", "-5", "nan", "inf", "fast", "1000"])
def test_speed_forbidden(value):
    reject("bus_gps", "speed_kmh", speed_kmh=value)


@pytest.mark.parametrize("value", ["0", "90", "180.5", "359.9", "360"])
def test_bearing_allowed(value):
    assert accept("bus_gps", bearing_deg=value).bearing_deg == float(value)


@pytest.mark.parametrize("value", ["-1", "-0.01", "360.1", "720", "nan", "N"])
def test_bearing_forbidden(value):
    reject("bus_gps", "bearing_deg", bearing_deg=value)


def test_fix_id_fallback_is_vehicle_and_utc_time():
    fix = accept("bus_gps")
    assert fix.event_id is None
    assert fix.fix_id == "TB-07@2026-11-22T07:05:09.000000Z"


@pytest.mark.parametrize(
    "same_instant",
    [
        "2026-11-22T14:05:09+07:00",
        "2026-11-22T14:05:09+0700",
        "2026-11-22T07:05:09Z",
        "2026-11-22T07:05:09+00:00",
        "2026-11-22T02:05:09-05:00",
        "2026-11-22 16:05:09.000+09:00",
    ],
)
def test_fix_id_same_instant_any_offset_same_id(same_instant):
    assert accept("bus_gps", recorded_at=same_instant).fix_id == "TB-07@2026-11-22T07:05:09.000000Z"


def test_fix_id_distinguishes_vehicles_and_instants():
    a = accept("bus_gps").fix_id
    assert accept("bus_gps", vehicle_id="TB-08").fix_id != a
    assert accept("bus_gps", recorded_at="2026-11-22T14:05:09.5+07:00").fix_id != a
    assert accept("bus_gps", recorded_at="2026-11-22T14:05:10+07:00").fix_id != a


@pytest.mark.parametrize(("value", "expected"), [("gps-123", "gps-123"), ("", "TB-07@2026-11-22T07:05:09.000000Z")])
def test_fix_id_uses_event_id_when_given(value, expected):
    assert accept("bus_gps", event_id=value).fix_id == expected


# --- extra fields --------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", STREAMS)
def test_unknown_fields_are_kept_in_extra(stream):
    extra = {"app_version": "3.2.1", "rt_rw": "003/005", "catatan": "boleh apa saja <b>"}
    event = accept(stream, **extra)
    assert event.extra == extra


@pytest.mark.parametrize("stream", STREAMS)
def test_known_fields_are_not_extra(stream):
    assert accept(stream).extra == {}


def test_extra_named_like_a_property_does_not_break_the_model():
    event = accept("complaints", extra="x", fix_id="y")
    assert event.extra == {"extra": "x", "fix_id": "y"}


def test_events_are_frozen():
    event = accept("complaints")
    with pytest.raises(ValidationError):
        event.title = "changed"  # type: ignore[misc]


# --- decode_fields -------------------------------------------------------------------------------


def test_decode_fields_utf8():
    raw = {b"event_id": b"c-1", b"title": "Jalan rusak di Tanah Tinggi — ñ 🚧".encode()}
    assert decode_fields(raw) == {"event_id": "c-1", "title": "Jalan rusak di Tanah Tinggi — ñ 🚧"}


def test_decode_fields_empty():
    assert decode_fields({}) == {}


@pytest.mark.parametrize("bad", [b"\xff", b"caf\xe9", b"\xc3\x28", b"\xed\xa0\x80", b"ok\x80"])
def test_decode_fields_non_utf8_value_is_rejection_naming_field(bad):
    result = decode_fields({b"event_id": b"c-1", b"title": bad})
    assert isinstance(result, Rejection)
    assert "title" in result.reason
    assert "UTF-8" in result.reason


def test_decode_fields_non_utf8_key_is_rejection():
    result = decode_fields({b"event_id": b"c-1", b"ti\xfftle": b"x"})
    assert isinstance(result, Rejection)
    assert "ti" in result.reason and "UTF-8" in result.reason


def test_decode_then_validate_round_trip():
    raw = {k.encode(): v.encode() for k, v in COMPLAINT.items()}
    fields = decode_fields(raw)
    assert fields == COMPLAINT
    assert isinstance(validate_entry("complaints", fields, CTX), ComplaintEvent)


# --- property: validate_entry never raises --------------------------------------------------------

KNOWN_KEYS = sorted(
    {k for base in BASE.values() for k in base} | {"kind", "kelurahan_code", "photo_url", "event_id", "bearing_deg"}
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    stream=st.sampled_from(STREAMS),
    fields=st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=12), st.text(max_size=40), max_size=12),
)
def test_validate_entry_never_raises_on_arbitrary_text(stream, fields):
    result = validate_entry(stream, fields, CTX)
    if isinstance(result, Rejection):
        assert isinstance(result.reason, str) and result.reason
    else:
        assert isinstance(result, MODEL[stream])


@settings(max_examples=300, deadline=None, database=None)
@given(stream=st.sampled_from(STREAMS), data=st.data())
def test_one_mutated_field_never_raises(stream, data):
    fields = dict(BASE[stream])
    key = data.draw(st.sampled_from(sorted(fields)))
    fields[key] = data.draw(st.text(max_size=80))
    result = validate_entry(stream, fields, CTX)
    assert isinstance(result, Rejection | MODEL[stream])
    if isinstance(result, Rejection):
        assert key in result.reason or (stream == "complaints" and key in ("lat", "lon"))


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)))
@settings(max_examples=300)
def test_fix_id_keeps_the_key_format_already_stored(moment):
    """The fast formatting must give byte-identical keys, or re-sent fixes would be stored twice."""
    fix = BusFixEvent(vehicle_id="TB-07", recorded_at=moment, lat=3.6, lon=98.48)
    assert fix.fix_id == "TB-07@" + moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
