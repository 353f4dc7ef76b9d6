"""`simulate --history`: past weeks written once, realistic enough for /laporan's trends, and the
live ingest goes on storing after it (ids after the history's, also on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import func, select

from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, StatusChange
from data_access.reports import ReportFilter, city_figures, daily_volume
from data_access.watchdog import sla_sweep
from domain.report_period import Period
from domain.sla import WIB
from simulator.history import ACTOR, COMPLAINTS_PER_DAY, PRESSES_PER_DAY, fill_history
from tests.integration.helpers import complaint, run_until_idle, worker_settings, xadd_all

NOW = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)  # 14:30 WIB


def test_history_fills_past_weeks_once_and_the_report_sees_them(migrated_url, redis_server, stream_prefix):
    Session = make_session_factory(make_engine(migrated_url))
    done = fill_history(Session, days=28, now=NOW)
    assert (done.complaints, done.emergencies) == (28 * COMPLAINTS_PER_DAY, 28 * PRESSES_PER_DAY)
    assert done.status_changes > 3 * done.complaints  # lifecycles, not bare rows
    assert fill_history(Session, days=28, now=NOW).skipped  # `make run` again: nothing added
    today = NOW.astimezone(WIB).date()
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(Complaint)) == done.complaints
        first, last = s.execute(select(func.min(Complaint.reported_at), func.max(Complaint.reported_at))).one()
        assert first.astimezone(WIB).date() == today - timedelta(days=28)
        assert last.astimezone(WIB).date() == today - timedelta(days=1)  # today is the live feed's
        statuses = dict(s.execute(select(Complaint.status, func.count()).group_by(Complaint.status)).all())
        assert {"selesai", "ditutup", "ditolak"} <= set(statuses) and statuses.get("ditutup", 0) > 100
        actors = set(s.scalars(select(StatusChange.actor).distinct()))
        assert actors == {"sistem:ingest", ACTOR}
        assert all(c.resolution_due_at > c.reported_at for c in s.scalars(select(Complaint).limit(50)))
        week = ReportFilter(Period(today - timedelta(days=7), today - timedelta(days=1)))
        volume = daily_volume(s, flt=week)
        assert len(volume) == 7 and all(sum(groups.values()) > COMPLAINTS_PER_DAY / 2 for groups in volume.values())
        this, previous = city_figures(s, flt=week, now=NOW), city_figures(s, flt=week.for_period(week.period.previous()), now=NOW)
        assert this.received > 0 and previous.received > 0  # the KPIs have a previous period to compare with
        assert s.scalar(select(func.count()).select_from(Emergency)) == done.emergencies
    # the watchdog's first round finds the history as it would have left it: no storm of escalations
    sweep = sla_sweep(Session, now=NOW)
    assert sweep.checked > 0 and sweep.escalations == [] and sweep.due_states_changed == 0
    # the live feed goes on: new complaints get new ids after the history's
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(i)) for i in range(3)])
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(Complaint)) == done.complaints + 3
