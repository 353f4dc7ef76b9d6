"""`GET /wall/changes?after=<stream id>`: the change events a wall screen missed, for a cheap catch-up.

A screen that notices a gap between live batches (or polls while its socket is down) asks here for
the entries after the last one it applied, instead of re-reading the whole snapshot. Read-only and
kiosk-token protected like the rest of the wall: the token comes in the `X-Wall-Token` header (the
page has it in its config) or the wall cookie; without it, 403 and no data. The events are the
whitelisted change events of domain/live_events.py: no NIK, name or phone.
"""

from __future__ import annotations

from flask import Flask, abort, jsonify, request

from dashboard.access import WALL_COOKIE, token_matches
from dashboard.services import services
from data_access.live_changes import changes_after, stream_id_key

PATH = "/wall/changes"


def wall_changes():
    svc = services()
    token = request.headers.get("X-Wall-Token") or request.cookies.get(WALL_COOKIE)
    if not token_matches(token, svc.settings.wall_token):
        abort(403)
    after = request.args.get("after", "")
    try:
        stream_id_key(after)
    except ValueError:
        abort(400)
    page = changes_after(svc.redis, svc.keys.changes, after)
    response = jsonify({"after": after, "last": page.last, "events": page.events, "more": page.more, "trimmed": page.trimmed})
    response.headers["Cache-Control"] = "no-store"
    return response


def init_wall_feed(server: Flask) -> None:
    server.add_url_rule(PATH, "bcc_wall_changes", wall_changes, methods=["GET"])
