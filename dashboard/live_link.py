"""The console's and the agency view's live link: a plain banner when it has gone quiet, and faster polling.

The relay leader sends every screen a heartbeat every LIVE_HEARTBEAT_S (domain/live_events.py
HEARTBEAT_EVENT). A page that hears none for STALE_MS, or whose socket is down, shows a banner saying
since when its data is not live, and refreshes its queue every POLL_MS instead of every 30 s until the
heartbeat is back (assets/live-link.js). Everything runs in the browser: no request per heartbeat.
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, dcc, html

from dashboard.i18n import t

STALE_MS = 6_000  # three missed heartbeats
POLL_MS = 5_000  # the queue's refresh while the link is down
NORMAL_POLL_MS = 30_000  # the queue's refresh while it is live (the countdowns move)
TIME_ZONE = "Asia/Jakarta"


def link_parts(banner_id: str, tick_id: str, cfg_id: str, lang: str) -> list:
    """The banner (hidden while the link is live), its 1-second check and the words it needs."""
    cfg = {
        "text": t("link_stale", lang, time="{time}"),
        "staleMs": STALE_MS,
        "pollMs": POLL_MS,
        "normalPollMs": NORMAL_POLL_MS,
        "timeZone": TIME_ZONE,
    }
    return [
        html.Div(id=banner_id, className="link-banner", role="alert", hidden=True),
        dcc.Interval(id=tick_id, interval=1_000),
        dcc.Store(id=cfg_id, data=cfg),
    ]


def register_link_check(callbacks, *, socket_id: str, banner_id: str, tick_id: str, cfg_id: str, refresh_id: str, event: str):
    """One clientside check per page: banner text and visibility, and the queue's refresh interval."""
    callbacks.clientside(
        ClientsideFunction(namespace="liveLink", function_name="check"),
        Output(banner_id, "children"),
        Output(banner_id, "hidden"),
        Output(refresh_id, "interval"),
        Input(tick_id, "n_intervals"),
        State(socket_id, f"data-{event}"),
        State(socket_id, "connected"),
        State(cfg_id, "data"),
    )
