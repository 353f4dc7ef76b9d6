"""Ingest end to end against a real Redis and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
import redis
from sqlalchemy import select

from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, ResponderPost, StatusChange, Vehicle, VehiclePosition
from tests.integration.helpers import (
    bus_fix,
    complaint,
    counts,
    emergency,
    pending,
    run_until_idle,
    worker_settings,
    xadd_all,
)


def _session(url):
    return make_session_factory(make_engine(url))()


@pytest.fixture(params=["child", "in-process"])
def reader_process(request):
    """Each test runs with the worker's reader child process (the default) and without it."""
    return request.param == "child"


def test_n_entries_become_n_rows_exactly_once(redis_server, migrated_url, stream_prefix, reader_process):
    r = redis.Redis.from_url(redis_server.url)
    entries = (
        [("complaints", complaint(i)) for i in range(120)]
        + [("emergencies", emergency(i)) for i in range(15)]
        + [("bus_gps", bus_fix(i, vehicle=f"TB-{i % 7:02d}")) for i in range(700)]
    )
    xadd_all(r, stream_prefix, entries)
    settings = worker_settings(redis_server.url, migrated_url, stream_prefix, reader_process=reader_process)
    worker = run_until_idle(settings)
    if reader_process:  # the batches really went through the child
        assert worker.reader_process.batches >= 1
    else:
        assert worker.reader_process is None

    c = counts(migrated_url)
    assert c["complaints"] == 120
    assert c["emergencies"] == 15
    assert c["positions"] == 700
    assert c["vehicles"] == 7
    assert c["status_changes"] == 135  # one "baru" row per new complaint and emergency
    for stream in ("complaints", "emergencies", "bus_gps"):
        assert pending(r, f"{stream_prefix}{stream}") == 0

    # The producers send everything again (a retry storm): nothing is applied twice.
    xadd_all(r, stream_prefix, entries)
    run_until_idle(settings)
    assert counts(migrated_url) == c
    stats = {k.decode(): v.decode() for k, v in r.hgetall(f"{stream_prefix}ingest:stats").items()}
    assert stats["complaints:processed"] == "240"
    assert stats["complaints:duplicates"] == "120"
    assert stats["emergencies:duplicates"] == "15"


def test_rows_are_enriched(redis_server, migrated_url, stream_prefix, reader_process):
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r,
        stream_prefix,
        [
            ("complaints", complaint(1)),  # GPS in kelurahan Binjai (Binjai Kota)
            ("complaints", complaint(2, lat=None, lon=None, kelurahan_code="12.75.05.1003", source="call-center")),
            ("emergencies", emergency(1, kind="kebakaran")),
            ("bus_gps", bus_fix(1, lat="3.62", lon="98.60")),  # east of the city, towards Medan
        ],
    )
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix, reader_process=reader_process))
    with _session(migrated_url) as s:
        c1 = s.scalar(select(Complaint).where(Complaint.event_id == "c-1"))
        assert (c1.kelurahan_code, c1.kecamatan_code, c1.outside_city) == ("12.75.02.1006", "12.75.02", False)
        assert c1.suggested_agency_code == "DPUPR" and c1.status == "baru"
        assert (c1.first_response_due_at - c1.reported_at).total_seconds() == 600
        assert c1.resolution_due_at > c1.reported_at
        assert c1.reporter_nik == "1275010101900001"  # kept for operators (never sent to walls)
        c2 = s.scalar(select(Complaint).where(Complaint.event_id == "c-2"))
        assert c2.location_source == "kelurahan" and c2.kecamatan_code == "12.75.05"
        e1 = s.scalar(select(Emergency).where(Emergency.event_id == "e-1"))
        post = s.get(ResponderPost, e1.nearest_post_id)
        assert post.kind == "damkar" and e1.nearest_post_distance_m > 0
        bus = s.get(Vehicle, "TB-01")
        assert bus.outside_city is True
        first = s.scalars(select(StatusChange).where(StatusChange.item_kind == "complaint")).first()
        assert first.from_status is None and first.to_status == "baru" and first.actor == "sistem:ingest"


def test_malformed_entries_go_to_dead_letter_and_the_rest_is_stored(redis_server, migrated_url, stream_prefix, reader_process):
    r = redis.Redis.from_url(redis_server.url)
    good = [("complaints", complaint(i)) for i in range(5)] + [("bus_gps", bus_fix(i)) for i in range(5)]
    bad = [
        ("complaints", complaint(100, reported_at="2026-11-22T09:00:00")),  # no offset
        ("complaints", complaint(101, reporter_nik="3275010101900001")),  # not a Binjai resident
        ("complaints", complaint(102, category="tidak-ada")),
        ("emergencies", emergency(100, lat="tiga")),
        ("bus_gps", bus_fix(100, speed_kmh="-5")),
        ("bus_gps", {"garbage": "1"}),
    ]
    xadd_all(r, stream_prefix, bad[:3] + good[:5] + bad[3:] + good[5:])
    r.xadd(f"{stream_prefix}complaints", {b"event_id": b"c-bin", b"title": b"\xff\xfe"})  # not UTF-8
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix, reader_process=reader_process))

    c = counts(migrated_url)
    assert (c["complaints"], c["positions"], c["emergencies"]) == (5, 5, 0)
    dead = r.xrange(f"{stream_prefix}deadletter")
    assert len(dead) == 7
    reasons = [{k.decode(): v.decode() for k, v in f.items()} for _, f in dead]
    by_event = {json.loads(d["fields"]).get("event_id"): d for d in reasons}
    assert "offset" in by_event["c-100"]["reason"]
    assert "1275" in by_event["c-101"]["reason"]
    assert "category" in by_event["c-102"]["reason"]
    assert "lat" in by_event["e-100"]["reason"]
    assert sum("speed_kmh" in d["reason"] for d in reasons) == 1
    assert sum("vehicle_id: required field is missing" in d["reason"] for d in reasons) == 1
    assert any("UTF-8" in d["reason"] for d in reasons)
    for d in reasons:  # the original key, entry id and fields are kept: nothing is lost
        assert d["stream"].startswith(stream_prefix) and d["entry_id"] and d["fields"]
    for stream in ("complaints", "emergencies", "bus_gps"):
        assert pending(r, f"{stream_prefix}{stream}") == 0


def test_late_gps_fix_is_kept_but_never_moves_the_bus_backwards(redis_server, migrated_url, stream_prefix, reader_process):
    r = redis.Redis.from_url(redis_server.url)
    settings = worker_settings(redis_server.url, migrated_url, stream_prefix, reader_process=reader_process)
    xadd_all(r, stream_prefix, [("bus_gps", bus_fix(10, lat="3.61"))])
    run_until_idle(settings)
    xadd_all(
        r,
        stream_prefix,
        [("bus_gps", bus_fix(3, lat="3.55")), ("bus_gps", bus_fix(12, lat="3.62")), ("bus_gps", bus_fix(11, lat="3.615"))],
    )
    run_until_idle(settings)
    with _session(migrated_url) as s:
        bus = s.get(Vehicle, "TB-01")
        assert bus.last_lat == 3.62  # the newest fix wins, whatever the arrival order
        assert s.query(VehiclePosition).count() == 4  # the late fix is history, not lost
    xadd_all(r, stream_prefix, [("bus_gps", bus_fix(1, lat="3.50"))])
    run_until_idle(settings)
    with _session(migrated_url) as s:
        assert s.get(Vehicle, "TB-01").last_lat == 3.62


def test_entry_deleted_before_processing_is_recorded(redis_server, migrated_url, stream_prefix, reader_process):
    """A producer trims its stream while an entry is pending: the loss is recorded, not silent."""
    r = redis.Redis.from_url(redis_server.url)
    key = f"{stream_prefix}complaints"
    r.xgroup_create(key, "bcc-ingest", id="0", mkstream=True)
    eid = r.xadd(key, complaint(1))
    r.xreadgroup("bcc-ingest", "dead-consumer", {key: ">"})  # read, then the consumer dies
    r.xdel(key, eid)
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix, claim_idle_ms=0, reader_process=reader_process))
    dead = r.xrange(f"{stream_prefix}deadletter")
    assert len(dead) == 1 and b"deleted" in dead[0][1][b"reason"]
    assert pending(r, key) == 0
