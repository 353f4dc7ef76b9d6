"""How far a point lies outside Kota Binjai: 0 inside, else metres to the nearest city boundary."""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.nearest import haversine_m


def metres_outside(city: BaseGeometry, lat: float, lon: float) -> float:
    """0.0 for a point inside (or on the edge of) `city`; otherwise the great-circle distance to it."""
    point = shapely.Point(lon, lat)
    if city.intersects(point):
        return 0.0
    edge, _ = nearest_points(city, point)
    return haversine_m(lat, lon, edge.y, edge.x)
