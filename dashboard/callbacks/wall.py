"""Wall callbacks: a server snapshot (on load, reconnect, gap, every minute), live batches applied
in the browser (assets/wall.js), and KPI recomputation when something changed.

Thin by design: the numbers come from data_access.wall and domain.kpi.
"""

from __future__ import annotations

import json
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
from domain.live_events import SOCKET_EVENT
from domain.sla import FIRST_RESPONSE_MINUTES
from geo import load_city_areas
from geo.geojson import areas_feature_collection, points_feature_collection

callbacks = CallbackSet()

# When a stream counts as silent: buses report every 5 s, complaints come every few minutes by
# day, and the panic button can rightly be quiet for hours.
SILENT_AFTER_S = {"bus_gps": 120, "complaints": 1800, "emergencies": 6 * 3600}


def _authorised(cfg: dict | None) -> bool:
    return bool(cfg) and token_matches(cfg.get("token"), services().settings.wall_token)


@callbacks.callback(
    Output(ids.WALL_STATE, "data"),
    Output(ids.WALL_COMPLAINTS, "data"),
    Output(ids.WALL_NEW, "data"),
    Output(ids.WALL_EMERG, "data"),
    Output(ids.WALL_BUSES, "data"),
    Output(ids.WALL_BUSES, "hideout"),
    Output(ids.WALL_KEL, "data"),
    Output(ids.WALL_ROUTES, "data"),
    Output(ids.WALL_TICKER_STORE, "data"),
    Input(ids.WALL_CFG, "data"),
    Input(ids.WALL_REBASE, "n_intervals"),
    Input(ids.WALL_SOCKET, "connected"),
    Input(ids.WALL_RESYNC, "data"),
)
def wall_snapshot(cfg, _rebase, _connected, _resync):
    """The whole picture from the database; live batches then apply on top of it."""
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
    kel = areas_feature_collection(load_city_areas().kelurahan, counts)
    state = {
        "last": last_change[0][0].decode() if last_change else None,
        "gap": 0,
        "version": 0,
        "open": kpis.open_complaints,
        "newToday": kpis.new_today,
        "emActive": kpis.emergencies_active,
        "emUnack": kpis.emergencies_unacknowledged,
        "oldestUnack": kpis.oldest_unacknowledged_at.isoformat() if kpis.oldest_unacknowledged_at else None,
        "groups": groups,
        "kelNames": kel_names,
        "known": {f"c{c['id']}": 1 for c in complaints[-5000:]},
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
    return (
        state,
        base,
        {"type": "FeatureCollection", "features": []},
        points_feature_collection(emergencies),
        points_feature_collection(vehicles, "last_lat", "last_lon"),
        {"colors": colors},
        kel,
        route_fc,
        ticker,
    )


# Live batches from the relay: applied in the browser, nothing redrawn that did not change.
callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="applyBatch"),
    Output(ids.WALL_STATE, "data", allow_duplicate=True),
    Output(ids.WALL_NEW, "data", allow_duplicate=True),
    Output(ids.WALL_EMERG, "data", allow_duplicate=True),
    Output(ids.WALL_BUSES, "data", allow_duplicate=True),
    Output(ids.WALL_KEL, "data", allow_duplicate=True),
    Output(ids.WALL_TICKER_STORE, "data", allow_duplicate=True),
    # Drawn here too, not only by renderTicker/renderInstant below: Dash runs those only once no
    # callback writing their inputs is pending, so while batches keep coming they would wait.
    Output(ids.WALL_TICKER, "children", allow_duplicate=True),
    Output(ids.WALL_KPI_OPEN, "children", allow_duplicate=True),
    Output(ids.WALL_KPI_NEW, "children", allow_duplicate=True),
    Output(ids.WALL_KPI_EMERG, "children", allow_duplicate=True),
    Input(ids.WALL_SOCKET, f"data-{SOCKET_EVENT}"),
    Input(ids.WALL_POLL_BATCH, "data"),
    State(ids.WALL_STATE, "data"),
    State(ids.WALL_NEW, "data"),
    State(ids.WALL_EMERG, "data"),
    State(ids.WALL_BUSES, "data"),
    State(ids.WALL_KEL, "data"),
    State(ids.WALL_TICKER_STORE, "data"),
    State(ids.WALL_CFG, "data"),
    prevent_initial_call=True,
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="pollWhenOffline"),
    Output(ids.WALL_POLL, "disabled"),
    Input(ids.WALL_SOCKET, "connected"),
    State(ids.WALL_CFG, "data"),
)


@callbacks.callback(
    Output(ids.WALL_POLL_BATCH, "data"),
    Input(ids.WALL_POLL, "n_intervals"),
    State(ids.WALL_STATE, "data"),
    State(ids.WALL_CFG, "data"),
    prevent_initial_call=True,
)
def poll_changes(_n, state, cfg):
    """What changed since the last applied id, in the same shape as a live batch."""
    if not _authorised(cfg) or not state:
        raise PreventUpdate
    svc = services()
    last = state.get("last")
    entries = svc.redis.xrange(svc.keys.changes, min=f"({last}" if last else "-", count=2000)
    if not entries:
        raise PreventUpdate
    events = [json.loads(fields[b"event"]) for _id, fields in entries if b"event" in fields]
    return {"prev": last, "last": entries[-1][0].decode(), "events": events}


callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="resyncOnGap"),
    Output(ids.WALL_RESYNC, "data"),
    Input(ids.WALL_STATE, "data"),
    State(ids.WALL_RESYNC, "data"),
    prevent_initial_call=True,
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="renderInstant"),
    Output(ids.WALL_KPI_OPEN, "children"),
    Output(ids.WALL_KPI_NEW, "children"),
    Output(ids.WALL_KPI_EMERG, "children"),
    Output(ids.WALL_KEL, "hideout"),
    Input(ids.WALL_STATE, "data"),
    Input(ids.WALL_SHADE_BTN, "n_clicks"),
    State(ids.WALL_CFG, "data"),
    State(ids.WALL_KEL, "data"),
    # what is shown now: only what differs is sent back (every update costs the browser a redraw)
    State(ids.WALL_KPI_OPEN, "children"),
    State(ids.WALL_KPI_NEW, "children"),
    State(ids.WALL_KPI_EMERG, "children"),
    State(ids.WALL_KEL, "hideout"),
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="renderTicker"),
    Output(ids.WALL_TICKER, "children"),
    Input(ids.WALL_TICKER_STORE, "data"),
    State(ids.WALL_CFG, "data"),
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="clock"),
    Output(ids.WALL_CLOCK, "children"),
    Output(ids.WALL_DATE, "children"),
    Output("wall-kpi-emerg-sub", "children"),
    Output(ids.WALL_HEALTH, "children"),
    Input(ids.WALL_CLOCK_TICK, "n_intervals"),
    Input(ids.WALL_SOCKET, "connected"),
    State(ids.WALL_STATE, "data"),
    State(ids.WALL_HEALTH_STORE, "data"),
    State(ids.WALL_CFG, "data"),
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="restyleBuses"),
    Output(ids.WALL_BUSES, "data", allow_duplicate=True),
    Input(ids.WALL_CLOCK_TICK, "n_intervals"),
    State(ids.WALL_BUSES, "data"),
    prevent_initial_call=True,
)

callbacks.clientside(
    ClientsideFunction(namespace="wall", function_name="kpiTick"),
    Output(ids.WALL_KPI_TRIGGER, "data"),
    Input(ids.WALL_KPI_TICK, "n_intervals"),
    State(ids.WALL_STATE, "data"),
    State(ids.WALL_KPI_TRIGGER, "data"),
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
    Input(ids.WALL_STATE, "data"),
    Input(ids.WALL_SOUND_ON, "data"),
    State(ids.WALL_CFG, "data"),
    State(ids.WALL_ROOT, "className"),
    State(ids.WALL_SOUND_BTN, "children"),
    State(ids.WALL_SOUND_BTN, "className"),
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
