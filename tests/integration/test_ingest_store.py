"""data_access.ingest_store on both databases: which rows a batch really wrote, also when another
worker writes the same entries at the same moment (PostgreSQL answers this from `xmin`)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from data_access.db import make_engine, make_session_factory
from data_access.ingest_store import store_rows
from data_access.reference import active_posts, category_policies, contract_context, kelurahan_centers
from geo import AreaIndex
from ingest.enrich import EnrichContext
from ingest.prepare import prepare_batch
from tests.integration.helpers import bus_fix, complaint, counts, emergency


def _rows(Session, entries):
    with Session() as s:
        contract = contract_context(s)
        ctx = EnrichContext(AreaIndex(), tuple(active_posts(s)), category_policies(s), kelurahan_centers(s))
    raw = [(stream, f"1-{i}", {k.encode(): v.encode() for k, v in fields.items()}) for i, (stream, fields) in enumerate(entries)]
    return prepare_batch(raw, contract, ctx, datetime.now(UTC)).rows


def test_only_rows_really_written_are_reported(migrated_url):
    Session = make_session_factory(make_engine(migrated_url))
    first = _rows(Session, [("complaints", complaint(1)), ("emergencies", emergency(1)), ("bus_gps", bus_fix(5))])
    with Session() as s, s.begin():
        r1 = store_rows(s, rows=first)
    assert [c["event_id"] for c in r1.new_complaints] == ["c-1"] and r1.new_complaints[0]["id"] > 0
    assert [e["event_id"] for e in r1.new_emergencies] == ["e-1"]
    assert [v["vehicle_id"] for v in r1.vehicles] == ["TB-01"]

    # Again, plus one new complaint, an older fix (history only) and another bus.
    again = _rows(
        Session,
        [
            ("complaints", complaint(1)),
            ("complaints", complaint(2)),
            ("emergencies", emergency(1)),
            ("bus_gps", bus_fix(4)),
            ("bus_gps", bus_fix(1, vehicle="TB-02")),
        ],
    )
    with Session() as s, s.begin():
        r2 = store_rows(s, rows=again)
    assert [c["event_id"] for c in r2.new_complaints] == ["c-2"]
    assert r2.new_emergencies == []
    assert r2.duplicates == {"complaints": 1, "emergencies": 0 + 1, "bus_gps": 0}
    assert [v["vehicle_id"] for v in r2.vehicles] == ["TB-02"]  # TB-01's older fix did not move it
    c = counts(migrated_url)
    assert (c["complaints"], c["emergencies"], c["status_changes"], c["positions"]) == (2, 1, 3, 3)


def test_two_writers_of_the_same_entries_report_each_row_once(migrated_url):
    """Worker B writes while worker A's transaction with the same entries is still open."""
    Session = make_session_factory(make_engine(migrated_url))
    rows = _rows(Session, [("complaints", complaint(i)) for i in range(5)] + [("bus_gps", bus_fix(1))])
    results = {}

    def writer_b():
        with Session() as s, s.begin():
            results["b"] = store_rows(s, rows=rows)  # waits for A's lock, then finds A's rows

    with Session() as s, s.begin():
        results["a"] = store_rows(s, rows=rows)
        b = threading.Thread(target=writer_b)
        b.start()
        time.sleep(0.5)  # B is now waiting on A
        assert b.is_alive()
    b.join(30)
    assert not b.is_alive()
    assert len(results["a"].new_complaints) == 5 and len(results["a"].vehicles) == 1
    assert results["b"].new_complaints == [] and results["b"].vehicles == []
    assert results["b"].duplicates["complaints"] == 5
    assert counts(migrated_url)["status_changes"] == 5
