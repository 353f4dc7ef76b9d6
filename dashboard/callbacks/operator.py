"""Operator console: live queue, item detail, actions. Every action checks the role (CSRF is
checked for every POST by the app) and goes through data_access.actions in one transaction."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.auth import current_role, now_utc
from dashboard.callbacks import CallbackSet
from dashboard.i18n import t, wib
from dashboard.place_map import place_map
from dashboard.services import services
from data_access import actions
from data_access.actions import ActionRefused, ConcurrentChange, announce, change_status
from data_access.duplicates import duplicate_candidates
from data_access.models import Complaint, Emergency, ResponderPost
from data_access.queue import QueueFilters, operator_queue, repeat_false_alarms, timeline
from domain.console import offered
from domain.live_events import SOCKET_EVENT
from domain.privacy import mask_digits, mask_name
from domain.roles import may_do, may_view

callbacks = CallbackSet()


def _user() -> tuple[str, str]:
    from flask_login import current_user

    return current_user.info.username, f"{current_user.role}:{current_user.info.username}"


def _actor() -> str:
    return _user()[1]


@callbacks.callback(
    Output(ids.OP_GRID, "rowData"),
    Input(ids.OP_SOCKET, f"data-{SOCKET_EVENT}"),
    Input(ids.OP_REFRESH, "n_intervals"),
    Input(ids.OP_DONE, "data"),
    Input(ids.OP_FILTER_STATUS, "value"),
    Input(ids.OP_FILTER_OVERDUE, "value"),
    Input(ids.OP_SEARCH, "value"),
    Input(ids.OP_FILTER_CATEGORY, "value"),
    Input(ids.OP_FILTER_KECAMATAN, "value"),
    Input(ids.OP_FILTER_AGENCY, "value"),
    State(ids.OP_LANG, "data"),
)
def refresh_queue(_batch, _n, _done, status, overdue, search, category, kecamatan, agency, lang):
    if not may_view(current_role(), "/operator"):
        raise PreventUpdate
    filters = QueueFilters(
        status=status or None,
        category=category or None,
        kecamatan=kecamatan or None,
        agency=agency or None,
        overdue_only=bool(overdue),
        search=search or None,
    )
    with services().Session() as s:
        rows = operator_queue(s, now=now_utc(), filters=filters)
        repeats = repeat_false_alarms(s, emergency_ids=[r["id"] for r in rows if r["kind"] == "emergency"])
    for row in rows:
        n = repeats.get(row["id"], 0) if row["kind"] == "emergency" else 0
        row["warning"] = t("op_repeat_short", lang, n=n) if n else ""
    return rows


def _timeline_line(e, lang: str) -> str:
    if e.action == "escalate":
        what = t("op_action_escalate", lang, level=e.escalation_level)
    elif e.action in ("note", "merge"):
        what = t(f"op_action_{e.action}", lang)
    else:
        what = f"{e.from_status or '·'} → {e.to_status}"
    return f"{wib(e.at)} — {what} {t('op_by', lang)} {e.actor}" + (f": {e.note}" if e.note else "")


def _reporter_rows(lang: str, name: str | None, phone: str | None, nik: str | None, with_name: bool):
    rows = [(t("op_reporter_name", lang), name)] if with_name else []
    rows += [(t("op_reporter_phone", lang), phone), (t("op_reporter_nik", lang), nik)]
    return [html.H3(t("op_reporter", lang)), html.Dl([part for k, v in rows for part in (html.Dt(k), html.Dd(v or "—"))])]


def _masked(item, kind: str, lang: str):
    name = mask_name(item.reporter_name) if kind == "complaint" else None
    return _reporter_rows(lang, name, mask_digits(item.reporter_phone), mask_digits(item.reporter_nik), kind == "complaint")


def _duplicates(s, item, lang: str):
    if item.duplicate_of_id:
        return html.P(t("op_duplicate_of", lang, id=item.duplicate_of_id), className="msg")
    found = duplicate_candidates(s, complaint_id=item.id)
    return [
        html.H3(t("op_duplicates", lang)),
        html.Ul(
            [
                html.Li(
                    [
                        f"#{c.id} {c.title} · {c.status} · {c.distance_m:.0f} m · {wib(c.reported_at, '%d-%m %H:%M')} ",
                        html.Button(t("op_btn_merge", lang, id=c.id), id={"type": ids.OP_MERGE, "id": c.id}, n_clicks=0),
                    ]
                )
                for c in found
            ]
        )
        if found
        else html.P(t("op_no_duplicates", lang), className="muted"),
    ]


@callbacks.callback(
    Output(ids.OP_DETAIL, "children"),
    Output(ids.OP_SELECTED, "data"),
    Output(ids.OP_AGENCY, "value"),
    Output(ids.OP_REPORTER, "children"),
    Output(ids.OP_DUPLICATES, "children"),
    Input(ids.OP_GRID, "selectedRows"),
    Input(ids.OP_DONE, "data"),
    State(ids.OP_SELECTED, "data"),
    State(ids.OP_LANG, "data"),
)
def show_detail(selected_rows, _done, current, lang):
    if not may_view(current_role(), "/operator"):
        raise PreventUpdate
    if ctx.triggered_id == ids.OP_GRID:
        if not selected_rows:
            return html.P(t("op_pick", lang)), None, no_update, None, None
        row = selected_rows[0]
        current = {"kind": row["kind"], "id": row["id"]}
    if not current:
        raise PreventUpdate
    kind = current["kind"]
    with services().Session() as s:
        item = s.get(Complaint if kind == "complaint" else Emergency, current["id"])
        if item is None:
            return html.P(t("op_not_found", lang)), None, no_update, None, None
        events = timeline(s, item_kind=kind, item_id=current["id"])
        reporter = _masked(item, kind, lang)
        near = None
        if kind == "complaint":
            duplicates = _duplicates(s, item, lang)
            repeats = 0
        else:
            duplicates = None
            repeats = repeat_false_alarms(s, emergency_ids=[item.id]).get(item.id, 0)
            near = s.get(ResponderPost, item.nearest_post_id) if item.nearest_post_id else None
    selected = {**current, "version": item.version, "status": item.status, "level": getattr(item, "escalation_level", 0)}
    if kind == "complaint":
        head = [
            html.H2(f"{t('op_complaint', lang)} #{item.id}: {item.title}"),  # Dash escapes text: script stays text
            html.P(item.description or t("op_no_description", lang), className="desc"),
            html.P(
                t(
                    "op_complaint_line",
                    lang,
                    category=item.category_code,
                    status=item.status,
                    agency=item.agency_code or "—",
                    level=t(f"op_level_{item.escalation_level}", lang),
                )
            ),
            html.P(
                t(
                    "op_times_line",
                    lang,
                    reported=wib(item.reported_at),
                    first=wib(item.first_response_due_at),
                    resolution=wib(item.resolution_due_at),
                )
            ),
        ]
        if item.photo_url:
            head.append(html.A("Foto", href=item.photo_url, target="_blank", rel="noopener noreferrer"))
        agency = item.agency_code or item.suggested_agency_code
    else:
        head = [
            html.H2(f"{t('op_emergency', lang)} #{item.id}: {item.kind}"),
            html.P(t("op_emergency_line", lang, status=item.status, pressed=wib(item.pressed_at))),
            html.P(
                t("op_nearest", lang, name=near.name, m=f"{item.nearest_post_distance_m:.0f}")
                if near
                else t("op_nearest_none", lang)
            ),
        ]
        if repeats:
            head.append(html.P(t("op_repeat", lang, n=repeats), className="banner alert repeat"))
        agency = no_update
    post = (near.lat, near.lon) if kind == "emergency" and near is not None else None
    head.append(place_map(item.lat, item.lon, item.kelurahan_code, post=post, class_name="place-map op-map"))
    history = html.Ol(className="timeline", children=[html.Li(_timeline_line(e, lang)) for e in events])
    return [*head, html.H3(t("op_history", lang)), history], selected, agency, reporter, duplicates


@callbacks.callback(
    Output(ids.OP_REPORTER, "children", allow_duplicate=True),
    Input(ids.OP_BTN_REVEAL, "n_clicks"),
    State(ids.OP_SELECTED, "data"),
    State(ids.OP_LANG, "data"),
    prevent_initial_call=True,
)
def reveal(n_clicks, selected, lang):
    """The click itself is recorded (personal_data_views) before anything is shown."""
    if not n_clicks or not selected:
        raise PreventUpdate
    username, _actor_name = _user()
    now = now_utc()
    try:
        with services().Session.begin() as s:
            data = actions.reveal_reporter(
                s, item_kind=selected["kind"], item_id=selected["id"], username=username, role=current_role(), now=now
            )
    except ActionRefused as exc:
        return html.P(str(exc) if not isinstance(exc, actions.Forbidden) else t("op_msg_forbidden", lang), className="msg bad")
    rows = _reporter_rows(lang, data.name, data.phone, data.nik, selected["kind"] == "complaint")
    return [*rows, html.P(t("op_revealed", lang, user=username, at=wib(now)), className="muted")]


def _status(to_status: str, *, needs_agency: bool = False):
    """A plain lifecycle move through change_status."""

    def run(s, sel, agency, note, actor, _role, now):
        values = None
        if to_status == "dikirim":
            values = {"dispatched_post_id": s.get(Emergency, sel["id"]).nearest_post_id}
        if to_status == "ditolak":
            values = {"reject_reason": note}
        return [
            change_status(
                s,
                item_kind=sel["kind"],
                item_id=sel["id"],
                to_status=to_status,
                actor=actor,
                now=now,
                expected_version=sel.get("version"),
                agency_code=agency if needs_agency else None,
                note=note,
                values=values,
            )
        ]

    return run


def _escalate(s, sel, _agency, note, actor, role, now):
    return [
        actions.escalate(
            s, complaint_id=sel["id"], actor=actor, role=role, now=now, reason=note, expected_version=sel.get("version")
        )
    ]


def _note(s, sel, _agency, note, actor, role, now):
    return [actions.add_note(s, item_kind=sel["kind"], item_id=sel["id"], actor=actor, role=role, now=now, note=note)]


def _close(s, sel, _agency, note, actor, role, now):
    return [
        actions.close(s, complaint_id=sel["id"], actor=actor, role=role, now=now, note=note, expected_version=sel.get("version"))
    ]


def _reopen(s, sel, _agency, note, actor, role, now):
    return [
        actions.reopen(
            s, complaint_id=sel["id"], actor=actor, role=role, now=now, reason=note, expected_version=sel.get("version")
        )
    ]


# button → (permission, item kind (None: both), needs an agency, needs a note, what it does)
ACTIONS = {
    ids.OP_BTN_READ: ("mark_read", "complaint", False, False, _status("dibaca")),
    ids.OP_BTN_ASSIGN: ("assign", "complaint", True, False, _status("diteruskan", needs_agency=True)),
    ids.OP_BTN_ESCALATE: ("escalate", "complaint", False, True, _escalate),
    ids.OP_BTN_NOTE: ("note", None, False, True, _note),
    ids.OP_BTN_RESOLVE: ("resolve", "complaint", False, True, _status("selesai")),
    ids.OP_BTN_CLOSE: ("close", "complaint", False, False, _close),
    ids.OP_BTN_REOPEN: ("reopen", "complaint", False, True, _reopen),
    ids.OP_BTN_REJECT: ("reject", "complaint", False, True, _status("ditolak")),
    ids.OP_BTN_ACK: ("ack_emergency", "emergency", False, False, _status("diterima")),
    ids.OP_BTN_DISPATCH: ("dispatch", "emergency", False, False, _status("dikirim")),
    ids.OP_BTN_ON_SCENE: ("on_scene", "emergency", False, False, _status("di_lokasi")),
    ids.OP_BTN_EM_DONE: ("resolve_emergency", "emergency", False, False, _status("selesai")),
    ids.OP_BTN_FALSE: ("false_alarm", "emergency", False, True, _status("palsu")),
}


@callbacks.callback(
    [Output(button, "hidden") for button in ACTIONS],
    Input(ids.OP_SELECTED, "data"),
)
def offer_buttons(selected):
    """Show only the moves that can succeed for the selected item and this role (domain/console.py)."""
    selected = selected or {}
    role = current_role()
    return [
        not offered(
            permission,
            role=role,
            kind=selected.get("kind"),
            status=selected.get("status"),
            escalation_level=selected.get("level") or 0,
        )
        for permission, *_rest in ACTIONS.values()
    ]


def _merge_plan(original_id: int):
    def run(s, sel, _agency, _note, actor, role, now):
        return list(
            actions.merge_duplicate(
                s,
                duplicate_id=sel["id"],
                original_id=original_id,
                actor=actor,
                role=role,
                now=now,
                expected_version=sel.get("version"),
            )
        )

    return ("merge", "complaint", False, False, run)


def _bad(text: str):
    return html.P(text, className="msg bad")


def _done_text(outcome, lang: str) -> str:
    if outcome.action == "escalate":
        what = t("op_action_escalate", lang, level=outcome.escalation_level)
    elif outcome.action == "note":
        what = t("op_action_note", lang)
    else:
        what = f"{outcome.from_status} → {outcome.to_status}"
    return t("op_msg_done", lang, id=outcome.item_id, what=what)


@callbacks.callback(
    Output(ids.OP_MESSAGE, "children"),
    Output(ids.OP_DONE, "data"),
    Output(ids.OP_NOTE, "value"),
    *[Input(button, "n_clicks") for button in ACTIONS],
    Input({"type": ids.OP_MERGE, "id": ALL}, "n_clicks"),
    State(ids.OP_SELECTED, "data"),
    State(ids.OP_AGENCY, "value"),
    State(ids.OP_NOTE, "value"),
    State(ids.OP_DONE, "data"),
    State(ids.OP_LANG, "data"),
    prevent_initial_call=True,
)
def act(*args):
    selected, agency, note, done, lang = args[-5:]
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and trigger.get("type") == ids.OP_MERGE:
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            raise PreventUpdate  # merge buttons appearing with the detail are not clicks
        plan = _merge_plan(int(trigger["id"]))
    else:
        plan = ACTIONS.get(trigger)
    if plan is None:
        raise PreventUpdate
    permission, kind, needs_agency, needs_note, run = plan
    note = (note or "").strip() or None
    role = current_role()
    if not may_do(role, permission):
        return _bad(t("op_msg_forbidden", lang)), no_update, no_update
    if not selected:
        return _bad(t("op_msg_pick", lang)), no_update, no_update
    if kind is not None and selected["kind"] != kind:
        return _bad(t("op_msg_wrong_kind", lang)), no_update, no_update
    if needs_agency and not agency:
        return _bad(t("op_msg_agency", lang)), no_update, no_update
    if needs_note and not note:
        return _bad(t("op_msg_note", lang)), no_update, no_update
    svc = services()
    try:
        with svc.Session.begin() as s:
            outcomes = run(s, selected, agency, note, _actor(), role, now_utc())
    except ConcurrentChange as exc:
        return _bad(t("op_msg_refreshed", lang, msg=exc)), (done or 0) + 1, no_update
    except actions.Forbidden:
        return _bad(t("op_msg_forbidden", lang)), no_update, no_update
    except ActionRefused as exc:
        return _bad(str(exc)), no_update, no_update
    for outcome in outcomes:
        announce(svc.redis, svc.keys, outcome, svc.Session)
    return html.P(_done_text(outcomes[0], lang), className="msg ok"), (done or 0) + 1, ""


callbacks.clientside(
    ClientsideFunction(namespace="operator", function_name="enableSound"),
    Output(ids.OP_SOUND_ON, "data"),
    Input(ids.OP_SOUND_BTN, "n_clicks"),
    prevent_initial_call=True,
)

callbacks.clientside(
    ClientsideFunction(namespace="operator", function_name="alarm"),
    Output(ids.OP_SOUND_BTN, "children"),
    Output(ids.OP_SOUND_BTN, "className"),
    Input(ids.OP_GRID, "rowData"),
    Input(ids.OP_SOUND_ON, "data"),
    State(ids.OP_CFG, "data"),
)
