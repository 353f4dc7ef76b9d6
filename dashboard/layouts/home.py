"""`/`: where to go — the screens of the command center."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.auth import current_role
from dashboard.i18n import t
from domain.roles import may_view

# pages behind a login, linked for the roles that may open them
ROLE_PAGES = (("/operator", "op_title"), ("/laporan", "lap_link"), ("/agency", "adm_home_agency"), ("/admin", "adm_home_admin"))


def _links(lang: str) -> list:
    links = [html.Li(dcc.Link(t("status_title", lang), href=f"/status?lang={lang}"))]
    role = current_role()
    links += [html.Li(dcc.Link(t(key, lang), href=f"{path}?lang={lang}")) for path, key in ROLE_PAGES if may_view(role, path)]
    return links


def layout(lang: str = "id", **_query):
    return html.Main(
        className="status-page",
        children=[
            html.H1(t("app_title", lang)),
            html.P("Pusat komando Kota Binjai: pengaduan warga, tombol darurat dan bus Trans Binjai."),
            html.Ul(_links(lang)),
            html.P([dcc.Link("Bahasa Indonesia", href="/?lang=id"), " · ", dcc.Link("English", href="/?lang=en")]),
        ],
    )


dash.register_page(__name__, path="/", name="Beranda", title="Binjai Command Center", layout=layout)
