"""Random points inside polygons (for the demo feed and the benchmarks)."""

from __future__ import annotations

import random

import shapely
from shapely.geometry.base import BaseGeometry


def random_point_in(geometry: BaseGeometry, rng: random.Random) -> tuple[float, float]:
    """(lat, lon) uniformly inside `geometry`, by rejection sampling in its bounding box."""
    minx, miny, maxx, maxy = geometry.bounds
    shapely.prepare(geometry)
    for _ in range(10_000):
        x = rng.uniform(minx, maxx)
        y = rng.uniform(miny, maxy)
        if shapely.contains_xy(geometry, x, y):
            return (round(y, 6), round(x, 6))
    p = geometry.representative_point()
    return (round(p.y, 6), round(p.x, 6))
