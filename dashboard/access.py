"""Who may see what: the wall's read-only kiosk token (operator logins come with the operator console)."""

from __future__ import annotations

import hmac

from flask import Response, current_app, request

WALL_COOKIE = "bcc_wall"


def token_matches(given: str | None, expected: str) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def remember_wall_token(response: Response) -> Response:
    """First visit with /wall?token=…: keep the token in a cookie so a reload needs no URL.

    `Secure` in production, like the session cookie: the token is a credential and must not travel
    over plain HTTP."""
    if request.path == "/wall" and "token" in request.args:
        settings = current_app.extensions["bcc"].settings
        if token_matches(request.args["token"], settings.wall_token):
            response.set_cookie(
                WALL_COOKIE,
                request.args["token"],
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=settings.production,
            )
    return response
