"""`/agency`: an agency's own queue — its forwarded and in-progress complaints by deadline.

Only the logged-in account's agency is shown (the data layer filters by it); reporters' identities
are never part of this page.
"""

from __future__ import annotations

import dash
from dash import dcc, html
from dash_socketio import DashSocketIO
from flask_login import current_user

from dashboard import ids
from dashboard.auth import current_role
from dashboard.i18n import t
from dashboard.live_link import link_parts
from dashboard.queue_grid import queue_grid
from domain.live_events import HEARTBEAT_EVENT, SOCKET_EVENT, SOCKET_NAMESPACE
from domain.roles import may_view


def columns(lang: str) -> list[dict]:
    return [
        {"field": "id", "headerName": "#", "width": 80},
        {
            "field": "age_s",
            "headerName": t("ag_col_age", lang),
            "width": 100,
            "valueFormatter": {"function": "bccDuration(params.value)"},
        },
        {
            "field": "due_in_s",
            "headerName": t("ag_col_due", lang),
            "width": 130,
            "valueFormatter": {"function": "params.data.due_state === 'selesai' ? '✓' : bccCountdown(params.value)"},
        },
        {"field": "category", "headerName": t("ag_col_category", lang), "width": 200},
        {"field": "title", "headerName": t("ag_col_title", lang), "flex": 1, "minWidth": 220},
        {"field": "kelurahan", "headerName": t("ag_col_kelurahan", lang), "width": 160},
        {"field": "status", "headerName": t("ag_col_status", lang), "width": 120},
        {"field": "escalation", "headerName": t("ag_col_escalation", lang), "width": 110},
    ]


def _denied(message: str, lang: str, login: bool):
    children = [html.H1(t("ag_title", lang)), html.P(message)]
    if login:
        children.append(html.A(t("ag_login_button", lang), href=f"/masuk?next=/agency?lang={lang}", className="button"))
    return html.Main(className="status-page", children=children)


def layout(lang: str = "id", **_query):
    role = current_role()
    if role is None:
        return _denied(t("ag_login", lang), lang, login=True)
    if not may_view(role, "/agency"):
        return _denied(t("ag_denied", lang), lang, login=False)
    agency_code = current_user.info.agency_code
    if not agency_code:
        return _denied(t("ag_no_agency", lang), lang, login=False)
    return html.Main(
        className="operator agency",
        children=[
            DashSocketIO(
                id=ids.AG_SOCKET,
                url=SOCKET_NAMESPACE,
                eventNames=[SOCKET_EVENT, HEARTBEAT_EVENT],
                options={"transports": ["websocket"]},
            ),
            *link_parts(ids.AG_LINK, ids.AG_LINK_TICK, ids.AG_LINK_CFG, lang),
            dcc.Interval(id=ids.AG_REFRESH, interval=30_000),  # countdowns move even when nothing happens
            dcc.Store(id=ids.AG_SELECTED),
            dcc.Store(id=ids.AG_DONE, data=0),
            dcc.Store(id=ids.AG_LANG, data=lang),
            html.Header(
                className="op-top",
                children=[
                    html.H1(f"{t('ag_title', lang)} {agency_code}"),
                    html.Span(t("ag_legend", lang), className="muted"),
                    html.Form(method="post", action="/keluar", children=[html.Button(t("ag_logout", lang), type="submit")]),
                ],
            ),
            html.Section(
                className="op-body",
                children=[
                    queue_grid(
                        ids.AG_GRID, columns(lang), t("ag_empty", lang), {"row-done": "params.data.due_state === 'selesai'"}
                    ),
                    html.Aside(
                        className="op-detail",
                        children=[
                            html.Div(id=ids.AG_DETAIL, children=html.P(t("ag_pick", lang))),
                            dcc.Textarea(id=ids.AG_NOTE, placeholder=t("ag_note_placeholder", lang), className="op-note"),
                            html.Div(
                                className="op-actions",
                                children=[
                                    html.Button(t("ag_btn_start", lang), id=ids.AG_BTN_START, n_clicks=0),
                                    html.Button(t("ag_btn_done", lang), id=ids.AG_BTN_DONE, n_clicks=0),
                                ],
                            ),
                            html.Div(id=ids.AG_MESSAGE, role="status"),
                        ],
                    ),
                ],
            ),
        ],
    )


dash.register_page(__name__, path="/agency", name="OPD", title="OPD — Binjai Command Center", layout=layout)
