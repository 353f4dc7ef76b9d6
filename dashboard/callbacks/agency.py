"""Agency view: own queue, item detail, in progress / done. The agency always comes from the
logged-in account (never from the browser), and every move goes through the action gate
(data_access.actions), which checks that the item is the agency's own."""

from __future__ import annotations

from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from dashboard import ids
from dashboard.auth import current_actor, current_role, now_utc
from dashboard.callbacks import CallbackSet
from dashboard.i18n import t, wib
from dashboard.live_link import register_link_check
from dashboard.place_map import place_map
from dashboard.services import services
from data_access.actions import ActionRefused, ActionRequest, Actor, ConcurrentChange, run_action
from data_access.agency import agency_item, agency_queue
from domain.live_events import HEARTBEAT_EVENT, SOCKET_EVENT
from domain.roles import may_view
from domain.sla import deadline_state

callbacks = CallbackSet()


def _my_agency() -> str | None:
    """The account's agency when it may open /agency; None otherwise (the callback then does nothing)."""
    if not may_view(current_role(), "/agency"):
        return None
    return current_user.info.agency_code or None


@callbacks.callback(
    Output(ids.AG_GRID, "rowData"),
    Input(ids.AG_SOCKET, f"data-{SOCKET_EVENT}"),
    Input(ids.AG_REFRESH, "n_intervals"),
    Input(ids.AG_DONE, "data"),
)
def refresh_queue(_batch, _n, _done):
    agency = _my_agency()
    if agency is None:
        raise PreventUpdate
    with services().Session() as s:
        return agency_queue(s, agency_code=agency, now=now_utc())


def _detail(item, lang: str):
    state = deadline_state(item.resolution_due_at, now_utc()) if item.status in ("diteruskan", "dikerjakan") else "selesai"
    place = (
        t("ag_place", lang, kelurahan=item.kelurahan, kecamatan=item.kecamatan) if item.kelurahan else t("ag_place_outside", lang)
    )
    photo = (
        html.A(t("ag_photo", lang), href=item.photo_url, target="_blank", rel="noopener noreferrer")
        if item.photo_url and item.photo_url.startswith(("https://", "http://"))
        else html.Span(t("ag_no_photo", lang), className="muted")
    )
    history = html.Ol(
        className="timeline",
        children=[
            html.Li(
                f"{wib(e.at)} — {e.from_status or '·'} → {e.to_status} {t('ag_by', lang)} {e.actor}"
                + (f": {e.note}" if e.note else "")
            )
            for e in item.timeline
        ],
    )
    return [
        html.H2(f"#{item.id}: {item.title}"),  # Dash renders text, never HTML: citizen text stays text
        html.P(item.description or t("ag_no_description", lang), className="desc"),
        html.P(t("ag_meta", lang, category=item.category, status=item.status, level=item.escalation_level)),
        html.P(
            t(
                "ag_times",
                lang,
                reported=wib(item.reported_at),
                due=wib(item.resolution_due_at),
                state=t(f"ag_state_{state}", lang),
            ),
            className=f"due-{state}",
        ),
        html.P([place, " · ", photo]),
        place_map(item.lat, item.lon, item.kelurahan_code, class_name="ag-map"),
        html.H3(t("ag_history", lang)),
        history,
    ]


@callbacks.callback(
    Output(ids.AG_DETAIL, "children"),
    Output(ids.AG_SELECTED, "data"),
    Input(ids.AG_GRID, "selectedRows"),
    Input(ids.AG_DONE, "data"),
    State(ids.AG_SELECTED, "data"),
    State(ids.AG_LANG, "data"),
)
def show_detail(selected_rows, _done, current, lang):
    agency = _my_agency()
    if agency is None:
        raise PreventUpdate
    lang = lang or "id"
    if ctx.triggered_id == ids.AG_GRID:
        if not selected_rows or not isinstance(selected_rows, list) or not isinstance(selected_rows[0], dict):
            return html.P(t("ag_pick", lang)), None
        current = {"id": selected_rows[0].get("id")}
    if not isinstance(current, dict) or not isinstance(current.get("id"), int):
        raise PreventUpdate
    with services().Session() as s:
        item = agency_item(s, agency_code=agency, item_id=current["id"])
    if item is None:
        return html.P(t("ag_not_found", lang), className="msg bad"), None
    return _detail(item, lang), {"id": item.id, "version": item.version}


BUTTONS = {ids.AG_BTN_START: "start_work", ids.AG_BTN_DONE: "resolve"}  # button → policy action


@callbacks.callback(
    Output(ids.AG_MESSAGE, "children"),
    Output(ids.AG_DONE, "data"),
    Output(ids.AG_NOTE, "value"),
    Input(ids.AG_BTN_START, "n_clicks"),
    Input(ids.AG_BTN_DONE, "n_clicks"),
    State(ids.AG_SELECTED, "data"),
    State(ids.AG_NOTE, "value"),
    State(ids.AG_DONE, "data"),
    State(ids.AG_LANG, "data"),
    prevent_initial_call=True,
)
def act(_start, _finish, selected, note, done, lang):
    """Turn the click into an ActionRequest for the gate (which checks role, own agency, version, lifecycle)."""
    lang = lang if lang in ("id", "en") else "id"
    done = done if isinstance(done, int) and not isinstance(done, bool) else 0
    action = BUTTONS.get(ctx.triggered_id)
    if action is None:
        raise PreventUpdate
    if not isinstance(selected, dict) or not isinstance(selected.get("id"), int):
        return html.P(t("ag_pick_first", lang), className="msg bad"), no_update, no_update
    version = selected.get("version")
    request = ActionRequest(
        action=action,
        item_kind="complaint",
        item_id=selected["id"],
        expected_version=version if isinstance(version, int) else None,
        note=note if isinstance(note, str) else None,
    )
    svc = services()
    try:
        (outcome,) = run_action(svc.Session, svc.redis, svc.keys, current_actor() or Actor("-", None), request, now=now_utc())
    except ConcurrentChange as exc:
        return html.P(f"{exc.message(lang)}. {t('ag_refreshed', lang)}", className="msg bad"), done + 1, no_update
    except ActionRefused as exc:
        return html.P(exc.message(lang), className="msg bad"), no_update, no_update
    return html.P(f"#{outcome.item_id}: {outcome.from_status} → {outcome.to_status}", className="msg ok"), done + 1, ""


register_link_check(
    callbacks,
    socket_id=ids.AG_SOCKET,
    banner_id=ids.AG_LINK,
    tick_id=ids.AG_LINK_TICK,
    cfg_id=ids.AG_LINK_CFG,
    refresh_id=ids.AG_REFRESH,
    event=HEARTBEAT_EVENT,
)
