"""Status changes through data_access.actions on SQLite and PostgreSQL: lifecycle, audit, conflicts."""

from __future__ import annotations

import threading

import pytest
import redis

from dashboard.auth import now_utc
from data_access.actions import ActionRefused, ActionRequest, Actor, ConcurrentChange, announce, perform
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, StatusChange
from data_access.streams import StreamKeys
from tests.integration.helpers import complaint, move, run_until_idle, worker_settings, xadd_all


@pytest.fixture
def one_complaint(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(1))])
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    Session = make_session_factory(make_engine(migrated_url))
    with Session() as s:
        cid = s.query(Complaint.id).scalar()
    return Session, cid, r, StreamKeys(stream_prefix)


def test_two_operators_at_once_exactly_one_wins(one_complaint):
    Session, cid, _r, _keys = one_complaint
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def operator(name: str, agency: str):
        with Session() as s:
            s.get(Complaint, cid)  # both see version 1
            barrier.wait()
            try:
                out = move(
                    s,
                    item_kind="complaint",
                    item_id=cid,
                    to_status="diteruskan",
                    actor=name,
                    now=now_utc(),
                    expected_version=1,
                    agency_code=agency,
                )
                s.commit()
                results[name] = out
            except ConcurrentChange as exc:
                s.rollback()
                results[name] = exc

    threads = [
        threading.Thread(target=operator, args=("operator:a", "DPUPR")),
        threading.Thread(target=operator, args=("operator:b", "DLH")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [n for n, v in results.items() if not isinstance(v, Exception)]
    losers = [v for v in results.values() if isinstance(v, ConcurrentChange)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].changed_by == winners[0]
    assert losers[0].current_status == "diteruskan" and losers[0].current_version == 2
    with Session() as s:
        c = s.get(Complaint, cid)
        assert c.version == 2 and c.agency_code == ("DPUPR" if winners[0] == "operator:a" else "DLH")
        assert s.query(StatusChange).filter_by(item_kind="complaint", item_id=cid, to_status="diteruskan").count() == 1


def test_forbidden_transition_is_refused_with_a_clear_message(one_complaint):
    Session, cid, _r, _keys = one_complaint
    request = ActionRequest("close", "complaint", cid)
    with Session.begin() as s, pytest.raises(ActionRefused, match="tidak dapat diubah dari 'baru' dengan tindakan 'close'") as e:
        perform(s, Actor("operator:a", "operator"), request, now=now_utc())
    assert e.value.message("en") == f"#{cid} cannot go from 'baru' with 'close'"


def test_action_is_audited_and_announced(one_complaint):
    Session, cid, r, keys = one_complaint
    with Session.begin() as s:
        first = move(s, item_kind="complaint", item_id=cid, to_status="dibaca", actor="operator:a", now=now_utc())
    announce(r, keys, first, Session)
    with Session.begin() as s:
        again = move(
            s, item_kind="complaint", item_id=cid, to_status="diteruskan", actor="operator:a", now=now_utc(), agency_code="DPUPR"
        )
    announce(r, keys, again, Session)
    with Session() as s:
        c = s.get(Complaint, cid)
        assert c.read_at is not None and c.forwarded_at is not None and c.status == "diteruskan"
        trail = [
            (x.from_status, x.to_status, x.actor) for x in s.query(StatusChange).filter_by(item_id=cid).order_by(StatusChange.id)
        ]
        assert trail == [
            (None, "baru", "sistem:ingest"),
            ("baru", "dibaca", "operator:a"),
            ("dibaca", "diteruskan", "operator:a"),
        ]
    actions = [{k.decode(): v.decode() for k, v in f.items()} for _id, f in r.xrange(keys.actions)]
    assert [a["to_status"] for a in actions] == ["dibaca", "diteruskan"]
    assert set(actions[0]) == {
        "event_id",
        "item_kind",
        "item_id",
        "action",
        "actor",
        "at",
        "from_status",
        "to_status",
        "agency_code",
        "note",
    }
    assert r.xlen(keys.changes) >= 3  # the ingest event and two status events
