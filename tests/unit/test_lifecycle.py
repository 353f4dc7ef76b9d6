"""domain.lifecycle: every transition of both lifecycles, and what a citizen sees."""

from __future__ import annotations

from itertools import product

import pytest

from domain.lifecycle import (
    ACTIVE_EMERGENCY_STATUSES,
    OPEN_COMPLAINT_STATUSES,
    CitizenStatus,
    ComplaintStatus,
    EmergencyStatus,
    can_transition_complaint,
    can_transition_emergency,
    citizen_status,
)

COMPLAINT = ["baru", "dibaca", "diteruskan", "dikerjakan", "selesai", "ditutup", "ditolak"]
EMERGENCY = ["baru", "diterima", "dikirim", "di_lokasi", "selesai", "palsu"]

# The rules, written out independently of the module's tables.
COMPLAINT_ALLOWED = {
    ("baru", "dibaca"),
    ("baru", "diteruskan"),
    ("baru", "ditolak"),
    ("dibaca", "diteruskan"),
    ("dibaca", "ditolak"),
    ("diteruskan", "diteruskan"),  # reassign to another agency
    ("diteruskan", "dikerjakan"),
    ("diteruskan", "selesai"),
    ("diteruskan", "ditolak"),
    ("dikerjakan", "selesai"),
    ("dikerjakan", "diteruskan"),
    ("selesai", "ditutup"),
    ("selesai", "dikerjakan"),  # reopen: back to the agency
    ("ditutup", "dikerjakan"),  # reopen
    ("ditolak", "dibaca"),  # reopen a wrongly rejected report
}
EMERGENCY_ALLOWED = {
    ("baru", "diterima"),
    ("baru", "palsu"),
    ("diterima", "dikirim"),
    ("diterima", "selesai"),
    ("diterima", "palsu"),
    ("dikirim", "di_lokasi"),
    ("dikirim", "selesai"),
    ("dikirim", "palsu"),
    ("di_lokasi", "selesai"),
    ("di_lokasi", "palsu"),
}


def test_status_sets_match_the_enums():
    assert [s.value for s in ComplaintStatus] == COMPLAINT
    assert [s.value for s in EmergencyStatus] == EMERGENCY


@pytest.mark.parametrize(("current", "target"), list(product(COMPLAINT, COMPLAINT)))
def test_complaint_transition(current, target):
    assert can_transition_complaint(current, target) is ((current, target) in COMPLAINT_ALLOWED)


@pytest.mark.parametrize(("current", "target"), list(product(EMERGENCY, EMERGENCY)))
def test_emergency_transition(current, target):
    assert can_transition_emergency(current, target) is ((current, target) in EMERGENCY_ALLOWED)


def test_transitions_accept_enum_members():
    assert can_transition_complaint(ComplaintStatus.BARU, ComplaintStatus.DIBACA)
    assert not can_transition_emergency(EmergencyStatus.SELESAI, EmergencyStatus.BARU)


@pytest.mark.parametrize("status", ["selesai", "palsu"])
def test_emergency_final_states_are_final(status):
    assert not any(can_transition_emergency(status, t) for t in EMERGENCY)


def test_nothing_goes_back_to_baru():
    assert not any(can_transition_complaint(s, "baru") for s in COMPLAINT)
    assert not any(can_transition_emergency(s, "baru") for s in EMERGENCY)


def test_every_complaint_status_is_reachable_from_baru():
    reached, frontier = {"baru"}, ["baru"]
    while frontier:
        s = frontier.pop()
        for t in COMPLAINT:
            if t not in reached and can_transition_complaint(s, t):
                reached.add(t)
                frontier.append(t)
    assert reached == set(COMPLAINT)


@pytest.mark.parametrize(
    "call",
    [
        lambda: can_transition_complaint("baru", "hilang"),
        lambda: can_transition_complaint("Baru", "dibaca"),
        lambda: can_transition_complaint("di_lokasi", "selesai"),  # an emergency status
        lambda: can_transition_emergency("dibaca", "selesai"),  # a complaint status
        lambda: can_transition_emergency("baru", ""),
        lambda: citizen_status("diterima"),  # an emergency status, not a complaint one
        lambda: citizen_status(""),
    ],
)
def test_unknown_statuses_raise(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("baru", "diterima"),
        ("dibaca", "sedang ditanggapi"),
        ("diteruskan", "sedang ditanggapi"),
        ("dikerjakan", "sedang ditanggapi"),
        ("selesai", "sudah diproses"),
        ("ditutup", "sudah diproses"),
        ("ditolak", "sudah diproses"),
    ],
)
def test_citizen_status(status, shown):
    result = citizen_status(status)
    assert isinstance(result, CitizenStatus)
    assert result == shown
    assert result.value == shown


def test_open_and_active_sets():
    assert {s.value for s in OPEN_COMPLAINT_STATUSES} == {"baru", "dibaca", "diteruskan", "dikerjakan"}
    assert {s.value for s in ACTIVE_EMERGENCY_STATUSES} == {"baru", "diterima", "dikirim", "di_lokasi"}
    # An open complaint is exactly one the citizen does not yet see as processed.
    for s in COMPLAINT:
        assert (s in OPEN_COMPLAINT_STATUSES) == (citizen_status(s) != CitizenStatus.SUDAH_DIPROSES)
