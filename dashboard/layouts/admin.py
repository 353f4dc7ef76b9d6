"""`/admin`: accounts, agencies, categories with their SLA policy, responder posts.

Each tab is a table and a form: pick a row to fill the form, then "Simpan perubahan"; or fill the
form and "Tambah baru". Every change is validated, saved in one transaction and audited.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids
from dashboard.auth import current_role
from dashboard.i18n import t
from dashboard.layouts.admin_closed_days import closed_days_tab
from dashboard.services import services
from data_access.admin import ROLES, list_agencies
from domain import admin_rules as rules
from domain.roles import may_view


def _options(values) -> list[dict]:
    return [{"label": v, "value": v} for v in values]


def _grid(grid_id: str, columns: list[dict]):
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=[],
        getRowId="params.data.key",
        dashGridOptions={
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "animateRows": False,
        },
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        className="adm-grid",
        style={"height": "560px"},
    )


def _field(label: str, component, hint: str | None = None):
    return html.Label([label, component, html.Span(hint, className="hint") if hint else None])


def _active(component_id: str, label: str):
    return dcc.Checklist(id=component_id, options=[{"label": f" {label}", "value": "on"}], value=["on"])


def _buttons(create_id: str, save_id: str, lang: str, extra=None):
    return html.Div(
        className="adm-buttons",
        children=[
            html.Button(t("adm_save", lang), id=save_id, n_clicks=0),
            html.Button(t("adm_create", lang), id=create_id, n_clicks=0, className="secondary"),
            *(extra or []),
        ],
    )


def _users_tab(lang: str, agency_options: list[dict]):
    columns = [
        {"field": "username", "headerName": t("adm_username", lang)},
        {"field": "display_name", "headerName": t("adm_display_name", lang), "flex": 1},
        {"field": "role", "headerName": t("adm_role", lang), "width": 120},
        {"field": "agency_code", "headerName": t("adm_agency", lang), "width": 120},
        {"field": "active", "headerName": t("adm_active", lang), "width": 90},
        {"field": "locked", "headerName": t("adm_locked", lang), "width": 170},
        {"field": "failed_sign_ins", "headerName": t("adm_failed_sign_ins", lang), "width": 110},
    ]
    form = html.Div(
        className="adm-form",
        children=[
            dcc.Store(id=ids.ADM_USER_ID),
            _field(t("adm_username", lang), dcc.Input(id=ids.ADM_USER_USERNAME, type="text", autoComplete="off")),
            _field(t("adm_display_name", lang), dcc.Input(id=ids.ADM_USER_NAME, type="text")),
            _field(t("adm_role", lang), dcc.Dropdown(id=ids.ADM_USER_ROLE, options=_options(ROLES), clearable=False)),
            _field(t("adm_agency", lang), dcc.Dropdown(id=ids.ADM_USER_AGENCY, options=agency_options, clearable=True)),
            _field(t("adm_password", lang), dcc.Input(id=ids.ADM_USER_PASSWORD, type="password", autoComplete="new-password")),
            _active(ids.ADM_USER_ACTIVE, t("adm_active", lang)),
            _buttons(
                ids.ADM_USER_CREATE,
                ids.ADM_USER_SAVE,
                lang,
                [
                    html.Button(t("adm_reset", lang), id=ids.ADM_USER_RESET, n_clicks=0, className="secondary"),
                    html.Button(t("adm_unlock", lang), id=ids.ADM_USER_UNLOCK, n_clicks=0, className="secondary"),
                ],
            ),
        ],
    )
    return dcc.Tab(
        label=t("adm_tab_users", lang),
        value="users",
        children=html.Div(className="adm-tab", children=[_grid(ids.ADM_USER_GRID, columns), form]),
    )


def _agencies_tab(lang: str):
    columns = [
        {"field": "code", "headerName": t("adm_code", lang), "width": 140},
        {"field": "name", "headerName": t("adm_name", lang), "flex": 1},
        {"field": "kind", "headerName": t("adm_kind", lang), "width": 170},
        {"field": "active", "headerName": t("adm_active", lang), "width": 90},
    ]
    form = html.Div(
        className="adm-form",
        children=[
            _field(t("adm_code", lang), dcc.Input(id=ids.ADM_AGENCY_CODE, type="text")),
            _field(t("adm_name", lang), dcc.Input(id=ids.ADM_AGENCY_NAME, type="text")),
            _field(
                t("adm_kind", lang), dcc.Dropdown(id=ids.ADM_AGENCY_KIND, options=_options(rules.AGENCY_KINDS), clearable=False)
            ),
            _active(ids.ADM_AGENCY_ACTIVE, t("adm_active", lang)),
            _buttons(ids.ADM_AGENCY_CREATE, ids.ADM_AGENCY_SAVE, lang),
        ],
    )
    return dcc.Tab(
        label=t("adm_tab_agencies", lang),
        value="agencies",
        children=html.Div(className="adm-tab", children=[_grid(ids.ADM_AGENCY_GRID, columns), form]),
    )


def _number(component_id: str, field: str):
    """Text, not type=number: Dash turns an out-of-range number into None, and the admin would read
    "required" instead of the range. The server checks the range and says it."""
    low, high = rules.SLA_RANGES[field]
    return dcc.Input(id=component_id, type="text", inputMode="numeric", placeholder=f"{low}–{high}")


def _categories_tab(lang: str, agency_options: list[dict]):
    columns = [
        {"field": "code", "headerName": t("adm_code", lang), "width": 150},
        {"field": "name", "headerName": t("adm_name", lang), "flex": 1, "minWidth": 180},
        {"field": "group", "headerName": t("adm_group", lang), "width": 120},
        {"field": "default_agency_code", "headerName": t("adm_default_agency", lang), "width": 120},
        {"field": "first_response_minutes", "headerName": t("adm_first_response", lang), "width": 120},
        {"field": "forward_minutes", "headerName": t("adm_forward", lang), "width": 120},
        {"field": "followup_working_days", "headerName": t("adm_followup", lang), "width": 120},
        {"field": "resolution_working_days", "headerName": t("adm_resolution", lang), "width": 120},
        {"field": "active", "headerName": t("adm_active", lang), "width": 80},
    ]
    form = html.Div(
        className="adm-form",
        children=[
            _field(t("adm_code", lang), dcc.Input(id=ids.ADM_CAT_CODE, type="text")),
            _field(t("adm_name_id", lang), dcc.Input(id=ids.ADM_CAT_NAME_ID, type="text")),
            _field(t("adm_name_en", lang), dcc.Input(id=ids.ADM_CAT_NAME_EN, type="text")),
            _field(
                t("adm_group", lang), dcc.Dropdown(id=ids.ADM_CAT_GROUP, options=_options(rules.CATEGORY_GROUPS), clearable=False)
            ),
            _field(t("adm_default_agency", lang), dcc.Dropdown(id=ids.ADM_CAT_AGENCY, options=agency_options, clearable=False)),
            _field(t("adm_first_response", lang), _number(ids.ADM_CAT_FIRST, "first_response_minutes")),
            _field(t("adm_forward", lang), _number(ids.ADM_CAT_FORWARD, "forward_minutes")),
            _field(t("adm_followup", lang), _number(ids.ADM_CAT_FOLLOWUP, "followup_working_days")),
            _field(t("adm_resolution", lang), _number(ids.ADM_CAT_RESOLUTION, "resolution_working_days")),
            html.Span(t("adm_sla_hint", lang), className="hint"),
            _active(ids.ADM_CAT_ACTIVE, t("adm_active", lang)),
            _buttons(ids.ADM_CAT_CREATE, ids.ADM_CAT_SAVE, lang),
        ],
    )
    return dcc.Tab(
        label=t("adm_tab_categories", lang),
        value="categories",
        children=html.Div(className="adm-tab", children=[_grid(ids.ADM_CAT_GRID, columns), form]),
    )


def _posts_tab(lang: str, agency_options: list[dict]):
    columns = [
        {"field": "code", "headerName": t("adm_code", lang), "width": 130},
        {"field": "name", "headerName": t("adm_name", lang), "flex": 1, "minWidth": 200},
        {"field": "kind", "headerName": t("adm_kind", lang), "width": 110},
        {"field": "agency_code", "headerName": t("adm_agency", lang), "width": 100},
        {"field": "lat", "headerName": "lat", "width": 100},
        {"field": "lon", "headerName": "lon", "width": 100},
        {"field": "phone", "headerName": t("adm_phone", lang), "width": 130},
        {"field": "is_sample", "headerName": t("adm_sample", lang), "width": 90},
        {"field": "active", "headerName": t("adm_active", lang), "width": 80},
    ]
    form = html.Div(
        className="adm-form",
        children=[
            dcc.Store(id=ids.ADM_POST_ID),
            _field(t("adm_code", lang), dcc.Input(id=ids.ADM_POST_CODE, type="text")),
            _field(t("adm_name", lang), dcc.Input(id=ids.ADM_POST_NAME, type="text")),
            _field(t("adm_kind", lang), dcc.Dropdown(id=ids.ADM_POST_KIND, options=_options(rules.POST_KINDS), clearable=False)),
            _field(t("adm_agency", lang), dcc.Dropdown(id=ids.ADM_POST_AGENCY, options=agency_options, clearable=True)),
            _field(t("adm_lat", lang), dcc.Input(id=ids.ADM_POST_LAT, type="text", inputMode="decimal")),
            _field(t("adm_lon", lang), dcc.Input(id=ids.ADM_POST_LON, type="text", inputMode="decimal")),
            html.Span(t("adm_post_hint", lang), className="hint"),
            _field(t("adm_phone", lang), dcc.Input(id=ids.ADM_POST_PHONE, type="text")),
            dcc.Checklist(id=ids.ADM_POST_SAMPLE, options=[{"label": f" {t('adm_sample', lang)}", "value": "on"}], value=[]),
            _active(ids.ADM_POST_ACTIVE, t("adm_active", lang)),
            _buttons(ids.ADM_POST_CREATE, ids.ADM_POST_SAVE, lang),
        ],
    )
    return dcc.Tab(
        label=t("adm_tab_posts", lang),
        value="posts",
        children=html.Div(className="adm-tab", children=[_grid(ids.ADM_POST_GRID, columns), form]),
    )


def _audit_tab(lang: str):
    return dcc.Tab(label=t("adm_tab_audit", lang), value="audit", children=html.Div(id=ids.ADM_AUDIT, className="adm-audit"))


def _sign_ins_tab(lang: str):
    return dcc.Tab(
        label=t("adm_tab_sign_ins", lang),
        value="sign_ins",
        children=html.Div(
            className="adm-audit",
            children=[
                html.P(t("adm_sign_ins_hint", lang, days=services().settings.sign_in_keep_days), className="hint"),
                html.Div(id=ids.ADM_SIGN_INS),
            ],
        ),
    )


def _denied(message: str, lang: str, login: bool):
    children = [html.H1(t("adm_title", lang)), html.P(message)]
    if login:
        children.append(html.A(t("adm_login_button", lang), href=f"/masuk?next=/admin?lang={lang}", className="button"))
    return html.Main(className="status-page", children=children)


def layout(lang: str = "id", **_query):
    role = current_role()
    if role is None:
        return _denied(t("adm_login", lang), lang, login=True)
    if not may_view(role, "/admin"):
        return _denied(t("adm_denied", lang), lang, login=False)
    with services().Session() as s:
        agency_options = [{"label": f"{a.code} — {a.name}", "value": a.code} for a in list_agencies(s) if a.active]
    return html.Main(
        className="admin-page",
        children=[
            dcc.Store(id=ids.ADM_LANG, data=lang),
            html.Div(
                className="adm-top",
                children=[
                    html.H1(t("adm_title", lang)),
                    html.Form(method="post", action="/keluar", children=[html.Button(t("adm_logout", lang), type="submit")]),
                ],
            ),
            html.Div(id=ids.ADM_MESSAGE, className="adm-message", role="status"),
            dcc.Tabs(
                id=ids.ADM_TABS,
                value="users",
                children=[
                    _users_tab(lang, agency_options),
                    _agencies_tab(lang),
                    _categories_tab(lang, agency_options),
                    _posts_tab(lang, agency_options),
                    closed_days_tab(lang, _grid, _field, services().settings.cuti_bersama_working),
                    _audit_tab(lang),
                    _sign_ins_tab(lang),
                ],
            ),
        ],
    )


dash.register_page(__name__, path="/admin", name="Admin", title="Admin — Binjai Command Center", layout=layout)
