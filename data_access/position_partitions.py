"""PostgreSQL: `vehicle_positions` is partitioned by calendar month (UTC), so old history goes by
detaching and dropping a whole month, never by one huge DELETE.

Partitions are named `vehicle_positions_pYYYY_MM`. A DEFAULT partition catches a fix whose month
has no partition yet (a clock far off, a month not created ahead), so an insert never fails; when a
month's partition is created later, the rows already in the default partition for it move there.
Used by migration 0007 and by the retention job (data_access/retention.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, text

PARENT = "vehicle_positions"
DEFAULT_PARTITION = f"{PARENT}_default"
_NAME_RE = re.compile(rf"^{PARENT}_p(\d{{4}})_(\d{{2}})$")


@dataclass(frozen=True)
class Partition:
    name: str
    month: date  # first day of the month it holds (UTC)

    @property
    def ends(self) -> datetime:
        return _as_utc(next_month(self.month))


def month_of(at: datetime) -> date:
    at = at.astimezone(UTC)
    return date(at.year, at.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_p{month.year:04d}_{month.month:02d}"


def _as_utc(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def is_partitioned(conn: Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.scalar(text("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = to_regclass(:t)"), {"t": PARENT}))


def month_partitions(conn: Connection) -> list[Partition]:
    """The month partitions attached now, oldest first (the default partition is not listed)."""
    rows = conn.execute(
        text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t)"),
        {"t": PARENT},
    ).scalars()
    out = []
    for name in rows:
        m = _NAME_RE.match(name)
        if m:
            out.append(Partition(name, date(int(m[1]), int(m[2]), 1)))
    return sorted(out, key=lambda p: p.month)


def ensure_default_partition(conn: Connection) -> None:
    conn.execute(text(f"CREATE TABLE IF NOT EXISTS {DEFAULT_PARTITION} PARTITION OF {PARENT} DEFAULT"))


def create_month_partition(conn: Connection, month: date) -> bool:
    """Create the partition for `month` unless it exists, moving that month's rows out of the default partition.

    Created standalone and then attached, so the check that the default partition holds none of its
    rows happens after they were moved (in the caller's transaction). Returns True when created.
    """
    name = partition_name(month)
    if conn.scalar(text("SELECT to_regclass(:n)"), {"n": name}) is not None:
        return False
    start, end = _as_utc(month), _as_utc(next_month(month))
    conn.execute(text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS)"))
    conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE recorded_at >= :start AND recorded_at < :end RETURNING *)"
            f" INSERT INTO {name} SELECT * FROM moved"
        ),
        {"start": start, "end": end},
    )
    conn.execute(
        text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')")
    )
    return True


def ensure_months(conn: Connection, first: date, last: date) -> list[str]:
    """Partitions for every month from `first` to `last` (inclusive); returns the names created."""
    created = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if create_month_partition(conn, month):
            created.append(partition_name(month))
        month = next_month(month)
    return created


def drop_partition(conn: Connection, partition: Partition) -> int:
    """Detach and drop one month; returns how many rows it held (a count, not a DELETE)."""
    rows = conn.scalar(text(f"SELECT count(*) FROM {partition.name}")) or 0
    conn.execute(text(f"ALTER TABLE {PARENT} DETACH PARTITION {partition.name}"))
    conn.execute(text(f"DROP TABLE {partition.name}"))
    return int(rows)
