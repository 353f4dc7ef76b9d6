"""Idempotent batch writes for the ingest worker: each item is keyed by the producer's event_id.

Re-delivered entries (a worker died after commit, before XACK) insert nothing the second time, and
only rows that are really new get their first `status_changes` row and go into the change event.

Which rows a batch really wrote: on SQLite, INSERT ... RETURNING. On PostgreSQL, RETURNING over many
rows is sent as multi-row VALUES statements whose long text psycopg re-parses in Python for every
statement (it caches only short ones): that was a fifth of the worker's time (bench/ingest.py). So
there the batch is written with plain pipelined executemany, as a bare INSERT loop would, and one
small query then asks which of its keys carry this transaction's id in `xmin`, the rows it inserted
(or, for the bus upsert, updated). store_rows uses no savepoints, so that id is the only one.

An entry whose event_id was already stored, or came earlier in the batch, is compared with the row
kept (domain/event_content.py): the same content is a counted duplicate, other content a conflict
the worker dead-letters ("event_id already used with different content"). Only such entries cost
an extra query (fixes: only when the INSERT's row count says some were not new).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import any_, bindparam, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from data_access.models import Complaint, Emergency, StatusChange, Vehicle, VehiclePosition
from domain.event_content import CONTENT_FIELDS, same_content

INGEST_ACTOR = "sistem:ingest"
# SQLite allows 32766 bound parameters per statement; the widest row here has ~30 columns.
_CHUNK = 500
# SQLite: INSERT ... RETURNING of many rows is sent as multi-row VALUES statements ("insertmanyvalues"),
# in pages of about this many parameters.
_RETURNING_PARAMS_PER_STATEMENT = 1000


@dataclass
class StoreResult:
    new_complaints: list[dict] = field(default_factory=list)
    new_emergencies: list[dict] = field(default_factory=list)
    vehicles: list[dict] = field(default_factory=list)  # buses whose live position moved
    duplicates: dict[str, int] = field(default_factory=dict)  # exact repeats of a stored (or earlier) entry
    # (stream, stream entry id) of entries whose event_id is already used with other content: not
    # written; the worker dead-letters them (domain/event_content.CONFLICT_REASON)
    conflicts: list[tuple[str, str]] = field(default_factory=list)


def _insert(session: Session, table):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {dialect!r} (use SQLite or PostgreSQL)")


# PostgreSQL: true for a row inserted or updated by the current transaction (see the module docstring).
_WRITTEN_HERE = literal_column("xmin") == literal_column("pg_current_xact_id()::xid")


def _written_here(session: Session, key_column, keys: list[str], *columns) -> list:
    """PostgreSQL: rows among `keys` that this transaction wrote (one round trip, one array parameter)."""
    wanted = bindparam("keys", value=keys, type_=postgresql.ARRAY(key_column.type))
    return session.connection().execute(select(*columns).where(key_column == any_(wanted), _WRITTEN_HERE)).all()


def _chunks(rows: list[dict]):
    for i in range(0, len(rows), _CHUNK):
        yield rows[i : i + _CHUNK]


def _insert_new(session: Session, model, rows: list[dict]) -> dict[str, int]:
    """Insert rows whose event_id is new; return {event_id: id} of the rows actually inserted."""
    inserted: dict[str, int] = {}
    if not rows:
        return inserted
    table = model.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["event_id"])
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        for chunk in _chunks(rows):
            conn.execute(stmt, chunk)
        written = _written_here(session, table.c.event_id, [r["event_id"] for r in rows], table.c.id, table.c.event_id)
        return {r.event_id: r.id for r in written}
    stmt = stmt.returning(table.c.id, table.c.event_id).execution_options(
        insertmanyvalues_page_size=max(1, _RETURNING_PARAMS_PER_STATEMENT // len(rows[0]))
    )
    for chunk in _chunks(rows):
        inserted.update({r.event_id: r.id for r in conn.execute(stmt, chunk)})
    return inserted


def _first_status_rows(kind: str, rows: list[dict], ids: dict[str, int], time_key: str) -> list[dict]:
    return [
        {
            "item_kind": kind,
            "item_id": ids[r["event_id"]],
            "from_status": None,
            "to_status": "baru",
            "actor": INGEST_ACTOR,
            "at": r["received_at"],
            "note": f"diterima dari stream (terjadi {r[time_key].isoformat()})",
            "agency_code": None,
            "escalation_level": 0,
        }
        for r in rows
    ]


def _upsert_vehicles(session: Session, vehicles: list[dict]) -> list[dict]:
    """Latest position per bus; an older fix never moves a bus backwards. Returns the moved ones."""
    if not vehicles:
        return []
    table = Vehicle.__table__
    ins = _insert(session, table)
    excluded = ins.excluded
    stmt = ins.on_conflict_do_update(
        index_elements=["vehicle_id"],
        set_={c: excluded[c] for c in vehicles[0] if c != "vehicle_id"},
        where=excluded.last_recorded_at > table.c.last_recorded_at,
    )
    conn = session.connection()
    ordered = sorted(vehicles, key=lambda v: v["vehicle_id"])  # fixed order: no deadlocks between workers
    if conn.dialect.name == "postgresql":
        for chunk in _chunks(ordered):
            conn.execute(stmt, chunk)
        moved = {
            r.vehicle_id
            for r in _written_here(session, table.c.vehicle_id, [v["vehicle_id"] for v in ordered], table.c.vehicle_id)
        }
        return [v for v in vehicles if v["vehicle_id"] in moved]
    stmt = stmt.returning(table.c.vehicle_id)
    moved: set[str] = set()
    for chunk in _chunks(ordered):
        moved.update(r.vehicle_id for r in conn.execute(stmt, chunk))
    return [v for v in vehicles if v["vehicle_id"] in moved]


def _stored_content(session: Session, model, stream: str, keys: set[str]) -> dict[str, dict]:
    """The content columns of stored rows, by event_id."""
    table = model.__table__
    columns = [table.c.event_id, *(table.c[f] for f in CONTENT_FIELDS[stream])]
    wanted = sorted(keys)
    out: dict[str, dict] = {}
    for i in range(0, len(wanted), _CHUNK):
        query = select(*columns).where(table.c.event_id.in_(wanted[i : i + _CHUNK]))
        out.update({r.event_id: r._asdict() for r in session.connection().execute(query)})
    return out


def _compare_with_stored(session: Session, model, stream: str, candidates: list[tuple[str, dict]]):
    """(conflicts, same) among `candidates` ((entry id, row) whose event_id was already stored when
    it was written, or came earlier in the batch): other content is a conflict, the same a repeat."""
    if not candidates:
        return [], 0
    stored = _stored_content(session, model, stream, {row["event_id"] for _, row in candidates})
    conflicts = [
        (stream, entry_id)
        for entry_id, row in candidates
        if row["event_id"] in stored and not same_content(stream, row, stored[row["event_id"]])
    ]
    return conflicts, len(candidates) - len(conflicts)


def _repeats(rows, stream: str) -> list[tuple[str, dict]]:
    return [(entry_id, row) for s, entry_id, row in getattr(rows, "repeats", ()) if s == stream]


def _latest_fixes(positions: list[dict]) -> list[dict]:
    """The newest fix per vehicle as `vehicles` rows (the first of equals), as ingest.enrich does."""
    latest: dict[str, dict] = {}
    for p in positions:
        cur = latest.get(p["vehicle_id"])
        if cur is None or p["recorded_at"] > cur["recorded_at"]:
            latest[p["vehicle_id"]] = p
    return [
        {
            "vehicle_id": p["vehicle_id"],
            "route_id": p["route_id"],
            "last_recorded_at": p["recorded_at"],
            "last_lat": p["lat"],
            "last_lon": p["lon"],
            "last_speed_kmh": p["speed_kmh"],
            "last_bearing_deg": p["bearing_deg"],
            "outside_city": p["outside_city"],
            "updated_at": p["received_at"],
        }
        for p in latest.values()
    ]


def _not_stored_yet(session: Session, positions: list[dict]) -> list[dict]:
    """PostgreSQL: the fixes whose event_id is not stored under any time. The partitioned table is unique
    only on (event_id, recorded_at), so a fix reusing a stored id with another time would insert; left
    out here, it is compared with the stored one like any conflict (one indexed query per batch)."""
    if session.get_bind().dialect.name != "postgresql":
        return positions
    col = VehiclePosition.__table__.c.event_id
    wanted = bindparam("keys", value=[p["event_id"] for p in positions], type_=postgresql.ARRAY(col.type))
    taken = set(session.connection().execute(select(col).where(col == any_(wanted))).scalars())
    return [p for p in positions if p["event_id"] not in taken] if taken else positions


def _store_positions(session: Session, rows, result: StoreResult) -> list[dict]:
    """Insert the fixes; returns the `vehicles` rows to upsert (without a fix that conflicts)."""
    if not rows.positions:
        return rows.vehicles
    table = VehiclePosition.__table__
    # preserve_rowcount: SQLAlchemy reports -1 for an executemany's rows otherwise (the driver knows)
    # No conflict target: on PostgreSQL the table is partitioned and unique on (event_id, recorded_at),
    # on SQLite unique on event_id (migration 0007); a re-delivered fix conflicts on either.
    stmt = _insert(session, table).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    conn = session.connection()
    counts = [conn.execute(stmt, chunk).rowcount for chunk in _chunks(_not_stored_yet(session, rows.positions))]
    inserted = sum(counts) if all(n >= 0 for n in counts) else None  # None: the driver did not say
    check_all = inserted is None or inserted < len(rows.positions)
    # Checked: every fix when some were not inserted (those inserted here compare equal), and repeats.
    firsts = list(zip(rows.position_entry_ids, rows.positions, strict=True)) if check_all else []
    conflicts, same = _compare_with_stored(session, VehiclePosition, "bus_gps", firsts + _repeats(rows, "bus_gps"))
    result.conflicts += conflicts
    if inserted is not None:
        result.duplicates["bus_gps"] = same - (inserted if check_all else 0)
    if not conflicts:
        return rows.vehicles
    refused = {entry_id for _, entry_id in conflicts}
    return _latest_fixes(
        [p for entry_id, p in zip(rows.position_entry_ids, rows.positions, strict=True) if entry_id not in refused]
    )


def store_rows(session: Session, *, rows) -> StoreResult:
    """Write one batch (an `ingest.enrich.Rows`) in the caller's transaction."""
    result = StoreResult()

    new_c = _insert_new(session, Complaint, rows.complaints)
    if new_c:
        fresh = [r for r in rows.complaints if r["event_id"] in new_c]
        session.connection().execute(
            StatusChange.__table__.insert(), _first_status_rows("complaint", fresh, new_c, "reported_at")
        )
        result.new_complaints = [{**r, "id": new_c[r["event_id"]]} for r in fresh]

    new_e = _insert_new(session, Emergency, rows.emergencies)
    if new_e:
        fresh = [r for r in rows.emergencies if r["event_id"] in new_e]
        session.connection().execute(StatusChange.__table__.insert(), _first_status_rows("emergency", fresh, new_e, "pressed_at"))
        result.new_emergencies = [{**r, "id": new_e[r["event_id"]]} for r in fresh]

    for model, stream, items, new in (
        (Complaint, "complaints", rows.complaints, new_c),
        (Emergency, "emergencies", rows.emergencies, new_e),
    ):
        already = [(r["stream_entry_id"], r) for r in items if r["event_id"] not in new]
        conflicts, same = _compare_with_stored(session, model, stream, already + _repeats(rows, stream))
        result.conflicts += conflicts
        result.duplicates[stream] = same

    result.vehicles = _upsert_vehicles(session, _store_positions(session, rows, result))
    return result
