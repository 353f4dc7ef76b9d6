"""Retention: position history and personal data are kept only as long as the policy says.

One run (`flask --app app retention run`, daily in one worker) does, in this order:
1. PostgreSQL: month partitions of `vehicle_positions` for the coming months (inserts never wait on this).
2. Position history older than `keep_days` goes: on PostgreSQL by detaching and dropping whole months
   (a month goes once all of it is older), elsewhere by deletes of `batch_rows` rows per transaction.
3. Each (local) day of history older than `detail_days` is thinned once, bus by bus, to the fixes
   domain/track_thinning.py keeps (shape, stops, ≤ 1 a minute), deleting the rest in small batches.
4. Reporter NIK, name and phone (and the panic device id) of items in a final status for longer than
   `personal_data_days` are set to NULL; the item, its times and its figures stay (UU No. 27/2022).
5. A `retention_runs` row records what was done: the audit of the erasures.

Every step works in short transactions, so the ingest worker keeps writing while it runs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, delete, func, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from data_access import position_partitions as pp
from data_access.models import Complaint, Emergency, RetentionRun, ThinnedPositionDay, Vehicle, VehiclePosition
from domain.track_thinning import Fix, fixes_to_keep

RETENTION_ACTOR = "sistem:retensi"


@dataclass(frozen=True)
class RetentionPolicy:
    detail_days: int = 30
    keep_days: int = 365
    personal_data_days: int = 365
    batch_rows: int = 5000
    partitions_ahead: int = 2
    timezone: str = "Asia/Jakarta"

    @classmethod
    def from_settings(cls, settings) -> RetentionPolicy:
        return cls(
            detail_days=settings.retention_detail_days,
            keep_days=settings.retention_keep_days,
            personal_data_days=settings.personal_data_keep_days,
            batch_rows=settings.retention_batch_rows,
            partitions_ahead=settings.retention_partitions_ahead,
            timezone=settings.timezone,
        )


@dataclass
class RetentionReport:
    partitions_created: list[str] = field(default_factory=list)
    partitions_dropped: list[str] = field(default_factory=list)
    positions_dropped: int = 0
    days_thinned: list[tuple[str, int, int]] = field(default_factory=list)  # (day, rows before, rows after)
    positions_thinned: int = 0  # rows removed by thinning
    complaints_erased: int = 0
    emergencies_erased: int = 0

    def lines(self) -> list[str]:
        """What the run did, for the CLI and the worker's log."""
        kept = sum(after for _, _, after in self.days_thinned)
        return [
            f"partitions created: {', '.join(self.partitions_created) or '-'}",
            f"partitions dropped: {', '.join(self.partitions_dropped) or '-'}",
            f"positions dropped (older than the keep period): {self.positions_dropped}",
            f"days thinned: {len(self.days_thinned)} ({self.positions_thinned} fixes removed, {kept} kept)",
            f"personal data erased: {self.complaints_erased} complaints, {self.emergencies_erased} emergencies",
        ]


def run_retention(Session: sessionmaker[Session], policy: RetentionPolicy, *, now: datetime | None = None) -> RetentionReport:
    """Every retention step at `now` (default: the current time); records the run and returns what it did."""
    if policy.keep_days <= policy.detail_days:
        raise ValueError("the keep period must be longer than the detail period")
    started = now or datetime.now(UTC)
    clock = monotonic()
    report = RetentionReport()
    report.partitions_created = ensure_partitions_ahead(Session, started, policy.partitions_ahead)
    report.partitions_dropped, report.positions_dropped = drop_old_positions(
        Session, started - timedelta(days=policy.keep_days), policy.batch_rows
    )
    report.days_thinned, report.positions_thinned = thin_old_days(Session, policy, started)
    report.complaints_erased, report.emergencies_erased = erase_personal_data(
        Session, started - timedelta(days=policy.personal_data_days), policy.batch_rows
    )
    with Session.begin() as s:
        s.add(
            RetentionRun(
                started_at=started,
                finished_at=started + timedelta(seconds=monotonic() - clock),
                actor=RETENTION_ACTOR,
                complaints_erased=report.complaints_erased,
                emergencies_erased=report.emergencies_erased,
                positions_thinned=report.positions_thinned,
                positions_dropped=report.positions_dropped,
                details={"policy": asdict(policy), **asdict(report)},
            )
        )
    return report


# --- 1. partitions ahead ------------------------------------------------------------------------


def ensure_partitions_ahead(Session: sessionmaker[Session], now: datetime, months_ahead: int) -> list[str]:
    """PostgreSQL: this month's partition and the next `months_ahead`; nothing elsewhere."""
    with Session.begin() as s:
        conn = s.connection()
        if not pp.is_partitioned(conn):
            return []
        first = pp.month_of(now)
        last = first
        for _ in range(months_ahead):
            last = pp.next_month(last)
        return pp.ensure_months(conn, first, last)


# --- 2. drop what is older than the keep period --------------------------------------------------


def drop_old_positions(Session: sessionmaker[Session], cutoff: datetime, batch_rows: int) -> tuple[list[str], int]:
    """Fixes recorded before `cutoff` go. Returns (partitions dropped, rows removed)."""
    dropped: list[str] = []
    removed = 0
    with Session() as s:
        partitioned = pp.is_partitioned(s.connection())
    if partitioned:
        with Session() as s:
            months = pp.month_partitions(s.connection())
        for partition in months:
            if partition.ends <= cutoff:
                with Session.begin() as s:
                    removed += pp.drop_partition(s.connection(), partition)
                dropped.append(partition.name)
        # the default partition holds only strays (clocks far off): few rows, deleted in batches
        removed += _delete_in_batches(Session, pp.DEFAULT_PARTITION, cutoff, batch_rows)
        return dropped, removed
    for vehicle_id in _vehicle_ids(Session):
        while True:
            with Session.begin() as s:
                ids = (
                    select(VehiclePosition.id)
                    .where(VehiclePosition.vehicle_id == vehicle_id, VehiclePosition.recorded_at < cutoff)
                    .limit(batch_rows)
                    .scalar_subquery()
                )
                n = s.execute(delete(VehiclePosition).where(VehiclePosition.id.in_(ids))).rowcount
            removed += n
            if n < batch_rows:
                break
    return dropped, removed


def _delete_in_batches(Session: sessionmaker[Session], table: str, cutoff: datetime, batch_rows: int) -> int:
    removed = 0
    while True:
        with Session.begin() as s:
            n = s.execute(
                text(f"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} WHERE recorded_at < :cutoff LIMIT :n)"),
                {"cutoff": cutoff, "n": batch_rows},
            ).rowcount
        removed += n
        if n < batch_rows:
            return removed


def _vehicle_ids(Session: sessionmaker[Session]) -> list[str]:
    """Every bus that ever reported: the ingest worker upserts `vehicles` with each fix it stores."""
    with Session() as s:
        return list(s.scalars(select(Vehicle.vehicle_id).order_by(Vehicle.vehicle_id)))


# --- 3. thin days past the detail period ---------------------------------------------------------


def thin_old_days(
    Session: sessionmaker[Session], policy: RetentionPolicy, now: datetime
) -> tuple[list[tuple[str, int, int]], int]:
    """Thin each local day that ended more than `detail_days` ago and is not thinned yet (once per day)."""
    zone = ZoneInfo(policy.timezone)
    vehicles = _vehicle_ids(Session)
    if not vehicles:
        return [], 0
    with Session() as s:
        earliest = min(
            (
                t
                for v in vehicles
                if (t := s.scalar(select(func.min(VehiclePosition.recorded_at)).where(VehiclePosition.vehicle_id == v)))
            ),
            default=None,
        )
        done = set(s.scalars(select(ThinnedPositionDay.day)))
    if earliest is None:
        return [], 0
    keep_from = (now - timedelta(days=policy.keep_days)).astimezone(zone).date()
    detail_from = (now - timedelta(days=policy.detail_days)).astimezone(zone).date()  # this day still has full detail
    day = max(earliest.astimezone(zone).date(), keep_from)
    thinned: list[tuple[str, int, int]] = []
    removed_total = 0
    while day < detail_from:
        if day not in done:
            before, after = thin_day(Session, day, zone, vehicles, policy.batch_rows)
            with Session.begin() as s:
                s.add(ThinnedPositionDay(day=day, rows_before=before, rows_after=after, thinned_at=now))
            thinned.append((day.isoformat(), before, after))
            removed_total += before - after
        day += timedelta(days=1)
    return thinned, removed_total


def thin_day(Session: sessionmaker[Session], day: date, zone: ZoneInfo, vehicles: list[str], batch_rows: int) -> tuple[int, int]:
    """Thin one local day, bus by bus; returns (rows before, rows after)."""
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    vp = VehiclePosition
    before = after = 0
    for vehicle_id in vehicles:
        with Session() as s:
            rows = s.execute(
                select(vp.id, vp.recorded_at, vp.lat, vp.lon).where(
                    vp.vehicle_id == vehicle_id, vp.recorded_at >= start, vp.recorded_at < end
                )
            ).all()
        if not rows:
            continue
        keep = fixes_to_keep(Fix(r.id, r.recorded_at, r.lat, r.lon) for r in rows)
        drop = [r.id for r in rows if r.id not in keep]
        for i in range(0, len(drop), batch_rows):
            with Session.begin() as s:
                s.execute(
                    delete(vp).where(vp.id.in_(bindparam("ids", expanding=True)), vp.recorded_at >= start, vp.recorded_at < end),
                    {"ids": drop[i : i + batch_rows]},
                )
        before += len(rows)
        after += len(keep)
    return before, after


# --- 4. personal data ----------------------------------------------------------------------------


def erase_personal_data(Session: sessionmaker[Session], cutoff: datetime, batch_rows: int) -> tuple[int, int]:
    """NIK, name, phone (and device id) of items final before `cutoff` become NULL. Returns (complaints, emergencies)."""
    c, e = Complaint, Emergency
    complaints = _erase(
        Session,
        c,
        or_(and_(c.status == "ditutup", c.closed_at < cutoff), and_(c.status == "ditolak", c.rejected_at < cutoff)),
        or_(c.reporter_nik.is_not(None), c.reporter_name.is_not(None), c.reporter_phone.is_not(None)),
        {"reporter_nik": None, "reporter_name": None, "reporter_phone": None},
        batch_rows,
    )
    emergencies = _erase(
        Session,
        e,
        or_(and_(e.status == "selesai", e.resolved_at < cutoff), and_(e.status == "palsu", e.false_alarm_at < cutoff)),
        or_(e.reporter_nik.is_not(None), e.reporter_phone.is_not(None), e.device_id.is_not(None)),
        {"reporter_nik": None, "reporter_phone": None, "device_id": None},
        batch_rows,
    )
    return complaints, emergencies


def _erase(Session, model, final_before, still_has_data, values: dict, batch_rows: int) -> int:
    erased = 0
    while True:
        with Session.begin() as s:
            ids = list(s.scalars(select(model.id).where(final_before, still_has_data).order_by(model.id).limit(batch_rows)))
            if ids:
                s.execute(update(model).where(model.id.in_(ids)).values(**values))
        erased += len(ids)
        if len(ids) < batch_rows:
            return erased
