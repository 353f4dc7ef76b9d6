"""`simulate --history DAYS`: past weeks of complaints and panic presses, so /laporan shows trends
from the first run.

Written directly as history (not replayed through the streams or the action gate): the rows and
their status changes come from devtools/report_history.py — realistic lifecycles (read, forwarded,
in progress, done, closed; some rejected), agencies that differ in speed — with the demo's titles,
resolution deadlines on the civil-service calendar, the due state and escalation level the SLA
watchdog would have reached by now (so its first round does not escalate hundreds of old items at
once; those past escalations have no status-change rows), and the actor `demo:riwayat`. It ends where
today (WIB) begins, so today's figures are the live feed's. Filled once: a database that already
holds the demo history is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from data_access.closed_days import work_calendar
from data_access.models import Complaint, Emergency
from data_access.watchdog import category_targets
from devtools.report_history import (
    COMPLAINT_FIELDS,
    STATUS_CHANGE_FIELDS,
    emergencies,
    history,
    insert_history,
    reference_for_history,
)
from domain.escalation import ItemClock, SlaTargets, evaluate
from domain.sla import WIB, working_days_deadline
from simulator.feed import TITLES

PREFIX = "riwayat"  # event ids of the demo history: riwayat-<id>, riwayat-e-<id>
ACTOR = "demo:riwayat"
COMPLAINTS_PER_DAY = 60  # about what a city of 300,000 sends through e-Sambat, LAPOR! and the call center
PRESSES_PER_DAY = 6
_TITLE = COMPLAINT_FIELDS.index("title")
_CATEGORY = COMPLAINT_FIELDS.index("category_code")
_REPORTED = COMPLAINT_FIELDS.index("reported_at")
_RESOLUTION_DUE = COMPLAINT_FIELDS.index("resolution_due_at")
_ACTOR = STATUS_CHANGE_FIELDS.index("actor")
_STATUS = COMPLAINT_FIELDS.index("status")
_FIRST_DUE = COMPLAINT_FIELDS.index("first_response_due_at")
_FORWARDED = COMPLAINT_FIELDS.index("forwarded_at")
_LEVEL = COMPLAINT_FIELDS.index("escalation_level")
_DUE_STATE = COMPLAINT_FIELDS.index("due_state")


@dataclass(frozen=True)
class HistoryResult:
    complaints: int
    status_changes: int
    emergencies: int
    skipped: bool = False  # the history was there already


def fill_history(Session: sessionmaker[Session], *, days: int, now: datetime, seed: int = 1) -> HistoryResult:
    if days <= 0:
        return HistoryResult(0, 0, 0)
    with Session() as s:
        if s.scalar(select(Complaint.id).where(Complaint.event_id.like(f"{PREFIX}-%")).limit(1)) is not None:
            return HistoryResult(0, 0, 0, skipped=True)
        categories, areas = reference_for_history(s)
        resolution_days = {c.code: c.resolution_working_days for c in categories}
        calendar = work_calendar(s)
        targets = category_targets(s)
        first_complaint = (s.scalar(select(func.max(Complaint.id))) or 0) + 1
        first_press = (s.scalar(select(func.max(Emergency.id))) or 0) + 1
    end = datetime.combine(now.astimezone(WIB).date(), time(), tzinfo=WIB)  # today is the live feed's
    start = end - timedelta(days=days)
    rng = random.Random(seed)
    complaints, changes = [], []
    for row, row_changes in history(
        count=days * COMPLAINTS_PER_DAY,
        start=start,
        end=end,
        now=now,
        categories=categories,
        areas=areas,
        seed=seed,
        first_id=first_complaint,
        event_prefix=PREFIX,
    ):
        row = list(row)
        row[_TITLE] = rng.choice(TITLES.get(row[_CATEGORY], TITLES["lainnya"]))
        row[_RESOLUTION_DUE] = working_days_deadline(row[_REPORTED], resolution_days[row[_CATEGORY]], calendar=calendar)
        clock = ItemClock(row[_STATUS], row[_REPORTED], row[_FIRST_DUE], row[_RESOLUTION_DUE], row[_FORWARDED])
        verdict = evaluate(clock, targets.get(row[_CATEGORY], SlaTargets()), now, calendar)
        row[_LEVEL] = verdict.level
        row[_DUE_STATE] = verdict.due_state or row[_DUE_STATE]
        complaints.append(tuple(row))
        changes += [c if c[_ACTOR] != "bench" else (*c[:_ACTOR], ACTOR, *c[_ACTOR + 1 :]) for c in row_changes]
    presses = list(
        emergencies(
            count=days * PRESSES_PER_DAY,
            start=start,
            end=end,
            now=now,
            areas=areas,
            seed=seed + 1,
            first_id=first_press,
            event_prefix=f"{PREFIX}-e",
        )
    )
    engine = Session.kw["bind"]
    insert_history(engine, complaints, changes, presses)
    if engine.dialect.name == "postgresql":  # ids were given: move the sequences past them for the live feed
        with engine.begin() as conn:
            for table in ("complaints", "emergencies"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return HistoryResult(len(complaints), len(changes), len(presses))
