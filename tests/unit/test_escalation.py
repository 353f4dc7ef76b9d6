"""domain.escalation: the watchdog's policy, example by example and as properties (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.escalation import (
    AGENCY_HEAD,
    MAX_LEVEL,
    MAYOR_OFFICE,
    SUPERVISOR,
    ItemClock,
    SlaTargets,
    evaluate,
    followup_due,
)
from domain.lifecycle import ComplaintStatus
from domain.sla import working_days_deadline

WIB_9 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
TARGETS = SlaTargets(first_response_minutes=10, forward_minutes=60, followup_working_days=5)
ORDER = {"tepat": 0, "segera": 1, "terlambat": 2}


def item(status="baru", *, days=5, level=0, forwarded=None, reported=WIB_9):
    return ItemClock(
        status=status,
        reported_at=reported,
        first_response_due_at=reported + timedelta(minutes=10),
        resolution_due_at=working_days_deadline(reported, days),
        forwarded_at=forwarded,
        escalation_level=level,
    )


def test_unread_after_the_first_response_target_goes_to_the_supervisor():
    before = evaluate(item(), TARGETS, WIB_9 + timedelta(minutes=9))
    assert (before.level, before.due_state) == (0, "segera")  # 1 minute left, window 5 minutes
    after = evaluate(item(), TARGETS, WIB_9 + timedelta(minutes=11))
    assert (after.level, after.due_state) == (SUPERVISOR, "terlambat") and "belum dibaca" in after.reason


def test_read_but_not_forwarded_goes_to_the_supervisor_after_forward_minutes():
    assert evaluate(item("dibaca"), TARGETS, WIB_9 + timedelta(minutes=59)).level == 0
    v = evaluate(item("dibaca"), TARGETS, WIB_9 + timedelta(minutes=61))
    assert v.level == SUPERVISOR and "belum diteruskan" in v.reason


def test_no_agency_progress_by_the_follow_up_target_goes_to_the_agency_head():
    forwarded = WIB_9 + timedelta(hours=1)
    it = item("diteruskan", days=14, forwarded=forwarded)
    due = followup_due(it, TARGETS)
    assert due.astimezone(UTC) == datetime(2026, 11, 30, 16, 59, 59, 999999, tzinfo=UTC)  # Monday 23:59:59 WIB
    assert evaluate(it, TARGETS, due).level == 0
    v = evaluate(it, TARGETS, due + timedelta(seconds=1))
    assert v.level == AGENCY_HEAD and "menindaklanjuti" in v.reason
    # the agency started: follow-up is met, only resolution counts now
    assert evaluate(item("dikerjakan", days=14, forwarded=forwarded), TARGETS, due + timedelta(seconds=1)).level == 0


def test_overdue_twice_over_goes_to_the_mayors_office():
    it = item("dikerjakan", days=2)  # due Wednesday 23:59:59 WIB
    given_time = it.resolution_due_at - it.reported_at
    assert evaluate(it, TARGETS, it.resolution_due_at + timedelta(seconds=1)).level == AGENCY_HEAD
    assert evaluate(it, TARGETS, it.reported_at + 2 * given_time - timedelta(seconds=1)).level == AGENCY_HEAD
    v = evaluate(it, TARGETS, it.reported_at + 2 * given_time)
    assert v.level == MAYOR_OFFICE and "dua kali" in v.reason


def test_a_level_already_reached_is_not_asked_again():
    v = evaluate(item(level=SUPERVISOR), TARGETS, WIB_9 + timedelta(hours=1))
    assert v.level == SUPERVISOR and v.reason is None and not v.escalates(SUPERVISOR)


def test_the_stage_deadline_gives_the_due_state():
    it = item("diteruskan", days=5, forwarded=WIB_9)
    assert evaluate(it, TARGETS, WIB_9 + timedelta(hours=1)).due_state == "tepat"
    assert evaluate(it, TARGETS, it.resolution_due_at - timedelta(hours=2)).due_state == "segera"


# --- properties -------------------------------------------------------------------------------

times = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC))


@st.composite
def items(draw, statuses=tuple(s.value for s in ComplaintStatus)):
    reported = draw(times)
    status = draw(st.sampled_from(statuses))
    forwarded = reported + timedelta(minutes=draw(st.integers(0, 60 * 24 * 20))) if status != "baru" else None
    return ItemClock(
        status=status,
        reported_at=reported,
        first_response_due_at=reported + timedelta(minutes=draw(st.integers(1, 120))),
        resolution_due_at=working_days_deadline(reported, draw(st.sampled_from([2, 5, 14, 60]))),
        forwarded_at=forwarded,
        escalation_level=draw(st.integers(0, MAX_LEVEL)),
    )


targets = st.builds(
    SlaTargets,
    first_response_minutes=st.integers(1, 120),
    forward_minutes=st.integers(1, 60 * 24 * 3),
    followup_working_days=st.integers(1, 30),
)
later = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=200))


@given(items(), targets, later)
def test_the_level_never_decreases_and_never_passes_the_top(it, tg, after):
    v = evaluate(it, tg, it.reported_at + after)
    assert it.escalation_level <= v.level <= MAX_LEVEL
    assert (v.reason is not None) == v.escalates(it.escalation_level)


@given(items(statuses=("selesai", "ditutup", "ditolak")), targets, later)
def test_closed_items_are_never_escalated_nor_given_a_due_state(it, tg, after):
    v = evaluate(it, tg, it.reported_at + after)
    assert v == v.__class__(None, None, it.escalation_level, None)


@given(items(statuses=("baru", "dibaca", "diteruskan", "dikerjakan")), targets, later, later)
def test_waiting_longer_never_lowers_the_level_or_the_due_state(it, tg, a, b):
    t1, t2 = sorted((it.reported_at + a, it.reported_at + b))
    v1, v2 = evaluate(it, tg, t1), evaluate(it, tg, t2)
    assert v1.level <= v2.level
    assert ORDER[v1.due_state] <= ORDER[v2.due_state]


@given(items(statuses=("baru", "dibaca", "diteruskan", "dikerjakan")), targets, later)
def test_escalating_as_asked_settles_the_item(it, tg, after):
    """After the watchdog applied a verdict, asking again at the same moment changes nothing."""
    now = it.reported_at + after
    v = evaluate(it, tg, now)
    settled = evaluate(ItemClock(**{**it.__dict__, "escalation_level": v.level}), tg, now)
    assert settled.level == v.level and not settled.escalates(v.level)


@given(items(statuses=("baru", "dibaca", "diteruskan", "dikerjakan")), targets, later)
def test_overdue_twice_over_always_reaches_the_mayors_office(it, tg, after):
    now = it.resolution_due_at + (it.resolution_due_at - it.reported_at) + after
    assert evaluate(it, tg, now).level == MAYOR_OFFICE


@given(items(statuses=("baru",)), targets)
def test_an_unread_item_is_not_escalated_before_its_first_response_target(it, tg):
    fresh = ItemClock(**{**it.__dict__, "escalation_level": 0})
    assert evaluate(fresh, tg, fresh.first_response_due_at).level == 0
