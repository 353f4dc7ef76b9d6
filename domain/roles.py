"""Who may do what. Pure data: pages and actions per role, checked by every callback and view."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"  # triage, assign, escalate, dispatch
    SUPERVISOR = "supervisor"  # also reassign, reject, reopen; sees escalations
    AGENCY = "agency"  # only its own agency's items
    MAYOR = "mayor"  # reports, read only
    ADMIN = "admin"  # users, agencies, categories, posts, SLA policy


OP, S, A, M, AD = Role.OPERATOR, Role.SUPERVISOR, Role.AGENCY, Role.MAYOR, Role.ADMIN

PAGE_ROLES: dict[str, frozenset[Role]] = {
    "/operator": frozenset({OP, S}),
    "/agency": frozenset({A}),
    "/laporan": frozenset({M, S, AD}),
    "/admin": frozenset({AD}),
}

ACTION_ROLES: dict[str, frozenset[Role]] = {
    "mark_read": frozenset({OP, S}),
    "assign": frozenset({OP, S}),
    "reassign": frozenset({S}),
    "escalate": frozenset({OP, S}),
    "note": frozenset({OP, S, A}),
    "start_work": frozenset({A, S}),
    "resolve": frozenset({OP, S, A}),
    "close": frozenset({OP, S}),
    "reject": frozenset({S}),
    "reopen": frozenset({S}),
    "merge": frozenset({OP, S}),  # a duplicate into an earlier report of the same problem (it becomes ditolak)
    "reveal_reporter": frozenset({OP, S}),
    "ack_emergency": frozenset({OP, S}),
    "dispatch": frozenset({OP, S}),
    "on_scene": frozenset({OP, S}),
    "resolve_emergency": frozenset({OP, S}),
    "false_alarm": frozenset({OP, S}),
    # admin pages (/admin): accounts, agencies, categories with their SLA policy, responder posts
    "admin_users": frozenset({AD}),
    "admin_agencies": frozenset({AD}),
    "admin_categories": frozenset({AD}),
    "admin_posts": frozenset({AD}),
}


def may_view(role: str | None, path: str) -> bool:
    allowed = PAGE_ROLES.get(path)
    return allowed is not None and role in allowed


def may_do(role: str | None, action: str) -> bool:
    return role in ACTION_ROLES.get(action, frozenset())
