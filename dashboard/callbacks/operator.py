"""Operator console: live queue, item detail, actions. Every action checks the role (CSRF is
checked for every POST by the app) and goes through data_access.actions in one transaction."""

from __future__ import annotations

from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.auth import current_role, now_utc
from dashboard.callbacks import CallbackSet
from dashboard.i18n import wib
from dashboard.services import services
from data_access.actions import ActionRefused, ConcurrentChange, announce, change_status
from data_access.models import Complaint, Emergency, ResponderPost
from data_access.queue import QueueFilters, operator_queue, timeline
from domain.live_events import SOCKET_EVENT
from domain.roles import may_do, may_view

callbacks = CallbackSet()


def _actor() -> str:
    from flask_login import current_user

    return f"{current_user.role}:{current_user.info.username}"


@callbacks.callback(
    Output(ids.OP_GRID, "rowData"),
    Input(ids.OP_SOCKET, f"data-{SOCKET_EVENT}"),
    Input(ids.OP_REFRESH, "n_intervals"),
    Input(ids.OP_DONE, "data"),
    Input(ids.OP_FILTER_STATUS, "value"),
    Input(ids.OP_FILTER_OVERDUE, "value"),
    Input(ids.OP_SEARCH, "value"),
)
def refresh_queue(_batch, _n, _done, status, overdue, search):
    if not may_view(current_role(), "/operator"):
        raise PreventUpdate
    filters = QueueFilters(status=status or None, overdue_only=bool(overdue), search=search or None)
    with services().Session() as s:
        return operator_queue(s, now=now_utc(), filters=filters)


@callbacks.callback(
    Output(ids.OP_DETAIL, "children"),
    Output(ids.OP_SELECTED, "data"),
    Output(ids.OP_AGENCY, "value"),
    Input(ids.OP_GRID, "selectedRows"),
    Input(ids.OP_DONE, "data"),
    State(ids.OP_SELECTED, "data"),
)
def show_detail(selected_rows, _done, current):
    if not may_view(current_role(), "/operator"):
        raise PreventUpdate
    if ctx.triggered_id == ids.OP_GRID:
        if not selected_rows:
            return html.P("Pilih baris untuk melihat rincian."), None, no_update
        row = selected_rows[0]
        current = {"kind": row["kind"], "id": row["id"]}
    if not current:
        raise PreventUpdate
    with services().Session() as s:
        model = Complaint if current["kind"] == "complaint" else Emergency
        item = s.get(model, current["id"])
        if item is None:
            return html.P("Item tidak ditemukan."), None, no_update
        events = timeline(s, item_kind=current["kind"], item_id=current["id"])
        near = s.get(ResponderPost, item.nearest_post_id) if current["kind"] == "emergency" and item.nearest_post_id else None
    selected = {**current, "version": item.version}
    if current["kind"] == "complaint":
        head = [
            html.H2(f"Pengaduan #{item.id}: {item.title}"),  # Dash escapes text: script in a title stays text
            html.P(item.description or "(tanpa uraian)", className="desc"),
            html.P(
                f"Kategori {item.category_code} · status {item.status} · OPD {item.agency_code or '—'} · eskalasi {item.escalation_level}"
            ),
            html.P(
                f"Dilaporkan {wib(item.reported_at)} · batas respons {wib(item.first_response_due_at)} · batas selesai {wib(item.resolution_due_at)}"
            ),
        ]
        agency = item.agency_code or item.suggested_agency_code
    else:
        head = [
            html.H2(f"DARURAT #{item.id}: {item.kind}"),
            html.P(f"Status {item.status} · ditekan {wib(item.pressed_at)}"),
            html.P(f"Pos terdekat: {near.name} ({item.nearest_post_distance_m:.0f} m)" if near else "Pos terdekat: —"),
        ]
        agency = no_update
    history = html.Ol(
        className="timeline",
        children=[
            html.Li(f"{wib(e.at)} — {e.from_status or '·'} → {e.to_status} oleh {e.actor}" + (f": {e.note}" if e.note else ""))
            for e in events
        ],
    )
    return [*head, html.H3("Riwayat"), history], selected, agency


@callbacks.callback(
    Output(ids.OP_MESSAGE, "children"),
    Output(ids.OP_DONE, "data"),
    Input(ids.OP_BTN_READ, "n_clicks"),
    Input(ids.OP_BTN_ASSIGN, "n_clicks"),
    Input(ids.OP_BTN_ACK, "n_clicks"),
    State(ids.OP_SELECTED, "data"),
    State(ids.OP_AGENCY, "value"),
    State(ids.OP_DONE, "data"),
    prevent_initial_call=True,
)
def act(_read, _assign, _ack, selected, agency, done):
    role = current_role()
    plan = {
        ids.OP_BTN_READ: ("mark_read", "complaint", "dibaca"),
        ids.OP_BTN_ASSIGN: ("assign", "complaint", "diteruskan"),
        ids.OP_BTN_ACK: ("ack_emergency", "emergency", "diterima"),
    }.get(ctx.triggered_id)
    if plan is None:
        raise PreventUpdate
    action, kind, to_status = plan
    if not may_do(role, action):
        return html.P("Anda tidak berwenang melakukan tindakan ini.", className="msg bad"), no_update
    if not selected:
        return html.P("Pilih item dahulu.", className="msg bad"), no_update
    if selected["kind"] != kind:
        return html.P("Tindakan ini tidak berlaku untuk item yang dipilih.", className="msg bad"), no_update
    if action == "assign" and not agency:
        return html.P("Pilih OPD tujuan.", className="msg bad"), no_update
    svc = services()
    try:
        with svc.Session.begin() as s:
            outcome = change_status(
                s,
                item_kind=kind,
                item_id=selected["id"],
                to_status=to_status,
                actor=_actor(),
                now=now_utc(),
                expected_version=selected.get("version"),
                agency_code=agency if action == "assign" else None,
            )
    except ConcurrentChange as exc:
        return html.P(f"{exc}. Tampilan sudah diperbarui.", className="msg bad"), (done or 0) + 1
    except ActionRefused as exc:
        return html.P(str(exc), className="msg bad"), no_update
    announce(svc.redis, svc.keys, outcome)
    return html.P(f"#{outcome.item_id}: {outcome.from_status} → {outcome.to_status}", className="msg ok"), (done or 0) + 1
