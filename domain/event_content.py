"""When two entries with one event_id carry the same content (pure).

A producer that resends an entry (a retry) sends the same content: that is a duplicate, counted
and otherwise ignored. The same event_id with other content is a producer bug or a collision; it
must not vanish silently, so the later entry is dead-lettered with CONFLICT_REASON.

"Content" is what the producer said, as stored: the fields of the row built from the entry that
depend only on the entry (and the city's fixed geography), not on when it arrived or on reference
data an administrator may change (deadlines, suggested agency, nearest post).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

CONFLICT_REASON = "event_id already used with different content"

CONTENT_FIELDS: dict[str, tuple[str, ...]] = {
    "complaints": (
        "source",
        "reported_at",
        "category_code",
        "title",
        "description",
        "lat",
        "lon",
        "location_source",
        "kelurahan_code",
        "reporter_nik",
        "reporter_name",
        "reporter_phone",
        "photo_url",
        "extra",
    ),
    "emergencies": (
        "pressed_at",
        "kind",
        "lat",
        "lon",
        "accuracy_m",
        "reporter_nik",
        "reporter_phone",
        "device_id",
        "extra",
    ),
    "bus_gps": ("vehicle_id", "route_id", "recorded_at", "lat", "lon", "speed_kmh", "bearing_deg"),
}


def _same_value(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a == b  # both aware: the same instant, whatever the offset
    if a in (None, {}) and b in (None, {}):
        return True  # no optional fields: stored as NULL
    return a == b


def differing_fields(stream: str, a: Mapping, b: Mapping) -> tuple[str, ...]:
    """Content fields in which two rows of `stream` differ (empty: the same content)."""
    return tuple(f for f in CONTENT_FIELDS[stream] if not _same_value(a.get(f), b.get(f)))


def same_content(stream: str, a: Mapping, b: Mapping) -> bool:
    return not differing_fields(stream, a, b)
