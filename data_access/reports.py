"""The mayor's performance report, aggregated in the database (SQL), identical on SQLite and PostgreSQL.

Every figure follows the definitions in `domain/report_kpi.py`. Two things make the two databases
agree to the second:

- durations come from one expression, `epoch_s(column)`: whole seconds since 1970 (floor), which
  SQLite computes with `strftime('%s')` on the text cut to whole seconds and PostgreSQL with
  `floor(date_part('epoch'))`;
- percentiles use the nearest rank ⌈p·n/100⌉. PostgreSQL computes them with `percentile_disc`
  (defined as the first value whose cumulative share reaches p: exactly that rank), all groups and
  the whole city in one sorted pass with GROUPING SETS; SQLite, which has neither, numbers the rows
  inside each group with a window function (NULLs last) and picks the value at that rank. The
  tests hold both to the item-by-item reference in domain/report_kpi.py and to each other.

On PostgreSQL each report transaction also raises `work_mem` (so its sorts stay in memory) and
turns JIT off (compiling costs more than the sub-second queries it would speed up), with SET LOCAL:
nothing outside the report's own transaction changes.

WIB days, hours and weekdays are integer arithmetic on `epoch_s + 7 h` (no DST in WIB). Only
whitelisted columns are read: never reporter NIK, name, phone, or the citizen's free text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, String, and_, case, func, literal, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from data_access.models import Agency, Category, Complaint, Emergency, Kecamatan, Kelurahan
from domain.report_kpi import (
    OPEN,
    PERCENTILES,
    RESOLVED,
    REWARD_SECONDS,
    SANCTION_1_SECONDS,
    SANCTION_2_SECONDS,
    Figures,
    LeagueRow,
    epoch_seconds,
    league,
)
from domain.report_period import Period

WIB_OFFSET_S = 7 * 3600
DAY_S = 86400
EPOCH_DAY = date(1970, 1, 1)  # a Thursday: weekday (Monday = 0) of day index d is (d + 3) % 7
GROUP_BY = {"agency", "kecamatan", "kelurahan"}
RESPONSE_BUCKETS = (  # (upper bound in seconds, key); the last bucket has no upper bound
    (REWARD_SECONDS, "le10m"),
    (3600, "le1h"),
    (6 * 3600, "le6h"),
    (SANCTION_1_SECONDS, "le1d"),
    (SANCTION_2_SECONDS, "le2d"),
    (None, "gt2d"),
)


class epoch_s(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """Whole seconds since 1970 of a stored UTC time, the same on SQLite and PostgreSQL."""

    type = BigInteger()
    inherit_cache = True
    name = "epoch_s"


@compiles(epoch_s, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': cut the fraction first, since SQLite's date functions
    # round to milliseconds (…:25.999999 would become …:26).
    return f"CAST(strftime('%s', substr({compiler.process(element.clauses, **kw)}, 1, 19)) AS INTEGER)"


@compiles(epoch_s, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    # date_part gives double precision (fast; exact to the microsecond at today's epoch values), where
    # EXTRACT gives numeric, which is slower to compute row by row.
    return f"CAST(FLOOR(date_part('epoch', {compiler.process(element.clauses, **kw)})) AS BIGINT)"


class wib_iso(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """A stored UTC time as WIB text to the second, `YYYY-MM-DDTHH:MM:SS+07:00`, formatted by the database.

    For the item export: formatting 80,000 rows × 5 times in the database costs a few milliseconds,
    in Python over a second. Seconds are cut, not rounded, like the durations.
    """

    type = String()
    inherit_cache = True
    name = "wib_iso"


@compiles(wib_iso, "sqlite")
def _wib_iso_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"strftime('%Y-%m-%dT%H:%M:%S+07:00', substr({value}, 1, 19), '+7 hours')"


@compiles(wib_iso, "postgresql")
def _wib_iso_postgresql(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"""to_char(({value} AT TIME ZONE 'UTC') + INTERVAL '7 hours', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')"""


@dataclass(frozen=True)
class ReportFilter:
    """What the page, the CSV and the PDF are filtered by: one period and optional areas and owners."""

    period: Period
    kecamatan: str | None = None
    kelurahan: str | None = None
    agency: str | None = None
    group: str | None = None  # category group: infrastruktur / pelayanan / lainnya

    def for_period(self, period: Period) -> ReportFilter:
        return ReportFilter(period, self.kecamatan, self.kelurahan, self.agency, self.group)


def agency_of():
    """The agency an item is counted for: the one it is assigned to, else its category's default."""
    return func.coalesce(Complaint.agency_code, Complaint.suggested_agency_code)


def _complaint_where(flt: ReportFilter, span: tuple[datetime, datetime] | None = None) -> list:
    c = Complaint
    start, end = span or (flt.period.start_utc, flt.period.end_utc)
    where = [c.reported_at >= start, c.reported_at < end]
    if flt.kecamatan:
        where.append(c.kecamatan_code == flt.kecamatan)
    if flt.kelurahan:
        where.append(c.kelurahan_code == flt.kelurahan)
    if flt.agency:
        where.append(agency_of() == flt.agency)
    if flt.group:
        where.append(c.category_code.in_(select(Category.code).where(Category.group == flt.group)))
    return where


def _item_columns(now: datetime) -> dict:
    """Per-item derived values (0/1 flags and seconds) that the aggregates sum or rank."""
    c = Complaint
    reported = epoch_s(c.reported_at)
    is_open = c.status.in_(sorted(OPEN))
    is_resolved = and_(c.status.in_(sorted(RESOLVED)), c.resolved_at.is_not(None))
    first_late = or_(
        and_(c.first_response_at.is_not(None), c.first_response_at > c.first_response_due_at),
        and_(c.first_response_at.is_(None), c.first_response_due_at < now),
    )
    resolution_late = or_(and_(is_resolved, c.resolved_at > c.resolution_due_at), and_(is_open, c.resolution_due_at < now))
    judged = or_(c.first_response_at.is_not(None), c.first_response_due_at < now)
    flag = lambda cond: case((cond, 1), else_=0)  # noqa: E731
    return {
        "fr_s": epoch_s(c.first_response_at) - reported,
        "res_s": case((is_resolved, epoch_s(c.resolved_at) - reported)),
        "waited_s": case(
            (
                or_(c.first_response_at.is_not(None), is_open),
                func.coalesce(epoch_s(c.first_response_at), epoch_seconds(now)) - reported,
            )
        ),
        "is_open": flag(is_open),
        "overdue": flag(and_(is_open, or_(and_(c.status == "baru", c.first_response_due_at < now), c.resolution_due_at < now))),
        "judged": flag(judged),
        "late": flag(and_(judged, or_(first_late, resolution_late))),
        "res_judged": flag(or_(is_resolved, and_(is_open, c.resolution_due_at < now))),
        "res_within": flag(and_(is_resolved, c.resolved_at <= c.resolution_due_at)),
    }


def _key_column(by: str | None):
    c = Complaint
    if by is None:
        return literal("*")
    if by not in GROUP_BY:
        raise ValueError(f"cannot group a report by {by!r}")
    return {"agency": agency_of(), "kecamatan": c.kecamatan_code, "kelurahan": c.kelurahan_code}[by]


def _rank_pick(value, rn, n, p: int):
    """The value at the nearest rank ⌈p·n/100⌉ (integer arithmetic on both databases)."""
    return func.max(case((rn == (p * n + 99) // 100, value)))


def _aggregates(r, rn: str, n: str) -> list:
    """The Figures columns (after the key) from a ranked subquery, percentiles picked by the named windows."""
    return [
        func.count(),
        *(_rank_pick(r.fr_s, r[f"fr_{rn}"], r[f"fr_{n}"], p) for p in PERCENTILES),
        *(_rank_pick(r.res_s, r[f"res_{rn}"], r[f"res_{n}"], p) for p in PERCENTILES),
        func.sum(r.res_judged),
        func.sum(r.res_within),
        func.sum(case((r.fr_s <= REWARD_SECONDS, 1), else_=0)),
        func.sum(case((r.waited_s > SANCTION_1_SECONDS, 1), else_=0)),
        func.sum(case((r.waited_s > SANCTION_2_SECONDS, 1), else_=0)),
        func.sum(r.is_open),
        func.sum(r.overdue),
        func.sum(r.judged),
        func.sum(r.late),
    ]


_PERCENTILE_FIELDS = {1, 2, 3, 4}  # positions of the percentiles among the Figures values


@dataclass(frozen=True)
class PeriodFigures:
    groups: dict[str | None, Figures]
    city: Figures


PG_WORK_MEM = "32MB"  # the 60-day league scan of a 1,000,000-complaint history sorts ~25 MB in memory


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def tune_report_transaction(session: Session) -> None:
    """PostgreSQL only, for this transaction only: sorts in memory and no JIT (see the module docstring)."""
    if _on_postgresql(session):
        session.execute(text(f"SET LOCAL work_mem = '{PG_WORK_MEM}'"))
        session.execute(text("SET LOCAL jit = off"))


def _base_rows(flt: ReportFilter, now: datetime, bys: tuple[str, ...], periods: tuple[Period, ...]):
    """One row per complaint of the periods: its period index `p`, its group keys and the derived values."""
    c = Complaint
    span = (min(p.start_utc for p in periods), max(p.end_utc for p in periods))
    tag = case(*((and_(c.reported_at >= p.start_utc, c.reported_at < p.end_utc), i) for i, p in enumerate(periods)), else_=-1)
    keys = [_key_column(by).label(f"k_{by}") for by in bys]
    cols = _item_columns(now)
    return (
        select(tag.label("p"), *keys, *(v.label(k) for k, v in cols.items())).where(*_complaint_where(flt, span)).subquery("base")
    )


def _sums(b) -> list:
    """The Figures columns after the percentiles, as plain sums."""
    return [
        func.sum(b.res_judged),
        func.sum(b.res_within),
        func.sum(case((b.fr_s <= REWARD_SECONDS, 1), else_=0)),
        func.sum(case((b.waited_s > SANCTION_1_SECONDS, 1), else_=0)),
        func.sum(case((b.waited_s > SANCTION_2_SECONDS, 1), else_=0)),
        func.sum(b.is_open),
        func.sum(b.overdue),
        func.sum(b.judged),
        func.sum(b.late),
    ]


def _figures_postgresql(
    session: Session, flt: ReportFilter, now: datetime, bys: tuple[str, ...], periods: tuple[Period, ...]
) -> list[dict[str | None, dict[str | None, Figures]]]:
    """Every grouping and the city, every period, in ONE sorted pass: GROUPING SETS ((p, k1), (p, k2), …, (p))."""
    b = _base_rows(flt, now, bys, periods).c
    keys = [b[f"k_{by}"] for by in bys]
    shares = array([p / 100 for p in PERCENTILES])
    stmt = select(
        b.p,
        *keys,
        *(func.grouping(k) for k in keys),  # 0 where the row belongs to that key's grouping set
        func.count(),
        func.percentile_disc(shares).within_group(b.fr_s),
        func.percentile_disc(shares).within_group(b.res_s),
        *_sums(b),
    ).group_by(func.grouping_sets(*(tuple_(b.p, k) for k in keys), tuple_(b.p)))
    out: list[dict] = [{by: {} for by in (*bys, None)} for _ in periods]
    n = len(keys)
    for row in session.execute(stmt):
        p = int(row[0])
        if p < 0:
            continue
        grouped = [by for by, g in zip(bys, row[1 + n : 1 + 2 * n], strict=True) if g == 0]
        by = grouped[0] if grouped else None
        key = row[1 + bys.index(by)] if by else None
        count, fr, res, *sums = row[1 + 2 * n :]
        fr, res = fr or [None] * len(PERCENTILES), res or [None] * len(PERCENTILES)
        out[p][by][key] = Figures(key, int(count), *fr, *res, *(int(v or 0) for v in sums))
    return out


def figures_over(
    session: Session, *, flt: ReportFilter, now: datetime, by: str | None, periods: tuple[Period, ...]
) -> list[PeriodFigures]:
    """Per group and for the whole city, for several periods, in ONE pass over the rows.

    Each row is tagged with its period. PostgreSQL groups by (period, group) and (period) at once;
    on SQLite windows number the values inside (period, group) for the groups and inside (period)
    for the city, so the city's percentiles come from the same scan there too.
    """
    if _on_postgresql(session):
        tune_report_transaction(session)
        bys = () if by is None else (by,)
        result = _figures_postgresql(session, flt, now, bys, periods)
        return [PeriodFigures(r[by], r[None].get(None, Figures(None))) for r in result]
    cols = _item_columns(now)
    c = Complaint
    span = (min(p.start_utc for p in periods), max(p.end_utc for p in periods))
    tag = case(*((and_(c.reported_at >= p.start_utc, c.reported_at < p.end_utc), i) for i, p in enumerate(periods)), else_=-1)
    base = (
        select(tag.label("p"), _key_column(by).label("k"), *(v.label(k) for k, v in cols.items()))
        .where(*_complaint_where(flt, span))
        .subquery("base")
    )
    b = base.c
    windows = []
    for value in ("fr", "res"):
        col = b[f"{value}_s"]
        for suffix, partition in (("", (b.p, b.k)), ("_city", (b.p,))):
            windows.append(
                func.row_number().over(partition_by=partition, order_by=col.asc().nulls_last()).label(f"{value}_rn{suffix}")
            )
            windows.append(func.count(col).over(partition_by=partition).label(f"{value}_n{suffix}"))
    ranked = select(base, *windows).subquery("ranked")
    r = ranked.c
    stmt = select(r.p, r.k, *_aggregates(r, "rn", "n"), *_aggregates(r, "rn_city", "n_city")[1:5]).group_by(r.p, r.k)
    width = len(Figures.__dataclass_fields__) - 1
    groups: list[dict] = [{} for _ in periods]
    city: list[list] = [[None if i in _PERCENTILE_FIELDS else 0 for i in range(width)] for _ in periods]
    for row in session.execute(stmt):
        p = int(row[0])
        if p < 0:
            continue
        values = [None if v is None else int(v) for v in row[2 : 2 + width]]
        key = None if by is None else row[1]
        groups[p][key] = Figures(key, *values)
        picks = row[2 + width :]  # non-NULL only in the group that holds the city's ranked value
        for i, v in enumerate(values):
            if i in _PERCENTILE_FIELDS:
                if picks[i - 1] is not None:
                    city[p][i] = int(picks[i - 1])
            else:
                city[p][i] += v or 0
    return [PeriodFigures(groups[p], Figures(None, *city[p])) for p in range(len(periods))]


def figures(session: Session, *, flt: ReportFilter, now: datetime, by: str | None = None) -> dict[str | None, Figures]:
    """The league-table figures per agency / kecamatan / kelurahan (or for the whole city, key None)."""
    (result,) = figures_over(session, flt=flt, now=now, by=by, periods=(flt.period,))
    return result.groups


def city_figures(session: Session, *, flt: ReportFilter, now: datetime) -> Figures:
    (result,) = figures_over(session, flt=flt, now=now, by=None, periods=(flt.period,))
    return result.city


# --- charts -------------------------------------------------------------------------------------


def _local_s():
    return epoch_s(Complaint.reported_at) + WIB_OFFSET_S


def daily_volume(session: Session, *, flt: ReportFilter) -> dict[date, dict[str, int]]:
    """Complaints per WIB day and category group (every day of the period present, zeros included)."""
    day = (_local_s() // DAY_S).label("d")
    stmt = (
        select(day, Category.group, func.count())
        .join(Category, Category.code == Complaint.category_code)
        .where(*_complaint_where(flt))
        .group_by(day, Category.group)
    )
    out = {flt.period.first + timedelta(days=i): {} for i in range(flt.period.days)}
    for d, group, n in session.execute(stmt):
        out.setdefault(EPOCH_DAY + timedelta(days=int(d)), {})[group] = int(n)
    return out


def response_histogram(session: Session, *, flt: ReportFilter, now: datetime) -> dict[str, int]:
    """How long citizens waited for a first response, in bands; `waiting` = no response yet."""
    c = Complaint
    fr = epoch_s(c.first_response_at) - epoch_s(c.reported_at)
    whens = [(c.first_response_at.is_(None), "waiting")]
    whens += [(fr <= upper, name) for upper, name in RESPONSE_BUCKETS if upper is not None]
    bucket = case(*whens, else_=RESPONSE_BUCKETS[-1][1]).label("b")
    counts = dict(session.execute(select(bucket, func.count()).where(*_complaint_where(flt)).group_by(bucket)).all())
    keys = [name for _u, name in RESPONSE_BUCKETS] + ["waiting"]
    return {k: int(counts.get(k, 0)) for k in keys}


def hour_weekday(session: Session, *, flt: ReportFilter) -> list[list[int]]:
    """Complaints per WIB weekday (rows, Monday first) and hour (columns)."""
    local = _local_s()
    hour = ((local % DAY_S) // 3600).label("h")
    weekday = (((local // DAY_S) + 3) % 7).label("w")
    grid = [[0] * 24 for _ in range(7)]
    for w, h, n in session.execute(select(weekday, hour, func.count()).where(*_complaint_where(flt)).group_by(weekday, hour)):
        grid[int(w)][int(h)] = int(n)
    return grid


@dataclass(frozen=True)
class EmergencyFigures:
    pressed: int = 0
    false_alarms: int = 0
    acknowledge_p50: int | None = None
    acknowledge_p90: int | None = None
    dispatch_p50: int | None = None
    dispatch_p90: int | None = None
    on_scene_p50: int | None = None
    on_scene_p90: int | None = None

    @property
    def false_alarm_share(self) -> float | None:
        return self.false_alarms / self.pressed if self.pressed else None


def emergency_figures(session: Session, *, flt: ReportFilter) -> EmergencyFigures:
    """Panic presses in the period (by area only: they have no agency or category group)."""
    e = Emergency
    pressed = epoch_s(e.pressed_at)
    where = [e.pressed_at >= flt.period.start_utc, e.pressed_at < flt.period.end_utc]
    if flt.kecamatan:
        where.append(e.kecamatan_code == flt.kecamatan)
    if flt.kelurahan:
        where.append(e.kelurahan_code == flt.kelurahan)
    stages = {"ack": e.acknowledged_at, "dis": e.dispatched_at, "scene": e.on_scene_at}
    base = select(
        case((e.status == "palsu", 1), else_=0).label("palsu"),
        *((epoch_s(col) - pressed).label(name) for name, col in stages.items()),
    ).where(*where)
    base = base.subquery("base")
    windows = []
    for name in stages:
        col = base.c[name]
        windows.append(func.row_number().over(order_by=col.asc().nulls_last()).label(f"{name}_rn"))
        windows.append(func.count(col).over().label(f"{name}_n"))
    ranked = select(base, *windows).subquery("ranked")
    r = ranked.c
    picks = [_rank_pick(r[name], r[f"{name}_rn"], r[f"{name}_n"], p) for name in stages for p in PERCENTILES]
    row = session.execute(select(func.count(), func.sum(r.palsu), *picks)).one()
    values = [None if v is None else int(v) for v in row]
    return EmergencyFigures(values[0], values[1] or 0, *values[2:])


# --- item-level export --------------------------------------------------------------------------

ITEM_COLUMNS = (
    "id",
    "event_id",
    "source",
    "reported_at_wib",
    "category",
    "category_group",
    "kecamatan",
    "kelurahan",
    "agency",
    "status",
    "escalation_level",
    "first_response_at_wib",
    "first_response_s",
    "resolved_at_wib",
    "resolution_s",
    "first_response_due_wib",
    "resolution_due_wib",
    "late",
    "overdue_now",
)


def export_items(session: Session, *, flt: ReportFilter, now: datetime, batch: int = 20000) -> Iterator[tuple]:
    """One tuple per complaint of the period (ITEM_COLUMNS order, times as WIB text, None where empty), oldest first.

    Read through the Core connection in batches (a server-side cursor on PostgreSQL): the export
    never holds the whole period in memory and skips the ORM's per-row work.
    """
    c = Complaint
    cols = _item_columns(now)
    kel, kec = Kelurahan.__table__.alias("kel"), Kecamatan.__table__.alias("kec")
    stmt = (
        select(
            c.id,
            c.event_id,
            c.source,
            wib_iso(c.reported_at),
            c.category_code,
            Category.group,
            kec.c.name,
            kel.c.name,
            agency_of(),
            c.status,
            c.escalation_level,
            wib_iso(c.first_response_at),
            cols["fr_s"],
            wib_iso(case((cols["res_s"].is_not(None), c.resolved_at))),
            cols["res_s"],
            wib_iso(c.first_response_due_at),
            wib_iso(c.resolution_due_at),
            cols["late"],
            cols["overdue"],
        )
        .join(Category, Category.code == c.category_code)
        .outerjoin(kec, kec.c.code == c.kecamatan_code)
        .outerjoin(kel, kel.c.code == c.kelurahan_code)
        .where(*_complaint_where(flt))
        .order_by(c.reported_at, c.id)
    )
    tune_report_transaction(session)
    result = session.connection().execute(stmt, execution_options={"yield_per": batch})
    for part in result.partitions():
        yield from map(tuple, part)


# --- names for labels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    agencies: dict[str, str]
    kecamatan: dict[str, str]
    kelurahan: dict[str, tuple[str, str]]  # code -> (name, kecamatan code)


def names(session: Session) -> Names:
    return Names(
        agencies=dict(session.execute(select(Agency.code, Agency.name)).all()),
        kecamatan=dict(session.execute(select(Kecamatan.code, Kecamatan.name).order_by(Kecamatan.code)).all()),
        kelurahan={
            code: (name, kec)
            for code, name, kec in session.execute(
                select(Kelurahan.code, Kelurahan.name, Kelurahan.kecamatan_code).order_by(Kelurahan.code)
            )
        },
    )


# --- the whole report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything one /laporan view, CSV or PDF shows, for one filter, with the previous period's figures."""

    flt: ReportFilter
    now: datetime
    city: Figures
    city_previous: Figures
    league: list[LeagueRow]
    kecamatan: dict[str | None, Figures]
    kelurahan: dict[str | None, Figures]
    daily: dict[date, dict[str, int]]
    histogram: dict[str, int]
    heatmap: list[list[int]]
    emergencies: EmergencyFigures
    emergencies_previous: EmergencyFigures
    names: Names


def league_table(session: Session, *, flt: ReportFilter, now: datetime) -> tuple[list[LeagueRow], Figures, Figures]:
    """Agencies ranked worst first, with the city's figures for this and the previous period."""
    now_figs, before_figs = figures_over(session, flt=flt, now=now, by="agency", periods=(flt.period, flt.period.previous()))
    rows = league(now_figs.groups.values(), before_figs.groups, now_figs.city, before_figs.city)
    return rows, now_figs.city, before_figs.city


def area_figures(session: Session, *, flt: ReportFilter, now: datetime) -> tuple[dict, dict]:
    """Per kecamatan and per kelurahan (the maps); the area filters themselves are not applied,
    so the map keeps showing every area while the rest of the page follows a clicked one."""
    whole_city = ReportFilter(flt.period, agency=flt.agency, group=flt.group)
    if _on_postgresql(session):  # both levels from one pass
        tune_report_transaction(session)
        (result,) = _figures_postgresql(session, whole_city, now, ("kecamatan", "kelurahan"), (flt.period,))
        return result["kecamatan"], result["kelurahan"]
    return figures(session, flt=whole_city, now=now, by="kecamatan"), figures(session, flt=whole_city, now=now, by="kelurahan")


def build_report(session: Session, *, flt: ReportFilter, now: datetime) -> Report:
    rows, city, city_before = league_table(session, flt=flt, now=now)
    kec, kel = area_figures(session, flt=flt, now=now)
    return Report(
        flt=flt,
        now=now,
        city=city,
        city_previous=city_before,
        league=rows,
        kecamatan=kec,
        kelurahan=kel,
        daily=daily_volume(session, flt=flt),
        histogram=response_histogram(session, flt=flt, now=now),
        heatmap=hour_weekday(session, flt=flt),
        emergencies=emergency_figures(session, flt=flt),
        emergencies_previous=emergency_figures(session, flt=flt.for_period(flt.period.previous())),
        names=names(session),
    )
