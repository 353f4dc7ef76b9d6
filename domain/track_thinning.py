"""Which GPS fixes of an old bus track to keep: the track's shape, its stops, at most one fix a minute.

Position history keeps every fix for a while (RETENTION_DETAIL_DAYS); after that a day's track is
thinned to what a supervisor replaying it needs: where the bus drove (corners and bends, found by
Douglas-Peucker simplification with shapely), where and how long it stood (the arrival and departure
fix of every stop) and the first and last fix of the day. On a straight stretch the fixes between
two kept ones lie on the line between them, so they are dropped. At most one fix per clock minute
survives: where several fall in one minute, a stop's arrival/departure wins, then the track's first
and last fix, then the sharpest turn.

Pure: fixes in, the ids to keep out; data_access/retention.py does the reading and deleting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import shapely

# Douglas-Peucker tolerance: a dropped fix lies at most this far from the kept track (GPS noise is ~5 m).
SHAPE_TOLERANCE_M = 15.0
# A stop: the bus stays within this radius of where it stopped for at least STOP_MIN_S.
STOP_RADIUS_M = 20.0
STOP_MIN_S = 60.0

_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON_EQUATOR = 111_320.0

_STOP, _END, _SHAPE = 0, 1, 2  # priority when two candidates share a minute (lower wins)


@dataclass(frozen=True)
class Fix:
    id: int
    recorded_at: datetime
    lat: float
    lon: float


def fixes_to_keep(fixes: Iterable[Fix]) -> set[int]:
    """Ids of the fixes of ONE vehicle's track that carry its shape and stops (≤ 1 per minute)."""
    track = sorted(fixes, key=lambda f: (f.recorded_at, f.id))
    if len(track) <= 2:
        return {f.id for f in track}
    xy = _local_metres(track)
    kind: dict[int, int] = {i: _SHAPE for i in _shape_vertices(xy)}
    for i in _stop_boundaries(track, xy):
        kind[i] = _STOP
    for i in (0, len(track) - 1):
        kind[i] = min(kind.get(i, _END), _END)
    candidates = sorted(kind)
    turn = _turn_angles(xy, candidates)
    best: dict[int, int] = {}  # minute -> index of the fix kept in it
    for i in candidates:
        minute = int(track[i].recorded_at.timestamp() // 60)
        held = best.get(minute)
        if held is None or (kind[i], -turn[i]) < (kind[held], -turn[held]):
            best[minute] = i
    return {track[i].id for i in best.values()}


def _local_metres(track: list[Fix]) -> list[tuple[float, float]]:
    """Equirectangular projection around the first fix: exact enough over a city."""
    lat0, lon0 = track[0].lat, track[0].lon
    m_per_deg_lon = _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    return [((f.lon - lon0) * m_per_deg_lon, (f.lat - lat0) * _M_PER_DEG_LAT) for f in track]


def _shape_vertices(xy: list[tuple[float, float]]) -> list[int]:
    """Indices of the fixes Douglas-Peucker keeps (shapely returns coordinates, so walk them back to indices)."""
    simplified = shapely.simplify(shapely.LineString(xy), SHAPE_TOLERANCE_M, preserve_topology=False)
    out: list[int] = []
    i = 0
    for point in simplified.coords:
        while i < len(xy) and (xy[i][0], xy[i][1]) != (point[0], point[1]):
            i += 1
        if i < len(xy):
            out.append(i)
            i += 1
    return out


def _stop_boundaries(track: list[Fix], xy: list[tuple[float, float]]) -> list[int]:
    """Arrival and departure index of every run of fixes that stays within STOP_RADIUS_M for STOP_MIN_S or longer."""
    out: list[int] = []
    start = 0
    for i in range(1, len(track) + 1):
        moved_away = i == len(track) or math.dist(xy[i], xy[start]) > STOP_RADIUS_M
        if not moved_away:
            continue
        last = i - 1
        if (track[last].recorded_at - track[start].recorded_at).total_seconds() >= STOP_MIN_S:
            out += [start, last]
        start = i
    return out


def _turn_angles(xy: list[tuple[float, float]], candidates: list[int]) -> dict[int, float]:
    """Heading change (degrees) at each candidate, between the legs to its neighbouring candidates."""
    angles = dict.fromkeys(candidates, 0.0)
    for before, here, after in zip(candidates, candidates[1:], candidates[2:], strict=False):
        a = math.atan2(xy[here][1] - xy[before][1], xy[here][0] - xy[before][0])
        b = math.atan2(xy[after][1] - xy[here][1], xy[after][0] - xy[here][0])
        angles[here] = abs(math.degrees((b - a + math.pi) % (2 * math.pi) - math.pi))
    return angles
