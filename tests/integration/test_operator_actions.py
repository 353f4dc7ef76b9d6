"""Escalate, note, close, reopen, merge and reveal through data_access.actions on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis

from dashboard.auth import now_utc
from data_access.actions import ActionRefused, ActionRequest, Actor, ConcurrentChange, Forbidden, announce, perform
from data_access.actions import reveal_reporter as gate_reveal
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, PersonalDataView, StatusChange
from data_access.streams import StreamKeys
from tests.integration.helpers import complaint, emergency, move, run_until_idle, worker_settings, xadd_all

OP, SUP = "operator", "supervisor"


class actions:  # noqa: N801 — the console's calls, each as the gate receives it
    """Each operator action as an ActionRequest through data_access.actions.perform."""

    @staticmethod
    def _one(s, actor, role, request, now, agency=None):
        return perform(s, Actor(actor, role, agency), request, now=now)

    @staticmethod
    def escalate(s, *, complaint_id, actor, role, now, reason, expected_version=None):
        (out,) = actions._one(s, actor, role, ActionRequest("escalate", "complaint", complaint_id, expected_version, reason), now)
        return out

    @staticmethod
    def escalate_to(s, *, complaint_id, level, actor, now, reason, expected_version=None):
        request = ActionRequest("escalate", "complaint", complaint_id, expected_version, reason, level=level)
        (out,) = actions._one(s, actor, "sistem", request, now)
        return out

    @staticmethod
    def add_note(s, *, item_kind, item_id, actor, role, now, note, own_agency=None):
        (out,) = actions._one(s, actor, role, ActionRequest("note", item_kind, item_id, note=note), now, own_agency)
        return out

    @staticmethod
    def close(s, *, complaint_id, actor, role, now, note=None, expected_version=None):
        (out,) = actions._one(s, actor, role, ActionRequest("close", "complaint", complaint_id, expected_version, note), now)
        return out

    @staticmethod
    def reopen(s, *, complaint_id, actor, role, now, reason, expected_version=None):
        (out,) = actions._one(s, actor, role, ActionRequest("reopen", "complaint", complaint_id, expected_version, reason), now)
        return out

    @staticmethod
    def merge_duplicate(s, *, duplicate_id, original_id, actor, role, now, expected_version=None):
        request = ActionRequest("merge", "complaint", duplicate_id, expected_version, original_id=original_id)
        moved, kept = actions._one(s, actor, role, request, now)
        return moved, kept

    @staticmethod
    def reveal_reporter(s, *, item_kind, item_id, username, role, now):
        return gate_reveal(s, Actor(f"{role}:{username}", role), item_kind=item_kind, item_id=item_id, now=now)


@pytest.fixture
def items(redis_server, migrated_url, stream_prefix):
    """Three complaints (#1 and #2 the same pothole, 40 m apart) and one emergency."""
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r,
        stream_prefix,
        [
            ("complaints", complaint(1)),
            ("complaints", complaint(2, lat="3.607100", lon="98.486022")),
            ("complaints", complaint(3, category="sampah", title="Sampah menumpuk")),
            ("emergencies", emergency(4)),
        ],
    )
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    Session = make_session_factory(make_engine(migrated_url))
    with Session() as s:
        ids = [c.id for c in s.query(Complaint).order_by(Complaint.reported_at)]
        eid = s.query(Emergency.id).scalar()
    return Session, ids, eid, r, StreamKeys(stream_prefix)


def _trail(s, cid):
    return [
        (x.action, x.from_status, x.to_status, x.actor, x.escalation_level, x.note)
        for x in s.query(StatusChange).filter_by(item_kind="complaint", item_id=cid).order_by(StatusChange.id)
    ][1:]  # without the arrival row


def _entries(r, keys):
    return [{k.decode(): v.decode() for k, v in f.items()} for _id, f in r.xrange(keys.actions)]


def _changes(r, keys):
    import json

    out = []
    for _id, f in r.xrange(keys.changes):
        out.append(json.loads(f[b"event"]) if b"event" in f else {k.decode(): v.decode() for k, v in f.items()})
    return out


def test_escalation_goes_up_one_level_at_a_time_with_a_reason(items):
    Session, (c1, _c2, _c3), _eid, r, keys = items
    with Session.begin() as s, pytest.raises(ActionRefused, match="wajib diisi"):
        actions.escalate(s, complaint_id=c1, actor="operator:a", role=OP, now=now_utc(), reason="  ")
    for n in (1, 2, 3):
        with Session.begin() as s:
            out = actions.escalate(s, complaint_id=c1, actor="operator:a", role=OP, now=now_utc(), reason=f"alasan {n}")
        announce(r, keys, out, Session)
        assert (out.action, out.escalation_level, out.from_status, out.to_status) == ("escalate", n, "baru", "baru")
    with Session.begin() as s, pytest.raises(ActionRefused, match="tingkat eskalasi 3"):
        actions.escalate(s, complaint_id=c1, actor="operator:a", role=OP, now=now_utc(), reason="lagi")
    with Session() as s:
        c = s.get(Complaint, c1)
        assert (c.escalation_level, c.status, c.version) == (3, "baru", 4) and c.escalated_at is not None
        assert _trail(s, c1) == [("escalate", "baru", "baru", "operator:a", n, f"alasan {n}") for n in (1, 2, 3)]
    entries = _entries(r, keys)
    assert [(e["action"], e["note"]) for e in entries] == [("escalate", f"alasan {n}") for n in (1, 2, 3)]
    assert len({e["event_id"] for e in entries}) == 3


def test_closed_items_are_not_escalated_and_escalation_is_version_locked(items):
    Session, (c1, c2, _c3), _eid, _r, _keys = items
    with Session.begin() as s:
        move(s, item_kind="complaint", item_id=c1, to_status="ditolak", actor="supervisor:s", now=now_utc(), note="spam")
    with Session.begin() as s, pytest.raises(ActionRefused, match="dari 'ditolak'"):
        actions.escalate(s, complaint_id=c1, actor="operator:a", role=OP, now=now_utc(), reason="lambat")
    with Session.begin() as s:
        actions.escalate(s, complaint_id=c2, actor="operator:a", role=OP, now=now_utc(), reason="lambat", expected_version=1)
    with Session.begin() as s, pytest.raises(ConcurrentChange) as lost:
        actions.escalate(s, complaint_id=c2, actor="operator:b", role=OP, now=now_utc(), reason="lambat", expected_version=1)
    assert lost.value.changed_by == "operator:a"
    with Session.begin() as s, pytest.raises(ConcurrentChange):  # the watchdog's way: skipped, judged again later
        actions.escalate_to(s, complaint_id=c2, level=3, actor="sistem:pengawas", now=now_utc(), reason="x", expected_version=1)
    with Session() as s:
        assert s.get(Complaint, c2).escalation_level == 1


def test_note_keeps_status_and_version_and_is_announced(items):
    Session, (c1, _c2, _c3), eid, r, keys = items
    for text in ("telepon pelapor", "<script>alert(1)</script>"):
        with Session.begin() as s:
            out = actions.add_note(s, item_kind="complaint", item_id=c1, actor="operator:a", role=OP, now=now_utc(), note=text)
        announce(r, keys, out, Session)
    with Session.begin() as s:
        out = actions.add_note(
            s, item_kind="emergency", item_id=eid, actor="operator:a", role=OP, now=now_utc(), note="ditelepon"
        )
    announce(r, keys, out, Session)  # after the commit, as every caller does
    with Session.begin() as s, pytest.raises(ActionRefused, match="wajib diisi"):
        actions.add_note(s, item_kind="complaint", item_id=c1, actor="operator:a", role=OP, now=now_utc(), note="")
    with Session.begin() as s, pytest.raises(Forbidden):  # not this agency's item
        actions.add_note(
            s, item_kind="complaint", item_id=c1, actor="agency:x", role="agency", now=now_utc(), note="x", own_agency="DLH"
        )
    with Session() as s:
        c = s.get(Complaint, c1)
        assert (c.status, c.version) == ("baru", 1)
        assert [t[:3] for t in _trail(s, c1)] == [("note", "baru", "baru")] * 2
    entries = _entries(r, keys)
    assert [e["action"] for e in entries] == ["note"] * 3 and len({e["event_id"] for e in entries}) == 3
    events = [e for e in _changes(r, keys) if e.get("type") == "status"]
    assert [e["action"] for e in events] == ["note"] * 3


def test_close_and_reopen(items):
    Session, (c1, _c2, c3), _eid, _r, _keys = items
    now = now_utc()
    with Session.begin() as s, pytest.raises(ActionRefused, match="dari 'baru' dengan tindakan 'close'"):
        actions.close(s, complaint_id=c1, actor="operator:a", role=OP, now=now)
    with Session.begin() as s:
        move(s, item_kind="complaint", item_id=c1, to_status="diteruskan", actor="operator:a", now=now, agency_code="DPUPR")
        move(s, item_kind="complaint", item_id=c1, to_status="selesai", actor="agency:d", now=now, note="ditambal")
        actions.close(s, complaint_id=c1, actor="operator:a", role=OP, now=now, note="dicek foto")
    with Session.begin() as s, pytest.raises(Forbidden):
        actions.reopen(s, complaint_id=c1, actor="operator:a", role=OP, now=now, reason="masih berlubang")
    with Session.begin() as s, pytest.raises(ActionRefused, match="wajib diisi"):
        actions.reopen(s, complaint_id=c1, actor="supervisor:s", role=SUP, now=now, reason="")
    with Session.begin() as s:
        out = actions.reopen(s, complaint_id=c1, actor="supervisor:s", role=SUP, now=now, reason="masih berlubang")
    assert (out.from_status, out.to_status) == ("ditutup", "dikerjakan")
    with Session.begin() as s, pytest.raises(ActionRefused, match="tindakan 'reopen'"):
        actions.reopen(s, complaint_id=c3, actor="supervisor:s", role=SUP, now=now, reason="x")
    with Session() as s:
        c = s.get(Complaint, c1)
        assert c.status == "dikerjakan" and c.closed_at is not None
        assert _trail(s, c1)[-2:] == [
            ("status", "selesai", "ditutup", "operator:a", 0, "dicek foto"),
            ("status", "ditutup", "dikerjakan", "supervisor:s", 0, "masih berlubang"),
        ]


def test_merge_rejects_the_later_report_as_a_duplicate_of_the_earlier(items):
    Session, (c1, c2, _c3), _eid, r, keys = items
    now = now_utc()
    with Session.begin() as s, pytest.raises(ActionRefused, match="lebih baru"):
        actions.merge_duplicate(s, duplicate_id=c1, original_id=c2, actor="operator:a", role=OP, now=now)
    with Session.begin() as s:
        moved, kept = actions.merge_duplicate(s, duplicate_id=c2, original_id=c1, actor="operator:a", role=OP, now=now)
    announce(r, keys, moved, Session)
    announce(r, keys, kept, Session)
    with Session() as s:
        dup = s.get(Complaint, c2)
        assert (dup.status, dup.duplicate_of_id, dup.reject_reason) == ("ditolak", c1, f"duplikat dari #{c1}")
        assert _trail(s, c2) == [("status", "baru", "ditolak", "operator:a", 0, f"duplikat dari #{c1}")]
        assert _trail(s, c1) == [("merge", "baru", "baru", "operator:a", 0, f"duplikat #{c2} digabung ke sini")]
        assert s.get(Complaint, c1).status == "baru"
    assert [e["action"] for e in _entries(r, keys)] == ["ditolak", "merge"]
    with Session.begin() as s:  # a wrongly merged report is reopened and loses the link
        actions.reopen(s, complaint_id=c2, actor="supervisor:s", role=SUP, now=now, reason="bukan duplikat")
    with Session() as s:
        dup = s.get(Complaint, c2)
        assert (dup.status, dup.duplicate_of_id, dup.reject_reason) == ("dibaca", None, None)


def test_reveal_is_audited_and_only_for_operators_and_supervisors(items):
    Session, (c1, _c2, _c3), eid, _r, _keys = items
    now = now_utc()
    with Session.begin() as s:
        data = actions.reveal_reporter(s, item_kind="complaint", item_id=c1, username="op1", role=OP, now=now)
        em = actions.reveal_reporter(
            s, item_kind="emergency", item_id=eid, username="sup", role=SUP, now=now + timedelta(seconds=1)
        )
    assert (data.name, data.phone, data.nik) == ("Budi Siregar", "081234567890", "1275010101900001")
    assert em.nik == "3275010101900001" and em.name is None
    for role in ("agency", "mayor", "admin", None):
        with Session.begin() as s, pytest.raises(Forbidden):
            actions.reveal_reporter(s, item_kind="complaint", item_id=c1, username="x", role=role, now=now)
    with Session() as s:
        rows = [(v.username, v.item_kind, v.item_id) for v in s.query(PersonalDataView).order_by(PersonalDataView.id)]
        assert rows == [("op1", "complaint", c1), ("sup", "emergency", eid)]


def test_queue_counts_down_to_the_current_stage_like_the_watchdog(items):
    """A read report is due for forwarding (category forward_minutes), not for resolution."""
    from data_access.models import Category
    from data_access.queue import QueueFilters, operator_queue

    Session, (c1, _c2, _c3), _eid, _r, _keys = items
    with Session.begin() as s:
        move(s, item_kind="complaint", item_id=c1, to_status="dibaca", actor="operator:a", now=now_utc())
    with Session() as s:
        item = s.get(Complaint, c1)
        forward = s.get(Category, item.category_code).forward_minutes
        rows = {r["id"]: r for r in operator_queue(s, now=now_utc(), filters=QueueFilters()) if r["kind"] == "complaint"}
    expected = item.reported_at + timedelta(minutes=forward)
    assert rows[c1]["due_at"] == min(expected, item.resolution_due_at).isoformat()
