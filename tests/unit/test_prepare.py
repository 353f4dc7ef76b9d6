"""ingest.prepare: one batch of raw stream entries → valid events, contract breaches, rows (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.contract import decode_fields
from ingest.enrich import EnrichContext
from ingest.prepare import DELETED_REASON, prepare_batch, validate_batch
from tests.integration.helpers import bus_fix, complaint, emergency
from tests.unit.test_enrich import AREAS, CONTRACT, POLICIES, POSTS

NOW = datetime(2026, 11, 20, 3, 0, 1, tzinfo=UTC)


def raw(stream: str, entry_id: str, fields: dict | None):
    return (stream, entry_id, None if fields is None else {k.encode(): str(v).encode() for k, v in fields.items()})


@pytest.fixture(scope="module")
def ctx(area_index):
    return EnrichContext(
        areas=area_index, posts=POSTS, policies=POLICIES, kelurahan_centers={a.code: a.interior_point for a in AREAS.kelurahan}
    )


BATCH = [
    raw("complaints", "1-0", complaint(1)),
    raw("bus_gps", "1-1", bus_fix(1)),
    raw("complaints", "1-2", complaint(2, reporter_nik="123")),  # breaks the contract
    raw("emergencies", "1-3", emergency(1)),
    raw("complaints", "1-4", None),  # deleted from the stream before it was read
    ("bus_gps", "1-5", {b"vehicle_id": b"\xff\xfe", b"recorded_at": b"x"}),  # not UTF-8
    raw("bus_gps", "1-6", bus_fix(2)),
]


def test_batch_splits_into_valid_and_breaches_in_stream_order():
    good, events, bad = validate_batch(BATCH, CONTRACT)
    assert good == [0, 1, 3, 6]
    assert [type(e).__name__ for e in events] == ["ComplaintEvent", "BusFixEvent", "EmergencyEvent", "BusFixEvent"]
    reasons = dict(bad)
    assert list(reasons) == [2, 4, 5]
    assert "reporter_nik" in reasons[2]
    assert reasons[4] == DELETED_REASON
    assert reasons[5] == "vehicle_id: not valid UTF-8"


def test_prepared_rows_carry_their_stream_entry_ids(ctx):
    p = prepare_batch(BATCH, CONTRACT, ctx, NOW)
    assert p.good == [0, 1, 3, 6] and [i for i, _ in p.bad] == [2, 4, 5]
    assert len(p.events) == 4
    assert [r["stream_entry_id"] for r in p.rows.complaints] == ["1-0"]
    assert [r["stream_entry_id"] for r in p.rows.emergencies] == ["1-3"]
    assert len(p.rows.positions) == 2 and len(p.rows.vehicles) == 1
    assert all(r["received_at"] == NOW for r in p.rows.complaints + p.rows.emergencies + p.rows.positions)


def test_enrichment_bug_leaves_rows_empty_instead_of_raising(ctx):
    """The worker then rebuilds entry by entry and dead-letters only the entry that breaks it."""
    broken = EnrichContext(areas=ctx.areas, posts=ctx.posts, policies={}, kelurahan_centers=ctx.kelurahan_centers)
    p = prepare_batch(BATCH, CONTRACT, broken, NOW)
    assert p.rows is None
    assert p.good == [0, 1, 3, 6]  # validation still counts


def test_all_invalid_batch_has_no_rows(ctx):
    p = prepare_batch([raw("complaints", "1-0", None)], CONTRACT, ctx, NOW)
    assert p.good == [] and p.rows is None and p.bad == [(0, DELETED_REASON)]


def test_decode_fields_names_the_field_that_is_not_utf8():
    assert decode_fields({b"a": b"1", b"b": b"2"}) == {"a": "1", "b": "2"}
    assert decode_fields({b"a": b"1", b"title": b"\xc3("}).reason == "title: not valid UTF-8"
    assert decode_fields({b"\xff": b"1"}).reason == "\\xff: not valid UTF-8"
