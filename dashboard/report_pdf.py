"""The one-click PDF of the mayor's report, made on the server and offline: fpdf2 for the document,
matplotlib (Agg) for the map and chart images, DejaVu Sans (shipped with matplotlib) for the text.

Pages: cover with period, filters and key figures; league table (worst first) with the ranking rule;
map of kelurahan shaded by complaints; daily volume, response-time bands, hour × weekday; emergencies.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a server

import matplotlib.pyplot as plt  # noqa: E402
from fpdf import FPDF  # noqa: E402
from fpdf.fonts import FontFace  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.patches import Polygon as PolygonPatch  # noqa: E402

from dashboard.i18n import t, wib  # noqa: E402
from dashboard.report_figures import BUCKET_COLORS  # noqa: E402
from dashboard.report_format import duration, kpis, league_record, pct  # noqa: E402
from data_access.reports import RESPONSE_BUCKETS, Report  # noqa: E402
from domain.report_kpi import Figures  # noqa: E402
from geo.boundaries import load_city_areas  # noqa: E402

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
GROUP_COLORS = {"infrastruktur": "#e67e22", "pelayanan": "#2e86c1", "lainnya": "#7f8c8d"}
BAND_COLORS = {"s2": (192, 57, 43), "s1": (211, 84, 0), "reward": (30, 132, 73)}  # reward/sanction columns
TREND_COLORS = {"▲": (192, 57, 43), "▼": (30, 132, 73)}  # more late items than before (worse) / fewer (better)
HEAD = FontFace(emphasis="BOLD", color=255, fill_color=(27, 42, 65))  # the page's table heading colours
ZEBRA = (243, 245, 248)


def _png(fig) -> io.BytesIO:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    buf.seek(0)
    return buf


def map_image(report: Report, lang: str) -> io.BytesIO:
    """Kelurahan shaded by complaints (count inside each), kecamatan outlined and named, with a colour bar."""
    areas = load_city_areas()
    counts = {code: f.received for code, f in report.kelurahan.items() if code}
    top = max(counts.values(), default=0) or 1
    cmap = plt.get_cmap("OrRd")
    norm = Normalize(vmin=min(counts.values(), default=0), vmax=top)  # lowest to highest area, as on the page
    fig, ax = plt.subplots(figsize=(6.5, 6.8))
    patches, colors = [], []
    for area in areas.kelurahan:
        for poly in getattr(area.geometry, "geoms", [area.geometry]):
            patches.append(PolygonPatch(list(poly.exterior.coords), closed=True))
            colors.append(cmap(0.08 + 0.92 * norm(counts.get(area.code, 0))))
        lat, lon = area.interior_point
        dark = norm(counts.get(area.code, 0)) > 0.6  # white figures on the darkest shades
        ax.annotate(
            str(counts.get(area.code, 0)),
            (lon, lat),
            ha="center",
            va="center",
            fontsize=5.5,
            color="white" if dark else "#1b1f24",
        )
    ax.add_collection(PatchCollection(patches, facecolor=colors, edgecolor="#ffffff", linewidths=0.5))
    outlines = [
        PolygonPatch(list(p.exterior.coords), closed=True)
        for a in areas.kecamatan
        for p in getattr(a.geometry, "geoms", [a.geometry])
    ]
    ax.add_collection(PatchCollection(outlines, facecolor="none", edgecolor="#1b2a41", linewidths=1.3))
    for area in areas.kecamatan:
        lat, lon = area.interior_point
        ax.annotate(
            area.name.upper(),
            (lon, lat),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=6.5,
            fontweight="bold",
            color="#1b2a41",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.55, pad=0.02)
    bar.set_label(t("lappdf_complaints_scale", lang), fontsize=8)
    bar.ax.tick_params(labelsize=7)
    return _png(fig)


def charts_image(report: Report, lang: str) -> io.BytesIO:
    """Landscape: daily volume across the top; response-time bands and hour × weekday below."""
    fig = plt.figure(figsize=(11.5, 7.2))
    grid = fig.add_gridspec(2, 2, height_ratios=(1, 1.1), width_ratios=(1, 1.25))
    daily, bands, heat = fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    days = sorted(report.daily)
    bottom = [0] * len(days)
    for group, color in GROUP_COLORS.items():
        values = [report.daily[d].get(group, 0) for d in days]
        daily.bar(range(len(days)), values, bottom=bottom, color=color, label=t(f"group_{group}", lang))
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    step = max(1, len(days) // 15)
    daily.set_xticks(range(0, len(days), step), [d.strftime("%d-%m") for d in days][::step], fontsize=7)
    daily.tick_params(axis="y", labelsize=7)
    daily.legend(fontsize=7, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False)
    daily.set_title(t("lap_chart_daily", lang), fontsize=10)
    daily.spines[["top", "right"]].set_visible(False)
    keys = [name for _u, name in RESPONSE_BUCKETS] + ["waiting"]
    bars = bands.bar([t(f"lap_bucket_{k}", lang) for k in keys], [report.histogram[k] for k in keys], color=BUCKET_COLORS)
    bands.bar_label(bars, fontsize=6.5, padding=1)
    bands.tick_params(axis="x", labelsize=6.5, rotation=30)
    bands.tick_params(axis="y", labelsize=7)
    bands.set_title(t("lap_chart_hist", lang), fontsize=10)
    bands.spines[["top", "right"]].set_visible(False)
    image = heat.imshow(report.heatmap, aspect="auto", cmap="Blues")
    heat.set_yticks(range(7), t("lap_days", lang).split(","), fontsize=7)
    heat.set_xticks(range(0, 24, 2), [str(h) for h in range(0, 24, 2)], fontsize=7)
    heat.set_title(t("lap_chart_heat", lang), fontsize=10)
    bar = fig.colorbar(image, ax=heat, pad=0.02)
    bar.set_label(t("lappdf_heat_scale", lang), fontsize=7)
    bar.ax.tick_params(labelsize=6.5)
    fig.tight_layout()
    return _png(fig)


class _Doc(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.cell(0, 6, f"Binjai Command Center — {self.page_no()}", align="C")


def _filters_text(report: Report, lang: str) -> str:
    flt, names = report.flt, report.names
    parts = []
    if flt.kecamatan:
        parts.append(f"{t('lap_map_kecamatan', lang)}: {names.kecamatan.get(flt.kecamatan, flt.kecamatan)}")
    if flt.kelurahan:
        parts.append(f"{t('lap_map_kelurahan', lang)}: {names.kelurahan.get(flt.kelurahan, (flt.kelurahan,))[0]}")
    if flt.agency:
        parts.append(f"OPD: {flt.agency}")
    if flt.group:
        parts.append(t(f"group_{flt.group}", lang))
    return ", ".join(parts) or "—"


def render_pdf(report: Report, lang: str = "id") -> bytes:
    pdf = _Doc(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    period = report.flt.period

    # Cover: title, period, filters, key figures with the previous period.
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(0, 14, t("lap_title", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.cell(0, 8, t("lap_subtitle", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        8,
        f"{t('lap_period', lang)}: {period.label()} (WIB) — {t('lap_compared', lang, prev=period.previous().label())}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(0, 8, f"{t('lap_filters', lang)}: {_filters_text(report, lang)}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 6, t("lap_generated", lang, t=wib(report.now, "%d-%m-%Y %H:%M")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 10, t("lap_cover_kpis", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    with pdf.table(col_widths=(110, 70, 90), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
        table.row([t("lap_cover_kpis", lang), period.label(), period.previous().label()])
        for k in kpis(report.city, report.city_previous, lang):
            table.row([k.label, k.value, k.previous])
    e, ep = report.emergencies, report.emergencies_previous
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 8, t("lap_emerg_title", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(col_widths=(110, 70, 90), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
        for label, now_v, prev_v in (
            (t("lap_emerg_pressed", lang), str(e.pressed), str(ep.pressed)),
            (t("lap_emerg_ack", lang) + " (median)", duration(e.acknowledge_p50, lang), duration(ep.acknowledge_p50, lang)),
            (t("lap_emerg_dispatch", lang) + " (median)", duration(e.dispatch_p50, lang), duration(ep.dispatch_p50, lang)),
            (t("lap_emerg_scene", lang) + " (median)", duration(e.on_scene_p50, lang), duration(ep.on_scene_p50, lang)),
            (t("lap_emerg_false", lang), pct(e.false_alarm_share, lang), pct(ep.false_alarm_share, lang)),
        ):
            table.row([label, now_v, prev_v])

    # League table, worst first, with the rule that orders it.
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 10, t("lap_league_title", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 4, t("lap_league_help", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    cols = ("rank", "code", "received", "fr", "res", "within", "reward", "s1", "s2", "open", "score", "trend")
    heads = ("lap_col_rank", "lap_col_agency", "lap_col_received", "lap_col_fr", "lap_col_res", "lap_col_within")
    heads += ("lap_col_reward", "lap_col_s1", "lap_col_s2", "lap_col_open", "lap_col_score", "lap_col_trend")
    pdf.set_font("DejaVu", "", 7.5)
    if not report.league:
        pdf.cell(0, 8, t("lap_none", lang), new_x="LMARGIN", new_y="NEXT")
    else:
        widths = (8, 56, 13, 29, 29, 27, 13, 13, 13, 20, 26, 20)
        align = ("CENTER", "LEFT", *("CENTER",) * 10)
        with pdf.table(
            col_widths=widths, text_align=align, line_height=4.2, headings_style=HEAD,
            cell_fill_color=ZEBRA, cell_fill_mode="ROWS", borders_layout="NONE",
        ) as table:  # fmt: skip
            table.row([t(h, lang) for h in heads])
            for row in report.league:
                rec = league_record(row, report.names.agencies, lang)
                cells = table.row()
                for col in cols:
                    color = BAND_COLORS.get(col) if rec[col] else None
                    if col == "trend":
                        color = TREND_COLORS.get(str(rec[col])[:1])
                    if color:
                        pdf.set_text_color(*color)
                    cells.cell(_agency_cell(rec, report) if col == "code" else str(rec[col]))
                    pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        pdf.set_font("DejaVu", "", 7)
        pdf.multi_cell(0, 4, t("lappdf_trend_note", lang), new_x="LMARGIN", new_y="NEXT")

    # Map with the areas' figures beside it.
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 10, t("lap_pdf_map", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.image(map_image(report, lang), x=8, y=22, h=178)
    _area_tables(pdf, report, lang, x=160)

    # Charts on one landscape page.
    pdf.add_page()
    pdf.image(charts_image(report, lang), x=10, y=12, w=277)
    return bytes(pdf.output())


def _agency_cell(rec: dict, report: Report) -> str:
    name = report.names.agencies.get(rec["code"], "").removesuffix(" Kota Binjai")
    return f"{rec['code']} — {name}" if name else str(rec["code"])


def _area_tables(pdf: FPDF, report: Report, lang: str, x: float) -> None:
    """Beside the map: every kecamatan, then the kelurahan where most complaints are overdue now."""
    names = report.names

    def table(title: str, heads: list[str], rows: list[list[str]], widths: tuple) -> None:
        pdf.set_x(x)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 7.5)
        with pdf.table(
            col_widths=widths, width=sum(widths), align="RIGHT", text_align=("LEFT", *("RIGHT",) * (len(widths) - 1)),
            line_height=4.6, headings_style=HEAD, cell_fill_color=ZEBRA, cell_fill_mode="ROWS", borders_layout="NONE",
        ) as tbl:  # fmt: skip
            tbl.row(heads)
            for r in rows:
                tbl.row(r)
        pdf.ln(4)

    def line(name: str, f) -> list[str]:
        return [
            name,
            str(f.received),
            f"{f.open_now} / {f.overdue_now}",
            pct(f.late_share, lang),
            duration(f.resolution_p50, lang),
        ]

    heads = [t("lap_map_kecamatan", lang), t("lap_col_received", lang), t("lap_col_open", lang)]
    heads += [t("lappdf_late_share", lang), t("lap_map_median", lang)]
    widths = (34, 16, 24, 22, 26)
    pdf.set_y(24)
    kec_rows = [line(name, report.kecamatan.get(code) or Figures(code)) for code, name in names.kecamatan.items()]
    table(t("lappdf_kec_table", lang), heads, kec_rows, widths)
    worst = sorted(
        (f for code, f in report.kelurahan.items() if code and f.overdue_now), key=lambda f: (-f.overdue_now, -f.received, f.key)
    )[:10]
    heads[0] = t("lap_map_kelurahan", lang)
    table(t("lappdf_kel_overdue", lang), heads, [line(names.kelurahan.get(f.key, (f.key,))[0], f) for f in worst], widths)
