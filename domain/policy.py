"""Who may do which action to which item — the one declarative policy, and the pure check over it.

Every state change of a complaint or an emergency is one row of `RULES`: the item kind, the statuses
it may start from, where it goes, and which roles may do it on which items (every item, or only the
items assigned to the actor's own agency). The data layer's gate (`data_access.actions.perform`)
refuses whatever `check` refuses; the operator console offers only the buttons `check` allows; the
policy tests generate their matrix from this table. Nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.escalation import MAX_LEVEL
from domain.lifecycle import (
    ACTIVE_EMERGENCY_STATUSES,
    OPEN_COMPLAINT_STATUSES,
    ComplaintStatus,
    EmergencyStatus,
)
from domain.roles import ADMIN_ACTION_ROLES, Role

COMPLAINT, EMERGENCY = "complaint", "emergency"
KINDS = (COMPLAINT, EMERGENCY)
C, E = ComplaintStatus, EmergencyStatus


class Scope(StrEnum):
    ANY = "any"  # every item of the kind
    OWN_AGENCY = "own_agency"  # only items assigned to the actor's own agency


@dataclass(frozen=True)
class Grant:
    role: str  # a user role (domain/roles.py Role) or SYSTEM
    scope: Scope = Scope.ANY


@dataclass(frozen=True)
class Rule:
    """One action on one kind of item."""

    action: str
    kind: str
    from_statuses: frozenset[str]
    to_status: str | None  # None: the status stays (note, escalate) or depends on it (reopen: REOPEN_TO)
    grants: tuple[Grant, ...]
    needs_note: bool = False  # a reason or note must be written
    needs_agency: bool = False  # a target agency must be chosen
    changes_state: bool = True  # False: an audited read (reveal_reporter)

    def grant_for(self, role: str | None) -> Grant | None:
        return next((g for g in self.grants if g.role == role), None)

    def target(self, status: str) -> str:
        return REOPEN_TO[status] if self.action == "reopen" else (self.to_status or status)


SYSTEM = "sistem"  # the SLA watchdog: a system actor, not an account (actor name sistem:pengawas)
OP, S, A = Role.OPERATOR, Role.SUPERVISOR, Role.AGENCY
ROOM = (Grant(OP), Grant(S))  # the command-center room: operators and the duty supervisor
OWN = Grant(A, Scope.OWN_AGENCY)
ALL_COMPLAINT = frozenset(s.value for s in ComplaintStatus)
ALL_EMERGENCY = frozenset(s.value for s in EmergencyStatus)
OPEN = frozenset(s.value for s in OPEN_COMPLAINT_STATUSES)
ACTIVE = frozenset(s.value for s in ACTIVE_EMERGENCY_STATUSES)
NOT_YET_WORKED = frozenset({C.BARU, C.DIBACA, C.DITERUSKAN})  # a report may still be rejected or merged
REOPEN_TO = {C.SELESAI.value: C.DIKERJAKAN.value, C.DITUTUP.value: C.DIKERJAKAN.value, C.DITOLAK.value: C.DIBACA.value}


def _s(*statuses) -> frozenset[str]:
    return frozenset(str(s) for s in statuses)


RULES: tuple[Rule, ...] = (
    # complaints
    Rule("mark_read", COMPLAINT, _s(C.BARU), C.DIBACA, ROOM),
    Rule("assign", COMPLAINT, _s(C.BARU, C.DIBACA), C.DITERUSKAN, ROOM, needs_agency=True),
    Rule("reassign", COMPLAINT, _s(C.DITERUSKAN, C.DIKERJAKAN), C.DITERUSKAN, (Grant(S),), needs_agency=True),
    Rule("escalate", COMPLAINT, OPEN, None, (*ROOM, Grant(SYSTEM)), needs_note=True),
    Rule("note", COMPLAINT, ALL_COMPLAINT, None, (*ROOM, OWN), needs_note=True),
    Rule("start_work", COMPLAINT, _s(C.DITERUSKAN), C.DIKERJAKAN, (OWN, Grant(S))),
    Rule("resolve", COMPLAINT, _s(C.DITERUSKAN, C.DIKERJAKAN), C.SELESAI, (*ROOM, OWN), needs_note=True),
    Rule("close", COMPLAINT, _s(C.SELESAI), C.DITUTUP, ROOM),
    Rule("reject", COMPLAINT, _s(*NOT_YET_WORKED), C.DITOLAK, (Grant(S),), needs_note=True),
    Rule("reopen", COMPLAINT, frozenset(REOPEN_TO), None, (Grant(S),), needs_note=True),
    Rule("merge", COMPLAINT, _s(*NOT_YET_WORKED), C.DITOLAK, ROOM),
    Rule("reveal_reporter", COMPLAINT, ALL_COMPLAINT, None, ROOM, changes_state=False),
    # emergencies (panic presses)
    Rule("ack_emergency", EMERGENCY, _s(E.BARU), E.DITERIMA, ROOM),
    Rule("dispatch", EMERGENCY, _s(E.DITERIMA), E.DIKIRIM, ROOM),
    Rule("on_scene", EMERGENCY, _s(E.DIKIRIM), E.DI_LOKASI, ROOM),
    Rule("resolve_emergency", EMERGENCY, _s(E.DITERIMA, E.DIKIRIM, E.DI_LOKASI), E.SELESAI, ROOM),
    Rule("false_alarm", EMERGENCY, ACTIVE, E.PALSU, ROOM, needs_note=True),
    Rule("note", EMERGENCY, ALL_EMERGENCY, None, ROOM, needs_note=True),
    Rule("reveal_reporter", EMERGENCY, ALL_EMERGENCY, None, ROOM, changes_state=False),
)
POLICY: dict[tuple[str, str], Rule] = {(r.action, r.kind): r for r in RULES}
ACTIONS: frozenset[str] = frozenset(r.action for r in RULES)


@dataclass(frozen=True)
class ItemFacts:
    """What the policy needs to know of an item."""

    kind: str
    status: str
    agency_code: str | None = None
    escalation_level: int = 0


@dataclass(frozen=True)
class Refusal:
    """Why an action may not happen: a code (see domain/refusals.py for its words) and its values."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def values(self) -> dict[str, object]:
        return dict(self.params)


def refuse(code: str, **params) -> Refusal:
    return Refusal(code, tuple(params.items()))


def rule_for(action: str, kind: str) -> Rule | None:
    return POLICY.get((action, kind))


def check_actor(action: str, *, role: str | None, actor_agency: str | None, item: ItemFacts) -> Refusal | None:
    """The actor's part: the action exists for this kind, the role holds a grant, the item is in its scope."""
    rule = rule_for(action, item.kind)
    if rule is None:
        if action in ACTIONS:
            return refuse("wrong_kind", action=action, kind=item.kind)
        return refuse("unknown_action", action=action)
    grant = rule.grant_for(role)
    if grant is None:
        return refuse("forbidden", role=role or "-", action=action)
    if grant.scope is Scope.OWN_AGENCY and (not actor_agency or item.agency_code != actor_agency):
        return refuse("not_yours", kind=item.kind)
    return None


def check_state(action: str, item: ItemFacts) -> Refusal | None:
    """The item's part: its lifecycle allows the action from where it is now."""
    rule = POLICY[(action, item.kind)]
    if item.status not in rule.from_statuses:
        return refuse("lifecycle", action=action, status=item.status)
    if action == "escalate" and item.escalation_level >= MAX_LEVEL:
        return refuse("escalation_max", level=item.escalation_level)
    return None


def check(action: str, *, role: str | None, actor_agency: str | None, item: ItemFacts) -> Refusal | None:
    """None when `role` may do `action` to `item` now; otherwise why not (actor, role, scope, lifecycle;
    the item's version is the data layer's part, checked between scope and lifecycle)."""
    return check_actor(action, role=role, actor_agency=actor_agency, item=item) or check_state(action, item)


def check_input(rule: Rule, *, note: str | None, agency_code: str | None, item: ItemFacts) -> Refusal | None:
    """What the actor must write or choose for the action (a reason, a target agency)."""
    if rule.needs_note and not (note or "").strip():
        return refuse("needs_note", action=rule.action)
    if rule.needs_agency:
        if not agency_code:
            return refuse("needs_agency")
        if rule.action == "reassign" and agency_code == item.agency_code:
            return refuse("same_agency", agency=agency_code)
    return None


def allowed(action: str, *, role: str | None, actor_agency: str | None, item: ItemFacts) -> bool:
    return check(action, role=role, actor_agency=actor_agency, item=item) is None


def may_do(role: str | None, action: str) -> bool:
    """Whether the role may do the action to some item (or, for admin actions, at all)."""
    if action in ADMIN_ACTION_ROLES:
        return role in ADMIN_ACTION_ROLES[action]
    return any(r.grant_for(role) is not None for r in RULES if r.action == action)


def policy_table_markdown() -> str:
    """The policy as the table in docs/security.md (a test keeps the two the same)."""
    roles = [*(r.value for r in Role), SYSTEM]
    lines = [
        "| action | item | from status | to | " + " | ".join(roles) + " | needs |",
        "|" + "---|" * (len(roles) + 5),
    ]
    for rule in RULES:
        cells = []
        for role in roles:
            grant = rule.grant_for(role)
            cells.append("—" if grant is None else ("own agency" if grant.scope is Scope.OWN_AGENCY else "yes"))
        to = rule.to_status or ("selesai/ditutup → dikerjakan, ditolak → dibaca" if rule.action == "reopen" else "(stays)")
        needs = ", ".join(word for word, flag in (("reason/note", rule.needs_note), ("agency", rule.needs_agency)) if flag)
        lines.append(
            f"| `{rule.action}` | {rule.kind} | {', '.join(sorted(rule.from_statuses))} | {to} | "
            + " | ".join(cells)
            + f" | {needs} |"
        )
    return "\n".join(lines)
