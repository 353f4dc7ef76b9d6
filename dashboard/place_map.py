"""A small map of one item: its kelurahan's outline and its point (and for a panic press the
nearest post). No background tiles, so it works in a room without internet.

The map always gets a `center`: dash-leaflet compares the map's centre with that prop after every
move (`latLng(center).equals(...)`), and without one it threw "Cannot read properties of undefined
(reading 'equals')". With a post too, `bounds` frame both points (no `zoom`, so the bounds win).
"""

from __future__ import annotations

from functools import lru_cache

import dash_leaflet as dl

from geo import load_city_areas
from geo.geojson import areas_feature_collection


@lru_cache(maxsize=64)
def _outline(kelurahan_code: str | None) -> dict:
    return areas_feature_collection([a for a in load_city_areas().kelurahan if a.code == kelurahan_code])


def place_map(
    lat: float,
    lon: float,
    kelurahan_code: str | None,
    *,
    post: tuple[float, float] | None = None,
    class_name: str = "place-map",
    map_id: str | None = None,
) -> dl.Map:
    ids = {"id": map_id} if map_id else {}
    layers = [
        dl.GeoJSON(data=_outline(kelurahan_code), style={"color": "#6fa8ff", "weight": 2, "fillOpacity": 0.1}),
        dl.CircleMarker(center=[lat, lon], radius=9, color="#ff3b3b", fillOpacity=0.9),
    ]
    if post is None:
        return dl.Map(children=layers, center=[lat, lon], zoom=15, className=class_name, attributionControl=False, **ids)
    layers.append(dl.CircleMarker(center=list(post), radius=7, color="#2f80ff", fillOpacity=0.9))
    south, north = sorted((lat, post[0]))
    west, east = sorted((lon, post[1]))
    pad = 0.002
    return dl.Map(
        children=layers,
        bounds=[[south - pad, west - pad], [north + pad, east + pad]],
        center=[(south + north) / 2, (west + east) / 2],
        className=class_name,
        attributionControl=False,
        **ids,
    )
