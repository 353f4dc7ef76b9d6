"""Per-page trimming of the scripts Dash puts in every page: the wall does not load what it never shows.

Dash serves the bundle of every component library the app imports on every page. The wall has no
grid, yet each cold load of a wall screen fetched and parsed the operator console's AG Grid bundle
(1.3 MB) before it could draw anything. The wall is a kiosk page opened by URL, with no links to
other pages, so it never needs that bundle later either.
"""

from __future__ import annotations

import re

import dash
from flask import has_request_context, request

# page path → component libraries (as in /_dash-component-suites/<name>/) and assets it does without
NOT_NEEDED_LIBRARIES = {"/wall": ("dash_ag_grid",)}
NOT_NEEDED_ASSETS = {"/wall": ("operator.js", "live-link.js")}  # the grid's cell formatters; the wall has its own link check


def _drop(scripts: str, pattern: str) -> str:
    return re.sub(r'<script src="[^"]*' + pattern + r'[^"]*"></script>\s*', "", scripts)


def trim_page_scripts(app: dash.Dash) -> None:
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        path = request.path.rstrip("/") if has_request_context() else ""
        scripts = kwargs.get("scripts", "")
        for lib in NOT_NEEDED_LIBRARIES.get(path, ()):
            scripts = _drop(scripts, f"/_dash-component-suites/{re.escape(lib)}/")
        for asset in NOT_NEEDED_ASSETS.get(path, ()):
            scripts = _drop(scripts, f"/assets/{re.escape(asset)}")
        kwargs["scripts"] = scripts
        return original(**kwargs)

    app.interpolate_index = interpolate_index
