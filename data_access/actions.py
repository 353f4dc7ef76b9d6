"""The one gate for every state change of a complaint or an emergency.

Whoever acts — the operator console, the agency view, the SLA watchdog, the demo actors, a public
API — calls `perform` (inside a transaction it owns) or `run_action` (which owns the transaction,
announces after commit and turns a dead database into a plain refusal). The gate checks, in this
order, the actor and role, the scope, the item's version and its lifecycle, all from the one
declarative policy in domain/policy.py; then it writes the item, its `status_changes` row (which is
also the outbox entry for `bcc:actions`, see data_access/announcements.py) in the caller's
transaction. A refusal is an `ActionRefused` with a code and values: `message(lang)` gives its words.

Optimistic locking on `version` makes exactly one of two simultaneous operators win; the other
learns who changed the item.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import redis
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from data_access import announcements
from data_access.live_changes import ChangePublisher
from data_access.models import Agency, Complaint, Emergency, PersonalDataView, StatusChange
from data_access.streams import StreamKeys
from domain.escalation import MAX_LEVEL, WATCHDOG_ACTOR
from domain.live_events import status_event
from domain.policy import (
    KINDS,
    SYSTEM,
    ItemFacts,
    Refusal,
    Rule,
    Scope,
    check_actor,
    check_input,
    check_state,
    rule_for,
)
from domain.refusals import refusal_text

log = logging.getLogger(__name__)

_MODELS = {"complaint": Complaint, "emergency": Emergency}
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


# --- who acts, what is asked, what came of it ---------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who acts: the name written in the audit trail, the role the policy knows, and for agency
    accounts their agency (always from the account, never from the browser)."""

    name: str
    role: str | None
    agency_code: str | None = None

    @classmethod
    def watchdog(cls) -> Actor:
        return cls(WATCHDOG_ACTOR, SYSTEM)


@dataclass(frozen=True)
class ActionRequest:
    action: str  # a policy action (domain/policy.py RULES)
    item_kind: str  # complaint / emergency
    item_id: int
    expected_version: int | None = None  # the version the actor saw; None: whatever it is now
    note: str | None = None  # the reason or note (required where the policy says so)
    agency_code: str | None = None  # assign / reassign: the target agency
    original_id: int | None = None  # merge: the earlier report this one duplicates
    level: int | None = None  # escalate by the system actor: the level to reach


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


# --- refusals ------------------------------------------------------------------------------------


class ActionRefused(Exception):
    """The action is not possible. `code` and `values` say why; `message(lang)` in words."""

    def __init__(self, code: str, **values):
        self.code = code
        self.values = values
        super().__init__(refusal_text(code, "id", values))

    def message(self, lang: str = "id") -> str:
        return refusal_text(self.code, lang, self.values)


class Forbidden(ActionRefused):
    """The actor's role may not do this at all (domain/policy.py)."""


class NotYourItem(Forbidden):
    """Outside the actor's scope — the same answer whether the item is another agency's or does not
    exist, so nothing leaks."""


class NotFound(ActionRefused):
    pass


class InvalidInput(ActionRefused):
    """A reason, an agency or another value the action needs is missing or wrong."""


class StoreUnavailable(ActionRefused):
    """The database did not answer: nothing was stored."""

    def __init__(self) -> None:
        super().__init__("store_down")


class ConcurrentChange(ActionRefused):
    def __init__(self, item_id: int, *, what: str, changed_by: str | None, current_status: str, current_version: int):
        what_en = {"sudah diubah": "was already changed", "baru saja diubah": "was just changed"}.get(what, what)
        super().__init__(
            "conflict", id=item_id, what=what, what_en=what_en, by=changed_by or "pengguna lain", status=current_status
        )
        self.changed_by = changed_by
        self.current_status = current_status
        self.current_version = current_version


_REFUSAL_TYPES = {"forbidden": Forbidden, "not_yours": NotYourItem, "unknown_action": InvalidInput, "wrong_kind": InvalidInput}


def _raise(refusal: Refusal, item_id: int) -> None:
    kind = _REFUSAL_TYPES.get(refusal.code)
    if kind is None:
        kind = InvalidInput if refusal.code.startswith(("needs_", "same_")) else ActionRefused
    raise kind(refusal.code, id=item_id, **refusal.values)


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
    return ConcurrentChange(item.id, what=what, changed_by=by, current_status=item.status, current_version=item.version)


def _lost_race(session: Session, model, item_kind: str, item_id: int) -> ConcurrentChange:
    """Read the winner's committed state on a separate connection; the caller's transaction is
    left for its context manager to roll back when the exception passes through it."""
    with Session(bind=session.get_bind()) as fresh:
        return _conflict(fresh, fresh.get(model, item_id), item_kind, "baru saja diubah")


# --- the gate ------------------------------------------------------------------------------------


def _facts(kind: str, item) -> ItemFacts:
    return ItemFacts(kind, item.status, getattr(item, "agency_code", None), getattr(item, "escalation_level", 0) or 0)


def _admit(session: Session, actor: Actor, kind: str, item_id: object, action: str) -> tuple[Rule, object]:
    """Actor, role and scope; returns the rule and the item. Nothing outside the actor's scope leaks."""
    if kind not in KINDS or not isinstance(item_id, int) or isinstance(item_id, bool):
        raise InvalidInput("bad_request", what="item")
    rule = rule_for(action, kind)
    if rule is None:
        _raise(check_actor(action, role=actor.role, actor_agency=actor.agency_code, item=ItemFacts(kind, "")), item_id)
    grant = rule.grant_for(actor.role)
    if grant is None:
        raise Forbidden("forbidden", id=item_id, role=actor.role or "-", action=action)
    item = session.get(_MODELS[kind], item_id)
    if item is None:
        if grant.scope is Scope.OWN_AGENCY:
            raise NotYourItem("not_yours", id=item_id, kind=kind)
        raise NotFound("not_found", id=item_id, kind=kind)
    refusal = check_actor(action, role=actor.role, actor_agency=actor.agency_code, item=_facts(kind, item))
    if refusal:
        _raise(refusal, item_id)
    return rule, item


def perform(session: Session, actor: Actor, request: ActionRequest, *, now: datetime) -> list[ActionOutcome]:
    """Check and write one action in the caller's transaction. Returns what changed (a merge changes
    two items). Raises ActionRefused (or a subclass) and writes nothing when the action may not happen."""
    kind = request.item_kind
    rule, item = _admit(session, actor, kind, request.item_id, request.action)
    if not rule.changes_state:
        raise InvalidInput("bad_request", what=request.action)
    if request.expected_version is not None and item.version != request.expected_version:
        raise _conflict(session, item, kind, "sudah diubah")
    facts = _facts(kind, item)
    refusal = check_state(request.action, facts) or check_input(
        rule, note=request.note, agency_code=request.agency_code, item=facts
    )
    if refusal:
        _raise(refusal, item.id)
    note = (request.note or "").strip() or None
    if rule.needs_agency:
        _known_agency(session, request.agency_code)
    if request.action == "escalate":
        return [_escalate(session, actor, item, request, note, now)]
    if request.action == "note":
        return [_note(session, actor, kind, item, note, now)]
    if request.action == "merge":
        return _merge(session, actor, item, request, now)
    return [_move(session, actor, rule, kind, item, request, note, now)]


def run_action(
    Session: sessionmaker[Session],
    client: redis.Redis | None,
    keys: StreamKeys | None,
    actor: Actor,
    request: ActionRequest,
    *,
    now: datetime,
) -> list[ActionOutcome]:
    """`perform` in a transaction of its own, then `announce` each outcome. A database that does not
    answer becomes `StoreUnavailable` ("belum tersimpan"): the caller shows it where the user looks."""
    try:
        with Session.begin() as s:
            outcomes = perform(s, actor, request, now=now)
    except (OperationalError, DBAPIError) as exc:
        log.warning("action %s on %s #%s not stored: %s", request.action, request.item_kind, request.item_id, exc)
        raise StoreUnavailable() from exc
    if client is not None and keys is not None:
        for outcome in outcomes:
            announce(client, keys, outcome, Session)
    return outcomes


def _known_agency(session: Session, code: str | None) -> None:
    agency = session.get(Agency, code) if isinstance(code, str) else None
    if agency is None or not getattr(agency, "active", True):
        raise InvalidInput("unknown_agency", agency=str(code)[:40])


def _audit_agency(actor: Actor, rule: Rule, request: ActionRequest) -> str | None:
    """The agency a move is recorded under: the target of an assignment, or the acting agency."""
    if rule.needs_agency:
        return request.agency_code
    return actor.agency_code if actor.role == "agency" else None


def _move(session, actor: Actor, rule: Rule, kind: str, item, request: ActionRequest, note, now) -> ActionOutcome:
    to_status = rule.target(item.status)
    values: dict = {}
    if rule.needs_agency:
        values["agency_code"] = request.agency_code
    if request.action == "reject":
        values["reject_reason"] = note
    if request.action == "reopen" and item.status == "ditolak":
        values.update(duplicate_of_id=None, reject_reason=None)
    if request.action == "dispatch":
        values["dispatched_post_id"] = item.nearest_post_id
    return _write_move(
        session, kind, item, to_status, actor.name, now, note, _audit_agency(actor, rule, request), values, "status"
    )


def _write_move(session, kind, item, to_status, actor_name, now, note, agency_code, values, action) -> ActionOutcome:
    model = _MODELS[kind]
    from_status = item.status
    changes = {"status": to_status, "version": item.version + 1, "updated_at": now, **values}
    column = _TIME_COLUMNS[kind].get(to_status)
    if column and not (column in _KEEP_FIRST and getattr(item, column) is not None):
        changes[column] = now
    if kind == "complaint" and from_status == "baru" and item.first_response_at is None:
        changes["first_response_at"] = now
    result = session.execute(
        update(model)
        .where(model.id == item.id, model.version == item.version)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another transaction won between our read and our write
        raise _lost_race(session, model, kind, item.id)
    level = getattr(item, "escalation_level", None)
    change = _audit(session, kind, item.id, from_status, to_status, actor_name, now, note, agency_code, level, action)
    session.expire(item)  # the row was updated behind the ORM's back
    return ActionOutcome(
        kind, item.id, from_status, to_status, changes["version"], actor_name, now, note, agency_code, action, level, change.id
    )


def _escalate(session, actor: Actor, item, request: ActionRequest, reason, now) -> ActionOutcome:
    """One level up for people (agency head → supervisor → mayor's office); the watchdog names the
    level its policy reached."""
    if request.level is not None and actor.role != SYSTEM:
        raise InvalidInput("bad_request", what="level")
    level = request.level if request.level is not None else item.escalation_level + 1
    if not isinstance(level, int) or not (item.escalation_level < level <= MAX_LEVEL):
        raise ActionRefused("escalation_level", id=item.id, level=item.escalation_level)
    version = item.version
    result = session.execute(
        update(Complaint)
        .where(Complaint.id == item.id, Complaint.version == version, Complaint.escalation_level < level)
        .values(escalation_level=level, escalated_at=now, updated_at=now, version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another operator or watchdog moved it between our read and our write
        raise _lost_race(session, Complaint, "complaint", item.id)
    change = _audit(
        session, "complaint", item.id, item.status, item.status, actor.name, now, reason, item.agency_code, level, "escalate"
    )
    session.expire(item)
    return ActionOutcome(
        "complaint", item.id, change.from_status, change.to_status, version + 1, actor.name, now, reason,
        change.agency_code, "escalate", level, change.id,
    )  # fmt: skip


def _note(session, actor: Actor, kind: str, item, note, now) -> ActionOutcome:
    """A note on the timeline; the status and the version stay (a note conflicts with nobody)."""
    item.updated_at = now
    level = getattr(item, "escalation_level", None)
    agency = getattr(item, "agency_code", None)
    change = _audit(session, kind, item.id, item.status, item.status, actor.name, now, note, agency, level, "note")
    return ActionOutcome(
        kind, item.id, item.status, item.status, item.version, actor.name, now, note, agency, "note", level, change.id
    )


def _merge(session, actor: Actor, dup, request: ActionRequest, now) -> list[ActionOutcome]:
    """The later report becomes `ditolak` ("duplikat dari #id") pointing at the earlier one, whose
    timeline gets a `merge` entry. Returns (the duplicate's move, the original's entry)."""
    original_id = request.original_id
    if not isinstance(original_id, int) or isinstance(original_id, bool):
        raise InvalidInput("bad_request", what="original_id")
    if original_id == dup.id:
        raise InvalidInput("merge_self", id=dup.id)
    original = session.get(Complaint, original_id)
    if original is None:
        raise NotFound("not_found", id=original_id, kind="complaint")
    if (original.reported_at, original.id) > (dup.reported_at, dup.id):
        raise InvalidInput("merge_newer", id=dup.id, original=original_id)
    if original.status == "ditolak":
        raise InvalidInput("merge_rejected", id=dup.id, original=original_id)
    reason = f"duplikat dari #{original_id}"
    moved = _write_move(
        session, "complaint", dup, "ditolak", actor.name, now, reason, None,
        {"duplicate_of_id": original_id, "reject_reason": reason}, "status",
    )  # fmt: skip
    note = f"duplikat #{dup.id} digabung ke sini"
    change = _audit(
        session, "complaint", original_id, original.status, original.status, actor.name, now, note,
        original.agency_code, original.escalation_level, "merge",
    )  # fmt: skip
    kept = ActionOutcome(
        "complaint", original_id, original.status, original.status, original.version, actor.name, now, note,
        original.agency_code, "merge", original.escalation_level, change.id,
    )  # fmt: skip
    return [moved, kept]


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


def announce(client: redis.Redis, keys: StreamKeys, outcome: ActionOutcome, Session: sessionmaker[Session]) -> None:
    """After commit: the citizen apps' `bcc:actions` entry and the live screens' change event.

    The entry comes from the action's audit row (its outbox flag, see data_access/announcements.py):
    if Redis is down now, the ingest worker sends it later; nothing is lost.
    """
    try:
        announcements.send(Session, client, keys, [outcome.change_id] if outcome.change_id else [])
    except redis.RedisError as exc:
        log.warning("bcc:actions entry for change %s held back until Redis answers: %s", outcome.change_id, exc)
    ChangePublisher(client, keys.changes).publish(  # logs and carries on when Redis is down
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


# --- the audited read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterData:
    name: str | None
    phone: str | None
    nik: str | None


def reveal_reporter(session: Session, actor: Actor, *, item_kind: str, item_id: int, now: datetime) -> ReporterData:
    """Operators and supervisors only (the policy's `reveal_reporter`); every reveal leaves a
    personal_data_views row before anything is shown."""
    _rule, item = _admit(session, actor, item_kind, item_id, "reveal_reporter")
    username = actor.name.split(":", 1)[-1]
    session.add(PersonalDataView(username=username, item_kind=item_kind, item_id=item_id, at=now))
    session.flush()
    return ReporterData(getattr(item, "reporter_name", None), item.reporter_phone, item.reporter_nik)
