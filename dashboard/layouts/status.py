"""`/status`: what flows in — counts in the system of record and the health of each stream."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t


def layout(lang: str = "id", **_query):
    return html.Main(
        className="status-page",
        children=[
            html.H1(t("status_title", lang)),
            dcc.Interval(id=ids.STATUS_REFRESH, interval=2000),
            dcc.Store(id="status-lang", data=lang),
            html.Section(id=ids.STATUS_COUNTS, className="tiles"),
            html.Section(id=ids.STATUS_STREAMS),
            html.P(id=ids.STATUS_UPDATED, className="muted"),
        ],
    )


dash.register_page(__name__, path="/status", name="Status", title="Status — Binjai Command Center", layout=layout)
