"""Admin pages: tables, forms filled from the selected row, and saves through data_access.admin.

Every save checks the role (CSRF is checked for every POST by the app), runs in one transaction
with its audit row, and answers a refused form with the reasons in the user's language.
"""

from __future__ import annotations

from dataclasses import asdict

from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from dashboard import ids
from dashboard.auth import current_actor, current_role, now_utc
from dashboard.callbacks import CallbackSet
from dashboard.i18n import t, wib
from dashboard.services import services
from data_access import admin as data
from data_access.actions import Actor, Forbidden
from data_access.users import recent_sign_in_attempts
from domain.roles import may_view

callbacks = CallbackSet()
PARAMS_TO_TRANSLATE = ("field", "what")
SIGN_INS_SHOWN = 200


def _actor() -> Actor:
    return current_actor() or Actor("-", None)


def _checked(value) -> bool:
    return isinstance(value, list) and "on" in value


def _text(value) -> str | None:
    """A form value as text: whatever a forged request sends, the data layer gets a str or None."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def _explain(problem, lang: str) -> str:
    params = {k: (t(f"adm_field_{v}", lang) if k in PARAMS_TO_TRANSLATE else v) for k, v in problem.params.items()}
    return t(problem.key, lang, **params)


def _refused(exc: data.AdminInputError, lang: str):
    return html.Div(
        className="msg bad",
        children=[t("adm_refused", lang), html.Ul([html.Li(_explain(p, lang)) for p in exc.problems])],
    )


def _ok(text: str):
    return html.P(text, className="msg ok")


def _bad(text: str):
    return html.P(text, className="msg bad")


# --- tables ------------------------------------------------------------------------------------


def _user_rows(s) -> list[dict]:
    return [{"key": f"user-{u.id}", **asdict(u), "locked_at": None, "locked": _locked(u.locked_at)} for u in data.list_users(s)]


def _locked(at) -> str:
    return wib(at, "%d-%m-%Y %H:%M") if at is not None else ""


def _agency_rows(s) -> list[dict]:
    return [{"key": a.code, **asdict(a)} for a in data.list_agencies(s)]


def _category_rows(s, lang: str) -> list[dict]:
    return [{"key": c.code, "name": c.name_en if lang == "en" else c.name_id, **asdict(c)} for c in data.list_categories(s)]


def _post_rows(s) -> list[dict]:
    return [{"key": f"post-{p.id}", **asdict(p)} for p in data.list_posts(s)]


def _audit_table(s, lang: str):
    rows = data.recent_changes(s)
    head = html.Tr(
        [html.Th(t(k, lang)) for k in ("adm_col_at", "adm_col_actor", "adm_col_entity", "adm_col_action", "adm_col_changes")]
    )
    body = [
        html.Tr(
            [
                html.Td(wib(r.at)),
                html.Td(r.actor),
                html.Td(f"{r.entity} {r.entity_key}"),
                html.Td(r.action),
                html.Td("; ".join(f"{k}: {old} → {new}" for k, (old, new) in (r.changes or {}).items())),
            ]
        )
        for r in rows
    ]
    return html.Table(className="streams adm-audit", children=[html.Thead(head), html.Tbody(body)])


def _sign_in_table(s, lang: str):
    """The latest sign-in tries (data_access.users.sign_in writes them): who typed what, from where, how it ended."""
    head = html.Tr([html.Th(t(k, lang)) for k in ("adm_col_at", "adm_col_username", "adm_col_address", "adm_col_outcome")])
    body = [
        html.Tr(
            className=f"sign-in-{r.outcome}",
            children=[
                html.Td(wib(r.at)),
                html.Td(r.username),
                html.Td(r.client_address),
                html.Td(t(f"adm_outcome_{r.outcome}", lang)),
            ],
        )
        for r in recent_sign_in_attempts(s, limit=SIGN_INS_SHOWN)
    ]
    return html.Table(className="streams adm-sign-ins", children=[html.Thead(head), html.Tbody(body)])


@callbacks.callback(
    Output(ids.ADM_USER_GRID, "rowData"),
    Output(ids.ADM_AGENCY_GRID, "rowData"),
    Output(ids.ADM_CAT_GRID, "rowData"),
    Output(ids.ADM_POST_GRID, "rowData"),
    Output(ids.ADM_AUDIT, "children"),
    Output(ids.ADM_SIGN_INS, "children"),
    Input(ids.ADM_TABS, "value"),
    State(ids.ADM_LANG, "data"),
)
def load_tables(_tab, lang):
    if not may_view(current_role(), "/admin"):
        raise PreventUpdate
    lang = lang if lang in ("id", "en") else "id"
    with services().Session() as s:
        return (
            _user_rows(s),
            _agency_rows(s),
            _category_rows(s, lang),
            _post_rows(s),
            _audit_table(s, lang),
            _sign_in_table(s, lang),
        )


# --- forms filled from the selected row ----------------------------------------------------------


def _selected(rows):
    if not may_view(current_role(), "/admin") or not rows:
        raise PreventUpdate
    return rows[0]


def _active(flag) -> list[str]:
    return ["on"] if flag else []


@callbacks.callback(
    Output(ids.ADM_USER_ID, "data"),
    Output(ids.ADM_USER_USERNAME, "value"),
    Output(ids.ADM_USER_NAME, "value"),
    Output(ids.ADM_USER_ROLE, "value"),
    Output(ids.ADM_USER_AGENCY, "value"),
    Output(ids.ADM_USER_ACTIVE, "value"),
    Output(ids.ADM_USER_PASSWORD, "value"),
    Input(ids.ADM_USER_GRID, "selectedRows"),
)
def fill_user(rows):
    r = _selected(rows)
    return r["id"], r["username"], r["display_name"], r["role"], r["agency_code"], _active(r["active"]), ""


@callbacks.callback(
    Output(ids.ADM_AGENCY_CODE, "value"),
    Output(ids.ADM_AGENCY_NAME, "value"),
    Output(ids.ADM_AGENCY_KIND, "value"),
    Output(ids.ADM_AGENCY_ACTIVE, "value"),
    Input(ids.ADM_AGENCY_GRID, "selectedRows"),
)
def fill_agency(rows):
    r = _selected(rows)
    return r["code"], r["name"], r["kind"], _active(r["active"])


@callbacks.callback(
    Output(ids.ADM_CAT_CODE, "value"),
    Output(ids.ADM_CAT_NAME_ID, "value"),
    Output(ids.ADM_CAT_NAME_EN, "value"),
    Output(ids.ADM_CAT_GROUP, "value"),
    Output(ids.ADM_CAT_AGENCY, "value"),
    Output(ids.ADM_CAT_FIRST, "value"),
    Output(ids.ADM_CAT_FORWARD, "value"),
    Output(ids.ADM_CAT_FOLLOWUP, "value"),
    Output(ids.ADM_CAT_RESOLUTION, "value"),
    Output(ids.ADM_CAT_ACTIVE, "value"),
    Input(ids.ADM_CAT_GRID, "selectedRows"),
)
def fill_category(rows):
    r = _selected(rows)
    return (
        r["code"],
        r["name_id"],
        r["name_en"],
        r["group"],
        r["default_agency_code"],
        r["first_response_minutes"],
        r["forward_minutes"],
        r["followup_working_days"],
        r["resolution_working_days"],
        _active(r["active"]),
    )


@callbacks.callback(
    Output(ids.ADM_POST_ID, "data"),
    Output(ids.ADM_POST_CODE, "value"),
    Output(ids.ADM_POST_NAME, "value"),
    Output(ids.ADM_POST_KIND, "value"),
    Output(ids.ADM_POST_AGENCY, "value"),
    Output(ids.ADM_POST_LAT, "value"),
    Output(ids.ADM_POST_LON, "value"),
    Output(ids.ADM_POST_PHONE, "value"),
    Output(ids.ADM_POST_SAMPLE, "value"),
    Output(ids.ADM_POST_ACTIVE, "value"),
    Input(ids.ADM_POST_GRID, "selectedRows"),
)
def fill_post(rows):
    r = _selected(rows)
    return (
        r["id"],
        r["code"],
        r["name"],
        r["kind"],
        r["agency_code"],
        str(r["lat"]),
        str(r["lon"]),
        r["phone"],
        _active(r["is_sample"]),
        _active(r["active"]),
    )


# --- saves -------------------------------------------------------------------------------------


@callbacks.callback(
    Output(ids.ADM_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ADM_USER_GRID, "rowData", allow_duplicate=True),
    Output(ids.ADM_USER_PASSWORD, "value", allow_duplicate=True),
    Input(ids.ADM_USER_CREATE, "n_clicks"),
    Input(ids.ADM_USER_SAVE, "n_clicks"),
    Input(ids.ADM_USER_RESET, "n_clicks"),
    Input(ids.ADM_USER_UNLOCK, "n_clicks"),
    State(ids.ADM_USER_ID, "data"),
    State(ids.ADM_USER_USERNAME, "value"),
    State(ids.ADM_USER_NAME, "value"),
    State(ids.ADM_USER_ROLE, "value"),
    State(ids.ADM_USER_AGENCY, "value"),
    State(ids.ADM_USER_PASSWORD, "value"),
    State(ids.ADM_USER_ACTIVE, "value"),
    State(ids.ADM_LANG, "data"),
    prevent_initial_call=True,
)
def save_user(_create, _save, _reset, _unlock, user_id, username, name, role, agency, password, active, lang):
    lang = lang or "id"
    button = ctx.triggered_id
    if button in (ids.ADM_USER_SAVE, ids.ADM_USER_RESET, ids.ADM_USER_UNLOCK) and not isinstance(user_id, int):
        return _bad(t("adm_pick_row", lang)), no_update, no_update
    generated = None
    try:
        with services().Session.begin() as s:
            if button == ids.ADM_USER_CREATE:
                row, generated = data.create_account(
                    s,
                    actor=_actor(),
                    now=now_utc(),
                    username=_text(username),
                    display_name=_text(name),
                    role=_text(role),
                    agency_code=_text(agency),
                    password=_text(password),
                )
                message = t("adm_created", lang, what=row.username)
                who = row.username
            elif button == ids.ADM_USER_SAVE:
                row = data.update_account(
                    s,
                    actor=_actor(),
                    actor_user_id=getattr(getattr(current_user, "info", None), "id", None),
                    now=now_utc(),
                    user_id=user_id,
                    display_name=_text(name),
                    role=_text(role),
                    agency_code=_text(agency),
                    active=_checked(active),
                )
                message = t("adm_saved", lang, what=row.username)
                who = row.username
            elif button == ids.ADM_USER_UNLOCK:
                who = data.unlock_account(s, actor=_actor(), now=now_utc(), user_id=user_id)
                message = t("adm_unlocked", lang, user=who)
            else:
                generated = data.reset_account_password(
                    s, actor=_actor(), now=now_utc(), user_id=user_id, password=_text(password)
                )
                who = _text(username)
                message = t("adm_password_set", lang, user=who)
            rows = _user_rows(s)
    except Forbidden:  # the data layer checks the role (domain/policy.py)
        return _bad(t("adm_forbidden", lang)), no_update, no_update
    except data.AdminInputError as exc:
        return _refused(exc, lang), no_update, no_update
    children = [_ok(message)]
    if generated:
        children.append(html.P([t("adm_password_once", lang, user=who), " ", html.Span(generated, className="adm-secret")]))
    return html.Div(children), rows, ""


@callbacks.callback(
    Output(ids.ADM_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ADM_AGENCY_GRID, "rowData", allow_duplicate=True),
    Input(ids.ADM_AGENCY_CREATE, "n_clicks"),
    Input(ids.ADM_AGENCY_SAVE, "n_clicks"),
    State(ids.ADM_AGENCY_CODE, "value"),
    State(ids.ADM_AGENCY_NAME, "value"),
    State(ids.ADM_AGENCY_KIND, "value"),
    State(ids.ADM_AGENCY_ACTIVE, "value"),
    State(ids.ADM_LANG, "data"),
    prevent_initial_call=True,
)
def save_agency(_create, _save, code, name, kind, active, lang):
    lang = lang or "id"
    create = ctx.triggered_id == ids.ADM_AGENCY_CREATE
    try:
        with services().Session.begin() as s:
            row = data.save_agency(
                s,
                actor=_actor(),
                now=now_utc(),
                code=_text(code),
                name=_text(name),
                kind=_text(kind),
                active=_checked(active),
                create=create,
            )
            rows = _agency_rows(s)
    except Forbidden:  # the data layer checks the role (domain/policy.py)
        return _bad(t("adm_forbidden", lang)), no_update
    except data.AdminInputError as exc:
        return _refused(exc, lang), no_update
    return _ok(t("adm_created" if create else "adm_saved", lang, what=row.code)), rows


@callbacks.callback(
    Output(ids.ADM_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ADM_CAT_GRID, "rowData", allow_duplicate=True),
    Input(ids.ADM_CAT_CREATE, "n_clicks"),
    Input(ids.ADM_CAT_SAVE, "n_clicks"),
    State(ids.ADM_CAT_CODE, "value"),
    State(ids.ADM_CAT_NAME_ID, "value"),
    State(ids.ADM_CAT_NAME_EN, "value"),
    State(ids.ADM_CAT_GROUP, "value"),
    State(ids.ADM_CAT_AGENCY, "value"),
    State(ids.ADM_CAT_FIRST, "value"),
    State(ids.ADM_CAT_FORWARD, "value"),
    State(ids.ADM_CAT_FOLLOWUP, "value"),
    State(ids.ADM_CAT_RESOLUTION, "value"),
    State(ids.ADM_CAT_ACTIVE, "value"),
    State(ids.ADM_LANG, "data"),
    prevent_initial_call=True,
)
def save_category(_create, _save, code, name_id, name_en, group, agency, first, forward, followup, resolution, active, lang):
    lang = lang or "id"
    create = ctx.triggered_id == ids.ADM_CAT_CREATE
    try:
        with services().Session.begin() as s:
            row = data.save_category(
                s,
                actor=_actor(),
                now=now_utc(),
                code=_text(code),
                create=create,
                name_id=_text(name_id),
                name_en=_text(name_en),
                group=_text(group),
                default_agency_code=_text(agency),
                active=_checked(active),
                first_response_minutes=_text(first),
                forward_minutes=_text(forward),
                followup_working_days=_text(followup),
                resolution_working_days=_text(resolution),
            )
            rows = _category_rows(s, lang)
    except Forbidden:  # the data layer checks the role (domain/policy.py)
        return _bad(t("adm_forbidden", lang)), no_update
    except data.AdminInputError as exc:
        return _refused(exc, lang), no_update
    return _ok(t("adm_created" if create else "adm_saved", lang, what=row.code)), rows


@callbacks.callback(
    Output(ids.ADM_MESSAGE, "children", allow_duplicate=True),
    Output(ids.ADM_POST_GRID, "rowData", allow_duplicate=True),
    Input(ids.ADM_POST_CREATE, "n_clicks"),
    Input(ids.ADM_POST_SAVE, "n_clicks"),
    State(ids.ADM_POST_ID, "data"),
    State(ids.ADM_POST_CODE, "value"),
    State(ids.ADM_POST_NAME, "value"),
    State(ids.ADM_POST_KIND, "value"),
    State(ids.ADM_POST_AGENCY, "value"),
    State(ids.ADM_POST_LAT, "value"),
    State(ids.ADM_POST_LON, "value"),
    State(ids.ADM_POST_PHONE, "value"),
    State(ids.ADM_POST_SAMPLE, "value"),
    State(ids.ADM_POST_ACTIVE, "value"),
    State(ids.ADM_LANG, "data"),
    prevent_initial_call=True,
)
def save_post(_create, _save, post_id, code, name, kind, agency, lat, lon, phone, sample, active, lang):
    lang = lang or "id"
    create = ctx.triggered_id == ids.ADM_POST_CREATE
    if not create and not isinstance(post_id, int):
        return _bad(t("adm_pick_row", lang)), no_update
    try:
        with services().Session.begin() as s:
            row = data.save_post(
                s,
                actor=_actor(),
                now=now_utc(),
                post_id=None if create else post_id,
                code=_text(code),
                name=_text(name),
                kind=_text(kind),
                agency_code=_text(agency),
                lat=_text(lat),
                lon=_text(lon),
                phone=_text(phone),
                is_sample=_checked(sample),
                active=_checked(active),
            )
            rows = _post_rows(s)
    except Forbidden:  # the data layer checks the role (domain/policy.py)
        return _bad(t("adm_forbidden", lang)), no_update
    except data.AdminInputError as exc:
        return _refused(exc, lang), no_update
    return _ok(t("adm_created" if create else "adm_saved", lang, what=row.code)), rows
