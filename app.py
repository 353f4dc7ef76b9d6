"""Application factory: assembles Flask, Dash pages, callbacks and the CLI. Nothing runs at import.

- `create_dash(settings)` → the Dash app (tests use it with dash_duo);
- `create_app(settings)` → its Flask server: `flask --app app …` and `gunicorn 'app:create_app()'`.
"""

from __future__ import annotations

import importlib
import logging
import re
from pathlib import Path

import dash
from flask import Flask

from settings import Settings, load_settings

PAGES = (
    "dashboard.layouts.home",
    "dashboard.layouts.status",
    "dashboard.layouts.wall",
    "dashboard.layouts.operator",
    "dashboard.layouts.agency",
    "dashboard.layouts.admin",
    "dashboard.layouts.laporan",
)
CALLBACKS = (
    "dashboard.callbacks.status",
    "dashboard.callbacks.wall",
    "dashboard.callbacks.operator",
    "dashboard.callbacks.agency",
    "dashboard.callbacks.admin",
    "dashboard.callbacks.admin_closed_days",
    "dashboard.callbacks.laporan",
)
ASSETS = Path(__file__).resolve().parent / "assets"
SOCKET_TAP = "socket-tap.js"  # see the file: it must load before dash-socketio's bundle


def create_dash(settings: Settings | None = None) -> dash.Dash:
    from cli import register_cli
    from dashboard.access import remember_wall_token
    from dashboard.auth import init_auth
    from dashboard.guards import banner_container, init_guards, safe_layout
    from dashboard.health import register_health
    from dashboard.page_scripts import trim_page_scripts
    from dashboard.realtime import init_socketio
    from dashboard.report_export import register_report_exports
    from dashboard.services import EXTENSION_KEY, build_services
    from dashboard.wall_feed import init_wall_feed

    settings = settings or load_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = Flask(__name__)
    server.config["SECRET_KEY"] = settings.secret_key
    server.extensions[EXTENSION_KEY] = build_services(settings)
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Binjai Command Center",
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],  # `/` on a phone
        # before the component libraries, which take the WebSocket constructor when they load
        external_scripts=[f"/assets/{SOCKET_TAP}?v={int((ASSETS / SOCKET_TAP).stat().st_mtime)}"],
        assets_ignore=re.escape(SOCKET_TAP),
    )
    for module in PAGES:
        importlib.import_module(module)
    for page in dash.page_registry.values():  # a page still loads, with a banner, when the database is down
        page["layout"] = safe_layout(page["layout"])
    for module in CALLBACKS:
        importlib.import_module(module).callbacks.register(app)
    app.layout = dash.html.Div([banner_container(), dash.page_container])
    init_guards(app)
    init_auth(server, production=settings.production)
    init_socketio(server, settings)
    init_wall_feed(server)
    trim_page_scripts(app)
    server.after_request(remember_wall_token)
    register_report_exports(server)
    register_health(server)
    register_cli(server)
    return app


def create_app(settings: Settings | None = None) -> Flask:
    return create_dash(settings).server
