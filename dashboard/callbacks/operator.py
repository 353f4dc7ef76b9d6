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


# button → (permission, item kind, target status, needs an agency, needs a note)
ACTIONS = {
    ids.OP_BTN_READ: ("mark_read", "complaint", "dibaca", False, False),
    ids.OP_BTN_ASSIGN: ("assign", "complaint", "diteruskan", True, False),
    ids.OP_BTN_RESOLVE: ("resolve", "complaint", "selesai", False, True),
    ids.OP_BTN_REJECT: ("reject", "complaint", "ditolak", False, True),
    ids.OP_BTN_ACK: ("ack_emergency", "emergency", "diterima", False, False),
    ids.OP_BTN_DISPATCH: ("dispatch", "emergency", "dikirim", False, False),
    ids.OP_BTN_ON_SCENE: ("on_scene", "emergency", "di_lokasi", False, False),
    ids.OP_BTN_EM_DONE: ("resolve_emergency", "emergency", "selesai", False, False),
    ids.OP_BTN_FALSE: ("false_alarm", "emergency", "palsu", False, True),
}


def _bad(text: str):
    return html.P(text, className="msg bad")


@callbacks.callback(
    Output(ids.OP_MESSAGE, "children"),
    Output(ids.OP_DONE, "data"),
    Output(ids.OP_NOTE, "value"),
    *[Input(button, "n_clicks") for button in ACTIONS],
    State(ids.OP_SELECTED, "data"),
    State(ids.OP_AGENCY, "value"),
    State(ids.OP_NOTE, "value"),
    State(ids.OP_DONE, "data"),
    prevent_initial_call=True,
)
def act(*args):
    selected, agency, note, done = args[-4:]
    plan = ACTIONS.get(ctx.triggered_id)
    if plan is None:
        raise PreventUpdate
    action, kind, to_status, needs_agency, needs_note = plan
    note = (note or "").strip() or None
    if not may_do(current_role(), action):
        return _bad("Anda tidak berwenang melakukan tindakan ini."), no_update, no_update
    if not selected:
        return _bad("Pilih item dahulu."), no_update, no_update
    if selected["kind"] != kind:
        return _bad("Tindakan ini tidak berlaku untuk item yang dipilih."), no_update, no_update
    if needs_agency and not agency:
        return _bad("Pilih OPD tujuan."), no_update, no_update
    if needs_note and not note:
        return _bad("Tulis catatan atau alasannya dahulu."), no_update, no_update
    svc = services()
    try:
        with svc.Session.begin() as s:
            values = None
            if to_status == "dikirim":
                values = {"dispatched_post_id": s.get(Emergency, selected["id"]).nearest_post_id}
            outcome = change_status(
                s,
                item_kind=kind,
                item_id=selected["id"],
                to_status=to_status,
                actor=_actor(),
                now=now_utc(),
                expected_version=selected.get("version"),
                agency_code=agency if needs_agency else None,
                note=note,
                values=values,
            )
            if to_status == "ditolak":
                s.query(Complaint).filter(Complaint.id == selected["id"]).update({"reject_reason": note})
    except ConcurrentChange as exc:
        return _bad(f"{exc}. Tampilan sudah diperbarui."), (done or 0) + 1, no_update
    except ActionRefused as exc:
        return _bad(str(exc)), no_update, no_update
    announce(svc.redis, svc.keys, outcome)
    return html.P(f"#{outcome.item_id}: {outcome.from_status} → {outcome.to_status}", className="msg ok"), (done or 0) + 1, ""
