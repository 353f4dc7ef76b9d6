"""Back up and restore the system of record (`flask --app app backup` / `restore`, docs/operations.md).

SQLite: the online backup API of sqlite3, a consistent copy while the web and the worker keep
running; a restore copies the file back the same way, page by page, under SQLite's own locking.
PostgreSQL: `pg_dump --format=custom`; a restore turns the dump into SQL with `pg_restore` and runs
it with `psql --single-transaction` after emptying the schema, so a failed restore leaves the
database as it was. (`pg_restore --clean` cannot be used: it tries to drop the constraints that the
month partitions of vehicle_positions inherit, and fails.) The password goes to the tools in
PGPASSWORD, never on the command line (where `ps` would show it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, with what to do about it."""


def default_backup_path(database_url: str, folder: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if make_url(database_url).get_backend_name() == "sqlite" else "dump"
    return folder / f"bcc-{stamp}.{suffix}"


def backup(database_url: str, path: Path) -> Path:
    """Write a backup of the database to `path` (its folder is created); returns the path."""
    url = make_url(database_url)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_file(url)
        if not source.exists():
            raise BackupError(f"no database file at {source}")
        with _sqlite(source) as src, _sqlite(path) as dst:
            src.backup(dst)
        return path
    if url.get_backend_name() == "postgresql":
        _run(_tool("pg_dump"), ["--format=custom", f"--file={path}", "--no-owner", "--dbname", url.database or ""], url)
        return path
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported (SQLite or PostgreSQL)")


def restore(database_url: str, path: Path) -> None:
    """Replace the database's contents with the backup at `path` (stop the web and the worker first)."""
    url = make_url(database_url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    if url.get_backend_name() == "sqlite":
        try:
            with _sqlite(path) as src:
                if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise BackupError(f"{path} is damaged (PRAGMA quick_check failed): not restored")
                target = _sqlite_file(url)
                target.parent.mkdir(parents=True, exist_ok=True)
                with _sqlite(target) as dst:
                    src.backup(dst)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not a SQLite backup ({exc}): not restored") from None
        return
    if url.get_backend_name() == "postgresql":
        _restore_postgresql(url, path)
        return
    raise BackupError(f"restores of {url.get_backend_name()} databases are not supported (SQLite or PostgreSQL)")


def _restore_postgresql(url: URL, path: Path) -> None:
    """Everything in one transaction: drop and recreate the `public` schema, then the dump's SQL."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    with tempfile.TemporaryDirectory(prefix="bcc-restore-") as tmp:
        script = Path(tmp) / "restore.sql"
        _run(pg_restore, ["--no-owner", "--no-privileges", f"--file={script}", str(path)], url)
        _run(
            psql,
            ["--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", "--dbname", url.database or "",
             "--command=DROP SCHEMA public CASCADE", "--command=CREATE SCHEMA public", f"--file={script}"],
            url,
        )  # fmt: skip


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


class _sqlite:
    """sqlite3 connection that is closed afterwards (sqlite3's own context manager only commits)."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} not found on PATH: install the PostgreSQL client tools (Debian: apt-get install postgresql-client,"
            " the same major version as the server or newer)"
        )
    return found


def _run(tool: str, args: list[str], url: URL) -> None:
    env = {**os.environ}
    for var, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
    ):
        if value is not None:
            env[var] = str(value)
    done = subprocess.run([tool, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(tool).name} failed (exit {done.returncode}): {done.stderr.strip()[:2000]}")
