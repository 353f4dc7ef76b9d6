"""Closed days set on /admin (data_access.closed_days) on SQLite and PostgreSQL: audited, refused
when wrong, and used where deadlines are computed — the ingest worker's resolution deadline and the
watchdog's follow-up deadline."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import pytest
import redis

from dashboard.auth import now_utc
from data_access.actions import Actor
from data_access.admin import AdminInputError
from data_access.closed_days import add_closed_day, list_closed_days, remove_closed_day, work_calendar
from data_access.db import make_engine, make_session_factory
from data_access.models import AdminChange, Complaint
from data_access.streams import StreamKeys
from domain.sla import WIB, WorkCalendar, working_days_deadline
from ingest.watchdog import SlaWatchdog
from tests.integration.helpers import T0, complaint, move, run_until_idle, worker_settings, xadd_all

ADMIN = Actor("admin:root", "admin")
FLOOD = date(2026, 11, 25)  # a Wednesday, three days after T0 (Sunday 22 November 2026)


@pytest.fixture
def Session(migrated_url):
    return make_session_factory(make_engine(migrated_url))


def _keys(exc) -> list[str]:
    return [p.key for p in exc.value.problems]


def test_closing_and_reopening_a_day_is_audited(Session):
    with Session.begin() as s:
        add_closed_day(s, actor=ADMIN, now=now_utc(), day="2026-11-25", reason="Banjir besar di Binjai Timur")
    with Session.begin() as s:
        assert [(r.day, r.reason, r.created_by) for r in list_closed_days(s)] == [
            (FLOOD, "Banjir besar di Binjai Timur", ADMIN.name)
        ]
        assert work_calendar(s) == WorkCalendar(closed_days=frozenset({FLOOD}))
        assert work_calendar(s, cuti_bersama_working=True) == WorkCalendar(False, frozenset({FLOOD}))
        remove_closed_day(s, actor=ADMIN, now=now_utc(), day=FLOOD)
    with Session() as s:
        assert list_closed_days(s) == []
        audit = [(a.entity, a.entity_key, a.action, a.actor) for a in s.query(AdminChange).order_by(AdminChange.id)]
    assert audit == [("closed_day", "2026-11-25", "create", ADMIN.name), ("closed_day", "2026-11-25", "delete", ADMIN.name)]


@pytest.mark.parametrize(
    ("day", "reason", "problem"),
    [
        ("31-02-2026", "Banjir", "adm_err_closed_day_date"),
        ("besok", "Banjir", "adm_err_closed_day_date"),
        ("", "Banjir", "adm_err_closed_day_date"),
        ("2026-11-25", "  ", "adm_err_name_required"),
        ("2026-11-25", "x" * 201, "adm_err_too_long"),
    ],
)
def test_wrong_input_is_refused_with_a_reason_and_nothing_is_stored(Session, day, reason, problem):
    with pytest.raises(AdminInputError) as exc, Session.begin() as s:
        add_closed_day(s, actor=ADMIN, now=now_utc(), day=day, reason=reason)
    assert problem in _keys(exc)
    with Session() as s:
        assert list_closed_days(s) == [] and s.query(AdminChange).count() == 0


def test_a_day_is_closed_once_and_only_a_closed_day_can_be_reopened(Session):
    with Session.begin() as s:
        add_closed_day(s, actor=ADMIN, now=now_utc(), day="25-11-2026", reason="Banjir")  # as written in Indonesia
    with pytest.raises(AdminInputError) as exc, Session.begin() as s:
        add_closed_day(s, actor=ADMIN, now=now_utc(), day=FLOOD, reason="Banjir lagi")
    assert _keys(exc) == ["adm_err_closed_day_taken"]
    with pytest.raises(AdminInputError) as exc, Session.begin() as s:
        remove_closed_day(s, actor=ADMIN, now=now_utc(), day="2026-11-26")
    assert _keys(exc) == ["adm_err_no_such_closed_day"]


def test_the_worker_and_the_watchdog_count_deadlines_around_a_closed_day(redis_server, migrated_url, stream_prefix, Session):
    with Session.begin() as s:
        add_closed_day(s, actor=ADMIN, now=now_utc(), day=FLOOD, reason="Banjir")
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(1, title="a"))])
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    flood = WorkCalendar(closed_days=frozenset({FLOOD}))
    with Session.begin() as s:
        c = s.query(Complaint).one()
        # jalan-rusak: resolution in 14 working days, counted without the flooded Wednesday
        assert c.resolution_due_at == working_days_deadline(c.reported_at, 14, calendar=flood)
        assert c.resolution_due_at > working_days_deadline(c.reported_at, 14)
        move(s, item_kind="complaint", item_id=c.id, to_status="dibaca", actor="operator:a", now=T0 + timedelta(minutes=1))
        move(
            s, item_kind="complaint", item_id=c.id, to_status="diteruskan", actor="operator:a", now=T0 + timedelta(minutes=2),
            agency_code="DPUPR",
        )  # fmt: skip
    dog = SlaWatchdog(
        Session=Session, client=r, keys=StreamKeys(stream_prefix), clock=lambda: T0, every_s=0, stop=threading.Event()
    )
    # follow-up in 5 working days from Sunday 22 Nov: Friday 27 Nov, or Monday 30 Nov with the flood
    saturday = datetime.combine(date(2026, 11, 28), time(10, 0), tzinfo=WIB)
    assert dog.tick(saturday).escalations == []
    tuesday = datetime.combine(date(2026, 12, 1), time(10, 0), tzinfo=WIB)
    assert [e.item_id for e in dog.tick(tuesday).escalations] == [c.id]
