"""Users: creation, password check (argon2id via argon2-cffi), lookup. Plain dataclasses out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import User
from domain.roles import Role

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the time the same: no user enumeration.
_DUMMY_HASH = _hasher.hash("tidak-ada-pengguna")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    agency_code: str | None
    active: bool


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, u.agency_code, u.active)


class UserError(ValueError):
    pass


def create_user(
    session: Session, *, username: str, password: str, role: str, display_name: str, now: datetime, agency_code: str | None = None
) -> UserInfo:
    if role not in {r.value for r in Role}:
        raise UserError(f"peran tidak dikenal: {role}")
    if role == Role.AGENCY and not agency_code:
        raise UserError("pengguna OPD harus punya kode OPD")
    if len(password) < 10:
        raise UserError("kata sandi minimal 10 karakter")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"nama pengguna {username} sudah ada")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=_hasher.hash(password),
        role=role,
        agency_code=agency_code,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return _info(user)


def authenticate(session: Session, *, username: str, password: str) -> UserInfo | None:
    """The user when the password is right and the account active; None otherwise (same timing)."""
    user = session.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return _info(user)


def set_password(session: Session, *, user_id: int, password: str) -> None:
    """Store a new password as an argon2id hash (administrators' reset)."""
    if len(password) < 10:
        raise UserError("kata sandi minimal 10 karakter")
    user = session.get(User, user_id)
    if user is None:
        raise UserError(f"pengguna #{user_id} tidak ada")
    user.password_hash = _hasher.hash(password)
    session.flush()


def generate_password() -> str:
    """A random password an administrator hands over once (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def get_user(session: Session, *, user_id: int) -> UserInfo | None:
    user = session.get(User, user_id)
    return _info(user) if user and user.active else None


DEMO_USERS = (
    ("operator", "operator", "Operator Demo", None),
    ("supervisor", "supervisor", "Supervisor Demo", None),
    ("dpupr", "agency", "Petugas DPUPR (demo)", "DPUPR"),
    ("walikota", "mayor", "Kantor Wali Kota (demo)", None),
    ("admin", "admin", "Administrator Demo", None),
)


def create_demo_users(session: Session, *, now: datetime, reset: bool = False) -> list[tuple[str, str, str]]:
    """Demo accounts with fresh random passwords; returns (username, role, password) of new ones.
    With `reset`, every demo account gets a new password (and is active again), so a newcomer who
    lost the first ones can sign in."""
    created = []
    for username, role, name, agency in DEMO_USERS:
        existing = session.scalar(select(User).where(User.username == username))
        if existing is not None:
            if reset:
                password = generate_password()
                set_password(session, user_id=existing.id, password=password)
                existing.active = True
                created.append((username, existing.role, password))
            continue
        password = generate_password()
        create_user(session, username=username, password=password, role=role, display_name=name, now=now, agency_code=agency)
        created.append((username, role, password))
    return created
