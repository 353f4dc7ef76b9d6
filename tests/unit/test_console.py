"""The console offers exactly the moves the lifecycle and the role allow."""

from __future__ import annotations

import pytest

from domain.console import _MOVES, offered
from domain.lifecycle import COMPLAINT_TRANSITIONS, EMERGENCY_TRANSITIONS


def test_nothing_selected_offers_nothing():
    assert not offered("note", role="operator", kind=None, status=None)


def test_new_complaint_for_an_operator():
    shown = {p for p in [*_MOVES, "note"] if offered(p, role="operator", kind="complaint", status="baru")}
    assert shown == {"mark_read", "assign", "escalate", "note"}  # reject is a supervisor's


def test_new_complaint_for_a_supervisor_includes_reject():
    assert offered("reject", role="supervisor", kind="complaint", status="baru")


def test_emergency_buttons_never_on_a_complaint_and_vice_versa():
    assert not offered("dispatch", role="operator", kind="complaint", status="baru")
    assert not offered("mark_read", role="operator", kind="emergency", status="baru")


def test_unacknowledged_emergency_offers_ack_and_false_alarm_only():
    shown = {p for p in _MOVES if offered(p, role="operator", kind="emergency", status="baru")}
    assert shown == {"ack_emergency", "false_alarm"}


def test_escalation_stops_at_the_top_and_on_closed_items():
    assert offered("escalate", role="operator", kind="complaint", status="diteruskan", escalation_level=2)
    assert not offered("escalate", role="operator", kind="complaint", status="diteruskan", escalation_level=3)
    assert not offered("escalate", role="operator", kind="complaint", status="selesai")


@pytest.mark.parametrize("status", ["selesai", "ditutup", "ditolak"])
def test_reopen_for_supervisors_on_finished_items(status):
    assert offered("reopen", role="supervisor", kind="complaint", status=status)
    assert not offered("reopen", role="operator", kind="complaint", status=status)


@pytest.mark.parametrize("kind,table", [("complaint", COMPLAINT_TRANSITIONS), ("emergency", EMERGENCY_TRANSITIONS)])
def test_a_status_move_is_offered_only_where_the_lifecycle_allows_it(kind, table):
    for status, targets in table.items():
        for permission, (item_kind, target) in _MOVES.items():
            if item_kind != kind or target is None:
                continue
            expected = target in targets and not (permission == "mark_read" and status != "baru")
            assert offered(permission, role="supervisor", kind=kind, status=status) == expected, (status, permission)


def test_a_rejected_report_is_not_marked_read_again_from_the_console():
    assert not offered("mark_read", role="supervisor", kind="complaint", status="ditolak")
    assert offered("reopen", role="supervisor", kind="complaint", status="ditolak")
