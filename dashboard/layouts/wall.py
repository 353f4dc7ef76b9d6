"""`/wall`: the command-center wall screen (1920×1080 up to 4K), read from across the room.

No mouse needed: live data arrives over Socket.IO; the only clicks are "Aktifkan suara" and the
map shading toggle. Without the wall token there is no data at all.
"""

from __future__ import annotations

import dash
import dash_leaflet as dl
from dash import dcc, html
from dash_socketio import DashSocketIO
from flask import request

from dashboard import ids
from dashboard.access import WALL_COOKIE, token_matches
from dashboard.i18n import t
from dashboard.services import services
from domain.live_events import SOCKET_NAMESPACE
from domain.sla import FIRST_RESPONSE_MINUTES
from geo import load_city_areas
from geo.geojson import areas_feature_collection

BINJAI_BOUNDS = [[3.5279, 98.4407], [3.6725, 98.5396]]  # the city's bounding box (geo/data)
# The whole snapshot (≈3 MB with 20,000 open complaints) is re-read this often to correct drift
# (overdue rings, the overdue shading, the day's counts after midnight); live batches do the rest.
SNAPSHOT_EVERY_MS = 5 * 60_000


def _fn(name: str) -> dict:
    """A JavaScript function from assets/wall.js, by name, for dash-leaflet props."""
    return {"variable": f"bccWall.{name}"}


def _tile(tile_id: str, label: str, extra_id: str | None = None, cls: str = "kpi", sub: str = ""):
    """A KPI: the figure, what it is, and a sub-line that says what it counts (or why it is empty)."""
    return html.Div(
        className=cls,
        children=[
            html.Div("—", id=tile_id, className="kpi-num"),
            html.Div(label, className="kpi-label"),
            html.Div(sub, id=extra_id, className="kpi-sub") if extra_id else html.Div(sub, className="kpi-sub"),
        ],
    )


def _map(tile_url: str):
    areas = load_city_areas()
    layers = [dl.TileLayer(url=tile_url)] if tile_url else []
    layers += [
        dl.GeoJSON(
            id=ids.WALL_KEL,
            data=areas_feature_collection(areas.kelurahan),
            style=_fn("kelurahanStyle"),
            hideout={"mode": "open", "maxOpen": 1, "maxOverdue": 1},
            interactive=False,
        ),
        dl.GeoJSON(
            id=ids.WALL_KEC, data=areas_feature_collection(areas.kecamatan), style=_fn("kecamatanStyle"), interactive=False
        ),
        dl.GeoJSON(id=ids.WALL_ROUTES, style=_fn("routeStyle"), interactive=False),
        dl.GeoJSON(
            id=ids.WALL_COMPLAINTS,
            cluster=True,
            zoomToBoundsOnClick=False,
            spiderfyOnMaxZoom=False,
            superClusterOptions={"radius": 55, "maxZoom": 16},
            pointToLayer=_fn("complaintPoint"),
            clusterToLayer=_fn("complaintCluster"),
            style={"color": "#0b1220"},
            interactive=False,
        ),
        # New complaints, emergencies and buses are Leaflet layers of assets/wall.js, updated per live
        # batch without Dash (see docs/wall.md, "How it stays live").
    ]
    return dl.MapContainer(
        id=ids.WALL_MAP,
        children=layers,
        bounds=BINJAI_BOUNDS,
        boundsOptions={"padding": [12, 12]},
        zoomSnap=0.1,
        trackViewport=False,  # a wall never pans; tracking needs a center and fails with bounds
        zoomControl=False,
        attributionControl=bool(tile_url),
        preferCanvas=True,
        dragging=False,
        scrollWheelZoom=False,
        doubleClickZoom=False,
        keyboard=False,
        className="wall-map",
    )


def _legend(lang: str):
    def swatch(cls, text):
        return html.Div(className="legend-row", children=[html.Span(className=f"sw {cls}"), html.Span(text)])

    return html.Div(
        id=ids.WALL_LEGEND,
        className="wall-legend",
        children=[
            html.Button(t("shade_open", lang), id=ids.WALL_SHADE_BTN, className="shade-btn", n_clicks=0),
            html.Div(t("legend_open", lang), id="wall-legend-title", className="legend-title"),
            html.Div(
                className="legend-scale",
                children=[html.Span("0"), html.Span(className="scale-bar"), html.Span("maks", id="wall-legend-max")],
            ),
            swatch("infrastruktur", t("group_infrastruktur", lang)),
            swatch("pelayanan", t("group_pelayanan", lang)),
            swatch("lainnya", t("group_lainnya", lang)),
            swatch("overdue-ring", t("legend_overdue_ring", lang)),
            swatch("sos", t("legend_sos", lang)),
            swatch("sos-group", t("legend_sos_group", lang)),
            swatch("bus", t("legend_bus", lang)),
            swatch("route", t("legend_routes", lang)),
        ],
    )


def denied(lang: str):
    return html.Main(className="wall-denied", children=[html.H1(t("wall_title", lang)), html.P(t("wall_token_needed", lang))])


def layout(token: str | None = None, lang: str = "id", shade: str = "open", transport: str = "live", **_query):
    svc = services()
    token = token or request.cookies.get(WALL_COOKIE)
    if not token_matches(token, svc.settings.wall_token):
        return denied(lang)
    lang = lang if lang in ("id", "en") else "id"
    return html.Div(
        id=ids.WALL_ROOT,
        className="wall",
        children=[
            dcc.Store(
                id=ids.WALL_CFG,
                data={
                    "token": token,
                    "lang": lang,
                    "shade": "overdue" if shade == "overdue" else "open",
                    "transport": "poll" if transport == "poll" else "live",
                    "bounds": BINJAI_BOUNDS,  # wall.js refits the city beside the legend on resize
                },
            ),
            dcc.Store(id=ids.WALL_STATE),  # the server snapshot; assets/wall.js keeps it live
            dcc.Store(id=ids.WALL_RESYNC, data=0),  # set by wall.js when a gap is too old to catch up
            dcc.Store(id=ids.WALL_KPI_TRIGGER, data={"version": 0}),
            dcc.Store(id=ids.WALL_HEALTH_STORE, data=[]),
            dcc.Store(id=ids.WALL_SOUND_ON, data=False),
            dcc.Store(id=ids.WALL_ALARM_STATE, data={"unack": 0}),  # set by wall.js when it changes
            dcc.Store(id=ids.WALL_LIVE_SINK),  # output of the callbacks that only hand work to wall.js
            dcc.Interval(id=ids.WALL_REBASE, interval=60_000),
            dcc.Interval(id=ids.WALL_SNAPSHOT_TICK, interval=SNAPSHOT_EVERY_MS),
            # Fallback when the live connection is down (and the baseline of bench/wall_latency.py):
            # ask the server every second for what changed since the last applied id.
            dcc.Interval(id=ids.WALL_POLL, interval=1000, disabled=True),
            DashSocketIO(
                id=ids.WALL_SOCKET,
                url=SOCKET_NAMESPACE,
                options={"auth": {"token": token}, "transports": ["websocket"], "autoConnect": transport != "poll"},
            ),
            html.Audio(id=ids.WALL_AUDIO, src=dash.get_asset_url("alarm.wav"), preload="auto"),
            html.Header(
                className="wall-top",
                children=[
                    html.Div(t("wall_title", lang), className="wall-title"),
                    # shown by assets/wall.js over the whole header while the live link is quiet (docs/wall.md)
                    html.Div(
                        id="wall-link",
                        className="wall-link",
                        role="alert",
                        children=[html.Div(id="wall-link-main", className="main"), html.Div(id="wall-link-sub", className="sub")],
                    ),
                    html.Div(id=ids.WALL_HEALTH, className="wall-health"),
                    html.Button(t("sound_off", lang), id=ids.WALL_SOUND_BTN, className="sound-btn off", n_clicks=0),
                    html.Div(
                        className="wall-time",
                        children=[
                            html.Div("--:--:--", id=ids.WALL_CLOCK, className="clock"),
                            html.Div("", id=ids.WALL_DATE, className="date"),
                        ],
                    ),
                ],
            ),
            html.Section(className="wall-map-wrap", children=[_map(svc.settings.tile_url), _legend(lang)]),
            html.Aside(
                className="wall-panels",
                children=[
                    html.Div(
                        className="kpi-grid",
                        children=[
                            _tile(ids.WALL_KPI_OPEN, t("kpi_open", lang), sub=t("kpi_open_sub", lang)),
                            _tile(ids.WALL_KPI_NEW, t("kpi_new", lang), sub=t("kpi_new_sub", lang)),
                            _tile(ids.WALL_KPI_OVERDUE, t("kpi_overdue", lang), cls="kpi warn", sub=t("kpi_overdue_sub", lang)),
                            _tile(ids.WALL_KPI_MEDIAN, t("kpi_median", lang), "wall-kpi-median-sub"),
                            _tile(ids.WALL_KPI_SHARE, t("kpi_share", lang), "wall-kpi-share-sub"),
                            _tile(ids.WALL_KPI_EMERG, t("kpi_emergencies", lang), "wall-kpi-emerg-sub", cls="kpi sos-tile"),
                            _tile(ids.WALL_KPI_BUSES, t("kpi_buses", lang), "wall-kpi-buses-sub"),
                            html.Div(
                                className="kpi mix",
                                children=[html.Div(t("mix_title", lang), className="kpi-label"), html.Div(id=ids.WALL_MIX)],
                            ),
                        ],
                    ),
                    html.Div(
                        className="agencies",
                        children=[
                            html.H2(t("agencies_title", lang)),
                            html.Div(id=ids.WALL_AGENCIES, className="agency-rows"),
                            # wall.js: "+N lainnya" when not every agency fits
                            html.Div("", id="wall-agencies-more", className="agency-more"),
                            html.Div(
                                t("agencies_note", lang, t=FIRST_RESPONSE_MINUTES, t3=3 * FIRST_RESPONSE_MINUTES),
                                className="agency-note",
                            ),
                        ],
                    ),
                ],
            ),
            # filled by assets/wall.js (Dash draws it once and never re-renders its children)
            html.Footer(
                className="wall-ticker", children=html.Div(t("ticker_empty", lang), id=ids.WALL_TICKER, className="ticker-items")
            ),
        ],
    )


dash.register_page(__name__, path="/wall", name="Layar dinding", title="Layar dinding — Binjai Command Center", layout=layout)
