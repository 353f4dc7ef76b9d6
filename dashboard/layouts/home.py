"""`/`: where to go — the screens of the command center."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.i18n import t


def layout(lang: str = "id", **_query):
    return html.Main(
        className="status-page",
        children=[
            html.H1(t("app_title", lang)),
            html.P("Pusat komando Kota Binjai: pengaduan warga, tombol darurat dan bus Trans Binjai."),
            html.Ul(
                [
                    html.Li(dcc.Link(t("status_title", lang), href=f"/status?lang={lang}")),
                    html.Li(dcc.Link(t("lap_link", lang), href=f"/laporan?lang={lang}")),
                ]
            ),
            html.P([dcc.Link("Bahasa Indonesia", href="/?lang=id"), " · ", dcc.Link("English", href="/?lang=en")]),
        ],
    )


dash.register_page(__name__, path="/", name="Beranda", title="Binjai Command Center", layout=layout)
