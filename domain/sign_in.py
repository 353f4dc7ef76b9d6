"""Sign-in rules without I/O: outcomes, the lockout threshold, the idle timeout, what counts as activity.

docs/security.md explains the choices; dashboard/auth.py and data_access/users.py apply them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

OK, WRONG, LOCKED, THROTTLED = "ok", "wrong", "locked", "throttled"
OUTCOMES = (OK, WRONG, LOCKED, THROTTLED)
TYPED_USERNAME_MAX = 64  # what the audit keeps of a typed username (the column's width)

# Dash callback inputs that only a person changes (a click, a choice, typing, a date, a map click).
# A callback fired by anything else — a refresh interval (`n_intervals`), a Socket.IO push
# (`data-…`, `connected`), a store or a grid refilled by another callback (`data`, `rowData`) —
# is the console working by itself and must not keep an unattended session open.
USER_INPUT_PROPS = frozenset(
    {
        "n_clicks",
        "n_submit",
        "value",
        "selectedRows",
        "clickData",
        "start_date",
        "end_date",
        "date",
        "cellClicked",
        "cellValueChanged",
        "active_tab",
    }
)
# Requests a page makes by itself or for its files: never activity.
BACKGROUND_PATHS = ("/_dash-", "/assets/", "/socket.io", "/_reload-hash", "/_favicon", "/wall")


def typed_username(text: str | None) -> str:
    """The username as typed, cut to what the audit stores; control characters made visible."""
    cleaned = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in (text or ""))
    return cleaned[:TYPED_USERNAME_MAX]


def locks_now(consecutive_failures: int, lock_after: int) -> bool:
    """After this many wrong passwords in a row the account is locked (0 turns the lockout off)."""
    return lock_after > 0 and consecutive_failures >= lock_after


def idle_expired(last_activity: datetime | None, now: datetime, timeout: timedelta) -> bool:
    """A signed-in session with no activity for longer than `timeout` has ended (no timestamp: ended)."""
    if timeout <= timedelta(0):
        return False
    return last_activity is None or now - last_activity > timeout


@dataclass(frozen=True)
class RequestShape:
    """What the idle rule needs to know of a request."""

    method: str
    path: str
    changed_props: tuple[str, ...] = ()  # a Dash callback's changedPropIds, e.g. "op-grid.selectedRows"


def is_user_activity(req: RequestShape) -> bool:
    """Does this request show a person at the screen? Page loads, form posts and downloads do; a Dash
    callback does only when one of its changed inputs is one a person changes (USER_INPUT_PROPS)."""
    if req.path == "/_dash-update-component":
        return any(_prop(p) in USER_INPUT_PROPS for p in req.changed_props)
    if req.path.startswith(BACKGROUND_PATHS):
        return False
    return req.method in ("GET", "POST")


def _prop(changed: str) -> str:
    """'op-grid.selectedRows' → 'selectedRows'; pattern ids are JSON with dots inside, so split at the last dot."""
    return changed.rsplit(".", 1)[-1] if isinstance(changed, str) else ""


def changed_props_of(body) -> tuple[str, ...]:
    """The changedPropIds of a Dash callback body, whatever a forged request sends."""
    if not isinstance(body, dict):
        return ()
    props = body.get("changedPropIds")
    if not isinstance(props, Iterable) or isinstance(props, (str, bytes, dict)):
        return ()
    return tuple(p for p in props if isinstance(p, str))
