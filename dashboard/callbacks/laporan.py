"""/laporan callbacks: controls → one filter (the same query string as the CSV/PDF URLs) → each panel.

Every data callback checks the role again: a callback is a request of its own.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.auth import current_role, now_utc
from dashboard.callbacks import CallbackSet
from dashboard.i18n import t
from dashboard.report_export import filter_from_args
from dashboard.report_figures import SHADES, daily_figure, heatmap_figure, histogram_figure, metric_text, shaded_collection
from dashboard.report_format import duration, kpis, league_record, pct
from dashboard.services import services
from data_access.reports import (
    area_figures,
    daily_volume,
    emergency_figures,
    hour_weekday,
    league_table,
    names,
    response_histogram,
)
from domain.report_period import PeriodError, parse_day, period_for
from domain.roles import may_view
from geo.boundaries import load_city_areas
from geo.geojson import areas_feature_collection
from geo.lookup import AreaIndex

callbacks = CallbackSet()
EMPTY = {"type": "FeatureCollection", "features": []}


def _allowed() -> None:
    if not may_view(current_role(), "/laporan"):
        raise PreventUpdate


@lru_cache(maxsize=1)
def _area_index() -> AreaIndex:
    return AreaIndex()


@lru_cache(maxsize=1)
def _collections() -> tuple[dict, dict]:
    areas = load_city_areas()
    return areas_feature_collection(areas.kelurahan), areas_feature_collection(areas.kecamatan)


def _clicked_code(click: dict | None, level: str) -> str | None:
    """The area under a map click: the feature's code when sent, else the point looked up."""
    if not click:
        return None
    props = click.get("properties") or {}
    if props.get("code"):
        return props["code"]
    latlng = click.get("latlng")
    if latlng is None:
        return None
    lat, lon = (latlng["lat"], latlng["lng"]) if isinstance(latlng, dict) else latlng
    where = _area_index().locate(lat, lon)
    return where.kelurahan_code if level == "kelurahan" else where.kecamatan_code


@callbacks.callback(
    Output(ids.LAP_AREA, "data"),
    Input(ids.LAP_MAP_KEL, "clickData"),
    Input(ids.LAP_MAP_KEC, "clickData"),
    Input(ids.LAP_AREA_CLEAR, "n_clicks"),
    prevent_initial_call=True,
)
def choose_area(kel_click, kec_click, _clear):
    if ctx.triggered_id == ids.LAP_AREA_CLEAR:
        return None
    level = "kelurahan" if ctx.triggered_id == ids.LAP_MAP_KEL else "kecamatan"
    code = _clicked_code(kel_click if level == "kelurahan" else kec_click, level)
    return {"level": level, "code": code} if code else no_update


@callbacks.callback(
    Output(ids.LAP_FILTER, "data"),
    Output(ids.LAP_PERIOD_LABEL, "children"),
    Output(ids.LAP_AREA_LABEL, "children"),
    Output(ids.LAP_EXPORT_AGENCIES, "href"),
    Output(ids.LAP_EXPORT_ITEMS, "href"),
    Output(ids.LAP_EXPORT_PDF, "href"),
    Input(ids.LAP_PERIOD, "value"),
    Input(ids.LAP_DATES, "start_date"),
    Input(ids.LAP_DATES, "end_date"),
    Input(ids.LAP_KECAMATAN, "value"),
    Input(ids.LAP_AGENCY, "value"),
    Input(ids.LAP_GROUP, "value"),
    Input(ids.LAP_AREA, "data"),
    State(ids.LAP_LANG, "data"),
)
def build_filter(kind, start, end, kecamatan, agency, group, area, lang):
    _allowed()
    try:
        custom = {"first": parse_day(start, "from"), "last": parse_day(end, "to")} if kind == "kustom" else {}
        period = period_for(kind or "30-hari", now=now_utc(), **custom)
    except PeriodError as exc:
        return no_update, str(exc), no_update, no_update, no_update, no_update
    query = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    area_label = ""
    if area and area.get("code"):
        query[area["level"]] = area["code"]
        area_label = t("lap_area_filter", lang, name=_area_name(area))
    if kecamatan and "kecamatan" not in query:
        query["kecamatan"] = kecamatan
    if agency:
        query["agency"] = agency
    if group:
        query["group"] = group
    qs = urlencode(query)
    label = f"{t('lap_period', lang)}: {period.label()} (WIB) — {t('lap_compared', lang, prev=period.previous().label())}"
    return (
        query,
        label,
        area_label,
        f"/laporan/export/agencies.csv?{qs}",
        f"/laporan/export/items.csv?{qs}",
        f"/laporan/export/laporan.pdf?{qs}&lang={lang}",
    )


def _area_name(area: dict) -> str:
    found = load_city_areas().by_code().get(area["code"])
    return found.name if found else area["code"]


def _filter(query: dict | None):
    _allowed()
    if not query:
        raise PreventUpdate
    return filter_from_args(query)


@callbacks.callback(
    Output(ids.LAP_KPIS, "children"),
    Output(ids.LAP_LEAGUE, "children"),
    Input(ids.LAP_FILTER, "data"),
    State(ids.LAP_LANG, "data"),
)
def show_league(query, lang):
    flt = _filter(query)
    with services().Session() as s:
        rows, city, city_before = league_table(s, flt=flt, now=now_utc())
        agency_names = names(s).agencies
    tiles = []
    for k in kpis(city, city_before, lang):
        cls = "kpi" + (" alarm" if k.alarm else "") + ("" if k.worse is None else " worse" if k.worse else " better")
        tiles.append(
            html.Div(
                className=cls,
                id=f"lap-kpi-{k.key}",
                children=[
                    html.Div(k.label, className="l"),
                    _tile_value(k.value),
                    html.Div(t("lap_prev", lang, v=k.previous), className="p"),
                ],
            )
        )
    return tiles, _league_table(rows, agency_names, lang)


def _tile_value(value: str):
    """`median / p90` pairs: the median large, the second figure smaller, so a tile keeps one line."""
    head, sep, tail = value.partition(" / ")
    return html.Div([head, html.Span(f" / {tail}", className="v2")] if sep else value, className="v")


def _trend_class(row) -> str:
    """Up = more late items than the previous period (worse), down = better."""
    if row.trend is None or row.trend == 0:
        return "trend"
    return "trend worse" if row.trend > 0 else "trend better"


def _league_table(rows, agency_names, lang):
    if not rows:
        return html.P(t("lap_none", lang))
    heads = [
        ("rank", "lap_col_rank"),
        ("agency", "lap_col_agency"),
        ("received", "lap_col_received"),
        ("fr", "lap_col_fr"),
        ("res", "lap_col_res"),
        ("within", "lap_col_within"),
        ("reward", "lap_col_reward"),
        ("s1", "lap_col_s1"),
        ("s2", "lap_col_s2"),
        ("open", "lap_col_open"),
        ("score", "lap_col_score"),
        ("trend", "lap_col_trend"),
    ]
    header = html.Tr([html.Th(t(key, lang) if key else "", className=col) for col, key in heads])
    body = []
    for row in rows:
        rec = league_record(row, agency_names, lang)
        cells = []
        for col, _key in heads:
            cls = (
                _trend_class(row) if col == "trend" else {"agency": "agency", "reward": "reward", "s1": "s1", "s2": "s2"}.get(col)
            )
            cells.append(html.Td(str(rec[col]), className=cls))
        body.append(html.Tr(cells, **{"data-agency": rec["code"]}))
    return html.Table(className="league", id="lap-league-table", children=[html.Thead(header), html.Tbody(body)])


@callbacks.callback(
    Output(ids.LAP_MAP_KEL, "data"),
    Output(ids.LAP_MAP_KEC, "data"),
    Output(ids.LAP_MAP_LEGEND, "children"),
    Input(ids.LAP_FILTER, "data"),
    Input(ids.LAP_MAP_METRIC, "value"),
    Input(ids.LAP_MAP_LEVEL, "value"),
    State(ids.LAP_AREA, "data"),
    State(ids.LAP_LANG, "data"),
)
def show_map(query, metric, level, area, lang):
    flt = _filter(query)
    with services().Session() as s:
        by_kec, by_kel = area_figures(s, flt=flt, now=now_utc())
    kel_fc, kec_fc = _collections()
    selected = area.get("code") if area else None
    if level == "kecamatan":
        data, span = shaded_collection(kec_fc, by_kec, metric, lang, selected)
        kel, kec = EMPTY, data
    else:
        data, span = shaded_collection(kel_fc, by_kel, metric, lang, selected)
        kel, kec = data, EMPTY
    low, top = span
    legend = [html.Span(style={"background": SHADES[0]}), metric_text(low, metric, lang)]
    legend += [html.Span(style={"background": SHADES[-1]}), metric_text(top, metric, lang)]
    return kel, kec, legend


@callbacks.callback(
    Output(ids.LAP_CHART_DAILY, "figure"),
    Output(ids.LAP_CHART_HIST, "figure"),
    Output(ids.LAP_CHART_HEAT, "figure"),
    Input(ids.LAP_FILTER, "data"),
    State(ids.LAP_LANG, "data"),
)
def show_charts(query, lang):
    flt = _filter(query)
    now = now_utc()
    with services().Session() as s:
        daily = daily_volume(s, flt=flt)
        hist = response_histogram(s, flt=flt, now=now)
        grid = hour_weekday(s, flt=flt)
    return daily_figure(daily, lang), histogram_figure(hist, lang), heatmap_figure(grid, lang)


@callbacks.callback(Output(ids.LAP_EMERGENCIES, "children"), Input(ids.LAP_FILTER, "data"), State(ids.LAP_LANG, "data"))
def show_emergencies(query, lang):
    flt = _filter(query)
    with services().Session() as s:
        e = emergency_figures(s, flt=flt)
        p = emergency_figures(s, flt=flt.for_period(flt.period.previous()))
    rows = [
        (t("lap_emerg_pressed", lang), str(e.pressed), str(p.pressed)),
        (
            t("lap_emerg_ack", lang),
            f"{duration(e.acknowledge_p50, lang)} / {duration(e.acknowledge_p90, lang)}",
            duration(p.acknowledge_p50, lang),
        ),
        (
            t("lap_emerg_dispatch", lang),
            f"{duration(e.dispatch_p50, lang)} / {duration(e.dispatch_p90, lang)}",
            duration(p.dispatch_p50, lang),
        ),
        (
            t("lap_emerg_scene", lang),
            f"{duration(e.on_scene_p50, lang)} / {duration(e.on_scene_p90, lang)}",
            duration(p.on_scene_p50, lang),
        ),
        (t("lap_emerg_false", lang), pct(e.false_alarm_share, lang), pct(p.false_alarm_share, lang)),
    ]
    table = html.Table(
        className="league",
        children=[
            html.Thead(html.Tr([html.Th(""), html.Th("median / p90"), html.Th(t("lap_prev_head", lang))])),
            html.Tbody([html.Tr([html.Td(a, className="agency"), html.Td(b), html.Td(c)]) for a, b, c in rows]),
        ],
    )
    return [table, html.P(t("lap_emerg_note", lang), className="help")]
