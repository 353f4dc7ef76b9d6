"""The user roles and the pages each may open. What a role may DO to an item is domain/policy.py."""

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

# The admin page's changes to reference data (accounts, agencies, categories with their SLA policy,
# responder posts, sign-in lockouts): admins only, checked in data_access/admin.py.
ADMIN_ACTION_ROLES: dict[str, frozenset[Role]] = {
    "admin_users": frozenset({AD}),
    "admin_agencies": frozenset({AD}),
    "admin_categories": frozenset({AD}),
    "admin_posts": frozenset({AD}),
}


def may_view(role: str | None, path: str) -> bool:
    allowed = PAGE_ROLES.get(path)
    return allowed is not None and role in allowed
