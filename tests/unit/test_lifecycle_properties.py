"""Both lifecycles as properties: random walks of allowed moves, and every forbidden move refused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.lifecycle import (
    COMPLAINT_TRANSITIONS,
    EMERGENCY_TRANSITIONS,
    ComplaintStatus,
    EmergencyStatus,
    can_transition_complaint,
    can_transition_emergency,
)
from tests.unit.test_lifecycle import COMPLAINT_ALLOWED, EMERGENCY_ALLOWED

complaint_status = st.sampled_from([s.value for s in ComplaintStatus])
emergency_status = st.sampled_from([s.value for s in EmergencyStatus])


@given(complaint_status, complaint_status)
def test_complaint_moves_match_the_written_rules(a, b):
    assert can_transition_complaint(a, b) == ((a, b) in COMPLAINT_ALLOWED)


@given(emergency_status, emergency_status)
def test_emergency_moves_match_the_written_rules(a, b):
    assert can_transition_emergency(a, b) == ((a, b) in EMERGENCY_ALLOWED)


@given(st.lists(st.integers(0, 100), max_size=40))
def test_a_complaint_walk_can_always_still_be_closed_or_rejected(choices):
    """No complaint is ever stuck: from wherever a walk of allowed moves ends, ditutup or
    ditolak can still be reached (nobody can lose a report in the lifecycle)."""
    status = ComplaintStatus.BARU
    for c in choices:
        nxt = sorted(COMPLAINT_TRANSITIONS[status])
        status = nxt[c % len(nxt)]
    reached, frontier = {status}, [status]
    while frontier:
        for t in COMPLAINT_TRANSITIONS[frontier.pop()]:
            if t not in reached:
                reached.add(t)
                frontier.append(t)
    assert reached & {ComplaintStatus.DITUTUP, ComplaintStatus.DITOLAK}


@given(st.lists(st.integers(0, 100), max_size=20))
def test_an_emergency_walk_ends_in_selesai_or_palsu_and_stays_there(choices):
    status = EmergencyStatus.BARU
    seen = [status]
    for c in choices:
        nxt = sorted(EMERGENCY_TRANSITIONS[status])
        if not nxt:
            break
        status = nxt[c % len(nxt)]
        seen.append(status)
    assert len(seen) <= 5  # at most baru → diterima → dikirim → di_lokasi → end: no cycles
    if not EMERGENCY_TRANSITIONS[status]:
        assert status in (EmergencyStatus.SELESAI, EmergencyStatus.PALSU)
