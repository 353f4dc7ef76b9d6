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
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import Polygon as PolygonPatch  # noqa: E402

from dashboard.i18n import t, wib  # noqa: E402
from dashboard.report_format import duration, kpis, league_record, pct  # noqa: E402
from data_access.reports import RESPONSE_BUCKETS, Report  # noqa: E402
from geo.boundaries import load_city_areas  # noqa: E402

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
GROUP_COLORS = {"infrastruktur": "#e67e22", "pelayanan": "#2e86c1", "lainnya": "#7f8c8d"}
BAND_COLORS = {"s2": (192, 57, 43), "s1": (211, 84, 0), "reward": (30, 132, 73)}  # reward/sanction columns


def _png(fig) -> io.BytesIO:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    buf.seek(0)
    return buf


def map_image(report: Report, lang: str) -> io.BytesIO:
    areas = load_city_areas().kelurahan
    counts = {code: f.received for code, f in report.kelurahan.items() if code}
    top = max(counts.values(), default=0) or 1
    cmap = plt.get_cmap("OrRd")
    fig, ax = plt.subplots(figsize=(6.5, 6.5))
    patches, colors = [], []
    for area in areas:
        polys = getattr(area.geometry, "geoms", [area.geometry])
        for poly in polys:
            patches.append(PolygonPatch(list(poly.exterior.coords), closed=True))
            colors.append(cmap(0.1 + 0.9 * counts.get(area.code, 0) / top))
        lat, lon = area.interior_point
        ax.annotate(f"{area.name}\n{counts.get(area.code, 0)}", (lon, lat), ha="center", va="center", fontsize=5)
    ax.add_collection(PatchCollection(patches, facecolor=colors, edgecolor="#555", linewidths=0.4))
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(t("lap_pdf_map", lang))
    return _png(fig)


def charts_image(report: Report, lang: str) -> io.BytesIO:
    fig, axes = plt.subplots(3, 1, figsize=(8, 10))
    days = sorted(report.daily)
    bottom = [0] * len(days)
    for group, color in GROUP_COLORS.items():
        values = [report.daily[d].get(group, 0) for d in days]
        axes[0].bar(range(len(days)), values, bottom=bottom, color=color, label=t(f"group_{group}", lang))
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    step = max(1, len(days) // 10)
    axes[0].set_xticks(range(0, len(days), step), [d.strftime("%d-%m") for d in days][::step], fontsize=7)
    axes[0].legend(fontsize=7)
    axes[0].set_title(t("lap_chart_daily", lang))
    keys = [name for _u, name in RESPONSE_BUCKETS] + ["waiting"]
    axes[1].bar([t(f"lap_bucket_{k}", lang) for k in keys], [report.histogram[k] for k in keys], color="#2e86c1")
    axes[1].tick_params(axis="x", labelsize=7)
    axes[1].set_title(t("lap_chart_hist", lang))
    axes[2].imshow(report.heatmap, aspect="auto", cmap="Blues")
    axes[2].set_yticks(range(7), t("lap_days", lang).split(","), fontsize=7)
    axes[2].set_xticks(range(0, 24, 2), [str(h) for h in range(0, 24, 2)], fontsize=7)
    axes[2].set_title(t("lap_chart_heat", lang))
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
        with pdf.table(col_widths=(8, 28, 14, 32, 32, 30, 14, 14, 14, 20, 20, 20), text_align="CENTER", line_height=5) as table:
            table.row([t(h, lang) for h in heads])
            for row in report.league:
                rec = league_record(row, report.names.agencies, lang)
                cells = table.row()
                for col in cols:
                    if col in BAND_COLORS and rec[col]:
                        pdf.set_text_color(*BAND_COLORS[col])
                    cells.cell(str(rec[col]))
                    pdf.set_text_color(0, 0, 0)

    # Map and charts as images.
    pdf.add_page()
    pdf.image(map_image(report, lang), x=10, y=12, h=180)
    pdf.add_page(orientation="P")
    pdf.image(charts_image(report, lang), x=10, y=10, w=190)
    return bytes(pdf.output())
