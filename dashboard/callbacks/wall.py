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
from domain.wall_display import agency_speed, judge_freshness, route_colors, route_label

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
        routes = bus_routes(s)
        ticker = wall_data.recent_events(s)
        # only the counts the page keeps up to date itself; the rest comes from wall_kpis
        kpis = wall_data.instant_counts(s, now=now, tz=ZoneInfo(svc.settings.timezone))
        groups = wall_data.category_groups(s)
        kel_names = wall_data.kelurahan_names(s)
    # the wall's own palette (blues, teals, purples), never the reference data's red or orange
    colors = route_colors([r["route_id"] for r in routes] + [v["route_id"] for v in vehicles if v["route_id"]])
    state = {
        "last": last_change[0][0].decode() if last_change else None,
        "open": kpis.open_complaints,
        "newToday": kpis.new_today,
        "groups": groups,
        "kelNames": kel_names,
        "colors": colors,
        "routeLabels": {rid: route_label(rid) for rid in colors},
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
                "properties": {"route_id": r["route_id"], "name": r["name"], "color": colors[r["route_id"]]},
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


def _kpi_minutes(value: float | None, lang: str):
    """The median tile's figure: the number large, its unit smaller (so it fits the tile)."""
    if value is None:
        return "—"
    number, _, unit = _fmt_minutes(value, lang).partition(" ")
    return [html.Span(number), html.Span(" " + unit, className="unit")]


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
    State(ids.WALL_HEALTH_STORE, "data"),
)
def wall_kpis(_trigger, _rebase, cfg, previous_health=None):
    """Recomputed when a live batch arrived (at most every 2 s) and once a minute."""
    if not _authorised(cfg):
        raise PreventUpdate
    lang = cfg.get("lang", "id")
    svc = services()
    now = datetime.now(UTC)
    with svc.Session() as s:
        k = wall_data.wall_kpis(s, now=now, tz=ZoneInfo(svc.settings.timezone))
        names = wall_data.agency_names(s)
        stored = wall_data.newest_stored(s)
    target = t("kpi_target_short", lang, n=FIRST_RESPONSE_MINUTES)
    if k.median_first_response_min is None:
        median_sub = [html.Span(t("kpi_no_response_yet", lang)), html.Span(" · " + target)]
    else:
        median_sub = [html.Span(target)]
    if k.unanswered_today:
        median_sub.append(html.Span(" · " + t("kpi_unanswered", lang, n=k.unanswered_today), className="bad"))
    share = k.within_deadline.share
    share_txt = "—" if share is None else f"{share * 100:.0f}%"
    if k.within_deadline.judged:
        share_sub = t("kpi_share_of", lang, a=k.within_deadline.within, b=k.within_deadline.judged)
    else:
        share_sub = t("kpi_share_none", lang)
    buses_sub = t("kpi_buses_sub", lang) + (" · " + t("kpi_stale_short", lang, n=k.buses_stale) if k.buses_stale else "")

    agencies = _agency_rows(k.agencies, names, lang)
    total = sum(k.category_mix_today.values())
    if total:
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
    else:
        mix = html.Div(t("mix_none", lang), className="kpi-sub")
    return (
        _kpi_minutes(k.median_first_response_min, lang),
        median_sub,
        share_txt,
        share_sub,
        str(k.overdue),
        str(k.buses_in_service),
        buses_sub,
        agencies,
        mix,
        _freshness(stored, previous_health, lang),
    )


def _freshness(stored: dict, previous: list | None, lang: str):
    """The top bar's badges: age of the newest STORED item per kind, and the entries refused since
    (dead letters, duplicates), so a feed whose entries are all refused does not look healthy."""
    svc = services()
    try:
        streams = {h.stream: h for h in read_stream_health(svc.redis, svc.keys, svc.settings.consumer_group)}
    except Exception:  # noqa: BLE001 - Redis down: the badges keep what they had
        return no_update
    before = {p.get("stream"): p for p in (previous or []) if isinstance(p, dict)}
    out = []
    for stream, h in streams.items():
        f = judge_freshness(
            stream=stream,
            stored_at=stored.get(stream),
            refused_total=(h.deadlettered or 0) + (h.duplicates or 0),
            previous=before.get(stream),
        )
        out.append(
            {
                "stream": stream,
                "label": t(stream, lang),
                "storedAt": f.stored_at.isoformat() if f.stored_at else None,
                "refused": f.refused_since,
                "refusedBase": f.refused_base,
                "silentAfter": SILENT_AFTER_S[stream],
            }
        )
    return out


def _agency_rows(rows, names, lang):
    """Every agency with a row; wall.js hides the rows that do not fit and says "+N lainnya"."""
    if not rows:
        return html.P(t("agencies_none", lang), className="muted")
    out = []
    for i, r in enumerate(rows):
        speed = agency_speed(r.median_minutes, FIRST_RESPONSE_MINUTES)
        out.append(
            html.Div(
                className=f"agency-row {speed}",
                children=[
                    html.Span(f"{i + 1}.", className="rank"),
                    html.Span(r.agency_code, className="code", title=names.get(r.agency_code, "")),
                    html.Span(_fmt_minutes(r.median_minutes, lang) if r.median_minutes is not None else "", className="time"),
                    html.Span(t("agency_waiting", lang, n=r.waiting) if r.waiting else "", className="waiting"),
                ],
            )
        )
    return out
