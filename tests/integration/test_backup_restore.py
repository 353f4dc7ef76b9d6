"""Restore drill on SQLite and PostgreSQL: write data, back up, change and delete, restore, data back;
a damaged backup is refused and changes nothing; the CLI commands do the same (SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from data_access import position_partitions as pp
from data_access.backup import BackupError, backup, restore
from data_access.db import make_engine, make_session_factory
from data_access.ingest_store import store_rows
from data_access.models import Complaint, VehiclePosition
from data_access.reference import active_posts, category_policies, contract_context, kelurahan_centers
from geo import AreaIndex
from ingest.enrich import EnrichContext
from ingest.prepare import prepare_batch
from tests.integration.helpers import bus_fix, complaint, counts

PROJECT = Path(__file__).resolve().parents[2]


def _ingest(Session, entries) -> None:
    """Through the worker's own preparation and idempotent store, as live traffic would arrive."""
    with Session() as s:
        ctx = EnrichContext(AreaIndex(), tuple(active_posts(s)), category_policies(s), kelurahan_centers(s))
        contract = contract_context(s)
    raw = [(stream, f"1-{i}", {k.encode(): v.encode() for k, v in f.items()}) for i, (stream, f) in enumerate(entries)]
    rows = prepare_batch(raw, contract, ctx, datetime.now(UTC)).rows
    with Session.begin() as s:
        store_rows(s, rows=rows)


def test_restore_drill_brings_back_changed_and_deleted_data(migrated_url, tmp_path):
    engine = make_engine(migrated_url)
    Session = make_session_factory(engine)
    _ingest(Session, [("complaints", complaint(i)) for i in range(3)] + [("bus_gps", bus_fix(i)) for i in range(50)])
    before = counts(migrated_url)

    path = backup(migrated_url, tmp_path / "drill" / "bcc.backup")
    assert path.stat().st_size > 0

    with Session.begin() as s:  # the accident: a title changed, history deleted, a new item
        s.execute(update(Complaint).where(Complaint.event_id == "c-0").values(title="DIUBAH"))
        s.execute(delete(VehiclePosition))
    _ingest(Session, [("complaints", complaint(99))])
    assert counts(migrated_url)["positions"] == 0
    engine.dispose()  # as in a real restore: the web and the worker are stopped

    restore(migrated_url, path)

    engine = make_engine(migrated_url)
    Session = make_session_factory(engine)
    assert counts(migrated_url) == before
    with engine.connect() as conn:  # PostgreSQL: still partitioned by month, as the retention job expects
        assert pp.is_partitioned(conn) == (engine.dialect.name == "postgresql")
    with Session() as s:
        assert s.scalar(select(Complaint.title).where(Complaint.event_id == "c-0")) == "Jalan berlubang 0"
        assert s.scalar(select(Complaint.id).where(Complaint.event_id == "c-99")) is None
    # the restored database takes traffic again, re-delivered entries still insert nothing twice
    _ingest(Session, [("bus_gps", bus_fix(i)) for i in range(60)] + [("complaints", complaint(0))])
    after = counts(migrated_url)
    assert (after["positions"], after["complaints"]) == (60, 3)
    engine.dispose()


def test_a_damaged_backup_is_refused_and_changes_nothing(migrated_url, tmp_path):
    engine = make_engine(migrated_url)
    _ingest(make_session_factory(engine), [("complaints", complaint(1))])
    engine.dispose()
    bad = tmp_path / "broken.backup"
    bad.write_bytes(b"this is not a backup" * 100)
    with pytest.raises(BackupError):
        restore(migrated_url, bad)
    assert counts(migrated_url)["complaints"] == 1
    with pytest.raises(BackupError, match="no backup file"):
        restore(migrated_url, tmp_path / "missing.backup")


def test_cli_backup_restore_and_retention_run(tmp_path):
    from devtools.servers import prepare_database

    url = prepare_database(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "redis://127.0.0.1:1/0"}

    def flask(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    engine = make_engine(url)
    _ingest(make_session_factory(engine), [("complaints", complaint(1))])
    target = tmp_path / "cli.backup"
    done = flask("backup", str(target))
    assert done.returncode == 0, done.stderr
    assert "backup written" in done.stdout and target.exists()
    with engine.begin() as conn:
        conn.execute(delete(Complaint))
    engine.dispose()
    done = flask("restore", str(target), "--yes")
    assert done.returncode == 0, done.stderr
    assert counts(url)["complaints"] == 1
    done = flask("retention", "run")
    assert done.returncode == 0, done.stderr
    assert "personal data erased: 0 complaints, 0 emergencies" in done.stdout
