"""Refreshes the status page from the database counts and the Redis stream health."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import redis
from dash import Input, Output, State, html
from sqlalchemy import exc as sa_exc

from dashboard import ids
from dashboard.callbacks import CallbackSet
from dashboard.i18n import ago, t, wib
from dashboard.services import services
from data_access.streams import read_stream_health
from data_access.summary import live_counts

callbacks = CallbackSet()

SILENT_AFTER_S = 120


def _tile(label: str, value, alert: bool = False):
    return html.Div(
        className="tile alert" if alert else "tile", children=[html.Div(str(value), className="num"), html.Div(label)]
    )


@callbacks.callback(
    Output(ids.STATUS_COUNTS, "children"),
    Output(ids.STATUS_STREAMS, "children"),
    Output(ids.STATUS_UPDATED, "children"),
    Input(ids.STATUS_REFRESH, "n_intervals"),
    State("status-lang", "data"),
)
def refresh_status(_n, lang):
    svc = services()
    now = datetime.now(UTC)
    try:
        with svc.Session() as s:
            c = live_counts(s, now=now, tz=ZoneInfo(svc.settings.timezone))
        tiles = [
            _tile(t("complaints_open", lang), c.complaints_open),
            _tile(t("complaints_today", lang), c.complaints_today),
            _tile(t("emergencies_active", lang), c.emergencies_active, alert=c.emergencies_active > 0),
            _tile(t("vehicles", lang), c.vehicles),
            _tile(t("complaints_total", lang), c.complaints_total),
            _tile(t("positions", lang), c.positions),
        ]
    except sa_exc.SQLAlchemyError:
        tiles = [html.Div(t("db_down", lang), className="banner alert")]
    try:
        health = read_stream_health(svc.redis, svc.keys, svc.settings.consumer_group)
        header = html.Tr([html.Th(t(k, lang)) for k in ("stream", "last_entry", "processed", "deadlettered", "lag", "pending")])
        rows = []
        for h in health:
            age = (now - h.last_entry_at).total_seconds() if h.last_entry_at else None
            silent = age is None or age > SILENT_AFTER_S
            rows.append(
                html.Tr(
                    className="silent" if silent else "",
                    children=[
                        html.Td(t(h.stream, lang)),
                        html.Td(ago(age, lang) + (f" — {t('silent', lang)}" if silent else "")),
                        html.Td(h.processed),
                        html.Td(h.deadlettered),
                        html.Td("—" if h.lag is None else h.lag),
                        html.Td(h.pending),
                    ],
                )
            )
        streams = html.Table(className="streams", children=[html.Thead(header), html.Tbody(rows)])
    except redis.RedisError:
        streams = html.Div(t("redis_down", lang), className="banner alert")
    return tiles, streams, f"{t('updated', lang)}: {wib(now)}"
