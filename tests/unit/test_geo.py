"""geo: boundaries, point lookup (single and vectorised), nearest post, GeoJSON builders, sampling."""

from __future__ import annotations

import json
import math
import random
from itertools import combinations

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from geo import AreaIndex, CityAreas, Location, NearestPost, Post, haversine_m, load_city_areas, nearest_post
from geo.geojson import areas_feature_collection, points_feature_collection
from geo.sampling import random_point_in

AREAS = load_city_areas()
KELURAHAN = AREAS.kelurahan
KECAMATAN = AREAS.kecamatan
MEDAN = (3.5952, 98.6722)


# --- boundaries ------------------------------------------------------------------------------


def test_counts():
    assert len(KECAMATAN) == 5
    assert len(KELURAHAN) == 37


def test_kecamatan_codes_and_names():
    assert [a.code for a in KECAMATAN] == ["12.75.01", "12.75.02", "12.75.03", "12.75.04", "12.75.05"]
    assert AREAS.name_of("12.75.01") == "Binjai Utara"
    assert AREAS.name_of("12.75.05") == "Binjai Selatan"
    assert AREAS.name_of("12.75.01.1001") == "Pahlawan"
    assert AREAS.name_of("12.71.01") is None


def test_codes_unique_sorted_and_nested():
    codes = [a.code for a in KELURAHAN]
    assert codes == sorted(codes)
    assert len(set(codes)) == 37
    kec_codes = {a.code for a in KECAMATAN}
    for a in KELURAHAN:
        assert a.level == "kelurahan"
        assert a.kecamatan_code in kec_codes
        assert a.code.startswith(a.kecamatan_code + ".")
        assert a.kecamatan_name == AREAS.name_of(a.kecamatan_code)
        assert a.name
        assert a.area_ha > 0
        assert a.geometry.is_valid and a.geometry.geom_type in ("Polygon", "MultiPolygon")
    for a in KECAMATAN:
        assert a.level == "kecamatan"
        assert a.kecamatan_code == a.code


def test_every_kecamatan_has_kelurahan():
    per = {k.code: sum(1 for a in KELURAHAN if a.kecamatan_code == k.code) for k in KECAMATAN}
    assert all(n > 0 for n in per.values())
    assert sum(per.values()) == 37


def test_by_code_and_kelurahan_codes():
    by = AREAS.by_code()
    assert len(by) == 42
    assert by["12.75.01.1001"].level == "kelurahan"
    assert by["12.75.03"].level == "kecamatan"
    assert AREAS.kelurahan_codes() == frozenset(a.code for a in KELURAHAN)
    assert not any(c.count(".") == 2 for c in AREAS.kelurahan_codes())


def test_kelurahan_do_not_overlap():
    for a, b in combinations(KELURAHAN, 2):
        assert a.geometry.intersection(b.geometry).area < 1e-10, (a.code, b.code)


def test_kelurahan_lie_within_their_kecamatan():
    kec = {k.code: k.geometry for k in KECAMATAN}
    for a in KELURAHAN:
        inside = a.geometry.intersection(kec[a.kecamatan_code]).area
        assert inside / a.geometry.area > 0.99, a.code


def test_area_ha_matches_geometry_roughly():
    # 1 degree² near the equator at Binjai's latitude ≈ 111.2 km × 111.0 km ≈ 1.234e6 ha.
    ha_per_deg2 = 111_195**2 * math.cos(math.radians(3.6)) / 10_000
    for a in KELURAHAN:
        assert a.geometry.area * ha_per_deg2 == pytest.approx(a.area_ha, rel=0.1), a.code


def test_load_city_areas_is_cached():
    assert load_city_areas() is AREAS


# --- lookup ------------------------------------------------------------------------------------


@pytest.mark.parametrize("area", KELURAHAN, ids=lambda a: a.code)
def test_interior_point_maps_back(area_index, area):
    lat, lon = area.interior_point
    loc = area_index.locate(lat, lon)
    assert loc == Location(area.code, area.kecamatan_code, False)
    kec = next(k for k in KECAMATAN if k.code == area.kecamatan_code)
    assert kec.geometry.intersects(Point(lon, lat))


def test_locate_many_interior_points(area_index):
    lats = [a.interior_point[0] for a in KELURAHAN]
    lons = [a.interior_point[1] for a in KELURAHAN]
    locs = area_index.locate_many(lats, lons)
    assert [loc.kelurahan_code for loc in locs] == [a.code for a in KELURAHAN]
    assert [loc.kecamatan_code for loc in locs] == [a.kecamatan_code for a in KELURAHAN]
    assert not any(loc.outside_city for loc in locs)
    assert area_index.in_city_many(lats, lons).all()


def test_locate_many_accepts_numpy_arrays(area_index):
    a = KELURAHAN[5]
    locs = area_index.locate_many(np.array([a.interior_point[0], 0.0]), np.array([a.interior_point[1], 0.0]))
    assert locs[0].kelurahan_code == a.code
    assert locs[1].outside_city


@pytest.mark.parametrize("point", [MEDAN, (0.0, 0.0), (-6.2, 106.8), (3.7, 98.49), (3.6, 98.3), (90.0, 180.0)])
def test_far_points_are_outside(area_index, point):
    loc = area_index.locate(*point)
    assert loc == Location(None, None, True)
    assert area_index.locate_many([point[0]], [point[1]]) == [loc]
    assert not area_index.in_city_many([point[0]], [point[1]])[0]


def test_locate_many_empty(area_index):
    assert area_index.locate_many([], []) == []
    assert area_index.in_city_many([], []).shape == (0,)


def test_locate_many_mixed_order_preserved(area_index):
    pts = [MEDAN, KELURAHAN[0].interior_point, (0.0, 0.0), KELURAHAN[-1].interior_point]
    locs = area_index.locate_many([p[0] for p in pts], [p[1] for p in pts])
    assert [loc.kelurahan_code for loc in locs] == [None, KELURAHAN[0].code, None, KELURAHAN[-1].code]


def _shared_vertices() -> list[tuple[float, float, list[str]]]:
    """(lat, lon, codes) of polygon vertices that lie exactly on two or more kelurahan."""
    found = []
    seen = set()
    geoms = [a.geometry for a in KELURAHAN]
    for a, b in combinations(KELURAHAN, 2):
        if a.geometry.boundary.intersection(b.geometry.boundary).length == 0:
            continue
        common = {tuple(c) for c in shapely.get_coordinates(a.geometry)} & {tuple(c) for c in shapely.get_coordinates(b.geometry)}
        for x, y in sorted(common):
            if (x, y) in seen:
                continue
            seen.add((x, y))
            hits = [KELURAHAN[i].code for i, g in enumerate(geoms) if shapely.intersects_xy(g, x, y)]
            if len(hits) >= 2:
                found.append((y, x, hits))
    return found


SHARED = _shared_vertices()


def test_there_are_shared_boundary_points():
    assert len(SHARED) > 20
    assert any(len(codes) == 2 for _, _, codes in SHARED)


def test_shared_vertex_goes_to_the_lower_code(area_index):
    lats = [s[0] for s in SHARED]
    lons = [s[1] for s in SHARED]
    many = area_index.locate_many(lats, lons)
    in_city = area_index.in_city_many(lats, lons)
    for (lat, lon, codes), loc_many, inside in zip(SHARED, many, in_city, strict=True):
        lowest = min(codes)
        loc = area_index.locate(lat, lon)
        assert loc.kelurahan_code == lowest, (lat, lon, codes)
        assert loc.kecamatan_code == AREAS.by_code()[lowest].kecamatan_code
        assert not loc.outside_city
        assert loc_many == loc
        assert inside


def test_shared_edge_midpoint_is_deterministic(area_index):
    checked = 0
    for a, b in combinations(KELURAHAN, 2):
        shared = a.geometry.boundary.intersection(b.geometry.boundary)
        lines = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type == "LineString" and g.length > 0]
        if not lines:
            continue
        (x1, y1), (x2, y2) = list(lines[0].coords)[:2]
        x, y = (x1 + x2) / 2, (y1 + y2) / 2
        loc = area_index.locate(y, x)
        assert loc.kelurahan_code in (a.code, b.code)
        on_a, on_b = shapely.intersects_xy(a.geometry, x, y), shapely.intersects_xy(b.geometry, x, y)
        if on_a and on_b:
            assert loc.kelurahan_code == min(a.code, b.code)
        assert area_index.locate_many([y], [x]) == [loc]
        assert area_index.locate(y, x) == loc  # same answer every time
        checked += 1
    assert checked > 20


def test_lower_code_rule_does_not_depend_on_input_order():
    reversed_areas = CityAreas(kecamatan=KECAMATAN, kelurahan=tuple(reversed(KELURAHAN)))
    index = AreaIndex(reversed_areas)
    lat, lon, codes = next(s for s in SHARED if len(s[2]) == 2)
    assert index.locate(lat, lon).kelurahan_code == min(codes)


def test_in_city_many_agrees_with_locate_for_random_points(area_index):
    rng = np.random.default_rng(20261122)
    minx, miny, maxx, maxy = area_index.city.bounds
    pad = 0.02
    lons = rng.uniform(minx - pad, maxx + pad, 3000)
    lats = rng.uniform(miny - pad, maxy + pad, 3000)
    inside = area_index.in_city_many(lats, lons)
    many = area_index.locate_many(lats, lons)
    assert 300 < inside.sum() < 2900  # the sample really covers both cases
    for lat, lon, ok, loc_many in zip(lats, lons, inside, many, strict=True):
        loc = area_index.locate(lat, lon)
        assert loc == loc_many
        assert bool(ok) == (not loc.outside_city)
        if ok:
            area = AREAS.by_code()[loc.kelurahan_code]
            assert area.geometry.intersects(Point(lon, lat))
            assert loc.kecamatan_code == area.kecamatan_code


# --- nearest ------------------------------------------------------------------------------------


def test_haversine_one_degree_of_latitude():
    assert haversine_m(0, 98.5, 1, 98.5) == pytest.approx(111_195, rel=0.005)
    assert haversine_m(3.0, 98.5, 4.0, 98.5) == pytest.approx(111_200, rel=0.005)


def test_haversine_longitude_shrinks_with_latitude():
    at_equator = haversine_m(0, 0, 0, 1)
    at_60 = haversine_m(60, 0, 60, 1)
    assert at_60 == pytest.approx(at_equator / 2, rel=0.005)


def test_haversine_properties():
    assert haversine_m(3.6, 98.49, 3.6, 98.49) == 0
    assert haversine_m(3.6, 98.49, 3.59, 98.67) == pytest.approx(haversine_m(3.59, 98.67, 3.6, 98.49))
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * 6_371_008.8, rel=1e-9)
    # Binjai centre to Medan centre: about 20 km.
    assert 18_000 < haversine_m(3.6, 98.485, *MEDAN) < 22_000


POSTS = (
    Post(1, "Polisi Kota", "polisi", 3.606743, 98.486022),
    Post(2, "Polisi Utara", "polisi", 3.638343, 98.493434),
    Post(3, "Damkar", "damkar", 3.599017, 98.482463),
    Post(4, "RSUD", "kesehatan", 3.603802, 98.485834),
    Post(5, "Puskesmas Timur", "kesehatan", 3.61644, 98.527777),
)


def test_nearest_post_picks_the_closest_of_the_kind():
    near = nearest_post(POSTS, 3.637, 98.4935, ["polisi"])
    assert isinstance(near, NearestPost)
    assert near.post.id == 2
    assert near.distance_m == pytest.approx(haversine_m(3.637, 98.4935, 3.638343, 98.493434))


def test_nearest_post_ignores_other_kinds():
    # The RSUD (kesehatan) is right here, but only damkar is wanted.
    near = nearest_post(POSTS, 3.603802, 98.485834, ["damkar"])
    assert near.post.id == 3
    assert near.distance_m > 500


def test_nearest_post_several_kinds():
    near = nearest_post(POSTS, 3.6165, 98.5277, ("kesehatan", "polisi"))
    assert near.post.id == 5
    near = nearest_post(POSTS, 3.6067, 98.4860, ("kesehatan", "polisi"))
    assert near.post.id == 1


def test_nearest_post_none_when_no_post_of_the_kind():
    assert nearest_post(POSTS, 3.6, 98.49, ["bpbd"]) is None
    assert nearest_post(POSTS, 3.6, 98.49, []) is None
    assert nearest_post((), 3.6, 98.49, ["polisi"]) is None


def test_nearest_post_tie_goes_to_lower_id():
    # Same place, and mirror images around the point (dyadic numbers, so the distances are exactly equal).
    same_a, same_b = Post(9, "B", "polisi", 3.6, 98.49), Post(7, "A", "polisi", 3.6, 98.49)
    east, west = Post(8, "E", "polisi", 3.5, 98.5), Post(6, "W", "polisi", 3.5, 98.25)
    assert haversine_m(3.5, 98.375, 3.5, 98.5) == haversine_m(3.5, 98.375, 3.5, 98.25)
    for order in ((same_a, same_b), (same_b, same_a)):
        assert nearest_post(order, 3.61, 98.49, ["polisi"]).post.id == 7
    for order in ((east, west), (west, east)):
        assert nearest_post(order, 3.5, 98.375, ["polisi"]).post.id == 6


def test_nearest_post_accepts_a_generator():
    near = nearest_post((p for p in POSTS), 3.599, 98.4825, iter(["damkar"]))
    assert near.post.id == 3
    assert near.distance_m < 10


# --- GeoJSON ------------------------------------------------------------------------------------


def test_areas_feature_collection():
    fc = areas_feature_collection(KELURAHAN, {"12.75.01.1001": {"open": 3, "overdue": 1}, "nope": {"open": 9}})
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 37
    json.loads(json.dumps(fc))  # serialisable
    for feature, area in zip(fc["features"], KELURAHAN, strict=True):
        assert feature["type"] == "Feature"
        props = feature["properties"]
        assert props["code"] == area.code
        assert props["name"] == area.name
        assert props["kecamatan_code"] == area.kecamatan_code
        assert props["kecamatan_name"] == area.kecamatan_name
        geom = shape(feature["geometry"])
        assert geom.geom_type == area.geometry.geom_type
        assert geom.equals(area.geometry)
        if area.code == "12.75.01.1001":
            assert props["open"] == 3 and props["overdue"] == 1
        else:
            assert "open" not in props
    assert all(f["properties"]["code"] != "nope" for f in fc["features"])


def test_areas_feature_collection_without_values_and_empty():
    fc = areas_feature_collection(KECAMATAN)
    assert [f["properties"]["code"] for f in fc["features"]] == [k.code for k in KECAMATAN]
    assert set(fc["features"][0]["properties"]) == {"code", "name", "kecamatan_code", "kecamatan_name"}
    assert areas_feature_collection([]) == {"type": "FeatureCollection", "features": []}


def test_points_feature_collection():
    fc = points_feature_collection([{"lat": 3.6, "lon": 98.49, "id": 1, "kind": "polisi"}, {"lat": -1.5, "lon": 100.0}])
    assert fc["type"] == "FeatureCollection"
    first, second = fc["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [98.49, 3.6]}  # GeoJSON order: lon, lat
    assert first["properties"] == {"id": 1, "kind": "polisi"}
    assert second["properties"] == {}
    assert second["geometry"]["coordinates"] == [100.0, -1.5]
    assert points_feature_collection([]) == {"type": "FeatureCollection", "features": []}
    json.dumps(fc)


def test_points_feature_collection_requires_lat_lon():
    with pytest.raises(KeyError):
        points_feature_collection([{"lat": 3.6}])


# --- sampling -----------------------------------------------------------------------------------


@pytest.mark.parametrize("area", KELURAHAN[::6], ids=lambda a: a.code)
def test_random_point_in_is_inside(area_index, area):
    rng = random.Random(7)
    for _ in range(100):
        lat, lon = random_point_in(area.geometry, rng)
        assert area.geometry.covers(Point(lon, lat))
        assert area_index.locate(lat, lon).kelurahan_code == area.code
        assert round(lat, 6) == lat and round(lon, 6) == lon


def test_random_point_in_is_deterministic_and_spread():
    area = KELURAHAN[0]
    a = [random_point_in(area.geometry, random.Random(1)) for _ in range(3)]
    assert len(set(a)) == 1
    rng1, rng2 = random.Random(42), random.Random(42)
    seq1 = [random_point_in(area.geometry, rng1) for _ in range(50)]
    seq2 = [random_point_in(area.geometry, rng2) for _ in range(50)]
    assert seq1 == seq2
    assert len(set(seq1)) == 50


def test_random_point_in_falls_back_for_a_sliver():
    sliver = Polygon([(0, 0), (1, 1), (1, 1.00002), (0, 0.00002)])  # tiny area in a big bounding box
    lat, lon = random_point_in(sliver, random.Random(3))
    assert sliver.buffer(1e-6).covers(Point(lon, lat))
