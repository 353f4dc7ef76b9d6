"""Wall callbacks: the server snapshot (on load, every few minutes, after a gap too old to catch up),
the hand-over of live batches to assets/wall.js, and KPI recomputation when something changed.

Thin by design: the numbers come from data_access.wall and domain.kpi.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dash import ClientsideFunction, Input, Output, State, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.access import token_matches
from dashboard.callbacks import CallbackSet
from dashboard.i18n import t
from dashboard.services import services
from data_access import wall as wall_data
from data_access.reference import bus_routes
from data_access.streams import read_stream_health
from domain.sla import FIRST_RESPONSE_MINUTES

callbacks = CallbackSet()

# When a stream counts as silent: buses report every 5 s, complaints come every few minutes by
# day, and the panic button can rightly be quiet for hours.
SILENT_AFTER_S = {"bus_gps": 120, "complaints": 1800, "emergencies": 6 * 3600}


def _authorised(cfg: dict | None) -> bool:
    return bool(cfg) and token_matches(cfg.get("token"), services().settings.wall_token)


@callbacks.callback(
    Output(ids.WALL_STATE, "data"),
    Output(ids.WALL_COMPLAINTS, "data"),
    Output(ids.WALL_ROUTES, "data"),
    Input(ids.WALL_CFG, "data"),
    Input(ids.WALL_SNAPSHOT_TICK, "n_intervals"),
    Input(ids.WALL_RESYNC, "data"),
)
def wall_snapshot(cfg, _tick, _resync):
    """The whole picture from the database; assets/wall.js applies the live batches on top of it.

    Read on load, every few minutes and when a screen fell too far behind to catch up from the
    change stream. The stream id is read first: every change up to it is in the database already,
    and the screen asks for what came after it."""
    if not _authorised(cfg):
        raise PreventUpdate
    svc = services()
    now = datetime.now(UTC)
    last_change = svc.redis.xrevrange(svc.keys.changes, count=1)
    with svc.Session() as s:
        complaints = wall_data.open_complaint_points(s, now=now)
        counts = wall_data.area_counts(s, now=now)
        emergencies = wall_data.active_emergency_points(s)
        vehicles = wall_data.vehicle_points(s)
        colors = wall_data.route_colors(s)
        routes = bus_routes(s)
        ticker = wall_data.recent_events(s)
        # only the counts the page keeps up to date itself; the rest comes from wall_kpis
        kpis = wall_data.instant_counts(s, now=now, tz=ZoneInfo(svc.settings.timezone))
        groups = wall_data.category_groups(s)
        kel_names = wall_data.kelurahan_names(s)
    state = {
        "last": last_change[0][0].decode() if last_change else None,
        "open": kpis.open_complaints,
        "newToday": kpis.new_today,
        "groups": groups,
        "kelNames": kel_names,
        "colors": colors,
        # per kelurahan [open, overdue]: the shading is a hideout of the static polygons
        "kel": {code: [c.get("open", 0), c.get("overdue", 0)] for code, c in counts.items()},
        "emergencies": emergencies,
        "vehicles": vehicles,
        "ticker": ticker,
        "snapshotAt": now.isoformat(),
    }
    # Built directly (not through points_feature_collection): with 20,000 open complaints this is a fifth of the time.
    base = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                "properties": {"id": c["id"], "g": c["group"], "o": c["overdue"]},
            }
            for c in complaints
        ],
    }
    route_fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": r["geometry"],
                "properties": {"route_id": r["route_id"], "name": r["name"], "color": r["color"]},
            }
            for r in routes
        ],
    }
    return state, base, route_fc


# The snapshot arrived: wall.js starts its live picture from it and returns the kelurahan shading.
callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="adopt"),
    Output(ids.WALL_KEL, "hideout"),
    Input(ids.WALL_STATE, "data"),
    State(ids.WALL_COMPLAINTS, "data"),
    State(ids.WALL_CFG, "data"),
    prevent_initial_call=True,
)

# Live batches never pass through Dash: assets/wall.js reads them from the socket's frames and
# applies them to the layers and DOM nodes it owns (per batch, Dash's re-rendering was the bottleneck).
# Dash tells it only whether the socket is up: the top bar says so, and it polls while it is down.
callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="connection"),
    Output(ids.WALL_POLL, "disabled"),
    Input(ids.WALL_SOCKET, "connected"),
    State(ids.WALL_CFG, "data"),
)

# Socket down (or ?transport=poll): every second wall.js asks GET /wall/changes for what came after
# the last id it applied (dashboard/wall_feed.py).
callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="poll"),
    Output(ids.WALL_LIVE_SINK, "data", allow_duplicate=True),
    Input(ids.WALL_POLL, "n_intervals"),
    prevent_initial_call=True,
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="shade"),
    Output(ids.WALL_KEL, "hideout", allow_duplicate=True),
    Input(ids.WALL_SHADE_BTN, "n_clicks"),
    State(ids.WALL_CFG, "data"),
    prevent_initial_call=True,
)

# stream health from wall_kpis: wall.js draws the chips every second with the clock
callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="healthData"),
    Output(ids.WALL_LIVE_SINK, "data", allow_duplicate=True),
    Input(ids.WALL_HEALTH_STORE, "data"),
    prevent_initial_call=True,
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="enableSound"),
    Output(ids.WALL_SOUND_ON, "data"),
    Input(ids.WALL_SOUND_BTN, "n_clicks"),
    prevent_initial_call=True,
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="alarm"),
    Output(ids.WALL_ROOT, "className"),
    Output(ids.WALL_SOUND_BTN, "children"),
    Output(ids.WALL_SOUND_BTN, "className"),
    Input(ids.WALL_ALARM_STATE, "data"),
    Input(ids.WALL_SOUND_ON, "data"),
    State(ids.WALL_CFG, "data"),
)


def _fmt_minutes(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    return t("minutes", lang, n=f"{value:.0f}" if value >= 10 else f"{value:.1f}".replace(".", "," if lang == "id" else "."))


@callbacks.callback(
    Output(ids.WALL_KPI_MEDIAN, "children"),
    Output("wall-kpi-median-sub", "children"),
    Output(ids.WALL_KPI_SHARE, "children"),
    Output("wall-kpi-share-sub", "children"),
    Output(ids.WALL_KPI_OVERDUE, "children"),
    Output(ids.WALL_KPI_BUSES, "children"),
    Output("wall-kpi-buses-sub", "children"),
    Output(ids.WALL_AGENCIES, "children"),
    Output(ids.WALL_MIX, "children"),
    Output(ids.WALL_HEALTH_STORE, "data"),
    Input(ids.WALL_KPI_TRIGGER, "data"),
    Input(ids.WALL_REBASE, "n_intervals"),
    State(ids.WALL_CFG, "data"),
)
def wall_kpis(_trigger, _rebase, cfg):
    """Recomputed when a live batch arrived (at most every 2 s) and once a minute."""
    if not _authorised(cfg):
        raise PreventUpdate
    lang = cfg.get("lang", "id")
    svc = services()
    now = datetime.now(UTC)
    with svc.Session() as s:
        k = wall_data.wall_kpis(s, now=now, tz=ZoneInfo(svc.settings.timezone))
        names = wall_data.agency_names(s)
    median = _fmt_minutes(k.median_first_response_min, lang)
    median_sub = [
        html.Span(t("kpi_target", lang, n=FIRST_RESPONSE_MINUTES)),
        html.Span(" · " + t("kpi_unanswered", lang, n=k.unanswered_today), className="bad" if k.unanswered_today else ""),
    ]
    share = k.within_deadline.share
    share_txt = "—" if share is None else f"{share * 100:.0f}%"
    share_sub = t("kpi_share_of", lang, a=k.within_deadline.within, b=k.within_deadline.judged)

    agencies = _agency_rows(k.agencies, names, lang)
    total = sum(k.category_mix_today.values()) or 1
    mix = [
        html.Div(
            className=f"mix-row {g}",
            children=[
                html.Span(t(f"group_{g}", lang), className="mix-name"),
                html.Span(className="mix-bar", style={"width": f"{100 * k.category_mix_today.get(g, 0) / total:.0f}%"}),
                html.Span(str(k.category_mix_today.get(g, 0)), className="mix-num"),
            ],
        )
        for g in ("infrastruktur", "pelayanan", "lainnya")
    ]
    try:
        health = [
            {
                "stream": h.stream,
                "label": t(h.stream, lang),
                "last": h.last_entry_at.isoformat() if h.last_entry_at else None,
                "silentAfter": SILENT_AFTER_S[h.stream],
            }
            for h in read_stream_health(svc.redis, svc.keys, svc.settings.consumer_group)
        ]
    except Exception:  # noqa: BLE001 - Redis down: the health bar says so instead of failing
        health = no_update
    return (
        median,
        median_sub,
        share_txt,
        share_sub,
        str(k.overdue),
        str(k.buses_in_service),
        t("kpi_stale", lang, n=k.buses_stale),
        agencies,
        mix,
        health,
    )


def _agency_rows(rows, names, lang):
    if not rows:
        return html.P(t("agencies_none", lang), className="muted")
    measured = [r for r in rows if r.median_minutes is not None]
    out = []
    for i, r in enumerate(rows[:8]):
        rank_cls = ""
        if r.median_minutes is not None and measured:
            if r is measured[0]:
                rank_cls = "best"
            elif r is measured[-1] and len(measured) > 1:
                rank_cls = "worst"
        out.append(
            html.Div(
                className=f"agency-row {rank_cls}",
                children=[
                    html.Span(f"{i + 1}.", className="rank"),
                    html.Span(r.agency_code, className="code", title=names.get(r.agency_code, "")),
                    html.Span(_fmt_minutes(r.median_minutes, lang), className="time"),
                    html.Span(t("agency_waiting", lang, n=r.waiting) if r.waiting else "", className="waiting"),
                ],
            )
        )
    return out
