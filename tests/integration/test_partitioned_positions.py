"""Fixes on the month-partitioned table (PostgreSQL) behave as on SQLite: a re-delivered fix is stored
once, a fix reusing a stored event_id with another time is a conflict, not a second row."""

from __future__ import annotations

from datetime import UTC, datetime

from data_access.db import make_engine, make_session_factory
from data_access.ingest_store import store_rows
from data_access.reference import active_posts, category_policies, contract_context, kelurahan_centers
from geo import AreaIndex
from ingest.enrich import EnrichContext
from ingest.prepare import prepare_batch
from tests.integration.helpers import bus_fix, counts


def _store(Session, entries, first_entry: int):
    with Session() as s:
        ctx = EnrichContext(AreaIndex(), tuple(active_posts(s)), category_policies(s), kelurahan_centers(s))
        contract = contract_context(s)
    raw = [(st, f"{first_entry + i}-0", {k.encode(): v.encode() for k, v in f.items()}) for i, (st, f) in enumerate(entries)]
    with Session.begin() as s:
        return store_rows(s, rows=prepare_batch(raw, contract, ctx, datetime.now(UTC)).rows)


def test_a_stored_event_id_under_another_time_is_a_conflict_in_a_later_batch(migrated_url):
    Session = make_session_factory(make_engine(migrated_url))
    _store(Session, [("bus_gps", bus_fix(1, event_id="g-1")), ("bus_gps", bus_fix(2, event_id="g-2"))], 1)
    again = _store(Session, [("bus_gps", bus_fix(1, event_id="g-1")), ("bus_gps", bus_fix(7, event_id="g-2"))], 10)
    assert again.conflicts == [("bus_gps", "11-0")]  # g-2 under a new time
    assert counts(migrated_url)["positions"] == 2


def test_migration_0007_keeps_existing_fixes_and_goes_back_down(database_url):
    from datetime import timedelta

    from sqlalchemy import text

    from data_access import migrate
    from data_access import position_partitions as pp

    migrate.upgrade(database_url, "0006")
    engine = make_engine(database_url)
    t = datetime(2026, 10, 31, 23, 59, tzinfo=UTC)
    with engine.begin() as conn:
        for i, at in enumerate((t, t + timedelta(minutes=2), t - timedelta(days=400))):
            conn.execute(
                text(
                    "INSERT INTO vehicle_positions (event_id, vehicle_id, recorded_at, received_at, lat, lon, outside_city)"
                    " VALUES (:e, 'TB-01', :at, :at, 3.6, 98.48, false)"
                ),
                {"e": f"m-{i}", "at": at},
            )
    migrate.upgrade(database_url, "head")
    assert counts(database_url)["positions"] == 3
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            names = {p.name for p in pp.month_partitions(conn)}
            assert {"vehicle_positions_p2026_10", "vehicle_positions_p2026_11", "vehicle_positions_p2025_09"} <= names
            assert conn.scalar(text("SELECT count(*) FROM vehicle_positions_p2026_11")) == 1
    migrate.downgrade(database_url, "0006")
    assert counts(database_url)["positions"] == 3
    migrate.upgrade(database_url, "head")
    assert counts(database_url)["positions"] == 3
    engine.dispose()
