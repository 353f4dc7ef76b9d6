"""Escalation levels and the watchdog's policy: pure functions of an item, its targets and `now`.

Levels (complaints.escalation_level): 0 none, 1 the agency's head, 2 the duty supervisor,
3 the mayor's office list. A level never goes down and closed items are never escalated.
"""

from __future__ import annotations

NONE, AGENCY_HEAD, SUPERVISOR, MAYOR_OFFICE = 0, 1, 2, 3
MAX_LEVEL = MAYOR_OFFICE
LEVEL_NAMES = {NONE: "—", AGENCY_HEAD: "kepala OPD", SUPERVISOR: "supervisor", MAYOR_OFFICE: "kantor wali kota"}
WATCHDOG_ACTOR = "sistem:pengawas"
