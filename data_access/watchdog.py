"""The SLA watchdog's database side: keep `due_state` current and escalate by the policy.

Safe with several workers at once: a due state is written only where it differs, and an
escalation goes through the action gate as the system actor, on the version read, so
when two watchdogs judge the same item only one of them records the escalation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from data_access.actions import ActionOutcome, ActionRefused, ActionRequest, Actor, perform
from data_access.closed_days import work_calendar
from data_access.models import Category, Complaint
from domain.escalation import ItemClock, SlaTargets, evaluate
from domain.lifecycle import OPEN_COMPLAINT_STATUSES

_OPEN = [s.value for s in OPEN_COMPLAINT_STATUSES]
_CHUNK = 500


@dataclass
class SweepResult:
    checked: int = 0
    due_states_changed: int = 0
    escalations: list[ActionOutcome] = field(default_factory=list)
    skipped: int = 0  # changed by someone else meanwhile: judged again next round


def category_targets(session: Session) -> dict[str, SlaTargets]:
    return {
        c.code: SlaTargets(c.first_response_minutes, c.forward_minutes, c.followup_working_days)
        for c in session.scalars(select(Category))
    }


def sla_sweep(Session: sessionmaker[Session], *, now: datetime, cuti_bersama_working: bool = False) -> SweepResult:
    """One round over the open complaints. Each escalation is its own short transaction.
    Follow-up deadlines are counted on the civil-service calendar with the closed days of /admin."""
    result = SweepResult()
    c = Complaint
    with Session() as s:
        targets = category_targets(s)
        calendar = work_calendar(s, cuti_bersama_working=cuti_bersama_working)
        rows = s.execute(
            select(
                c.id, c.category_code, c.status, c.reported_at, c.first_response_due_at, c.resolution_due_at,
                c.forwarded_at, c.escalation_level, c.version, c.due_state,
            ).where(c.status.in_(_OPEN))
        ).all()  # fmt: skip
    new_states: dict[str, list[int]] = defaultdict(list)
    wanted = []
    default = SlaTargets()
    for r in rows:
        clock = ItemClock(
            r.status, r.reported_at, r.first_response_due_at, r.resolution_due_at, r.forwarded_at, r.escalation_level
        )
        verdict = evaluate(clock, targets.get(r.category_code, default), now, calendar)
        if verdict.due_state and verdict.due_state != r.due_state:
            new_states[verdict.due_state].append(r.id)
        if verdict.escalates(r.escalation_level):
            wanted.append((r.id, r.version, verdict))
    result.checked = len(rows)
    if new_states:
        with Session.begin() as s:
            for state, ids in new_states.items():
                for i in range(0, len(ids), _CHUNK):
                    chunk = ids[i : i + _CHUNK]
                    result.due_states_changed += s.execute(
                        update(c)
                        .where(c.id.in_(chunk), c.status.in_(_OPEN), c.due_state != state)
                        .values(due_state=state)
                        .execution_options(synchronize_session=False)
                    ).rowcount
    watchdog = Actor.watchdog()
    for item_id, version, verdict in wanted:
        request = ActionRequest(
            "escalate", "complaint", item_id, expected_version=version, note=verdict.reason, level=verdict.level
        )
        try:
            with Session.begin() as s:
                (outcome,) = perform(s, watchdog, request, now=now)
        except ActionRefused:  # changed, closed or raised meanwhile: judged again next round
            result.skipped += 1
        else:
            result.escalations.append(outcome)
    return result
