"""The console offers exactly the moves the policy allows for the item and the user."""

from __future__ import annotations

import pytest

from domain.console import offered
from domain.policy import RULES

STATE_ACTIONS = sorted({r.action for r in RULES if r.changes_state})


def _shown(role, kind, status, **kw):
    return {a for a in STATE_ACTIONS if offered(a, role=role, kind=kind, status=status, **kw)}


def test_nothing_selected_offers_nothing():
    assert not offered("note", role="operator", kind=None, status=None)


def test_new_complaint_for_an_operator():
    assert _shown("operator", "complaint", "baru") == {"mark_read", "assign", "escalate", "note", "merge"}


def test_new_complaint_for_a_supervisor_includes_reject():
    assert offered("reject", role="supervisor", kind="complaint", status="baru")


def test_an_assigned_complaint_is_reassigned_by_a_supervisor_only():
    assert not offered("assign", role="supervisor", kind="complaint", status="diteruskan")
    assert offered("reassign", role="supervisor", kind="complaint", status="diteruskan")
    assert not offered("reassign", role="operator", kind="complaint", status="diteruskan")


def test_emergency_buttons_never_on_a_complaint_and_vice_versa():
    assert not offered("dispatch", role="operator", kind="complaint", status="baru")
    assert not offered("mark_read", role="operator", kind="emergency", status="baru")


def test_unacknowledged_emergency_offers_ack_false_alarm_and_note():
    assert _shown("operator", "emergency", "baru") == {"ack_emergency", "false_alarm", "note"}


def test_escalation_stops_at_the_top_and_on_closed_items():
    assert offered("escalate", role="operator", kind="complaint", status="diteruskan", escalation_level=2)
    assert not offered("escalate", role="operator", kind="complaint", status="diteruskan", escalation_level=3)
    assert not offered("escalate", role="operator", kind="complaint", status="selesai")


@pytest.mark.parametrize("status", ["selesai", "ditutup", "ditolak"])
def test_reopen_for_supervisors_on_finished_items(status):
    assert offered("reopen", role="supervisor", kind="complaint", status=status)
    assert not offered("reopen", role="operator", kind="complaint", status=status)


def test_a_rejected_report_is_not_marked_read_again_from_the_console():
    assert not offered("mark_read", role="supervisor", kind="complaint", status="ditolak")
    assert offered("reopen", role="supervisor", kind="complaint", status="ditolak")


def test_an_agency_is_offered_moves_on_its_own_items_only():
    own = dict(item_agency="DISHUB", actor_agency="DISHUB")
    assert _shown("agency", "complaint", "diteruskan", **own) == {"start_work", "resolve", "note"}
    assert _shown("agency", "complaint", "diteruskan", item_agency="DISHUB", actor_agency="DPUPR") == set()
    assert _shown("mayor", "complaint", "baru") == set() and _shown("admin", "emergency", "baru") == set()
