"""`/laporan`: the mayor's performance report — worst agencies and the reward/sanction bands first,
then the map (click an area to filter the whole page), charts and emergencies, with CSV and PDF.

The layout holds only controls and empty panels; callbacks (dashboard/callbacks/laporan.py) fill
each panel on its own, so one slow panel never holds up the others.
"""

from __future__ import annotations

from datetime import timedelta

import dash
import dash_leaflet as dl
from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_role, now_utc
from dashboard.i18n import t
from dashboard.report_export import GROUPS
from dashboard.services import services
from data_access.reports import names
from domain.report_period import PeriodKind, wib_today
from domain.roles import may_view
from geo.boundaries import load_city_areas
from geo.geojson import areas_feature_collection

PERIODS = [k.value for k in PeriodKind]
BINJAI_CENTER = (3.6, 98.49)


def _fn(name: str) -> dict:
    return {"variable": f"bccReport.{name}"}


def _denied(lang: str, login: bool):
    children = [html.H1(t("lap_title", lang)), html.P(t("lap_login" if login else "lap_denied", lang))]
    if login:
        children.append(html.A(t("lap_login_button", lang), href="/masuk?next=/laporan", className="button"))
    return html.Main(className="status-page", children=children)


def _map():
    areas = load_city_areas()
    return dl.MapContainer(
        center=BINJAI_CENTER,
        zoom=12,
        style={"height": "520px", "background": "#eef1f5"},
        children=[  # no tile layer: works offline and keeps the shading readable
            dl.GeoJSON(id=ids.LAP_MAP_KEL, data=areas_feature_collection(areas.kelurahan), style=_fn("areaStyle")),
            dl.GeoJSON(id=ids.LAP_MAP_KEC, data=areas_feature_collection(areas.kecamatan), style=_fn("areaStyle")),
        ],
    )


def layout(lang: str = "id", **_query):
    lang = lang if lang in ("id", "en") else "id"
    role = current_role()
    if role is None:
        return _denied(lang, login=True)
    if not may_view(role, "/laporan"):
        return _denied(lang, login=False)
    with services().Session() as s:
        ref = names(s)
    today = wib_today(now_utc())
    return html.Main(
        className="report",
        children=[
            dcc.Store(id=ids.LAP_LANG, data=lang),
            dcc.Store(id=ids.LAP_AREA, data=None),
            dcc.Store(id=ids.LAP_FILTER),
            html.Header(
                [
                    html.H1(t("lap_title", lang)),
                    html.Div(id=ids.LAP_PERIOD_LABEL, className="muted"),
                ]
            ),
            html.Div(
                className="filters",
                children=[
                    dcc.RadioItems(
                        id=ids.LAP_PERIOD,
                        options=[{"label": t(f"lap_period_{k}", lang), "value": k} for k in PERIODS],
                        value="30-hari",
                        inline=True,
                    ),
                    dcc.DatePickerRange(
                        id=ids.LAP_DATES,
                        start_date=(today - timedelta(days=29)).isoformat(),
                        end_date=today.isoformat(),
                        max_date_allowed=today.isoformat(),
                        display_format="DD-MM-YYYY",
                    ),
                    dcc.Dropdown(
                        id=ids.LAP_KECAMATAN,
                        className="dd",
                        options=[{"label": n, "value": c} for c, n in ref.kecamatan.items()],
                        placeholder=t("lap_all_kecamatan", lang),
                    ),
                    dcc.Dropdown(
                        id=ids.LAP_AGENCY,
                        className="dd",
                        options=[{"label": f"{c} — {n}", "value": c} for c, n in sorted(ref.agencies.items())],
                        placeholder=t("lap_all_agencies", lang),
                    ),
                    dcc.Dropdown(
                        id=ids.LAP_GROUP,
                        className="dd",
                        options=[{"label": t(f"group_{g}", lang), "value": g} for g in GROUPS],
                        placeholder=t("lap_all_groups", lang),
                    ),
                    html.Span(id=ids.LAP_AREA_LABEL),
                    html.Button(t("lap_clear_area", lang), id=ids.LAP_AREA_CLEAR, n_clicks=0),
                    html.Span(
                        className="exports",
                        children=[
                            html.A(t("lap_export_pdf", lang), id=ids.LAP_EXPORT_PDF, href="#"),
                            html.A(t("lap_export_agencies", lang), id=ids.LAP_EXPORT_AGENCIES, href="#"),
                            html.A(t("lap_export_items", lang), id=ids.LAP_EXPORT_ITEMS, href="#"),
                        ],
                    ),
                ],
            ),
            dcc.Loading(html.Div(id=ids.LAP_KPIS, className="kpis")),
            html.H2(t("lap_league_title", lang)),
            html.P(t("lap_league_help", lang), className="help"),
            dcc.Loading(html.Div(id=ids.LAP_LEAGUE)),
            html.Div(
                className="grid2",
                children=[
                    html.Div(
                        className="panel",
                        children=[
                            html.H2(t("lap_map_title", lang)),
                            dcc.RadioItems(
                                id=ids.LAP_MAP_METRIC,
                                options=[
                                    {"label": t("lap_map_count", lang), "value": "received"},
                                    {"label": t("lap_map_overdue", lang), "value": "overdue"},
                                    {"label": t("lap_map_median", lang), "value": "median"},
                                ],
                                value="received",
                                inline=True,
                            ),
                            dcc.RadioItems(
                                id=ids.LAP_MAP_LEVEL,
                                options=[
                                    {"label": t("lap_map_kelurahan", lang), "value": "kelurahan"},
                                    {"label": t("lap_map_kecamatan", lang), "value": "kecamatan"},
                                ],
                                value="kelurahan",
                                inline=True,
                            ),
                            _map(),
                            html.Div(id=ids.LAP_MAP_LEGEND, className="legend"),
                        ],
                    ),
                    html.Div(
                        className="panel",
                        children=[
                            dcc.Graph(id=ids.LAP_CHART_DAILY, config={"displayModeBar": False}, style={"height": "300px"}),
                            dcc.Graph(id=ids.LAP_CHART_HIST, config={"displayModeBar": False}, style={"height": "260px"}),
                        ],
                    ),
                    html.Div(
                        className="panel",
                        children=[dcc.Graph(id=ids.LAP_CHART_HEAT, config={"displayModeBar": False}, style={"height": "320px"})],
                    ),
                    html.Div(className="panel", children=[html.H2(t("lap_emerg_title", lang)), html.Div(id=ids.LAP_EMERGENCIES)]),
                ],
            ),
        ],
    )


dash.register_page(__name__, path="/laporan", name="Laporan", title="Laporan kinerja — Binjai Command Center", layout=layout)
