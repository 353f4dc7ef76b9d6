from datetime import UTC, datetime, timedelta, timezone

from domain.event_content import differing_fields, same_content

WIB = timezone(timedelta(hours=7))
BASE = {
    "vehicle_id": "TB-01",
    "route_id": None,
    "recorded_at": datetime(2026, 11, 22, 2, 0, tzinfo=UTC),
    "lat": 3.6,
    "lon": 98.49,
    "speed_kmh": 25.0,
    "bearing_deg": None,
    "received_at": datetime(2026, 11, 22, 2, 0, 1, tzinfo=UTC),
}


def test_the_same_fix_sent_again_later_or_with_another_offset_is_the_same_content():
    again = {**BASE, "recorded_at": datetime(2026, 11, 22, 9, 0, tzinfo=WIB), "received_at": datetime.now(UTC)}
    assert same_content("bus_gps", BASE, again)


def test_another_position_under_the_same_id_differs():
    assert differing_fields("bus_gps", BASE, {**BASE, "lat": 3.61, "speed_kmh": 30.0}) == ("lat", "speed_kmh")


def test_missing_optional_values_are_equal_and_a_value_is_not_none():
    c = {"title": "x", "extra": None, "description": None}
    assert same_content("complaints", c, {"title": "x", "extra": {}})
    assert differing_fields("complaints", c, {"title": "x", "description": "baru"}) == ("description",)
    assert differing_fields("emergencies", {"accuracy_m": None}, {"accuracy_m": 5.0}) == ("accuracy_m",)


def test_float_round_trip_noise_is_not_a_difference():
    assert same_content("bus_gps", BASE, {**BASE, "lat": 3.6 + 1e-15})
