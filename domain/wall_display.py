"""How the wall presents its figures: colours that cannot be mistaken for an emergency, route
labels short enough to read from across the room, and the freshness of what was stored.

Pure functions (no I/O): the wall's callbacks and data access give them plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Blues, teals and purples only: red and orange belong to emergencies and overdue items, amber to
# infrastructure complaints. Ordered so that neighbours in the list differ most.
ROUTE_PALETTE = ("#3d8bff", "#19c3b1", "#a77bff", "#7cc7ff", "#2f6fd6", "#5fe0d0", "#c9a6ff", "#1aa0c8")


def route_colors(route_ids) -> dict[str, str]:
    """A palette colour per route, stable for a given set of routes (sorted by id)."""
    return {rid: ROUTE_PALETTE[i % len(ROUTE_PALETTE)] for i, rid in enumerate(sorted(set(route_ids)))}


def route_label(route_id: str | None) -> str:
    """What a bus marker shows: the route's number ("TB-K1" → "K1"), not the vehicle id."""
    if not route_id:
        return "?"
    return route_id.rsplit("-", 1)[-1][:4]


def agency_speed(median_minutes: float | None, target_minutes: float) -> str:
    """A class for an agency's median against the response target: within it is good, up to three
    times it is late, beyond that very late. No median yet (only waiting items): no colour."""
    if median_minutes is None:
        return "none"
    if median_minutes <= target_minutes:
        return "ok"
    if median_minutes <= 3 * target_minutes:
        return "late"
    return "very-late"


@dataclass(frozen=True)
class Freshness:
    """One badge: when the newest item of a kind was stored, and entries refused since then."""

    stream: str
    stored_at: datetime | None
    refused_since: int  # entries dead-lettered or discarded as duplicates since the newest stored item
    refused_base: int  # the refusal counter when the newest stored item was first seen


def judge_freshness(*, stream: str, stored_at: datetime | None, refused_total: int, previous: dict | None) -> Freshness:
    """Count the refusals since the newest stored item.

    The worker keeps only running totals of refusals, so the counter's value is remembered (by the
    wall, in `previous`) when a newer stored item is first seen; a later total minus it is what was
    refused since. Without a remembered value the count starts now."""
    prev_stored = (previous or {}).get("storedAt")
    base = (previous or {}).get("refusedBase")
    stored_iso = stored_at.isoformat() if stored_at else None
    if base is None or prev_stored != stored_iso or refused_total < base:  # new item, or counters reset
        base = refused_total
    return Freshness(stream, stored_at, max(0, refused_total - base), base)
