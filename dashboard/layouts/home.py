"""`/`: what the command center is, and a link to every screen the visitor may open.

Everyone sees the wall (with the note that it needs the kiosk token), the sign-in and the status
page; a signed-in user also sees the pages of their role. Laid out for a phone as well as a desk.
"""

from __future__ import annotations

import dash
from dash import html
from flask_login import current_user

from dashboard.auth import current_role
from dashboard.i18n import t
from dashboard.services import services
from domain.roles import may_view
from settings import Settings

# pages behind a login (full page loads: /masuk is a Flask page, and each screen sets itself up on load), linked for the roles that may open them
ROLE_PAGES = (("/operator", "op_title"), ("/laporan", "lap_link"), ("/agency", "adm_home_agency"), ("/admin", "adm_home_admin"))


def _item(href: str, label: str, note: str | None = None, item_id: str | None = None):
    children = [html.A(label, href=href), html.Span(note, className="home-note") if note else None]
    return html.Li(children, className="home-link", **({"id": item_id} if item_id else {}))


def _demo_token() -> str | None:
    """The demo's public wall token, outside production only; a real token is never shown."""
    settings = services().settings
    return settings.wall_token if not settings.production and settings.wall_token == Settings.wall_token else None


def _wall(lang: str):
    note, query = t("home_wall_note", lang), []
    if token := _demo_token():
        note += f" ({t('home_wall_demo', lang, token=token)})"
        query.append(f"token={token}")
    if lang == "en":
        query.append("lang=en")
    return _item("/wall" + ("?" + "&".join(query) if query else ""), t("home_wall", lang), note, "home-wall")


def _account(lang: str, role: str | None) -> list:
    if role is None:
        return [_item(f"/masuk?next=/?lang={lang}", t("home_login", lang), t("home_login_note", lang), "home-login")]
    info = current_user.info
    pages = [_item(f"{path}?lang={lang}", t(key, lang)) for path, key in ROLE_PAGES if may_view(role, path)]
    return [
        html.Li(
            id="home-account",
            className="home-link",
            children=[
                html.Span(t("home_signed_in", lang, name=info.display_name, role=role)),
                html.Form(method="post", action="/keluar", children=[html.Button(t("home_logout", lang), type="submit")]),
            ],
        ),
        *pages,
    ]


def layout(lang: str = "id", **_query):
    lang = lang if lang in ("id", "en") else "id"
    role = current_role()
    return html.Main(
        className="status-page home-page",
        lang=lang,
        children=[
            html.H1(t("app_title", lang)),
            html.P(t("home_tagline", lang), id="home-tagline", className="home-tagline"),
            html.P(t("home_what", lang), className="home-what"),
            html.H2(t("home_screens", lang)),
            html.Ul(
                id="home-links",
                className="home-links",
                children=[
                    _wall(lang),
                    _item(f"/status?lang={lang}", t("home_status", lang), t("home_status_note", lang), "home-status"),
                    *_account(lang, role),
                ],
            ),
            html.P(
                className="home-lang",
                children=[
                    f"{t('home_language', lang)}: ",
                    html.A("Bahasa Indonesia", href="/?lang=id", id="home-lang-id"),
                    " · ",
                    html.A("English", href="/?lang=en", id="home-lang-en"),
                ],
            ),
        ],
    )


dash.register_page(__name__, path="/", name="Beranda", title="Binjai Command Center", layout=layout)
