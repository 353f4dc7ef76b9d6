"""The agency view's data layer on SQLite and PostgreSQL: own items only, no reporter data, own moves only."""

from __future__ import annotations

from dataclasses import fields

import pytest
import redis

from dashboard.auth import now_utc
from data_access.actions import ActionRefused, ActionRequest, Actor, ConcurrentChange, NotYourItem, perform
from data_access.agency import AgencyItem, agency_item, agency_queue
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, StatusChange
from tests.integration.helpers import complaint, move, run_until_idle, worker_settings, xadd_all

REPORTER = ("1275010101900001", "Budi Siregar", "081234567890")


def agency_change_status(s, *, agency_code, item_id, to_status, actor, now, note=None, expected_version=None):
    """The agency view's two buttons, as the gate sees them: an agency actor with its own agency."""
    action = {"dikerjakan": "start_work", "selesai": "resolve", "ditolak": "reject"}[to_status]
    request = ActionRequest(action, "complaint", item_id, expected_version=expected_version, note=note)
    (outcome,) = perform(s, Actor(actor, "agency", agency_code), request, now=now)
    return outcome


@pytest.fixture
def assigned(redis_server, migrated_url, stream_prefix):
    """Four complaints: #1, #2 forwarded to DPUPR, #3 to DLH, #4 still new (no agency)."""
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(i, title=f"Masalah {i}")) for i in range(1, 5)])
    run_until_idle(worker_settings(redis_server.url, migrated_url, stream_prefix))
    Session = make_session_factory(make_engine(migrated_url))
    ids = {}
    with Session.begin() as s:
        for c in s.query(Complaint).order_by(Complaint.id):
            ids[c.title] = c.id
        for title, agency in (("Masalah 1", "DPUPR"), ("Masalah 2", "DPUPR"), ("Masalah 3", "DLH")):
            move(
                s,
                item_kind="complaint",
                item_id=ids[title],
                to_status="diteruskan",
                actor="operator:op",
                now=now_utc(),
                agency_code=agency,
            )
    return Session, ids


def test_queue_holds_only_the_agencys_own_items_without_reporter_data(assigned):
    Session, ids = assigned
    with Session() as s:
        rows = agency_queue(s, agency_code="DPUPR", now=now_utc())
        other = agency_queue(s, agency_code="DLH", now=now_utc())
    assert sorted(r["id"] for r in rows) == sorted([ids["Masalah 1"], ids["Masalah 2"]])
    assert [r["id"] for r in other] == [ids["Masalah 3"]]
    text = repr(rows)
    assert not any(value in text for value in REPORTER)
    assert {r["due_state"] for r in rows} <= {"tepat", "segera", "terlambat"}


def test_item_detail_is_scoped_and_has_no_reporter_fields(assigned):
    Session, ids = assigned
    with Session() as s:
        mine = agency_item(s, agency_code="DPUPR", item_id=ids["Masalah 1"])
        assert mine is not None and mine.title == "Masalah 1" and mine.timeline[-1].to_status == "diteruskan"
        assert agency_item(s, agency_code="DPUPR", item_id=ids["Masalah 3"]) is None  # DLH's
        assert agency_item(s, agency_code="DPUPR", item_id=ids["Masalah 4"]) is None  # nobody's yet
        assert agency_item(s, agency_code="DPUPR", item_id=999_999) is None
    assert not {"reporter_nik", "reporter_name", "reporter_phone"} & {f.name for f in fields(AgencyItem)}
    assert not any(value in repr(mine) for value in REPORTER)


def test_agency_marks_in_progress_then_done_with_a_note(assigned):
    Session, ids = assigned
    cid = ids["Masalah 1"]
    with Session.begin() as s:
        out = agency_change_status(
            s, agency_code="DPUPR", item_id=cid, to_status="dikerjakan", actor="agency:dpupr", now=now_utc()
        )
    assert (out.from_status, out.to_status, out.agency_code) == ("diteruskan", "dikerjakan", "DPUPR")
    with Session.begin() as s, pytest.raises(ActionRefused, match="catatan wajib"):
        agency_change_status(
            s, agency_code="DPUPR", item_id=cid, to_status="selesai", actor="agency:dpupr", now=now_utc(), note=" "
        )
    with Session.begin() as s:
        agency_change_status(
            s, agency_code="DPUPR", item_id=cid, to_status="selesai", actor="agency:dpupr", now=now_utc(), note="Lubang ditambal"
        )
    with Session() as s:
        c = s.get(Complaint, cid)
        assert c.status == "selesai" and c.in_progress_at is not None and c.resolved_at is not None and c.agency_code == "DPUPR"
        trail = s.query(StatusChange).filter_by(item_kind="complaint", item_id=cid).order_by(StatusChange.id).all()
        assert [(t.to_status, t.actor) for t in trail[-2:]] == [("dikerjakan", "agency:dpupr"), ("selesai", "agency:dpupr")]
        assert trail[-1].note == "Lubang ditambal"
        # done items stay in view (recently done), without a countdown
        row = next(r for r in agency_queue(s, agency_code="DPUPR", now=now_utc()) if r["id"] == cid)
        assert row["due_state"] == "selesai" and row["due_in_s"] is None


@pytest.mark.parametrize("title", ["Masalah 3", "Masalah 4"])
def test_agency_cannot_move_another_agencys_or_an_unassigned_item(assigned, title):
    Session, ids = assigned
    cid = ids[title]
    with Session() as s:
        before = (s.get(Complaint, cid).status, s.get(Complaint, cid).version)
    with Session.begin() as s, pytest.raises(NotYourItem, match="tidak ada dalam antrean OPD Anda"):
        agency_change_status(s, agency_code="DPUPR", item_id=cid, to_status="dikerjakan", actor="agency:dpupr", now=now_utc())
    with Session() as s:
        assert (s.get(Complaint, cid).status, s.get(Complaint, cid).version) == before


def test_agency_may_not_use_other_moves(assigned):
    Session, ids = assigned
    with Session.begin() as s, pytest.raises(ActionRefused, match="tidak berwenang: reject"):
        agency_change_status(
            s, agency_code="DPUPR", item_id=ids["Masalah 1"], to_status="ditolak", actor="agency:dpupr", now=now_utc(), note="x"
        )


def test_item_reassigned_meanwhile_is_refused(assigned):
    """The agency saw version 2; an operator reassigned it to DLH (version 3): the agency's move fails."""
    Session, ids = assigned
    cid = ids["Masalah 2"]
    with Session.begin() as s:
        move(
            s, item_kind="complaint", item_id=cid, to_status="diteruskan", actor="supervisor:sv", now=now_utc(), agency_code="DLH"
        )
    with Session.begin() as s, pytest.raises(NotYourItem):
        agency_change_status(
            s, agency_code="DPUPR", item_id=cid, to_status="dikerjakan", actor="agency:dpupr", now=now_utc(), expected_version=2
        )
    # and a stale version on its own item is a conflict that names who changed it
    with Session.begin() as s, pytest.raises(ConcurrentChange, match="supervisor:sv"):
        agency_change_status(
            s, agency_code="DLH", item_id=cid, to_status="dikerjakan", actor="agency:dlh", now=now_utc(), expected_version=2
        )
