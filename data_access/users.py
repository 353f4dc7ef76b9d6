"""Users: creation, sign-in (argon2id via argon2-cffi, lockout, audit), lookup. Plain dataclasses out.

`sign_in` is the one way the login page checks a password: it applies the lockout, keeps the
consecutive-failure count and writes the `sign_in_attempts` row, in the caller's transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from data_access.models import SignInAttempt, User
from domain import sign_in as rules
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
    session_version: int = 0  # a session cookie is valid only while it carries this number


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, u.agency_code, u.active, u.session_version or 0)


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
    """The user when the password is right and the account active and not locked; None otherwise (same
    timing). A plain check that counts and records nothing: the login page uses `sign_in`."""
    user = session.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active or user.locked_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return _info(user)


def set_password(session: Session, *, user_id: int, password: str) -> None:
    """Store a new password as an argon2id hash (administrators' reset); the user's open sessions end."""
    if len(password) < 10:
        raise UserError("kata sandi minimal 10 karakter")
    user = session.get(User, user_id)
    if user is None:
        raise UserError(f"pengguna #{user_id} tidak ada")
    user.password_hash = _hasher.hash(password)
    user.session_version = (user.session_version or 0) + 1
    session.flush()


# --- sign-in: lockout and audit --------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    outcome: str  # domain.sign_in: ok / wrong / locked
    user: UserInfo | None  # only when outcome is ok


def _password_matches(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    now: datetime,
    client_address: str,
    lock_after: int,
    keep_attempts: timedelta | None = None,
) -> SignInResult:
    """Check a sign-in and record it. Every path verifies one argon2 hash (a dummy one for an unknown
    user), so an unknown user, a wrong password and a locked account take the same time and get the
    same answer from the caller; only the audit row tells them apart.

    With `keep_attempts`, a successful sign-in also deletes tries older than that (the audit's
    retention runs even where no retention job is scheduled; it is one indexed DELETE)."""
    user = session.scalar(select(User).where(User.username == username))
    matches = _password_matches(user.password_hash if user else None, password)
    if user is None or not user.active:
        outcome = rules.WRONG
    elif user.locked_at is not None:
        outcome = rules.LOCKED
    elif not matches:
        outcome = rules.WRONG
        _count_failure(session, user.id, now=now, lock_after=lock_after)
    else:
        outcome = rules.OK
        if user.failed_sign_ins:
            user.failed_sign_ins = 0
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        if keep_attempts is not None:
            prune_sign_in_attempts(session, now=now, keep=keep_attempts)
    record_sign_in_attempt(session, at=now, username=username, client_address=client_address, outcome=outcome)
    session.flush()
    return SignInResult(outcome, _info(user) if outcome == rules.OK else None)


def _count_failure(session: Session, user_id: int, *, now: datetime, lock_after: int) -> None:
    """One more wrong password in a row, counted in SQL so two parallel tries both count; lock at the threshold."""
    failures = session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_sign_ins=User.failed_sign_ins + 1)
        .returning(User.failed_sign_ins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if rules.locks_now(failures, lock_after):
        session.execute(
            update(User)
            .where(User.id == user_id, User.locked_at.is_(None))
            .values(locked_at=now)
            .execution_options(synchronize_session=False)
        )
    session.expire_all()


def record_sign_in_attempt(session: Session, *, at: datetime, username: str, client_address: str, outcome: str) -> None:
    """The audit row of one try (also for throttled tries, which never reach the password check)."""
    session.add(
        SignInAttempt(
            at=at,
            username=rules.typed_username(username),
            client_address=(client_address or "-")[:64],
            outcome=outcome,
        )
    )


@dataclass(frozen=True)
class SignInAttemptRow:
    at: datetime
    username: str
    client_address: str
    outcome: str


def recent_sign_in_attempts(session: Session, *, limit: int = 100) -> list[SignInAttemptRow]:
    """The latest tries, newest first (the /admin panel)."""
    rows = session.scalars(select(SignInAttempt).order_by(SignInAttempt.at.desc(), SignInAttempt.id.desc()).limit(limit))
    return [SignInAttemptRow(r.at, r.username, r.client_address, r.outcome) for r in rows]


def prune_sign_in_attempts(session: Session, *, now: datetime, keep: timedelta) -> int:
    """Delete tries older than `keep` (retention; the daily retention job calls this). Returns how many."""
    result = session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - keep))
    return result.rowcount or 0


def unlock_user(session: Session, *, user_id: int) -> tuple[datetime | None, int] | None:
    """Lift a lockout and clear the failure count; (locked_at, failures) as they were, None if no such user."""
    user = session.get(User, user_id)
    if user is None:
        return None
    before = (user.locked_at, user.failed_sign_ins or 0)
    user.locked_at = None
    user.failed_sign_ins = 0
    session.flush()
    return before


def end_sessions(session: Session, *, user_id: int) -> None:
    """Every session cookie of this user stops working (logout; see dashboard/auth.py)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )


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
