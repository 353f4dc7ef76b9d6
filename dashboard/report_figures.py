"""Plotly figures and map colours of /laporan, built from a report's plain figures (no I/O)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from dashboard.i18n import t
from dashboard.report_format import duration, pct
from data_access.reports import RESPONSE_BUCKETS
from domain.report_kpi import Figures

# response-time bands, quick (green) to long and still waiting (dark red): the page and the PDF alike
BUCKET_COLORS = ("#27ae60", "#82c785", "#f4d03f", "#f39c12", "#e67e22", "#c0392b", "#7b241c")
GROUP_COLORS = {"infrastruktur": "#e67e22", "pelayanan": "#2e86c1", "lainnya": "#7f8c8d"}
SHADES = ("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")  # light = low, dark = high
NO_DATA = "#d9d9d9"


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(title=title, margin={"l": 40, "r": 10, "t": 40, "b": 40}, plot_bgcolor="#fff", paper_bgcolor="#fff")
    return fig


def daily_figure(daily: dict[date, dict[str, int]], lang: str) -> go.Figure:
    days = sorted(daily)
    fig = go.Figure(
        [
            go.Bar(name=t(f"group_{g}", lang), x=days, y=[daily[d].get(g, 0) for d in days], marker_color=color)
            for g, color in GROUP_COLORS.items()
        ]
    )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    return _layout(fig, t("lap_chart_daily", lang))


def histogram_figure(histogram: dict[str, int], lang: str) -> go.Figure:
    keys = [name for _u, name in RESPONSE_BUCKETS] + ["waiting"]
    fig = go.Figure(
        go.Bar(x=[t(f"lap_bucket_{k}", lang) for k in keys], y=[histogram[k] for k in keys], marker_color=list(BUCKET_COLORS))
    )
    return _layout(fig, t("lap_chart_hist", lang))


def heatmap_figure(grid: list[list[int]], lang: str) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=grid, x=list(range(24)), y=t("lap_days", lang).split(","), colorscale="Blues"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t("lap_chart_heat", lang))


def metric_value(f: Figures | None, metric: str) -> float | None:
    if f is None or f.received == 0:
        return None
    if metric == "overdue":
        return f.overdue_now / f.received
    if metric == "median":
        return f.resolution_p50
    return f.received


def metric_text(value: float | None, metric: str, lang: str) -> str:
    if value is None:
        return "—"
    if metric == "overdue":
        return pct(value, lang)
    if metric == "median":
        return duration(int(value), lang)
    return str(int(value))


def shade(value: float | None, low: float, top: float) -> str:
    """Six steps from the lowest to the highest area, so differences between areas stay visible."""
    if value is None:
        return NO_DATA
    if top <= low:
        return SHADES[0]
    return SHADES[min(len(SHADES) - 1, int((value - low) / (top - low) * len(SHADES)))]


def shaded_collection(collection: dict, by_code: dict, metric: str, lang: str, selected: str | None) -> tuple[dict, tuple]:
    """The area GeoJSON with fill colour, tooltip and selection per feature; returns it and (lowest, highest)."""
    values = {code: metric_value(f, metric) for code, f in by_code.items() if code}
    present = [v for v in values.values() if v is not None]
    low, top = (min(present), max(present)) if present else (None, None)
    features = []
    for feat in collection["features"]:
        code = feat["properties"]["code"]
        value = values.get(code)
        props = dict(feat["properties"])
        props.update(
            fill=shade(value, low or 0, top or 0),
            selected=code == selected,
            tooltip=f"{props['name']}: {metric_text(value, metric, lang)}",
        )
        features.append({**feat, "properties": props})
    return {"type": "FeatureCollection", "features": features}, (low, top)
