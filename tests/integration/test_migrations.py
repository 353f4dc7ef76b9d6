"""Every migration goes up and back down again, on SQLite and PostgreSQL, keeping existing rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, select, text

from data_access import migrate
from data_access.db import make_engine
from data_access.models import Complaint


def test_downgrade_to_0002_and_back_keeps_answered_complaints(database_url):
    migrate.upgrade(database_url, "0002")
    engine = make_engine(database_url)
    reported = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO agencies (code, name, kind, active) VALUES ('DPUPR', 'Dinas PUPR', 'dinas', true)"))
        conn.execute(
            text(
                "INSERT INTO categories (code, group_code, name_id, name_en, default_agency_code,"
                " first_response_minutes, resolution_working_days, active)"
                " VALUES ('jalan-rusak', 'infrastruktur', 'Jalan rusak', 'Damaged road', 'DPUPR', 10, 14, true)"
            )
        )
    migrate.upgrade(database_url, "head")
    with engine.begin() as conn:
        conn.execute(
            Complaint.__table__.insert(),
            {
                "event_id": "c-1",
                "stream_entry_id": "1-0",
                "source": "e_masyarakat",
                "reported_at": reported,
                "received_at": reported,
                "category_code": "jalan-rusak",
                "title": "Jalan berlubang",
                "lat": 3.6,
                "lon": 98.48,
                "location_source": "gps",
                "reporter_nik": "1275010101010001",
                "status": "dibaca",
                "first_response_due_at": reported + timedelta(minutes=10),
                "resolution_due_at": reported + timedelta(days=14),
                "read_at": reported + timedelta(minutes=4),
                "updated_at": reported,
            },
        )
    migrate.downgrade(database_url, "0002")
    assert "personal_data_views" not in inspect(engine).get_table_names()
    migrate.upgrade(database_url, "head")
    with engine.connect() as conn:
        row = conn.execute(select(Complaint.first_response_at, Complaint.due_state)).one()
    assert row.first_response_at == reported + timedelta(minutes=4)  # back-filled from read_at
    assert row.due_state == "tepat"
    assert {"forward_minutes", "followup_working_days"} <= {c["name"] for c in inspect(engine).get_columns("categories")}
    engine.dispose()
