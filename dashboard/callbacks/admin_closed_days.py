"""/admin closed days: list, close a day, reopen one, through data_access.closed_days (audited)."""

from __future__ import annotations

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.auth import current_role, now_utc
from dashboard.callbacks import CallbackSet
from dashboard.callbacks.admin import _actor, _bad, _ok, _refused, _selected, _text
from dashboard.i18n import t, wib
from dashboard.services import services
from data_access import admin as data
from data_access.actions import Forbidden
from data_access.closed_days import add_closed_day, list_closed_days, remove_closed_day
from domain.roles import may_view

callbacks = CallbackSet()


def _rows(s) -> list[dict]:
    return [
        {
            "key": r.day.isoformat(),
            "day": r.day.isoformat(),
            "reason": r.reason,
            "created_by": r.created_by,
            "created_at": wib(r.created_at),
        }
        for r in list_closed_days(s)
    ]


@callbacks.callback(Output(ids.ADM_CLOSED_GRID, "rowData"), Input(ids.ADM_TABS, "value"))
def load_closed_days(_tab):
    if not may_view(current_role(), "/admin"):
        raise PreventUpdate
    with services().Session() as s:
        return _rows(s)


@callbacks.callback(
    Output(ids.ADM_CLOSED_DAY, "value"),
    Output(ids.ADM_CLOSED_REASON, "value"),
    Input(ids.ADM_CLOSED_GRID, "selectedRows"),
    prevent_initial_call=True,
)
def fill_closed_day(rows):
    r = _selected(rows)
    return r["day"], r["reason"]


@callbacks.callback(
    Output(ids.ADM_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ADM_CLOSED_GRID, "rowData", allow_duplicate=True),
    Input(ids.ADM_CLOSED_ADD, "n_clicks"),
    Input(ids.ADM_CLOSED_REMOVE, "n_clicks"),
    State(ids.ADM_CLOSED_DAY, "value"),
    State(ids.ADM_CLOSED_REASON, "value"),
    State(ids.ADM_LANG, "data"),
    prevent_initial_call=True,
)
def save_closed_day(_add, _remove, day, reason, lang):
    lang = lang or "id"
    adding = ctx.triggered_id == ids.ADM_CLOSED_ADD
    try:
        with services().Session.begin() as s:
            if adding:
                add_closed_day(s, actor=_actor(), now=now_utc(), day=_text(day), reason=_text(reason))
            else:
                remove_closed_day(s, actor=_actor(), now=now_utc(), day=_text(day))
            rows = _rows(s)
    except Forbidden:  # the data layer checks the role (domain/policy.py)
        return _bad(t("adm_forbidden", lang)), no_update
    except data.AdminInputError as exc:
        return _refused(exc, lang), no_update
    return _ok(t("adm_closed_added" if adding else "adm_closed_removed", lang, what=_text(day))), rows
