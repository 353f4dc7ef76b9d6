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
from sqlalchemy.orm import Session, sessionmaker

from data_access import announcements
from data_access.models import Complaint, Emergency, PersonalDataView, StatusChange
from data_access.streams import StreamKeys
from domain.escalation import LEVEL_NAMES, MAX_LEVEL
from domain.lifecycle import OPEN_COMPLAINT_STATUSES, can_transition_complaint, can_transition_emergency
from domain.live_events import status_event
from domain.roles import may_do
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


class Forbidden(ActionRefused):
    """The user's role may not do this (domain/roles.py ACTION_ROLES)."""


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
    action: str = "status"  # status / note / escalate / merge (status_changes.action)
    escalation_level: int | None = None
    change_id: int | None = None  # the status_changes row


def require_role(role: str | None, action: str) -> None:
    """Refuse an action the role may not do, whatever the screen offered."""
    if not may_do(role, action):
        raise Forbidden(f"Peran '{role or '-'}' tidak berwenang: {action}")


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


def _lost_race(session: Session, model, item_kind: str, item_id: int) -> ConcurrentChange:
    """Read the winner's committed state on a separate connection; the caller's transaction is
    left for its context manager to roll back when the exception passes through it."""
    with Session(bind=session.get_bind()) as fresh:
        return _conflict(fresh, fresh.get(model, item_id), item_kind, "baru saja diubah")


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
        raise _lost_race(session, model, item_kind, item_id)
    level = getattr(item, "escalation_level", None)
    change = _audit(session, item_kind, item_id, from_status, to_status, actor, now, note, agency_code, level, "status")
    session.expire(item)  # the row was updated behind the ORM's back
    return ActionOutcome(
        item_kind, item_id, from_status, to_status, changes["version"], actor, now, note, agency_code, "status", level, change.id
    )


def _audit(session, item_kind, item_id, from_status, to_status, actor, now, note, agency_code, level, action) -> StatusChange:
    change = StatusChange(
        item_kind=item_kind,
        item_id=item_id,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=now,
        note=note,
        agency_code=agency_code,
        escalation_level=level,
        action=action,
        announce_pending=True,  # the outbox: cleared once the bcc:actions entry is in Redis
    )
    session.add(change)
    session.flush()
    return change


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


def announce(client: redis.Redis, keys: StreamKeys, outcome: ActionOutcome, Session: sessionmaker[Session]) -> None:
    """After commit: the citizen apps' `bcc:actions` entry and the live screens' change event.

    The entry comes from the action's audit row (its outbox flag, see data_access/announcements.py):
    if Redis is down now, the ingest worker sends it later; nothing is lost.
    """
    try:
        announcements.send(Session, client, keys, [outcome.change_id] if outcome.change_id else [])
    except redis.RedisError as exc:
        log.warning("bcc:actions entry for change %s held back until Redis answers: %s", outcome.change_id, exc)
    ChangePublisher(client, keys.changes).publish(
        status_event(
            item_kind=outcome.item_kind,
            item_id=outcome.item_id,
            from_status=outcome.from_status,
            to_status=outcome.to_status,
            at=outcome.at,
            agency_code=outcome.agency_code,
            action=outcome.action,
            escalation_level=outcome.escalation_level,
        )
    )


# --- actions that keep the status, and the ones built on change_status -------------------------

_REOPEN_TO = {"selesai": "dikerjakan", "ditutup": "dikerjakan", "ditolak": "dibaca"}


def _required(text: str | None, what: str = "Alasan") -> str:
    text = (text or "").strip()
    if not text:
        raise ActionRefused(f"{what} wajib diisi")
    return text


def _complaint(session: Session, complaint_id: int) -> Complaint:
    item = session.get(Complaint, complaint_id)
    if item is None:
        raise ActionRefused(f"complaint #{complaint_id} tidak ditemukan")
    return item


def escalate_to(
    session: Session,
    *,
    complaint_id: int,
    level: int,
    actor: str,
    now: datetime,
    reason: str,
    expected_version: int | None = None,
    skip_on_conflict: bool = False,
) -> ActionOutcome | None:
    """Raise an open complaint to `level` (higher than now). The watchdog calls this directly with
    `skip_on_conflict`: a complaint someone changed meanwhile is left for its next round (None)."""
    reason = _required(reason)
    item = _complaint(session, complaint_id)
    if item.status not in OPEN_COMPLAINT_STATUSES:
        raise ActionRefused(f"#{complaint_id} sudah {item.status}: tidak dapat dieskalasi")
    if not (item.escalation_level < level <= MAX_LEVEL):
        raise ActionRefused(
            f"#{complaint_id} sudah di tingkat eskalasi {item.escalation_level} ({LEVEL_NAMES[item.escalation_level]})"
        )
    version = item.version if expected_version is None else expected_version
    result = session.execute(
        update(Complaint)
        .where(Complaint.id == complaint_id, Complaint.version == version, Complaint.escalation_level < level)
        .values(escalation_level=level, escalated_at=now, updated_at=now, version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another operator or watchdog moved it between our read and our write
        if skip_on_conflict:
            return None
        raise _lost_race(session, Complaint, "complaint", complaint_id)
    change = _audit(
        session, "complaint", complaint_id, item.status, item.status, actor, now, reason, item.agency_code, level, "escalate"
    )
    session.expire(item)
    return ActionOutcome(
        "complaint", complaint_id, change.from_status, change.to_status, version + 1, actor, now, reason,
        change.agency_code, "escalate", level, change.id,
    )  # fmt: skip


def escalate(
    session: Session,
    *,
    complaint_id: int,
    actor: str,
    role: str | None,
    now: datetime,
    reason: str,
    expected_version: int | None = None,
) -> ActionOutcome:
    """One level up (agency head → supervisor → mayor's office), with the reason written down."""
    require_role(role, "escalate")
    item = _complaint(session, complaint_id)
    return escalate_to(
        session,
        complaint_id=complaint_id,
        level=item.escalation_level + 1,
        actor=actor,
        now=now,
        reason=reason,
        expected_version=expected_version,
    )


def add_note(
    session: Session,
    *,
    item_kind: str,
    item_id: int,
    actor: str,
    role: str | None,
    now: datetime,
    note: str,
    own_agency: str | None = None,
) -> ActionOutcome:
    """A note on the timeline; the status and the version stay (a note conflicts with nobody)."""
    require_role(role, "note")
    note = _required(note, "Catatan")
    item = session.get(_MODELS[item_kind], item_id)
    if item is None:
        raise ActionRefused(f"{item_kind} #{item_id} tidak ditemukan")
    if role == "agency" and (item_kind != "complaint" or item.agency_code is None or item.agency_code != own_agency):
        raise Forbidden(f"#{item_id} bukan milik OPD Anda")
    item.updated_at = now
    level = getattr(item, "escalation_level", None)
    agency = getattr(item, "agency_code", None)
    change = _audit(session, item_kind, item_id, item.status, item.status, actor, now, note, agency, level, "note")
    return ActionOutcome(
        item_kind, item_id, item.status, item.status, item.version, actor, now, note, agency, "note", level, change.id
    )


def close(
    session: Session,
    *,
    complaint_id: int,
    actor: str,
    role: str | None,
    now: datetime,
    note: str | None = None,
    expected_version: int | None = None,
) -> ActionOutcome:
    """The result was checked: selesai → ditutup."""
    require_role(role, "close")
    return change_status(
        session,
        item_kind="complaint",
        item_id=complaint_id,
        to_status="ditutup",
        actor=actor,
        now=now,
        expected_version=expected_version,
        note=(note or "").strip() or None,
    )


def reopen(
    session: Session,
    *,
    complaint_id: int,
    actor: str,
    role: str | None,
    now: datetime,
    reason: str,
    expected_version: int | None = None,
) -> ActionOutcome:
    """Supervisor only: a done or closed report goes back to the agency, a rejected one to `dibaca`."""
    require_role(role, "reopen")
    reason = _required(reason)
    item = _complaint(session, complaint_id)
    target = _REOPEN_TO.get(item.status)
    if target is None:
        raise ActionRefused(f"#{complaint_id} masih terbuka ({item.status}): tidak perlu dibuka kembali")
    values = {"duplicate_of_id": None, "reject_reason": None} if item.status == "ditolak" else None
    return change_status(
        session,
        item_kind="complaint",
        item_id=complaint_id,
        to_status=target,
        actor=actor,
        now=now,
        expected_version=expected_version,
        note=reason,
        values=values,
    )


def merge_duplicate(
    session: Session,
    *,
    duplicate_id: int,
    original_id: int,
    actor: str,
    role: str | None,
    now: datetime,
    expected_version: int | None = None,
) -> tuple[ActionOutcome, ActionOutcome]:
    """The later report becomes `ditolak` ("duplikat dari #id") pointing at the earlier one, whose
    timeline gets a `merge` entry. Returns (the duplicate's move, the original's entry)."""
    require_role(role, "merge")
    if duplicate_id == original_id:
        raise ActionRefused("Laporan tidak dapat digabung ke dirinya sendiri")
    dup = _complaint(session, duplicate_id)
    original = _complaint(session, original_id)
    if (original.reported_at, original.id) > (dup.reported_at, dup.id):
        raise ActionRefused(f"#{original_id} lebih baru dari #{duplicate_id}: gabungkan ke laporan yang lebih dahulu")
    if original.status == "ditolak":
        raise ActionRefused(f"#{original_id} sudah ditolak: tidak dapat menjadi laporan induk")
    reason = f"duplikat dari #{original_id}"
    moved = change_status(
        session,
        item_kind="complaint",
        item_id=duplicate_id,
        to_status="ditolak",
        actor=actor,
        now=now,
        expected_version=expected_version,
        note=reason,
        values={"duplicate_of_id": original_id, "reject_reason": reason},
    )
    note = f"duplikat #{duplicate_id} digabung ke sini"
    change = _audit(
        session, "complaint", original_id, original.status, original.status, actor, now, note,
        original.agency_code, original.escalation_level, "merge",
    )  # fmt: skip
    kept = ActionOutcome(
        "complaint", original_id, original.status, original.status, original.version, actor, now, note,
        original.agency_code, "merge", original.escalation_level, change.id,
    )  # fmt: skip
    return moved, kept


@dataclass(frozen=True)
class ReporterData:
    name: str | None
    phone: str | None
    nik: str | None


def reveal_reporter(
    session: Session, *, item_kind: str, item_id: int, username: str, role: str | None, now: datetime
) -> ReporterData:
    """Operators and supervisors only; every reveal leaves a personal_data_views row."""
    require_role(role, "reveal_reporter")
    item = session.get(_MODELS[item_kind], item_id)
    if item is None:
        raise ActionRefused(f"{item_kind} #{item_id} tidak ditemukan")
    session.add(PersonalDataView(username=username, item_kind=item_kind, item_id=item_id, at=now))
    session.flush()
    return ReporterData(getattr(item, "reporter_name", None), item.reporter_phone, item.reporter_nik)
