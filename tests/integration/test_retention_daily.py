"""The worker's daily retention: not before RETENTION_HOUR, once a day however many workers check."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import func, select

from data_access.db import make_engine, make_session_factory
from data_access.models import RetentionRun
from ingest.retention_daily import DailyRetention
from settings import Settings


def _workers(url, redis_url, prefix, n):
    Session = make_session_factory(make_engine(url))
    return Session, [
        DailyRetention(
            Session=Session,
            client=redis.Redis.from_url(redis_url),
            settings=Settings(
                database_url=url, redis_url=redis_url, stream_prefix=prefix, consumer_name=f"w{i}", retention_hour=2
            ),
            clock=lambda: datetime.now(UTC),
            stop=threading.Event(),
        )
        for i in range(n)
    ]


def test_one_worker_runs_retention_once_a_day_from_the_configured_hour(migrated_url, redis_server, stream_prefix):
    Session, workers = _workers(migrated_url, redis_server.url, stream_prefix, 3)
    early = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)  # 01:30 WIB on the 4th: before 02:00
    assert [w.tick(early) for w in workers] == [None, None, None]
    at_two = early + timedelta(minutes=35)  # 02:05 WIB
    results = [w.tick(at_two) for w in workers]
    assert sum(r is not None for r in results) == 1
    assert [w.tick(at_two + timedelta(hours=5)) for w in workers] == [None, None, None]  # same day: done
    next_day = at_two + timedelta(days=1)
    assert sum(w.tick(next_day) is not None for w in workers) == 1
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(RetentionRun)) == 2
