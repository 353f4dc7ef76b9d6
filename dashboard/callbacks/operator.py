"""Operator console: live queue, item detail, actions. Every action checks the role (CSRF is
checked for every POST by the app) and goes through data_access.actions in one transaction."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import DBAPIError, OperationalError

from dashboard import ids
from dashboard.auth import current_actor, current_role, now_utc
from dashboard.callbacks import CallbackSet
from dashboard.i18n import label, readable_note, t, wib
from dashboard.live_link import register_link_check
from dashboard.place_map import place_map
from dashboard.queue_grid import present_rows
from dashboard.services import services
from data_access import actions
from data_access.actions import ActionRefused, ActionRequest, Actor, ConcurrentChange, StoreUnavailable, run_action
from data_access.duplicates import duplicate_candidates
from data_access.models import Category, Complaint, Emergency, ResponderPost
from data_access.queue import QueueFilters, operator_queue, repeat_false_alarms, timeline
from domain.console import offered
from domain.live_events import HEARTBEAT_EVENT, SOCKET_EVENT
from domain.numbering import item_number
from domain.privacy import mask_digits, mask_name
from domain.roles import may_view

callbacks = CallbackSet()


def _text(value) -> str | None:
    """A filter's value as the browser should send it (text), else no filter: forged input filters nothing."""
    return value[:200] if isinstance(value, str) and value else None


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
        status=_text(status),
        category=_text(category),
        kecamatan=_text(kecamatan),
        agency=_text(agency),
        overdue_only=bool(overdue),
        search=_text(search),
    )
    with services().Session() as s:
        rows = operator_queue(s, now=now_utc(), filters=filters)
        repeats = repeat_false_alarms(s, emergency_ids=[r["id"] for r in rows if r["kind"] == "emergency"])
    for row in rows:
        n = repeats.get(row["id"], 0) if row["kind"] == "emergency" else 0
        row["warning"] = t("op_repeat_short", lang, n=n) if n else ""
    return present_rows(rows, lang)


def _move(kind: str, from_status: str | None, to_status: str, lang: str) -> str:
    return f"{label('status', kind, from_status, lang) if from_status else '·'} → {label('status', kind, to_status, lang)}"


def _timeline_line(e, kind: str, lang: str) -> str:
    if e.action == "escalate":
        what = t("op_action_escalate", lang, level=e.escalation_level)
    elif e.action in ("note", "merge"):
        what = t(f"op_action_{e.action}", lang)
    else:
        what = _move(kind, e.from_status, e.to_status, lang)
    note = readable_note(e.note, lang)
    return f"{wib(e.at)} — {what} {t('op_by', lang)} {e.actor}" + (f": {note}" if note else "")


def _reporter_rows(lang: str, name: str | None, phone: str | None, nik: str | None, with_name: bool):
    rows = [(t("op_reporter_name", lang), name)] if with_name else []
    rows += [(t("op_reporter_phone", lang), phone), (t("op_reporter_nik", lang), nik)]
    return [html.H3(t("op_reporter", lang)), html.Dl([part for k, v in rows for part in (html.Dt(k), html.Dd(v or "—"))])]


def _masked(item, kind: str, lang: str):
    name = mask_name(item.reporter_name) if kind == "complaint" else None
    return _reporter_rows(lang, name, mask_digits(item.reporter_phone), mask_digits(item.reporter_nik), kind == "complaint")


def _duplicates(s, item, lang: str):
    if item.duplicate_of_id:
        return html.P(t("op_duplicate_of", lang, number=item_number("complaint", item.duplicate_of_id)), className="msg")
    found = duplicate_candidates(s, complaint_id=item.id)
    return [
        html.H3(t("op_duplicates", lang)),
        html.Ul(
            [
                html.Li(
                    [
                        f"{item_number('complaint', c.id)} {c.title} · {label('status', 'complaint', c.status, lang)}"
                        f" · {c.distance_m:.0f} m · {wib(c.reported_at, '%d-%m %H:%M')} ",
                        html.Button(
                            t("op_btn_merge", lang, number=item_number("complaint", c.id)),
                            id={"type": ids.OP_MERGE, "id": c.id},
                            n_clicks=0,
                        ),
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
        row = selected_rows[0] if isinstance(selected_rows, list) and selected_rows else None
        if _selected_item(row) is None:
            return html.P(t("op_pick", lang)), None, no_update, None, None
        current = {"kind": row["kind"], "id": row["id"]}
    if _selected_item(current) is None:
        raise PreventUpdate
    kind = current["kind"]
    with services().Session() as s:
        item = s.get(Complaint if kind == "complaint" else Emergency, current["id"])
        if item is None:
            return html.P(t("op_not_found", lang)), None, no_update, None, None
        events = timeline(s, item_kind=kind, item_id=current["id"])
        reporter = _masked(item, kind, lang)
        near = None
        category = s.get(Category, item.category_code) if kind == "complaint" else None
        if kind == "complaint":
            duplicates = _duplicates(s, item, lang)
            repeats = 0
        else:
            duplicates = None
            repeats = repeat_false_alarms(s, emergency_ids=[item.id]).get(item.id, 0)
            near = s.get(ResponderPost, item.nearest_post_id) if item.nearest_post_id else None
    selected = {
        **current,
        "version": item.version,
        "status": item.status,
        "level": getattr(item, "escalation_level", 0),
        "agency": getattr(item, "agency_code", None),
    }
    number = item_number(kind, item.id)
    status = label("status", kind, item.status, lang)
    if kind == "complaint":
        category_name = (category.name_en if lang == "en" else category.name_id) if category else item.category_code
        head = [
            html.H2(f"{number} · {t('op_complaint', lang)}: {item.title}"),  # Dash escapes text: script stays text
            html.P(item.description or t("op_no_description", lang), className="desc"),
            html.P(
                t(
                    "op_complaint_line",
                    lang,
                    category=category_name,
                    status=status,
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
            html.H2(
                f"{number} · {t('op_emergency', lang)}: {t('op_em_title', lang, kind=label('kind', 'emergency', item.kind, lang))}"
            ),
            html.P(t("op_emergency_line", lang, status=status, pressed=wib(item.pressed_at))),
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
    # one map per item (its own id): a new item gets a new map, not the last one's view
    head.append(
        place_map(item.lat, item.lon, item.kelurahan_code, post=post, class_name="place-map op-map", map_id=f"op-map-{number}")
    )
    history = html.Ol(className="timeline", children=[html.Li(_timeline_line(e, kind, lang)) for e in events])
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
    if not n_clicks:
        raise PreventUpdate
    item = _selected_item(selected)
    if item is None:
        return _bad(t("op_msg_pick", lang))
    actor = current_actor() or Actor("-", None)
    now = now_utc()
    try:
        with services().Session.begin() as s:
            data = actions.reveal_reporter(s, actor, item_kind=item[0], item_id=item[1], now=now)
    except (OperationalError, DBAPIError):
        return _bad(StoreUnavailable().message(lang))
    except ActionRefused as exc:
        return _bad(exc.message(lang))
    rows = _reporter_rows(lang, data.name, data.phone, data.nik, item[0] == "complaint")
    return [*rows, html.P(t("op_revealed", lang, user=actor.name.split(":", 1)[-1], at=wib(now)), className="muted")]


# button → the policy action it asks for (what may happen is the gate's business: data_access.actions)
ACTIONS = {
    ids.OP_BTN_READ: "mark_read",
    ids.OP_BTN_ASSIGN: "assign",
    ids.OP_BTN_REASSIGN: "reassign",
    ids.OP_BTN_ESCALATE: "escalate",
    ids.OP_BTN_NOTE: "note",
    ids.OP_BTN_START: "start_work",
    ids.OP_BTN_RESOLVE: "resolve",
    ids.OP_BTN_CLOSE: "close",
    ids.OP_BTN_REOPEN: "reopen",
    ids.OP_BTN_REJECT: "reject",
    ids.OP_BTN_ACK: "ack_emergency",
    ids.OP_BTN_DISPATCH: "dispatch",
    ids.OP_BTN_ON_SCENE: "on_scene",
    ids.OP_BTN_EM_DONE: "resolve_emergency",
    ids.OP_BTN_FALSE: "false_alarm",
}


def _selected_item(selected) -> tuple[str, int] | None:
    """(kind, id) of the selection the browser sent, or None when it is missing or malformed."""
    if not isinstance(selected, dict):
        return None
    kind, item_id = selected.get("kind"), selected.get("id")
    if kind not in ("complaint", "emergency") or not isinstance(item_id, int) or isinstance(item_id, bool):
        return None
    return kind, item_id


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@callbacks.callback(
    [Output(button, "hidden") for button in ACTIONS],
    Output(ids.OP_ACTIONBAR, "hidden"),
    Output(ids.OP_BAR_TITLE, "children"),
    Output(ids.OP_AGENCY_BOX, "hidden"),
    Output(ids.OP_BTN_REVEAL, "hidden"),
    Input(ids.OP_SELECTED, "data"),
)
def offer_buttons(selected):
    """Show only the moves that can succeed for the selected item and this user (the policy's answer);
    nothing before a row is selected. The agency list only where a move needs an agency."""
    item = _selected_item(selected)
    selected = selected if item is not None else {}
    actor = current_actor()

    def shown(action: str) -> bool:
        return offered(
            action,
            role=actor.role if actor else None,
            actor_agency=actor.agency_code if actor else None,
            kind=selected.get("kind"),
            status=selected.get("status"),
            escalation_level=_int_or_none(selected.get("level")) or 0,
            item_agency=selected.get("agency"),
        )

    hidden = [not shown(action) for action in ACTIONS.values()]
    needs_agency = shown("assign") or shown("reassign")
    return [*hidden, item is None, item_number(*item) if item else "", not needs_agency, not shown("reveal_reporter")]


def _bad(text: str):
    return html.P(text, className="msg bad")


def _done_text(outcome, lang: str) -> str:
    if outcome.action == "escalate":
        what = t("op_action_escalate", lang, level=outcome.escalation_level)
    elif outcome.action == "note":
        what = t("op_action_note", lang)
    else:
        what = _move(outcome.item_kind, outcome.from_status, outcome.to_status, lang)
    return t("op_msg_done", lang, number=item_number(outcome.item_kind, outcome.item_id), what=what)


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
    """Turn the click into an ActionRequest for the gate; show its answer in the user's language."""
    selected, agency, note, done, lang = args[-5:]
    done = _int_or_none(done) or 0
    trigger = ctx.triggered_id
    original_id = None
    if isinstance(trigger, dict) and trigger.get("type") == ids.OP_MERGE:
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            raise PreventUpdate  # merge buttons appearing with the detail are not clicks
        action, original_id = "merge", _int_or_none(trigger.get("id"))
    else:
        action = ACTIONS.get(trigger)
    if action is None:
        raise PreventUpdate
    item = _selected_item(selected)
    if item is None:
        return _bad(t("op_msg_pick", lang)), no_update, no_update
    request = ActionRequest(
        action=action,
        item_kind=item[0],
        item_id=item[1],
        expected_version=_int_or_none(selected.get("version")),
        note=note if isinstance(note, str) else None,
        agency_code=agency if isinstance(agency, str) else None,
        original_id=original_id,
    )
    svc = services()
    try:
        outcomes = run_action(svc.Session, svc.redis, svc.keys, current_actor() or Actor("-", None), request, now=now_utc())
    except ConcurrentChange as exc:
        return _bad(t("op_msg_refreshed", lang, msg=exc.message(lang))), done + 1, no_update
    except ActionRefused as exc:
        return _bad(exc.message(lang)), no_update, no_update
    return html.P(_done_text(outcomes[0], lang), className="msg ok"), done + 1, ""


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

callbacks.clientside(
    ClientsideFunction(namespace="operator", function_name="order"),
    Output(ids.OP_ORDER_BTN, "children"),
    Output(ids.OP_ORDER_BTN, "className"),
    Input(ids.OP_ORDER_BTN, "n_clicks"),
    State(ids.OP_CFG, "data"),
    prevent_initial_call=True,
)


register_link_check(
    callbacks,
    socket_id=ids.OP_SOCKET,
    banner_id=ids.OP_LINK,
    tick_id=ids.OP_LINK_TICK,
    cfg_id=ids.OP_LINK_CFG,
    refresh_id=ids.OP_REFRESH,
    event=HEARTBEAT_EVENT,
)
