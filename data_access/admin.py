"""Administrators' changes: accounts, agencies, categories with their SLA policy, responder posts.

Each function is one change: it validates (domain/admin_rules.py), writes, and records who changed
what in `admin_changes` ({field: [old, new]}; a password never appears, not even as a hash). The
caller owns the transaction, so the change and its audit row commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.actions import Actor, Forbidden
from data_access.models import AdminChange, Agency, Category, ResponderPost, User
from data_access.users import create_user, generate_password, set_password, unlock_user
from domain import admin_rules as rules
from domain.policy import may_do
from domain.roles import Role
from geo import AreaIndex
from geo.vicinity import metres_outside

ROLES = tuple(r.value for r in Role)


class AdminInputError(ValueError):
    """The form cannot be saved; `problems` say why (text keys for the UI)."""

    def __init__(self, problems: list[rules.Problem]):
        super().__init__("; ".join(p.key for p in problems))
        self.problems = problems


def admit(actor: Actor, permission: str) -> str:
    """Admins only, whatever the screen sent (domain/policy.py `may_do`); returns the audit's actor name."""
    if not isinstance(actor, Actor) or not may_do(actor.role, permission):
        raise Forbidden("forbidden", role=getattr(actor, "role", None) or "-", action=permission)
    return actor.name


def _raise_if(problems: list[rules.Problem]) -> None:
    if problems:
        raise AdminInputError(problems)


def _audit(session: Session, *, actor: str, now: datetime, entity: str, key: str, action: str, changes: dict) -> None:
    session.add(AdminChange(at=now, actor=actor, entity=entity, entity_key=key, action=action, changes=changes or None))


def _apply(obj, values: dict) -> dict:
    """Set the values that differ; return them as {field: [old, new]} for the audit."""
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [old, new]
            setattr(obj, name, new)
    return changed


def _blank_to_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    agency_code: str | None
    active: bool
    locked_at: datetime | None = None  # locked after repeated wrong passwords (docs/security.md)
    failed_sign_ins: int = 0


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    kind: str
    active: bool


@dataclass(frozen=True)
class CategoryRow:
    code: str
    group: str
    name_id: str
    name_en: str
    default_agency_code: str
    first_response_minutes: int
    forward_minutes: int
    followup_working_days: int
    resolution_working_days: int
    active: bool


@dataclass(frozen=True)
class PostRow:
    id: int
    code: str
    name: str
    kind: str
    agency_code: str | None
    lat: float
    lon: float
    phone: str | None
    is_sample: bool
    active: bool


def list_users(session: Session) -> list[UserRow]:
    """Accounts without their password hashes."""
    users = session.scalars(select(User).order_by(User.username)).all()
    return [
        UserRow(u.id, u.username, u.display_name, u.role, u.agency_code, u.active, u.locked_at, u.failed_sign_ins or 0)
        for u in users
    ]


def list_agencies(session: Session) -> list[AgencyRow]:
    return [AgencyRow(a.code, a.name, a.kind, a.active) for a in session.scalars(select(Agency).order_by(Agency.code))]


def _category_row(c: Category) -> CategoryRow:
    return CategoryRow(
        c.code,
        c.group,
        c.name_id,
        c.name_en,
        c.default_agency_code,
        c.first_response_minutes,
        c.forward_minutes,
        c.followup_working_days,
        c.resolution_working_days,
        c.active,
    )


def list_categories(session: Session) -> list[CategoryRow]:
    return [_category_row(c) for c in session.scalars(select(Category).order_by(Category.group, Category.code))]


def list_posts(session: Session) -> list[PostRow]:
    posts = session.scalars(select(ResponderPost).order_by(ResponderPost.kind, ResponderPost.code)).all()
    return [PostRow(p.id, p.code, p.name, p.kind, p.agency_code, p.lat, p.lon, p.phone, p.is_sample, p.active) for p in posts]


def recent_changes(session: Session, *, limit: int = 50) -> list[AdminChange]:
    return list(session.scalars(select(AdminChange).order_by(AdminChange.at.desc(), AdminChange.id.desc()).limit(limit)))


# --- accounts ----------------------------------------------------------------------------------


def _check_agency_exists(session: Session, code: str | None) -> list[rules.Problem]:
    if code is None:
        return []
    agency = session.get(Agency, code)
    if agency is None or not agency.active:
        return [rules.Problem("adm_err_unknown_agency", {"code": code})]
    return []


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.active.is_(True)))


def create_account(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    username: str | None,
    display_name: str | None,
    role: str | None,
    agency_code: str | None = None,
    password: str | None = None,
) -> tuple[UserRow, str | None]:
    """A new account. Without a password one is generated and returned (shown once); else None."""
    actor = admit(actor, "admin_users")
    username = (username or "").strip().lower()
    agency_code = _blank_to_none(agency_code)
    password = password or None
    problems = [
        *rules.check_username(username),
        *rules.check_name(display_name, 120),
        *rules.check_role_agency(role, agency_code, ROLES),
        *rules.check_password(password),
        *_check_agency_exists(session, agency_code),
    ]
    if not problems and session.scalar(select(User.id).where(User.username == username)) is not None:
        problems.append(rules.Problem("adm_err_username_taken", {"username": username}))
    _raise_if(problems)
    generated = None if password else generate_password()
    info = create_user(
        session,
        username=username,
        password=password or generated,
        role=role,
        display_name=display_name.strip(),
        now=now,
        agency_code=agency_code,
    )
    _audit(
        session,
        actor=actor,
        now=now,
        entity="user",
        key=username,
        action="create",
        changes={"role": [None, role], "agency_code": [None, agency_code], "display_name": [None, info.display_name]},
    )
    return UserRow(info.id, info.username, info.display_name, info.role, info.agency_code, info.active), generated


def update_account(
    session: Session,
    *,
    actor: Actor,
    actor_user_id: int,
    now: datetime,
    user_id: int,
    display_name: str | None,
    role: str | None,
    agency_code: str | None,
    active: bool,
) -> UserRow:
    """Change name, role, agency or active flag. An admin cannot lock out the last admin or themself."""
    actor = admit(actor, "admin_users")
    user = session.get(User, user_id)
    if user is None:
        raise AdminInputError([rules.Problem("adm_err_no_such_user")])
    agency_code = _blank_to_none(agency_code)
    problems = [
        *rules.check_name(display_name, 120),
        *rules.check_role_agency(role, agency_code, ROLES),
        *_check_agency_exists(session, agency_code),
    ]
    if user.id == actor_user_id and (not active or role != Role.ADMIN.value):
        problems.append(rules.Problem("adm_err_self_lockout"))
    _raise_if(problems)
    losing_admin = user.role == Role.ADMIN.value and user.active and (role != Role.ADMIN.value or not active)
    if losing_admin and _active_admins(session) <= 1:
        raise AdminInputError([rules.Problem("adm_err_last_admin")])
    changed = _apply(user, {"display_name": display_name.strip(), "role": role, "agency_code": agency_code, "active": active})
    action = "deactivate" if changed.get("active") == [True, False] else "update"
    if changed:
        _audit(session, actor=actor, now=now, entity="user", key=user.username, action=action, changes=changed)
    session.flush()
    return UserRow(user.id, user.username, user.display_name, user.role, user.agency_code, user.active)


def reset_account_password(
    session: Session, *, actor: Actor, now: datetime, user_id: int, password: str | None = None
) -> str | None:
    """A new password (generated and returned when none is given). The audit says only that it happened."""
    actor = admit(actor, "admin_users")
    user = session.get(User, user_id)
    if user is None:
        raise AdminInputError([rules.Problem("adm_err_no_such_user")])
    password = password or None
    _raise_if(rules.check_password(password))
    generated = None if password else generate_password()
    set_password(session, user_id=user_id, password=password or generated)
    _audit(session, actor=actor, now=now, entity="user", key=user.username, action="reset_password", changes={})
    return generated


def unlock_account(session: Session, *, actor: Actor, now: datetime, user_id: int) -> str:
    """Lift a sign-in lockout (and the count of wrong passwords); audited as `unlock`. Returns the username."""
    actor = admit(actor, "admin_users")
    user = session.get(User, user_id)
    if user is None:
        raise AdminInputError([rules.Problem("adm_err_no_such_user")])
    username = user.username
    locked_at, failures = unlock_user(session, user_id=user_id)
    changes = {}
    if locked_at is not None:
        changes["locked_at"] = [locked_at.isoformat(), None]
    if failures:
        changes["failed_sign_ins"] = [failures, 0]
    _audit(session, actor=actor, now=now, entity="user", key=username, action="unlock", changes=changes)
    return username


# --- agencies ----------------------------------------------------------------------------------


def save_agency(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    code: str | None,
    name: str | None,
    kind: str | None,
    active: bool,
    create: bool,
) -> AgencyRow:
    actor = admit(actor, "admin_agencies")
    code = (code or "").strip().upper()
    problems = [*rules.check_code(code), *rules.check_name(name), *rules.check_choice(kind, rules.AGENCY_KINDS, "kind")]
    _raise_if(problems)
    agency = session.get(Agency, code)
    values = {"name": name.strip(), "kind": kind, "active": active}
    if create:
        if agency is not None:
            raise AdminInputError([rules.Problem("adm_err_code_taken", {"code": code})])
        agency = Agency(code=code, **values)
        session.add(agency)
        _audit(
            session,
            actor=actor,
            now=now,
            entity="agency",
            key=code,
            action="create",
            changes={k: [None, v] for k, v in values.items()},
        )
    else:
        if agency is None:
            raise AdminInputError([rules.Problem("adm_err_unknown_agency", {"code": code})])
        if agency.active and not active:
            in_use = session.scalars(
                select(Category.code).where(Category.default_agency_code == code, Category.active.is_(True))
            ).all()
            if in_use:
                raise AdminInputError([rules.Problem("adm_err_agency_in_use", {"categories": ", ".join(in_use)})])
        changed = _apply(agency, values)
        if changed:
            action = "deactivate" if changed.get("active") == [True, False] else "update"
            _audit(session, actor=actor, now=now, entity="agency", key=code, action=action, changes=changed)
    session.flush()
    return AgencyRow(agency.code, agency.name, agency.kind, agency.active)


# --- categories and their SLA policy -----------------------------------------------------------

SLA_FIELDS = tuple(rules.SLA_RANGES)


def save_category(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    code: str | None,
    create: bool,
    name_id: str | None,
    name_en: str | None,
    group: str | None,
    default_agency_code: str | None,
    active: bool,
    **targets,
) -> CategoryRow:
    """A category and its SLA targets (first response, forwarding, follow-up, resolution).

    New targets apply to complaints that arrive afterwards (the worker reloads them within a
    minute); deadlines already set on stored complaints stay as they were promised.
    """
    actor = admit(actor, "admin_categories")
    code = (code or "").strip().lower()
    problems = [
        *rules.check_code(code),
        *rules.check_name(name_id, 120),
        *rules.check_name(name_en, 120),
        *rules.check_choice(group, rules.CATEGORY_GROUPS, "group"),
    ]
    if not default_agency_code:
        problems.append(rules.Problem("adm_err_default_agency"))
    else:
        problems += _check_agency_exists(session, default_agency_code)
    parsed = {}
    for name in SLA_FIELDS:
        parsed[name], found = rules.parse_int(targets.get(name), name)
        problems += found
    problems += rules.check_sla(parsed)
    _raise_if(problems)
    values = {
        "name_id": name_id.strip(),
        "name_en": name_en.strip(),
        "group": group,
        "default_agency_code": default_agency_code,
        "active": active,
        **parsed,
    }
    category = session.get(Category, code)
    if create:
        if category is not None:
            raise AdminInputError([rules.Problem("adm_err_code_taken", {"code": code})])
        category = Category(code=code, **values)
        session.add(category)
        _audit(
            session,
            actor=actor,
            now=now,
            entity="category",
            key=code,
            action="create",
            changes={k: [None, v] for k, v in values.items()},
        )
    else:
        if category is None:
            raise AdminInputError([rules.Problem("adm_err_no_such_category", {"code": code})])
        changed = _apply(category, values)
        if changed:
            action = "deactivate" if changed.get("active") == [True, False] else "update"
            _audit(session, actor=actor, now=now, entity="category", key=code, action=action, changes=changed)
    session.flush()
    return _category_row(category)


# --- responder posts ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _city():
    return AreaIndex().city


def save_post(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    post_id: int | None,
    code: str | None,
    name: str | None,
    kind: str | None,
    agency_code: str | None,
    lat,
    lon,
    phone: str | None,
    is_sample: bool,
    active: bool,
) -> PostRow:
    """Create (`post_id` None) or update a post; it must lie inside Binjai or within 5 km of it."""
    actor = admit(actor, "admin_posts")
    code = (code or "").strip().upper()
    agency_code = _blank_to_none(agency_code)
    phone = _blank_to_none(phone)
    problems = [
        *rules.check_code(code),
        *rules.check_name(name),
        *rules.check_choice(kind, rules.POST_KINDS, "kind"),
        *rules.check_phone(phone),
        *_check_agency_exists(session, agency_code),
    ]
    lat_value, found = rules.parse_float(lat, "lat")
    problems += found
    lon_value, found = rules.parse_float(lon, "lon")
    problems += found
    if lat_value is not None and lon_value is not None:
        bad = rules.check_coordinates(lat_value, lon_value)
        problems += bad or rules.check_post_distance(metres_outside(_city(), lat_value, lon_value))
    _raise_if(problems)
    other = session.scalar(select(ResponderPost).where(ResponderPost.code == code))
    if other is not None and other.id != post_id:
        raise AdminInputError([rules.Problem("adm_err_code_taken", {"code": code})])
    values = {
        "code": code,
        "name": rules.sample_name(name, is_sample),
        "kind": kind,
        "agency_code": agency_code,
        "lat": lat_value,
        "lon": lon_value,
        "phone": phone,
        "is_sample": is_sample,
        "active": active,
    }
    if post_id is None:
        post = ResponderPost(**values)
        session.add(post)
        _audit(
            session,
            actor=actor,
            now=now,
            entity="post",
            key=code,
            action="create",
            changes={k: [None, v] for k, v in values.items()},
        )
    else:
        post = session.get(ResponderPost, post_id)
        if post is None:
            raise AdminInputError([rules.Problem("adm_err_no_such_post")])
        changed = _apply(post, values)
        if changed:
            action = "deactivate" if changed.get("active") == [True, False] else "update"
            _audit(session, actor=actor, now=now, entity="post", key=code, action=action, changes=changed)
    session.flush()
    return PostRow(
        post.id, post.code, post.name, post.kind, post.agency_code, post.lat, post.lon, post.phone, post.is_sample, post.active
    )
