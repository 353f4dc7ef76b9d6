"""Possible duplicates: the same category within about 200 m, reported in the 7 days before.

A report can only be merged into an earlier one, so candidates are never newer than the report.
`bounding_box` lets the database narrow the search before the exact great-circle distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from geo.nearest import EARTH_RADIUS_M, haversine_m

DUPLICATE_RADIUS_M = 200.0
DUPLICATE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


@dataclass(frozen=True)
class Report:
    id: int
    category_code: str
    reported_at: datetime
    lat: float
    lon: float


def bounding_box(lat: float, lon: float, radius_m: float) -> BoundingBox:
    """A lat/lon box that holds every point within `radius_m` (Binjai is far from the poles)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return BoundingBox(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def window_start(reported_at: datetime, window: timedelta = DUPLICATE_WINDOW) -> datetime:
    return reported_at - window


def is_earlier(candidate: Report, report: Report) -> bool:
    """Ordered by report time, then by id for reports sent in the same instant."""
    return (candidate.reported_at, candidate.id) < (report.reported_at, report.id)


def duplicate_distance(
    report: Report, candidate: Report, *, radius_m: float = DUPLICATE_RADIUS_M, window: timedelta = DUPLICATE_WINDOW
) -> float | None:
    """Distance in metres when `candidate` may be the earlier report of the same problem, else None."""
    if candidate.id == report.id or candidate.category_code != report.category_code:
        return None
    if not is_earlier(candidate, report) or candidate.reported_at < window_start(report.reported_at, window):
        return None
    d = haversine_m(report.lat, report.lon, candidate.lat, candidate.lon)
    return d if d <= radius_m else None
