"""Nearest responder post of a kind, by great-circle distance."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Post:
    id: int
    name: str
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True)
class NearestPost:
    post: Post
    distance_m: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest_post(posts: Iterable[Post], lat: float, lon: float, kinds: Iterable[str]) -> NearestPost | None:
    """The closest post whose kind is in `kinds` (a city has tens of posts: a scan is enough)."""
    wanted = set(kinds)
    best: NearestPost | None = None
    for post in posts:
        if post.kind not in wanted:
            continue
        d = haversine_m(lat, lon, post.lat, post.lon)
        if best is None or d < best.distance_m or (d == best.distance_m and post.id < best.post.id):
            best = NearestPost(post, d)
    return best
