"""The wall's presentation rules: route colours, route labels, agency colours, badge refusals."""

from __future__ import annotations

import colorsys
from datetime import UTC, datetime, timedelta

from domain.wall_display import ROUTE_PALETTE, agency_speed, judge_freshness, route_colors, route_label


def _hue_deg(hex_color: str) -> float:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


def test_route_colours_are_never_red_or_orange_and_stable():
    for color in ROUTE_PALETTE:
        assert 170 <= _hue_deg(color) <= 290, f"{color} is not blue, teal or purple"
    first = route_colors(["TB-K2", "TB-K1", "TB-K3", "TB-K1"])
    assert first == route_colors(["TB-K3", "TB-K1", "TB-K2"])
    assert len(set(first.values())) == 3
    assert len(route_colors([f"R{i}" for i in range(20)])) == 20  # more routes than colours: reused


def test_route_label_is_the_routes_number():
    assert route_label("TB-K1") == "K1"
    assert route_label("7") == "7"
    assert route_label(None) == "?"


def test_agency_colour_follows_the_target():
    assert agency_speed(5.5, 10) == "ok"  # within a 10-minute target: never red
    assert agency_speed(10, 10) == "ok"
    assert agency_speed(14, 10) == "late"
    assert agency_speed(30, 10) == "late"
    assert agency_speed(31, 10) == "very-late"
    assert agency_speed(None, 10) == "none"


def test_refusals_are_counted_since_the_newest_stored_item():
    t1 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    first = judge_freshness(stream="complaints", stored_at=t1, refused_total=40, previous=None)
    assert first.refused_since == 0  # what was refused before the wall looked is not counted
    seen = {"storedAt": t1.isoformat(), "refusedBase": first.refused_base}
    later = judge_freshness(stream="complaints", stored_at=t1, refused_total=58, previous=seen)
    assert later.refused_since == 18
    stored_again = judge_freshness(stream="complaints", stored_at=t1 + timedelta(minutes=18), refused_total=60, previous=seen)
    assert stored_again.refused_since == 0 and stored_again.refused_base == 60
    reset = judge_freshness(stream="complaints", stored_at=t1, refused_total=2, previous=seen)  # counters wiped
    assert reset.refused_since == 0
    nothing = judge_freshness(
        stream="emergencies", stored_at=None, refused_total=5, previous={"storedAt": None, "refusedBase": 1}
    )
    assert nothing.refused_since == 4  # nothing ever stored, yet entries refused
