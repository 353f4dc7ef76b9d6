"""Status changes of complaints and emergencies: one function, one transaction, one audit row.

The caller owns the transaction; after it commits, `announce` tells every screen (`bcc:actions` for
the citizen apps, the change stream for the live screens). Optimistic locking on `version` makes
exactly one of two simultaneous operators win; the other learns who changed the item.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from data_access.models import Complaint, Emergency, StatusChange
from data_access.streams import StreamKeys
from domain.lifecycle import can_transition_complaint, can_transition_emergency
from domain.live_events import status_event
from ingest.publish import ChangePublisher

log = logging.getLogger(__name__)

_MODELS = {"complaint": Complaint, "emergency": Emergency}
_ALLOWED = {"complaint": can_transition_complaint, "emergency": can_transition_emergency}
# When each status was reached. First-response times keep the first moment; the rest the latest.
_TIME_COLUMNS = {
    "complaint": {
        "dibaca": "read_at",
        "diteruskan": "forwarded_at",
        "dikerjakan": "in_progress_at",
        "selesai": "resolved_at",
        "ditutup": "closed_at",
        "ditolak": "rejected_at",
    },
    "emergency": {
        "diterima": "acknowledged_at",
        "dikirim": "dispatched_at",
        "di_lokasi": "on_scene_at",
        "selesai": "resolved_at",
        "palsu": "false_alarm_at",
    },
}
_KEEP_FIRST = {"read_at", "acknowledged_at"}


class ActionRefused(Exception):
    """The action is not possible; the message says why, in words an operator understands."""


class ConcurrentChange(ActionRefused):
    def __init__(self, message: str, *, changed_by: str | None, current_status: str, current_version: int):
        super().__init__(message)
        self.changed_by = changed_by
        self.current_status = current_status
        self.current_version = current_version


@dataclass(frozen=True)
class ActionOutcome:
    item_kind: str
    item_id: int
    from_status: str
    to_status: str
    version: int
    actor: str
    at: datetime
    note: str | None
    agency_code: str | None


def _last_actor(session: Session, item_kind: str, item_id: int) -> str | None:
    return session.scalar(
        select(StatusChange.actor)
        .where(StatusChange.item_kind == item_kind, StatusChange.item_id == item_id)
        .order_by(StatusChange.at.desc(), StatusChange.id.desc())
        .limit(1)
    )


def _conflict(session: Session, item, item_kind: str, what: str) -> ConcurrentChange:
    """Tell the loser who changed the item and what it looks like now."""
    by = _last_actor(session, item_kind, item.id)
    return ConcurrentChange(
        f"#{item.id} {what} oleh {by or 'pengguna lain'} (status sekarang: {item.status})",
        changed_by=by,
        current_status=item.status,
        current_version=item.version,
    )


def change_status(
    session: Session,
    *,
    item_kind: str,
    item_id: int,
    to_status: str,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
    note: str | None = None,
    agency_code: str | None = None,
    values: dict | None = None,
) -> ActionOutcome:
    """Move an item to `to_status` if its lifecycle allows it and nobody changed it meanwhile."""
    model = _MODELS[item_kind]
    item = session.get(model, item_id)
    if item is None:
        raise ActionRefused(f"{item_kind} #{item_id} tidak ditemukan")
    if expected_version is not None and item.version != expected_version:
        raise _conflict(session, item, item_kind, "sudah diubah")
    from_status = item.status
    if not _ALLOWED[item_kind](from_status, to_status):
        raise ActionRefused(f"Status #{item_id} tidak dapat diubah dari '{item.status}' ke '{to_status}'")
    changes = {"status": to_status, "version": item.version + 1, "updated_at": now, **(values or {})}
    column = _TIME_COLUMNS[item_kind].get(to_status)
    if column and not (column in _KEEP_FIRST and getattr(item, column) is not None):
        changes[column] = now
    if item_kind == "complaint" and agency_code is not None:
        changes["agency_code"] = agency_code
    if item_kind == "complaint" and from_status == "baru" and item.first_response_at is None:
        changes["first_response_at"] = now
    result = session.execute(
        update(model)
        .where(model.id == item_id, model.version == item.version)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another transaction won between our read and our write
        session.rollback()
        raise _conflict(session, session.get(model, item_id), item_kind, "baru saja diubah")
    session.add(
        StatusChange(
            item_kind=item_kind,
            item_id=item_id,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            at=now,
            note=note,
            agency_code=agency_code,
            escalation_level=getattr(item, "escalation_level", None),
        )
    )
    session.flush()
    session.expire(item)  # the row was updated behind the ORM's back
    return ActionOutcome(item_kind, item_id, from_status, to_status, changes["version"], actor, now, note, agency_code)


def acknowledge_emergency(
    session: Session, *, emergency_id: int, actor: str, now: datetime, expected_version: int | None = None
) -> ActionOutcome:
    """Silences the alarm on every screen: baru → diterima."""
    return change_status(
        session,
        item_kind="emergency",
        item_id=emergency_id,
        to_status="diterima",
        actor=actor,
        now=now,
        expected_version=expected_version,
    )


def announce(client: redis.Redis, keys: StreamKeys, outcome: ActionOutcome) -> None:
    """After commit: the citizen apps' `bcc:actions` entry and the live screens' change event."""
    fields = {
        "event_id": f"{outcome.item_kind}-{outcome.item_id}-v{outcome.version}",
        "item_kind": outcome.item_kind,
        "item_id": str(outcome.item_id),
        "action": outcome.to_status,
        "actor": outcome.actor,
        "at": outcome.at.isoformat(),
        "from_status": outcome.from_status,
        "to_status": outcome.to_status,
        "agency_code": outcome.agency_code or "",
        "note": outcome.note or "",
    }
    try:
        client.xadd(keys.actions, fields)
    except redis.RedisError as exc:
        log.error("bcc:actions entry not written for %s: %s", fields["event_id"], exc)
    ChangePublisher(client, keys.changes).publish(
        status_event(
            item_kind=outcome.item_kind,
            item_id=outcome.item_id,
            from_status=outcome.from_status,
            to_status=outcome.to_status,
            at=outcome.at,
            agency_code=outcome.agency_code,
        )
    )
