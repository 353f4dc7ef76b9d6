"""An event_id used again with different content is dead-lettered, not dropped; an exact repeat is a
counted duplicate. Through the worker, on both databases, with and without its reader process."""

from __future__ import annotations

import json

import pytest
import redis
from sqlalchemy import select

from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, Vehicle, VehiclePosition
from domain.event_content import CONFLICT_REASON
from tests.integration.helpers import bus_fix, complaint, counts, emergency, run_until_idle, worker_settings, xadd_all


@pytest.fixture(params=[False, True], ids=["in-process", "reader-process"])
def settings(request, redis_server, migrated_url, stream_prefix):
    return worker_settings(redis_server.url, migrated_url, stream_prefix, reader_process=request.param)


def _dead_letters(r, prefix):
    return [{k.decode(): v.decode() for k, v in fields.items()} for _, fields in r.xrange(f"{prefix}deadletter")]


def _stats(r, prefix):
    return {k.decode(): v.decode() for k, v in r.hgetall(f"{prefix}ingest:stats").items()}


def test_stored_event_id_with_other_content_is_dead_lettered(settings):
    r = redis.Redis.from_url(settings.redis_url)
    p = settings.stream_prefix
    xadd_all(r, p, [("complaints", complaint(1)), ("emergencies", emergency(1)), ("bus_gps", bus_fix(1, event_id="g-1"))])
    run_until_idle(settings)
    xadd_all(
        r,
        p,
        [
            ("complaints", complaint(1)),  # the producer's retry: same content
            ("complaints", complaint(1, title="Judul lain")),  # same id, other content
            ("emergencies", emergency(1, lat="3.630000")),
            ("bus_gps", bus_fix(1, event_id="g-1")),
            ("bus_gps", bus_fix(2, event_id="g-1")),  # another fix under the same id
        ],
    )
    run_until_idle(settings)

    dead = _dead_letters(r, p)
    assert sorted((d["stream"].removeprefix(p), d["reason"]) for d in dead) == [
        ("bus_gps", CONFLICT_REASON),
        ("complaints", CONFLICT_REASON),
        ("emergencies", CONFLICT_REASON),
    ]
    assert json.loads(next(d for d in dead if d["stream"].endswith("complaints"))["fields"])["title"] == "Judul lain"
    stats = _stats(r, p)
    assert stats["complaints:duplicates"] == "1" and stats["bus_gps:duplicates"] == "1"
    assert "emergencies:duplicates" not in stats
    assert (stats["complaints:conflicts"], stats["emergencies:conflicts"], stats["bus_gps:conflicts"]) == ("1", "1", "1")
    assert stats["complaints:deadlettered"] == "1"
    Session = make_session_factory(make_engine(settings.database_url))
    with Session() as s:
        assert s.scalars(select(Complaint.title)).all() == ["Jalan berlubang 1"]  # the first one stays
        assert s.scalars(select(Emergency.lat)).all() == [pytest.approx(3.620284)]
        assert s.scalars(select(VehiclePosition.lat)).all() == [pytest.approx(3.60001)]
    c = counts(settings.database_url)
    assert (c["complaints"], c["emergencies"], c["positions"], c["status_changes"]) == (1, 1, 1, 2)
    assert all(r.xpending(f"{p}{s}", "bcc-ingest")["pending"] == 0 for s in ("complaints", "emergencies", "bus_gps"))


def test_repeats_within_one_batch(settings):
    r = redis.Redis.from_url(settings.redis_url)
    p = settings.stream_prefix
    xadd_all(
        r,
        p,
        [
            ("complaints", complaint(2)),
            ("complaints", complaint(2, description="isi lain")),  # conflict in the same batch
            ("complaints", complaint(3)),
            ("complaints", complaint(3)),  # exact repeat in the same batch
            ("bus_gps", bus_fix(5, vehicle="TB-03", event_id="g-5")),
            ("bus_gps", bus_fix(9, vehicle="TB-03", event_id="g-5")),  # newer, but its id is taken
        ],
    )
    run_until_idle(settings)

    dead = _dead_letters(r, p)
    assert sorted((d["stream"].removeprefix(p), d["reason"]) for d in dead) == [
        ("bus_gps", CONFLICT_REASON),
        ("complaints", CONFLICT_REASON),
    ]
    assert json.loads(next(d for d in dead if d["stream"].endswith("complaints"))["fields"])["description"] == "isi lain"
    stats = _stats(r, p)
    assert stats["complaints:duplicates"] == "1" and stats["complaints:conflicts"] == "1"
    assert stats["complaints:processed"] == "3"  # the two stored and the repeat; the conflict was dead-lettered
    Session = make_session_factory(make_engine(settings.database_url))
    with Session() as s:
        assert sorted(s.scalars(select(Complaint.event_id))) == ["c-2", "c-3"]
        assert s.scalar(select(Complaint.description).where(Complaint.event_id == "c-2")) is None
        bus = s.get(Vehicle, "TB-03")
        assert bus.last_lat == pytest.approx(3.60005)  # the refused fix did not move the bus
    c = counts(settings.database_url)
    assert (c["complaints"], c["positions"], c["status_changes"]) == (2, 1, 2)
