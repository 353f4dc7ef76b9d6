"""Duplicate candidates (bounding box in SQL, exact distance in domain) and repeat false alarms."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis

from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.duplicates import duplicate_candidates
from data_access.models import Complaint, Emergency
from data_access.queue import repeat_false_alarms
from tests.integration.helpers import T0, complaint, emergency, move, run_until_idle, worker_settings, xadd_all


def _at(days: float) -> str:
    return (T0 + timedelta(days=days)).isoformat()


@pytest.fixture
def db(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r,
        stream_prefix,
        [
            ("complaints", complaint(1, title="lama", reported_at=_at(-8))),  # older than 7 days
            ("complaints", complaint(2, title="dekat", reported_at=_at(-2), lat="3.607743")),  # ~111 m north
            ("complaints", complaint(3, title="jauh", reported_at=_at(-1), lat="3.609743")),  # ~334 m
            ("complaints", complaint(4, title="lain", reported_at=_at(-1), category="sampah")),
            ("complaints", complaint(5, title="ditolak", reported_at=_at(-1))),
            ("complaints", complaint(6, title="baru ini", reported_at=_at(0))),
            ("complaints", complaint(7, title="sesudahnya", reported_at=_at(0.5))),
            ("emergencies", emergency(1, reporter_nik="3275010101900009", reporter_phone="0811")),
            ("emergencies", emergency(2, reporter_nik="3275010101900008", reporter_phone="0811")),  # same phone
            ("emergencies", emergency(3, reporter_nik="3275010101900009", reporter_phone=None)),  # same NIK
            ("emergencies", emergency(4, reporter_nik="3275010101900001", reporter_phone="0899")),
        ],
    )
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        by_title = {c.title: c.id for c in s.query(Complaint)}
        move(s, item_kind="complaint", item_id=by_title["ditolak"], to_status="ditolak", actor="t", now=now_utc())
        em = {e.event_id: e.id for e in s.query(Emergency)}
        for key in ("e-1", "e-2"):
            move(s, item_kind="emergency", item_id=em[key], to_status="palsu", actor="t", now=now_utc())
    return Session, by_title, em


def test_candidates_are_earlier_same_category_within_200_m_and_7_days(db):
    Session, ids, _em = db
    with Session() as s:
        found = duplicate_candidates(s, complaint_id=ids["baru ini"])
    assert [c.title for c in found] == ["dekat"]
    assert 100 < found[0].distance_m < 120


def test_repeat_numbers_count_earlier_false_alarms_by_nik_or_phone(db):
    Session, _ids, em = db
    with Session() as s:
        counts = repeat_false_alarms(s, emergency_ids=[em["e-3"], em["e-4"], em["e-2"]])
    assert counts == {em["e-3"]: 1, em["e-4"]: 0, em["e-2"]: 1}  # e-3: NIK of e-1; e-2: phone of e-1
