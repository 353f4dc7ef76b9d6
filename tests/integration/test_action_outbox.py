"""An operator action taken while Redis is down still reaches bcc:actions once Redis is back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import redis

from data_access.actions import announce
from data_access.announcements import deliver_pending
from data_access.db import make_engine, make_session_factory
from data_access.models import StatusChange
from data_access.streams import StreamKeys
from tests.integration.helpers import complaint, move, run_until_idle, worker_settings, xadd_all


def _seeded(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(i)) for i in range(2)])
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    Session = make_session_factory(make_engine(migrated_url))
    return r, Session, StreamKeys(stream_prefix)


def _act(Session, item_id, now):
    with Session.begin() as s:
        return move(s, item_kind="complaint", item_id=item_id, to_status="dibaca", actor="operator:a", now=now)


def test_action_during_a_redis_outage_is_sent_later_exactly_once(redis_server, migrated_url, stream_prefix):
    r, Session, keys = _seeded(redis_server, migrated_url, stream_prefix)
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)  # nothing listens: Redis is "down"
    acted_at = datetime.now(UTC)
    outcome = _act(Session, 1, acted_at)
    announce(dead, keys, outcome, Session)  # must not raise: the operator's action is already saved
    assert not r.exists(keys.actions)
    with Session() as s:
        assert s.get(StatusChange, outcome.change_id).announce_pending

    # Too fresh: the web process may still be sending it itself.
    assert deliver_pending(Session, r, keys, now=acted_at + timedelta(seconds=1)) == 0
    assert deliver_pending(Session, r, keys, now=acted_at + timedelta(seconds=30)) == 1
    assert deliver_pending(Session, r, keys, now=acted_at + timedelta(seconds=60)) == 0  # sent once
    ((_, fields),) = r.xrange(keys.actions)
    entry = {k.decode(): v.decode() for k, v in fields.items()}
    assert (entry["item_id"], entry["action"], entry["from_status"], entry["to_status"]) == ("1", "dibaca", "baru", "dibaca")
    assert entry["event_id"] == f"complaint-1-status-{outcome.change_id}"
    with Session() as s:
        assert not s.get(StatusChange, outcome.change_id).announce_pending


def test_action_with_redis_up_is_sent_at_once_and_not_again(redis_server, migrated_url, stream_prefix):
    r, Session, keys = _seeded(redis_server, migrated_url, stream_prefix)
    outcome = _act(Session, 2, datetime.now(UTC))
    announce(r, keys, outcome, Session)
    assert r.xlen(keys.actions) == 1
    assert deliver_pending(Session, r, keys, now=datetime.now(UTC) + timedelta(minutes=5)) == 0
    assert r.xlen(keys.actions) == 1
    events = [json.loads(f[b"event"]) for _, f in r.xrange(keys.changes) if b"event" in f]
    assert any(e.get("type") == "status" for e in events)


def test_the_worker_sends_what_was_held_back(redis_server, migrated_url, stream_prefix):
    r, Session, keys = _seeded(redis_server, migrated_url, stream_prefix)
    outcome = _act(Session, 1, datetime.now(UTC) - timedelta(minutes=1))  # acted a minute ago, Redis was down
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    ((_, fields),) = r.xrange(keys.actions)
    assert fields[b"event_id"].decode() == f"complaint-1-status-{outcome.change_id}"
