"""Thinning keeps the shape of a known track: an L-shaped drive with a stop, one fix every 5 s."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from domain.track_thinning import Fix, fixes_to_keep

LAT0, LON0 = 3.60, 98.48
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))
START = datetime(2026, 10, 1, 1, 0, 7, tzinfo=UTC)
CORNER = (1500.0, 0.0)  # metres east, north of the start
STOP = (1500.0, 1000.0)


def _l_shaped_track(seed: int = 3) -> tuple[list[Fix], dict[str, datetime]]:
    """East 1.5 km at 10 m/s, turn north, 1 km, stand 3 minutes, 1 km further north; ±3 m GPS noise."""
    rng = random.Random(seed)
    points: list[tuple[float, float]] = []
    x, y = 0.0, 0.0
    while x < CORNER[0]:
        points.append((x, y))
        x += 50.0
    x = CORNER[0]
    while y < STOP[1]:
        points.append((x, y))
        y += 50.0
    y = STOP[1]
    stop_from = len(points)
    points += [STOP] * 36  # 3 minutes standing
    stop_to = len(points) - 1
    while y <= 2000.0:
        y += 50.0
        points.append((x, y))
    fixes = [
        Fix(
            id=i + 1,
            recorded_at=START + timedelta(seconds=5 * i),
            lat=LAT0 + (py + rng.uniform(-3, 3)) / M_PER_DEG_LAT,
            lon=LON0 + (px + rng.uniform(-3, 3)) / M_PER_DEG_LON,
        )
        for i, (px, py) in enumerate(points)
    ]
    times = {"stop_from": fixes[stop_from].recorded_at, "stop_to": fixes[stop_to].recorded_at}
    return fixes, times


def _xy(f: Fix) -> tuple[float, float]:
    return ((f.lon - LON0) * M_PER_DEG_LON, (f.lat - LAT0) * M_PER_DEG_LAT)


def _distance_to_segment(p, a, b) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
    return math.dist(p, (ax + t * dx, ay + t * dy))


def test_thinning_keeps_the_corner_the_stop_and_the_ends_and_drops_the_straight_stretches():
    fixes, times = _l_shaped_track()
    kept_ids = fixes_to_keep(fixes)
    kept = [f for f in fixes if f.id in kept_ids]

    assert fixes[0].id in kept_ids and fixes[-1].id in kept_ids
    assert min(math.dist(_xy(f), CORNER) for f in kept) < 30, "the corner is kept"
    at_stop = [f for f in kept if math.dist(_xy(f), STOP) < 20]
    assert at_stop, "the stop is kept"
    dwell = max(f.recorded_at for f in at_stop) - min(f.recorded_at for f in at_stop)
    assert dwell >= timedelta(minutes=2), f"the stop's duration survives (kept {dwell})"
    assert abs(min(f.recorded_at for f in at_stop) - times["stop_from"]) < timedelta(minutes=1)
    assert abs(max(f.recorded_at for f in at_stop) - times["stop_to"]) < timedelta(minutes=1)
    # straight-line redundancy is gone: nothing kept well inside the first straight stretch
    inside_first_leg = [f for f in kept if 200 < _xy(f)[0] < 1300 and abs(_xy(f)[1]) < 20]
    assert inside_first_leg == []
    assert len(kept) <= len(fixes) // 10, f"{len(kept)} of {len(fixes)} kept"
    # at most one fix per clock minute
    per_minute = Counter(int(f.recorded_at.timestamp() // 60) for f in kept)
    assert max(per_minute.values()) == 1
    # every dropped fix lies close to the kept track: the shape is the same
    path = [_xy(f) for f in kept]
    worst = max(min(_distance_to_segment(_xy(f), a, b) for a, b in zip(path, path[1:], strict=False)) for f in fixes)
    assert worst < 25, f"a dropped fix is {worst:.0f} m from the kept track"


def test_a_dense_straight_drive_keeps_at_most_one_fix_a_minute_and_its_ends():
    fixes = [Fix(id=i, recorded_at=START + timedelta(seconds=i), lat=LAT0 + i * 5 / M_PER_DEG_LAT, lon=LON0) for i in range(600)]
    kept = fixes_to_keep(fixes)
    assert kept == {0, 599}


def test_order_of_input_does_not_matter_and_small_tracks_are_kept_whole():
    fixes, _ = _l_shaped_track()
    assert fixes_to_keep(reversed(fixes)) == fixes_to_keep(fixes)
    assert fixes_to_keep([]) == set()
    assert fixes_to_keep(fixes[:2]) == {1, 2}


def test_a_zigzag_keeps_a_turn_each_minute_at_most():
    """Turns every 30 s: more corners than minutes, so the cap decides (sharpest turn or an end wins)."""
    fixes = []
    for i in range(240):  # 20 minutes, a fix every 5 s, direction flips every 6 fixes
        leg, step = divmod(i, 6)
        x = i * 20.0
        y = (step if leg % 2 == 0 else 6 - step) * 30.0
        fixes.append(
            Fix(id=i, recorded_at=START + timedelta(seconds=5 * i), lat=LAT0 + y / M_PER_DEG_LAT, lon=LON0 + x / M_PER_DEG_LON)
        )
    kept = [f for f in fixes if f.id in fixes_to_keep(fixes)]
    per_minute = Counter(int(f.recorded_at.timestamp() // 60) for f in kept)
    assert max(per_minute.values()) == 1
    assert len(per_minute) >= 20  # every minute of a winding track keeps a fix
