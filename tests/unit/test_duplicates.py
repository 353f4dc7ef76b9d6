"""domain.duplicates: same category, within ~200 m, earlier and in the 7 days before."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from domain.duplicates import DUPLICATE_RADIUS_M, Report, bounding_box, duplicate_distance
from geo import haversine_m

T = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
HERE = Report(10, "jalan-rusak", T, 3.606743, 98.486022)


def at(i, *, north_m=0.0, days=0.0, category="jalan-rusak", when=None):
    lat = HERE.lat + math.degrees(north_m / 6_371_008.8)
    return Report(i, category, when or T - timedelta(days=days), lat, HERE.lon)


def test_examples():
    assert round(duplicate_distance(HERE, at(1, north_m=150, days=1))) == 150
    assert duplicate_distance(HERE, at(2, north_m=250, days=1)) is None  # too far
    assert duplicate_distance(HERE, at(3, north_m=10, days=1, category="sampah")) is None
    assert duplicate_distance(HERE, at(4, north_m=10, days=8)) is None  # older than 7 days
    assert duplicate_distance(HERE, at(11, north_m=10, days=-0.1)) is None  # later: merge the other way
    assert duplicate_distance(HERE, HERE) is None
    assert duplicate_distance(HERE, at(9, when=T)) == 0.0  # same instant, lower id: earlier
    assert duplicate_distance(HERE, at(12, when=T)) is None


points = st.tuples(st.floats(3.5, 3.7), st.floats(98.4, 98.6))


@given(points, points)
def test_the_bounding_box_never_drops_a_point_within_the_radius(a, b):
    box = bounding_box(a[0], a[1], DUPLICATE_RADIUS_M)
    if haversine_m(a[0], a[1], b[0], b[1]) <= DUPLICATE_RADIUS_M:
        assert box.min_lat <= b[0] <= box.max_lat and box.min_lon <= b[1] <= box.max_lon


@given(points, st.integers(0, 400), st.floats(0, 10))
def test_a_candidate_is_within_the_radius_and_the_window(p, north, days):
    assume(north != DUPLICATE_RADIUS_M and days != 7)  # exactly on the line: rounding decides
    here = Report(100, "drainase-banjir", T, *p)
    other = Report(1, "drainase-banjir", T - timedelta(days=days), p[0] + math.degrees(north / 6_371_008.8), p[1])
    d = duplicate_distance(here, other)
    assert (d is not None) == (north < DUPLICATE_RADIUS_M and days < 7)
    assert d is None or abs(d - north) < 0.01
