"""`/operator`: the queue that makes every waiting report and every alarm impossible to miss.

Emergencies first, then complaints by time left to their deadline; the grid keeps the operator's
scroll position and selection while rows change live (rows are keyed by item).
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import dcc, html
from dash_socketio import DashSocketIO

from dashboard import ids
from dashboard.auth import current_role
from dashboard.services import services
from data_access.queue import agencies
from domain.live_events import SOCKET_EVENT, SOCKET_NAMESPACE
from domain.roles import may_view

STATUS_OPTIONS = [{"label": s, "value": s} for s in ("baru", "dibaca", "diteruskan", "dikerjakan")]

COLUMNS = [
    {
        "field": "kind",
        "headerName": "Jenis",
        "width": 110,
        "valueFormatter": {"function": "params.value === 'emergency' ? 'DARURAT' : 'Pengaduan'"},
    },
    {"field": "id", "headerName": "#", "width": 80},
    {"field": "age_s", "headerName": "Umur", "width": 100, "valueFormatter": {"function": "bccDuration(params.value)"}},
    {
        "field": "due_in_s",
        "headerName": "Sisa waktu",
        "width": 130,
        "valueFormatter": {"function": "bccCountdown(params.value)"},
    },
    {"field": "category", "headerName": "Kategori", "width": 190},
    {"field": "title", "headerName": "Judul", "flex": 1, "minWidth": 220},
    {"field": "kelurahan", "headerName": "Kelurahan", "width": 150},
    {"field": "source", "headerName": "Sumber", "width": 130},
    {"field": "status", "headerName": "Status", "width": 120},
    {"field": "agency", "headerName": "OPD", "width": 110},
    {"field": "escalation", "headerName": "Eskalasi", "width": 100},
]


def _denied(message: str, login: bool):
    children = [html.H1("Konsol operator"), html.P(message)]
    if login:
        children.append(html.A("Masuk", href="/masuk?next=/operator", className="button"))
    return html.Main(className="status-page", children=children)


def layout(**_query):
    role = current_role()
    if role is None:
        return _denied("Silakan masuk sebagai operator.", login=True)
    if not may_view(role, "/operator"):
        return _denied("Akses ditolak: halaman ini untuk operator dan supervisor.", login=False)
    with services().Session() as s:
        agency_options = [{"label": f"{code} — {name}", "value": code} for code, name in agencies(s)]
    return html.Main(
        className="operator",
        children=[
            DashSocketIO(
                id=ids.OP_SOCKET, url=SOCKET_NAMESPACE, eventNames=[SOCKET_EVENT], options={"transports": ["websocket"]}
            ),
            dcc.Interval(id=ids.OP_REFRESH, interval=30_000),
            dcc.Store(id=ids.OP_SELECTED),
            dcc.Store(id=ids.OP_DONE, data=0),
            html.Header(
                className="op-top",
                children=[
                    html.H1("Antrean operator"),
                    dcc.Dropdown(
                        id=ids.OP_FILTER_STATUS,
                        options=STATUS_OPTIONS,
                        placeholder="Semua status",
                        clearable=True,
                        className="op-filter",
                    ),
                    dcc.Checklist(
                        id=ids.OP_FILTER_OVERDUE, options=[{"label": " hanya yang terlambat", "value": "yes"}], value=[]
                    ),
                    dcc.Input(id=ids.OP_SEARCH, type="search", placeholder="Cari judul / kelurahan", debounce=True),
                    html.Form(method="post", action="/keluar", children=[html.Button("Keluar", type="submit")], id="op-logout"),
                ],
            ),
            html.Section(
                className="op-body",
                children=[
                    dag.AgGrid(
                        id=ids.OP_GRID,
                        columnDefs=COLUMNS,
                        rowData=[],
                        getRowId="params.data.key",
                        dashGridOptions={
                            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                            "animateRows": False,
                            "overlayNoRowsTemplate": "Tidak ada yang menunggu.",
                        },
                        rowClassRules={
                            "row-emergency": "params.data.kind === 'emergency'",
                            "row-overdue": "params.data.due_state === 'terlambat'",
                            "row-soon": "params.data.due_state === 'segera'",
                        },
                        className="op-grid",
                        style={"height": "100%"},
                    ),
                    html.Aside(
                        className="op-detail",
                        children=[
                            html.Div(id=ids.OP_DETAIL, children=html.P("Pilih baris untuk melihat rincian.")),
                            dcc.Dropdown(id=ids.OP_AGENCY, options=agency_options, placeholder="OPD tujuan", clearable=False),
                            dcc.Textarea(
                                id=ids.OP_NOTE,
                                placeholder="Catatan / alasan (wajib untuk selesai, tolak, alarm palsu)",
                                className="op-note",
                            ),
                            html.Div(
                                className="op-actions",
                                children=[
                                    html.Button("Tandai dibaca", id=ids.OP_BTN_READ, n_clicks=0),
                                    html.Button("Teruskan ke OPD", id=ids.OP_BTN_ASSIGN, n_clicks=0),
                                    html.Button("Selesai", id=ids.OP_BTN_RESOLVE, n_clicks=0),
                                    html.Button("Tolak", id=ids.OP_BTN_REJECT, n_clicks=0, className="secondary"),
                                ],
                            ),
                            html.Div(
                                className="op-actions",
                                children=[
                                    html.Button("Terima darurat", id=ids.OP_BTN_ACK, n_clicks=0, className="danger"),
                                    html.Button(
                                        "Kirim petugas (pos terdekat)", id=ids.OP_BTN_DISPATCH, n_clicks=0, className="danger"
                                    ),
                                    html.Button("Petugas di lokasi", id=ids.OP_BTN_ON_SCENE, n_clicks=0),
                                    html.Button("Darurat selesai", id=ids.OP_BTN_EM_DONE, n_clicks=0),
                                    html.Button("Alarm palsu", id=ids.OP_BTN_FALSE, n_clicks=0, className="secondary"),
                                ],
                            ),
                            html.Div(id=ids.OP_MESSAGE, role="status"),
                        ],
                    ),
                ],
            ),
        ],
    )


dash.register_page(__name__, path="/operator", name="Operator", title="Operator — Binjai Command Center", layout=layout)
