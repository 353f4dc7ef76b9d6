"""Which action buttons the console offers for the selected item: only moves that can succeed.

At 2 a.m. with six alarms an operator should not have to read past "Kirim petugas" on a road
complaint or "Tutup" on a report nobody has read. The answer is the policy's own (domain/policy.py
`check`), so a button is shown exactly when the gate would accept the click; the gate still checks it.
"""

from __future__ import annotations

from domain.policy import ItemFacts, check


def offered(
    action: str,
    *,
    role: str | None,
    kind: str | None,
    status: str | None,
    escalation_level: int = 0,
    item_agency: str | None = None,
    actor_agency: str | None = None,
) -> bool:
    """True when the console should show the button of `action` for this item and role."""
    if kind is None or status is None:  # nothing selected
        return False
    item = ItemFacts(kind, status, item_agency, escalation_level or 0)
    return check(action, role=role, actor_agency=actor_agency, item=item) is None
