"""The compact "something changed" event sent to every open screen after a commit.

Only whitelisted fields leave the system of record this way: never a reporter's NIK, name or
phone, so a wall screen can show whatever it receives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

SOCKET_NAMESPACE = "/live"
SOCKET_EVENT = "changes"
HEARTBEAT_EVENT = "heartbeat"  # from the leading relay every LIVE_HEARTBEAT_S: {"at": epoch ms, "last": id}

COMPLAINT_FIELDS = (
    "id",
    "category_code",
    "title",
    "kelurahan_code",
    "kecamatan_code",
    "lat",
    "lon",
    "outside_city",
    "status",
    "reported_at",
    "first_response_due_at",
    "source",
)
EMERGENCY_FIELDS = (
    "id",
    "kind",
    "lat",
    "lon",
    "kelurahan_code",
    "kecamatan_code",
    "outside_city",
    "status",
    "pressed_at",
    "nearest_post_id",
    "nearest_post_distance_m",
)
VEHICLE_FIELDS = (
    "vehicle_id",
    "route_id",
    "last_lat",
    "last_lon",
    "last_bearing_deg",
    "last_speed_kmh",
    "last_recorded_at",
    "outside_city",
)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _pick(row: Mapping, fields: Iterable[str]) -> dict:
    return {f: _plain(row.get(f)) for f in fields}


def change_event(
    *,
    complaints: Iterable[Mapping] = (),
    emergencies: Iterable[Mapping] = (),
    vehicles: Iterable[Mapping] = (),
    stream_ids: Mapping[str, str] | None = None,
    at: datetime,
) -> dict:
    """Build the event; `stream_ids` (last entry id per stream) lets a client notice a gap."""
    return {
        "type": "ingest",
        "at": at.isoformat(),
        "complaints": [_pick(c, COMPLAINT_FIELDS) for c in complaints],
        "emergencies": [_pick(e, EMERGENCY_FIELDS) for e in emergencies],
        "vehicles": [_pick(v, VEHICLE_FIELDS) for v in vehicles],
        "stream_ids": dict(stream_ids or {}),
    }


def status_event(
    *,
    item_kind: str,
    item_id: int,
    from_status: str | None,
    to_status: str,
    at: datetime,
    agency_code: str | None = None,
    action: str = "status",
    escalation_level: int | None = None,
) -> dict:
    """An operator or the watchdog acted on an item (who did it stays in the audit trail).

    `action` is `status` for a lifecycle move; `note`, `escalate` and `merge` keep the status
    (from = to), so screens that only follow statuses may ignore them.
    """
    return {
        "type": "status",
        "at": at.isoformat(),
        "item_kind": item_kind,
        "item_id": item_id,
        "from_status": from_status,
        "to_status": to_status,
        "agency_code": agency_code,
        "action": action,
        "escalation_level": escalation_level,
    }


def due_event(*, changed: int, at: datetime) -> dict:
    """The SLA watchdog moved `changed` complaints to another due state (on time / due soon / overdue).

    No item data: queues and the wall's KPIs re-read what they show, so a report that just turned
    overdue turns red on every screen at once instead of at the next refresh.
    """
    return {"type": "due", "at": at.isoformat(), "changed": changed}
