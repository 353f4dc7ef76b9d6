"""Lifecycles of complaints and emergencies, and the status a citizen sees.

Codes are Indonesian because they are shown to operators as they are; labels live in the UI layer.
"""

from __future__ import annotations

from enum import StrEnum


class ComplaintStatus(StrEnum):
    BARU = "baru"  # received, nobody has looked
    DIBACA = "dibaca"  # an operator has read it
    DITERUSKAN = "diteruskan"  # forwarded (assigned) to an agency
    DIKERJAKAN = "dikerjakan"  # the agency is working on it
    SELESAI = "selesai"  # the agency reports it done
    DITUTUP = "ditutup"  # closed after the result was checked
    DITOLAK = "ditolak"  # spam, duplicate or not the city's remit (with reason)


class EmergencyStatus(StrEnum):
    BARU = "baru"  # alarm sounding, not yet acknowledged
    DITERIMA = "diterima"  # acknowledged: alarm silenced
    DIKIRIM = "dikirim"  # a unit is dispatched
    DI_LOKASI = "di_lokasi"  # the unit is on scene
    SELESAI = "selesai"
    PALSU = "palsu"  # false alarm or prank


class CitizenStatus(StrEnum):
    DITERIMA = "diterima"
    SEDANG_DITANGGAPI = "sedang ditanggapi"
    SUDAH_DIPROSES = "sudah diproses"


C = ComplaintStatus
E = EmergencyStatus

COMPLAINT_TRANSITIONS: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    C.BARU: frozenset({C.DIBACA, C.DITERUSKAN, C.DITOLAK}),
    C.DIBACA: frozenset({C.DITERUSKAN, C.DITOLAK}),
    C.DITERUSKAN: frozenset({C.DITERUSKAN, C.DIKERJAKAN, C.SELESAI, C.DITOLAK}),  # reassign allowed
    C.DIKERJAKAN: frozenset({C.SELESAI, C.DITERUSKAN}),
    C.SELESAI: frozenset({C.DITUTUP, C.DIKERJAKAN}),  # reopen sends it back to the agency
    C.DITUTUP: frozenset({C.DIKERJAKAN}),  # reopen
    C.DITOLAK: frozenset({C.DIBACA}),  # reopen a wrongly rejected report
}

EMERGENCY_TRANSITIONS: dict[EmergencyStatus, frozenset[EmergencyStatus]] = {
    E.BARU: frozenset({E.DITERIMA, E.PALSU}),
    E.DITERIMA: frozenset({E.DIKIRIM, E.SELESAI, E.PALSU}),
    E.DIKIRIM: frozenset({E.DI_LOKASI, E.SELESAI, E.PALSU}),
    E.DI_LOKASI: frozenset({E.SELESAI, E.PALSU}),
    E.SELESAI: frozenset(),
    E.PALSU: frozenset(),
}

OPEN_COMPLAINT_STATUSES = frozenset({C.BARU, C.DIBACA, C.DITERUSKAN, C.DIKERJAKAN})
ACTIVE_EMERGENCY_STATUSES = frozenset({E.BARU, E.DITERIMA, E.DIKIRIM, E.DI_LOKASI})


def can_transition_complaint(current: str, target: str) -> bool:
    return ComplaintStatus(target) in COMPLAINT_TRANSITIONS[ComplaintStatus(current)]


def can_transition_emergency(current: str, target: str) -> bool:
    return EmergencyStatus(target) in EMERGENCY_TRANSITIONS[EmergencyStatus(current)]


def citizen_status(status: str) -> CitizenStatus:
    """What the citizen app shows: received → being handled → processed (done or rejected)."""
    s = ComplaintStatus(status)
    if s is C.BARU:
        return CitizenStatus.DITERIMA
    if s in (C.SELESAI, C.DITUTUP, C.DITOLAK):
        return CitizenStatus.SUDAH_DIPROSES
    return CitizenStatus.SEDANG_DITANGGAPI
