"""The /admin tab for closed days: extra days (a local holiday, a disaster) working-day deadlines skip."""

from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from domain.sla import WIB, cuti_bersama_days


def _cuti_note(lang: str, cuti_bersama_working: bool) -> str:
    if cuti_bersama_working:
        return t("adm_closed_cuti_off", lang)
    year = datetime.now(WIB).year
    days = ", ".join(d.strftime("%d-%m-%Y") for d in sorted(cuti_bersama_days(year)))
    return t("adm_closed_cuti_on", lang, days=days or "—")


def closed_days_tab(lang: str, grid, field, cuti_bersama_working: bool):
    """`grid` and `field` are the admin page's own builders, so the tab looks like its siblings."""
    columns = [
        {"field": "day", "headerName": t("adm_closed_day", lang), "width": 140, "sort": "desc"},
        {"field": "reason", "headerName": t("adm_closed_reason", lang), "flex": 1, "minWidth": 200},
        {"field": "created_by", "headerName": t("adm_closed_by", lang), "width": 170},
        {"field": "created_at", "headerName": t("adm_closed_at", lang), "width": 190},
    ]
    form = html.Div(
        className="adm-form",
        children=[
            field(
                t("adm_closed_day", lang),
                dcc.Input(id=ids.ADM_CLOSED_DAY, type="text", placeholder=t("adm_closed_day_hint", lang)),
            ),
            field(t("adm_closed_reason", lang), dcc.Input(id=ids.ADM_CLOSED_REASON, type="text", maxLength=200)),
            html.Span(t("adm_closed_hint", lang, cuti=_cuti_note(lang, cuti_bersama_working)), className="hint"),
            html.Div(
                className="adm-buttons",
                children=[
                    html.Button(t("adm_closed_add", lang), id=ids.ADM_CLOSED_ADD, n_clicks=0),
                    html.Button(t("adm_closed_remove", lang), id=ids.ADM_CLOSED_REMOVE, n_clicks=0, className="secondary"),
                ],
            ),
        ],
    )
    return dcc.Tab(
        label=t("adm_tab_closed", lang),
        value="closed_days",
        children=html.Div(className="adm-tab", children=[grid(ids.ADM_CLOSED_GRID, columns), form]),
    )
