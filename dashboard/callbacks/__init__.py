"""One module per feature; callbacks are thin: inputs → data_access / pure logic → outputs.

Every server callback is registered through `dashboard.guards.guard_callback`: wrong-typed input
answers 400, a dead database or Redis 503, never a 500.

Each module collects its callbacks in a `CallbackSet` and the app factory registers them on its own
Dash app. (Dash's global `@callback` list is emptied by the first app that starts, so a second app
in the same process, as in the tests, would otherwise have no callbacks.)
"""

from __future__ import annotations

import dash

from dashboard.guards import guard_callback


class CallbackSet:
    def __init__(self) -> None:
        self._server: list = []
        self._client: list = []

    def callback(self, *dependencies, **kwargs):
        def collect(fn):
            self._server.append((dependencies, kwargs, fn))
            return fn

        return collect

    def clientside(self, function, *dependencies, **kwargs) -> None:
        self._client.append((function, dependencies, kwargs))

    def register(self, app: dash.Dash) -> None:
        for dependencies, kwargs, fn in self._server:
            app.callback(*dependencies, **kwargs)(guard_callback(fn))
        for function, dependencies, kwargs in self._client:
            app.clientside_callback(function, *dependencies, **kwargs)
