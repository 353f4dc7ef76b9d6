"""Which action buttons the console offers for the selected item: only moves that can succeed.

At 2 a.m. with six alarms an operator should not have to read past "Kirim petugas" on a road
complaint or "Tutup" on a report nobody has read. The server still checks every click; this only
decides what is shown.
"""

from __future__ import annotations

from domain.escalation import MAX_LEVEL
from domain.lifecycle import OPEN_COMPLAINT_STATUSES, can_transition_complaint, can_transition_emergency
from domain.roles import may_do

# permission → (item kind, target status); None: the action keeps the status
_MOVES: dict[str, tuple[str, str | None]] = {
    "mark_read": ("complaint", "dibaca"),
    "assign": ("complaint", "diteruskan"),
    "escalate": ("complaint", None),
    "resolve": ("complaint", "selesai"),
    "close": ("complaint", "ditutup"),
    "reopen": ("complaint", None),
    "reject": ("complaint", "ditolak"),
    "ack_emergency": ("emergency", "diterima"),
    "dispatch": ("emergency", "dikirim"),
    "on_scene": ("emergency", "di_lokasi"),
    "resolve_emergency": ("emergency", "selesai"),
    "false_alarm": ("emergency", "palsu"),
}
_REOPENABLE = frozenset({"selesai", "ditutup", "ditolak"})


def offered(permission: str, *, role: str | None, kind: str | None, status: str | None, escalation_level: int = 0) -> bool:
    """True when the console should show the button of `permission` for this item and role."""
    if not may_do(role, permission):
        return False
    if kind is None or status is None:  # nothing selected
        return False
    if permission == "note":
        return True
    item_kind, target = _MOVES[permission]
    if item_kind != kind:
        return False
    if permission == "escalate":
        return status in OPEN_COMPLAINT_STATUSES and escalation_level < MAX_LEVEL
    if permission == "reopen":
        return status in _REOPENABLE
    if permission == "mark_read":  # ditolak → dibaca is the lifecycle's reopen, a supervisor's move
        return status == "baru"
    allowed = can_transition_complaint if kind == "complaint" else can_transition_emergency
    return allowed(status, target)
