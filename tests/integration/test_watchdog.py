"""The SLA watchdog on SQLite and PostgreSQL with a controlled `now`: due states, escalations by
policy recorded like operator actions, no double escalation with two watchdogs, and the worker
running it on its own thread."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import redis

from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, StatusChange
from data_access.streams import StreamKeys
from ingest.watchdog import SlaWatchdog
from ingest.worker import IngestWorker
from tests.integration.helpers import T0, complaint, move, run_until_idle, wait_for, worker_settings, xadd_all

ACTOR = "sistem:pengawas"


@pytest.fixture
def world(redis_server, migrated_url, stream_prefix):
    """#a unread, #b read (not forwarded), #c forwarded, #d in progress; all jalan-rusak
    (first response 10 min, forward 60 min, follow-up 5 and resolution 14 working days)."""
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(i, title=t)) for i, t in enumerate("abcd")])
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        ids = {c.title: c.id for c in s.query(Complaint)}
        at = T0 + timedelta(minutes=2)
        move(s, item_kind="complaint", item_id=ids["b"], to_status="dibaca", actor="operator:a", now=at)
        move(s, item_kind="complaint", item_id=ids["c"], to_status="diteruskan", actor="operator:a", now=at, agency_code="DPUPR")
        move(s, item_kind="complaint", item_id=ids["d"], to_status="diteruskan", actor="operator:a", now=at, agency_code="DPUPR")
        move(s, item_kind="complaint", item_id=ids["d"], to_status="dikerjakan", actor="agency:d", now=at)
    keys = StreamKeys(stream_prefix)
    dog = SlaWatchdog(Session=Session, client=r, keys=keys, clock=lambda: T0, every_s=0, stop=threading.Event())
    return Session, ids, dog, r, keys


def _levels(Session, ids):
    with Session() as s:
        return {t: (s.get(Complaint, i).escalation_level, s.get(Complaint, i).due_state) for t, i in ids.items()}


def test_due_states_and_escalations_follow_the_policy(world):
    Session, ids, dog, r, keys = world
    dog.tick(T0 + timedelta(minutes=5))
    assert _levels(Session, ids) == {"a": (0, "segera"), "b": (0, "tepat"), "c": (0, "tepat"), "d": (0, "tepat")}

    result = dog.tick(T0 + timedelta(minutes=11))  # a: unread past 10 minutes → supervisor
    assert [e.item_id for e in result.escalations] == [ids["a"]]
    assert _levels(Session, ids)["a"] == (2, "terlambat")
    assert dog.tick(T0 + timedelta(minutes=12)).escalations == []  # asked once, not again

    dog.tick(T0 + timedelta(minutes=61))  # b: read but not forwarded past 60 minutes → supervisor
    assert _levels(Session, ids)["b"] == (2, "terlambat")

    # c: no agency progress 5 working days after forwarding (Sunday 22 Nov → Fri 27 Nov 23:59 WIB) → agency head
    dog.tick(T0 + timedelta(days=5, hours=15, minutes=1))
    levels = _levels(Session, ids)
    assert levels["c"] == (1, "terlambat") and levels["d"][0] == 0

    # overdue twice over (14 working days given) → the mayor's office, for every open item
    with Session() as s:
        due = s.get(Complaint, ids["d"]).resolution_due_at
    dog.tick(T0 + 2 * (due - T0))
    assert {t: lv for t, (lv, _state) in _levels(Session, ids).items()} == {"a": 3, "b": 3, "c": 3, "d": 3}

    with Session() as s:
        trail = [
            (x.item_id, x.action, x.from_status, x.to_status, x.escalation_level)
            for x in s.query(StatusChange).filter_by(actor=ACTOR).order_by(StatusChange.id)
        ]
    assert trail[:3] == [
        (ids["a"], "escalate", "baru", "baru", 2),
        (ids["b"], "escalate", "dibaca", "dibaca", 2),
        (ids["c"], "escalate", "diteruskan", "diteruskan", 1),
    ]
    assert len(trail) == 7
    entries = [{k.decode(): v.decode() for k, v in f.items()} for _id, f in r.xrange(keys.actions)]
    assert [(e["actor"], e["action"]) for e in entries] == [(ACTOR, "escalate")] * 7
    events = [json.loads(f[b"event"]) for _id, f in r.xrange(keys.changes)]
    escalations = [e for e in events if e.get("action") == "escalate"]
    assert len(escalations) == 7 and {e["escalation_level"] for e in escalations} == {1, 2, 3}
    # every round that turned items due soon / overdue told the screens, without item data
    due = [e for e in events if e.get("type") == "due"]
    assert due and all(set(e) == {"type", "at", "changed"} and e["changed"] > 0 for e in due)


def test_closed_items_are_left_alone(world):
    Session, ids, dog, _r, _keys = world
    with Session.begin() as s:
        move(s, item_kind="complaint", item_id=ids["a"], to_status="ditolak", actor="supervisor:s", now=T0, note="spam")
    dog.tick(T0 + timedelta(days=400))
    assert _levels(Session, ids)["a"] == (0, "tepat")


def test_two_watchdogs_at_once_escalate_each_item_once(world):
    Session, ids, dog, r, keys = world
    other = SlaWatchdog(Session=Session, client=r, keys=keys, clock=lambda: T0, every_s=0, stop=threading.Event())
    barrier = threading.Barrier(2)
    results = []

    def run(d):
        barrier.wait()
        results.append(d.tick(T0 + timedelta(minutes=61)))

    threads = [threading.Thread(target=run, args=(d,)) for d in (dog, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(o.item_id for res in results for o in res.escalations) == sorted([ids["a"], ids["b"]])
    with Session() as s:
        assert s.query(StatusChange).filter_by(actor=ACTOR).count() == 2
    assert r.xlen(keys.actions) == 2


def test_the_worker_runs_the_watchdog_on_its_own_thread(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(1))])
    settings = worker_settings(redis_server.url, migrated_url, stream_prefix, watchdog_every_s=0.2)
    stop = threading.Event()
    worker = IngestWorker(settings, stop=stop, clock=lambda: T0 + timedelta(minutes=30))
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    Session = make_session_factory(make_engine(migrated_url))
    try:

        def escalated():
            with Session() as s:
                return s.query(Complaint).filter_by(escalation_level=2).count() == 1

        wait_for(escalated, timeout=20, what="the worker's watchdog to escalate")
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive() and not worker.watchdog.thread.is_alive()
