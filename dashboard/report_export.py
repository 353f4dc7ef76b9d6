"""Stable download URLs of the mayor's report: CSV of the league table and of the items, and the PDF.

    /laporan/export/agencies.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&kecamatan=…&kelurahan=…&agency=…&group=…]
    /laporan/export/items.csv?…   (same filters)
    /laporan/export/laporan.pdf?… (same filters)

Only the report's roles may download (a GET that changes nothing, so no CSRF token is needed);
a bad date is a 400 with a sentence that says what is wrong. The item CSV carries no NIK, no
reporter name or phone and no citizen free text, and no text cell that a spreadsheet would run
as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Flask, Response, request, stream_with_context

from dashboard.auth import current_role, now_utc
from dashboard.services import services
from data_access.reports import ITEM_COLUMNS, ReportFilter, build_report, export_items, league_table, names
from domain.numbering import item_number
from domain.report_kpi import LeagueRow
from domain.report_period import Period, PeriodError, parse_day
from domain.roles import may_view
from domain.spreadsheet_safety import neutralise_row

PAGE = "/laporan"
GROUPS = ("infrastruktur", "pelayanan", "lainnya")
AGENCY_COLUMNS = (
    "rank",
    "agency_code",
    "agency_name",
    "received",
    "first_response_p50_s",
    "first_response_p90_s",
    "resolution_p50_s",
    "resolution_p90_s",
    "resolved_within_deadline",
    "resolution_judged",
    "resolved_within_pct",
    "reward_le_10min",
    "waited_gt_1day",
    "waited_gt_2days",
    "open_now",
    "overdue_now",
    "judged",
    "late",
    "late_pct",
    "score_pct",
    "previous_received",
    "previous_score_pct",
    "trend_pp",
)


def filter_from_args(args) -> ReportFilter:
    """The report filter of a URL; PeriodError with a readable reason when it cannot be one."""
    period = Period(parse_day(args.get("from"), "from"), parse_day(args.get("to"), "to"))
    group = args.get("group") or None
    if group is not None and group not in GROUPS:
        raise PeriodError(f"parameter 'group' harus salah satu dari {', '.join(GROUPS)}")
    return ReportFilter(
        period,
        kecamatan=args.get("kecamatan") or None,
        kelurahan=args.get("kelurahan") or None,
        agency=args.get("agency") or None,
        group=group,
    )


def _pct(value: float | None) -> float | str:
    """A share as a percentage number with one decimal (a number, so the CSV guard leaves it alone)."""
    return "" if value is None else round(value * 100, 1)


def _blank(value) -> str | int:
    return "" if value is None else value


def agency_rows(rows: Iterable[LeagueRow], agency_names: dict[str, str]) -> Iterator[list]:
    for r in rows:
        f, prev = r.figures, r.previous
        yield [
            r.rank,
            f.key or "",
            agency_names.get(f.key or "", ""),
            f.received,
            _blank(f.first_response_p50),
            _blank(f.first_response_p90),
            _blank(f.resolution_p50),
            _blank(f.resolution_p90),
            f.resolved_within,
            f.resolution_judged,
            _pct(f.resolved_within_share),
            f.reward,
            f.waited_1d,
            f.waited_2d,
            f.open_now,
            f.overdue_now,
            f.judged,
            f.late,
            _pct(f.late_share),
            _pct(r.score),
            prev.received if prev else 0,
            _pct(r.previous_score),
            _pct(r.trend),
        ]


def csv_text(header: Iterable[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV in chunks of about 64 KB, so a large export streams instead of building in memory (None → empty).

    Every text cell goes through the formula guard (domain/spreadsheet_safety.py): names and ids
    typed by admins or sent by channels never become live spreadsheet formulas.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(neutralise_row(header))
    for row in rows:
        writer.writerow(neutralise_row(row))
        if buf.tell() > 65536:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _filename(kind: str, flt: ReportFilter, ext: str) -> str:
    return f"laporan-{kind}-{flt.period.first.isoformat()}_{flt.period.last.isoformat()}.{ext}"


def _refuse() -> Response | None:
    role = current_role()
    if role is None:
        return Response("Silakan masuk (login) terlebih dahulu: /masuk\n", status=401, mimetype="text/plain")
    if not may_view(role, PAGE):
        return Response(
            "Akses ditolak: laporan hanya untuk wali kota, supervisor dan admin.\n", status=403, mimetype="text/plain"
        )
    return None


def _bad_request(exc: PeriodError) -> Response:
    return Response(f"Permintaan tidak valid: {exc}\n", status=400, mimetype="text/plain")


def _checked_filter():
    """Every download: the role check, then the filter from the query string (a bad one → 400)."""
    if (refused := _refuse()) is not None:
        return None, refused
    try:
        return filter_from_args(request.args), None
    except PeriodError as exc:
        return None, _bad_request(exc)


def register_report_exports(server: Flask) -> None:
    @server.get("/laporan/export/agencies.csv", endpoint="laporan_agencies_csv")
    def agencies_csv():
        flt, refused = _checked_filter()
        if refused is not None:
            return refused
        with services().Session() as s:
            rows, _city, _before = league_table(s, flt=flt, now=now_utc())
            agency_names = names(s).agencies
        body = "".join(csv_text(AGENCY_COLUMNS, agency_rows(rows, agency_names)))
        return _download(body, "text/csv", _filename("opd", flt, "csv"))

    @server.get("/laporan/export/items.csv", endpoint="laporan_items_csv")
    def items_csv():
        flt, refused = _checked_filter()
        if refused is not None:
            return refused
        now = now_utc()
        factory = services().Session

        def generate():
            with factory() as s:
                rows = ((item_number("complaint", row[0]), *row) for row in export_items(s, flt=flt, now=now))
                yield from csv_text(("nomor", *ITEM_COLUMNS), rows)  # nomor: P-123, as the console says it

        return _download(stream_with_context(generate()), "text/csv", _filename("pengaduan", flt, "csv"))

    @server.get("/laporan/export/laporan.pdf", endpoint="laporan_pdf")
    def report_pdf():
        from dashboard.report_pdf import render_pdf  # matplotlib is loaded only when a PDF is asked for

        flt, refused = _checked_filter()
        if refused is not None:
            return refused
        with services().Session() as s:
            report = build_report(s, flt=flt, now=now_utc())
        lang = request.args.get("lang", "id")
        return _download(
            render_pdf(report, lang=lang if lang in ("id", "en") else "id"), "application/pdf", _filename("kinerja", flt, "pdf")
        )


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
