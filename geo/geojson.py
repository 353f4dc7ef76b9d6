"""GeoJSON builders for the maps (plain dicts, ready for dash-leaflet)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shapely.geometry import mapping

from geo.boundaries import Area


def areas_feature_collection(areas: Iterable[Area], values: Mapping[str, Mapping] | None = None) -> dict:
    """Polygons with code, name and kecamatan, plus any per-area values (e.g. open counts)."""
    values = values or {}
    features = []
    for a in areas:
        props = {
            "code": a.code,
            "name": a.name,
            "kecamatan_code": a.kecamatan_code,
            "kecamatan_name": a.kecamatan_name,
            **dict(values.get(a.code, {})),
        }
        features.append({"type": "Feature", "properties": props, "geometry": mapping(a.geometry)})
    return {"type": "FeatureCollection", "features": features}


def points_feature_collection(points: Iterable[Mapping], lat: str = "lat", lon: str = "lon") -> dict:
    """Each mapping needs the `lat` and `lon` keys; every other key becomes a property."""
    features = []
    for p in points:
        props = {k: v for k, v in p.items() if k not in (lat, lon)}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [p[lon], p[lat]]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
