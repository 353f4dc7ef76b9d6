"""`/operator`: the queue that makes every waiting report and every alarm impossible to miss.

Emergencies first, then complaints by time left to their deadline; the grid keeps the operator's
scroll position and selection while rows change live (rows are keyed by item). The alarm sounds
while an emergency is unacknowledged, once sound was enabled with a click. `?lang=en` for English.
"""

from __future__ import annotations

import json

import dash
from dash import dcc, html
from dash_socketio import DashSocketIO

from dashboard import ids
from dashboard.auth import current_role
from dashboard.i18n import label, t
from dashboard.live_link import link_parts
from dashboard.queue_grid import queue_grid
from dashboard.services import services
from data_access.queue import agencies, categories, kecamatan_list
from domain.live_events import HEARTBEAT_EVENT, SOCKET_EVENT, SOCKET_NAMESPACE
from domain.roles import may_view

STATUSES = ("baru", "dibaca", "diteruskan", "dikerjakan", "selesai", "ditutup", "ditolak")


def columns(lang: str) -> list[dict]:
    """The grid's columns; every code is shown by its label (rows carry both, see queue_grid.present_rows)."""
    emergency, complaint = t("op_emergency", lang), t("op_complaint", lang)
    levels = [t(f"op_level_{n}", lang) for n in range(4)]
    lang_js = json.dumps(lang)
    return [
        {"field": "number", "headerName": t("op_col_number", lang), "width": 85, "cellClass": "cell-number"},
        {
            "field": "kind",
            "headerName": t("op_col_kind", lang),
            "width": 112,
            "valueFormatter": {"function": f"params.value === 'emergency' ? {json.dumps(emergency)} : {json.dumps(complaint)}"},
        },
        {
            "field": "age_s",
            "headerName": t("op_col_age", lang),
            "width": 90,
            "valueFormatter": {"function": f"bccDuration(params.value, {lang_js})"},
        },
        {
            "field": "due_in_s",
            "headerName": t("op_col_due", lang),
            "width": 130,
            "valueFormatter": {"function": f"bccCountdown(params.value, {lang_js})"},
        },
        {"field": "category_label", "headerName": t("op_col_category", lang), "width": 165},
        {"field": "title", "headerName": t("op_col_title", lang), "flex": 1, "minWidth": 160},
        {"field": "kelurahan", "headerName": t("op_col_kelurahan", lang), "width": 115},
        {"field": "source_label", "headerName": t("op_col_source", lang), "width": 125},
        {"field": "status_label", "headerName": t("op_col_status", lang), "width": 150},
        {"field": "agency", "headerName": t("op_col_agency", lang), "width": 65},
        {
            "field": "escalation",
            "headerName": t("op_col_level", lang),
            "width": 110,
            "valueFormatter": {"function": f"({json.dumps(levels)})[params.value || 0]"},
            "cellClass": {"function": "params.value > 0 ? 'cell-escalated' : ''"},
        },
        {"field": "warning", "headerName": t("op_col_warning", lang), "width": 95, "cellClass": "cell-warning"},
        # sort keys of the one-click "oldest unanswered first" order (assets/operator.js), not shown
        {"field": "pin", "hide": True},
        {"field": "reported_at", "hide": True},
    ]


ROW_CLASSES = {
    "row-emergency": "params.data.kind === 'emergency'",
    "row-em-unack": "params.data.kind === 'emergency' && params.data.status === 'baru'",
    "row-em-acked": "params.data.kind === 'emergency' && params.data.status !== 'baru'",
    "row-complaint": "params.data.kind === 'complaint'",
}


def dropdown_labels(lang: str) -> dict:
    """The Dash dropdown's own texts (its search box says "Search" otherwise)."""
    keys = ("search", "clear_search", "clear_selection", "select_all", "deselect_all", "selected_count")
    labels = {k: t(f"op_dd_{k}", lang) for k in keys}
    labels["no_options_found"] = t("op_dd_none", lang)
    return labels


def _help(lang: str):
    keys = [
        ("j / ↓", "op_key_next"),
        ("k / ↑", "op_key_prev"),
        ("a", "op_key_ack"),
        ("f", "op_key_assign"),
        ("e", "op_key_escalate"),
        ("n", "op_key_note"),
        ("/", "op_key_search"),
        ("?", "op_key_help"),
    ]
    return html.Div(
        id=ids.OP_HELP,
        className="op-help",
        hidden=True,
        role="dialog",
        children=html.Div(
            className="op-help-box",
            children=[
                html.H2(t("op_help_title", lang)),
                html.Dl([part for key, text in keys for part in (html.Dt(html.Kbd(key)), html.Dd(t(text, lang)))]),
                html.P(t("op_help_note_typing", lang), className="muted"),
                html.Button(t("op_help_close", lang), id="op-help-close", className="secondary"),
            ],
        ),
    )


def _denied(message: str, login: bool, lang: str):
    children = [html.H1(t("op_console", lang)), html.P(message)]
    if login:
        children.append(html.A(t("op_login", lang), href="/masuk?next=/operator", className="button"))
    return html.Main(className="status-page", children=children)


def _dropdown(id_, options, placeholder, lang):
    return dcc.Dropdown(
        id=id_, options=options, placeholder=placeholder, clearable=True, className="op-filter", labels=dropdown_labels(lang)
    )


def _button(id_, key, lang, kind=""):
    # hidden until a row is selected; then only the moves the policy allows (callbacks.operator.offer_buttons)
    return html.Button(t(key, lang), id=id_, n_clicks=0, className=kind, hidden=True)


def layout(lang: str = "id", **_query):
    lang = lang if lang in ("id", "en") else "id"
    role = current_role()
    if role is None:
        return _denied(t("op_login_needed", lang), login=True, lang=lang)
    if not may_view(role, "/operator"):
        return _denied(t("op_denied", lang), login=False, lang=lang)
    with services().Session() as s:
        agency_options = [{"label": f"{code} — {name}", "value": code} for code, name in agencies(s)]
        category_options = [
            {"label": name_en if lang == "en" else name_id, "value": code} for code, name_id, name_en in categories(s)
        ]
        kecamatan_options = [{"label": name, "value": code} for code, name in kecamatan_list(s)]
    other = t("op_other_lang_code", lang)
    cfg = {
        "sound_on": t("op_sound_on", lang),
        "sound_off": t("op_sound_off", lang),
        "order_due": t("op_order_due", lang),
        "order_oldest": t("op_order_oldest", lang),
    }
    return html.Main(
        className="operator",
        children=[
            DashSocketIO(
                id=ids.OP_SOCKET,
                url=SOCKET_NAMESPACE,
                eventNames=[SOCKET_EVENT, HEARTBEAT_EVENT],
                options={"transports": ["websocket"]},
            ),
            *link_parts(ids.OP_LINK, ids.OP_LINK_TICK, ids.OP_LINK_CFG, lang),
            dcc.Interval(id=ids.OP_REFRESH, interval=30_000),
            dcc.Store(id=ids.OP_SELECTED),
            dcc.Store(id=ids.OP_DONE, data=0),
            dcc.Store(id=ids.OP_LANG, data=lang),
            dcc.Store(id=ids.OP_CFG, data=cfg),
            dcc.Store(id=ids.OP_SOUND_ON, data=False),
            html.Audio(id=ids.OP_AUDIO, src=dash.get_asset_url("alarm.wav"), preload="auto"),
            html.Header(
                className="op-top",
                children=[
                    html.H1(t("op_title", lang)),
                    dcc.Input(
                        id=ids.OP_SEARCH, type="search", placeholder=t("op_search", lang), debounce=0.3, autoComplete="off"
                    ),
                    _dropdown(
                        ids.OP_FILTER_STATUS,
                        [{"label": label("status", "complaint", s, lang), "value": s} for s in STATUSES],
                        t("op_all_status", lang),
                        lang,
                    ),
                    _dropdown(ids.OP_FILTER_CATEGORY, category_options, t("op_all_category", lang), lang),
                    _dropdown(ids.OP_FILTER_KECAMATAN, kecamatan_options, t("op_all_kecamatan", lang), lang),
                    _dropdown(ids.OP_FILTER_AGENCY, agency_options, t("op_all_agency", lang), lang),
                    dcc.Checklist(
                        id=ids.OP_FILTER_OVERDUE, options=[{"label": t("op_overdue_only", lang), "value": "yes"}], value=[]
                    ),
                    html.Button(
                        t("op_order_due", lang),
                        id=ids.OP_ORDER_BTN,
                        n_clicks=0,
                        className="op-order",
                        title=t("op_order_hint", lang),
                    ),
                    html.Button(t("op_help_btn", lang), id=ids.OP_HELP_BTN, className="op-help-btn"),
                    html.Button(t("op_sound_off", lang), id=ids.OP_SOUND_BTN, className="sound-btn off", n_clicks=0),
                    html.A(t("op_other_lang", lang), href=f"/operator?lang={other}", className="op-lang"),
                    html.Form(
                        method="post",
                        action="/keluar",
                        children=[html.Button(t("op_logout", lang), type="submit")],
                        id="op-logout",
                    ),
                ],
            ),
            html.Section(
                className="op-body",
                children=[
                    queue_grid(ids.OP_GRID, columns(lang), t("op_empty", lang), ROW_CLASSES),
                    html.Aside(
                        className="op-detail",
                        children=[
                            html.Div(
                                id=ids.OP_ACTIONBAR,
                                className="op-actionbar",
                                hidden=True,
                                children=[
                                    html.Div(id=ids.OP_BAR_TITLE, className="op-bar-title"),
                                    html.Div(
                                        className="op-actions",
                                        children=[
                                            _button(ids.OP_BTN_ACK, "op_btn_ack", lang, "danger"),
                                            _button(ids.OP_BTN_DISPATCH, "op_btn_dispatch", lang, "danger"),
                                            _button(ids.OP_BTN_ON_SCENE, "op_btn_on_scene", lang),
                                            _button(ids.OP_BTN_EM_DONE, "op_btn_em_done", lang),
                                            _button(ids.OP_BTN_FALSE, "op_btn_false", lang, "secondary"),
                                            _button(ids.OP_BTN_READ, "op_btn_read", lang),
                                            _button(ids.OP_BTN_ASSIGN, "op_btn_assign", lang),
                                            _button(ids.OP_BTN_REASSIGN, "op_btn_reassign", lang, "secondary"),
                                            _button(ids.OP_BTN_START, "op_btn_start", lang, "secondary"),
                                            _button(ids.OP_BTN_RESOLVE, "op_btn_resolve", lang),
                                            _button(ids.OP_BTN_CLOSE, "op_btn_close", lang),
                                            _button(ids.OP_BTN_REOPEN, "op_btn_reopen", lang, "secondary"),
                                            _button(ids.OP_BTN_ESCALATE, "op_btn_escalate", lang, "warn"),
                                            _button(ids.OP_BTN_NOTE, "op_btn_note", lang),
                                            _button(ids.OP_BTN_REJECT, "op_btn_reject", lang, "secondary"),
                                        ],
                                    ),
                                    html.Div(
                                        id=ids.OP_AGENCY_BOX,
                                        hidden=True,
                                        children=dcc.Dropdown(
                                            id=ids.OP_AGENCY,
                                            options=agency_options,
                                            placeholder=t("op_agency_placeholder", lang),
                                            clearable=False,
                                            labels=dropdown_labels(lang),
                                        ),
                                    ),
                                    dcc.Textarea(id=ids.OP_NOTE, placeholder=t("op_note_placeholder", lang), className="op-note"),
                                    html.Div(id=ids.OP_MESSAGE, role="status"),
                                ],
                            ),
                            html.Div(id=ids.OP_DETAIL, children=html.P(t("op_pick", lang))),
                            html.Div(id=ids.OP_REPORTER, className="op-reporter"),
                            html.Button(
                                t("op_reveal", lang),
                                id=ids.OP_BTN_REVEAL,
                                n_clicks=0,
                                className="secondary reveal",
                                hidden=True,  # shown with a selection, for the roles that may (offer_buttons)
                            ),
                            html.Div(id=ids.OP_DUPLICATES, className="op-duplicates"),
                        ],
                    ),
                ],
            ),
            _help(lang),
        ],
    )


dash.register_page(__name__, path="/operator", name="Operator", title="Operator — Binjai Command Center", layout=layout)
