"""The wall's browser tests share one stack: real Redis, SQLite, the ingest worker and the live relay."""

from __future__ import annotations

import threading

import pytest
import redis

from app import create_dash
from devtools.servers import prepare_database
from live.relay import LiveRelay
from tests.integration.helpers import BackgroundWorker, bus_fix, complaint, worker_settings, xadd_all

TOKEN = "uji-dinding-123"


@pytest.fixture
def stack(redis_server, tmp_path, stream_prefix):
    """Three complaints and three bus fixes already stored; the worker and the relay running."""
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    settings = worker_settings(redis_server.url, url, stream_prefix, wall_token=TOKEN)
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(i)) for i in range(3)] + [("bus_gps", bus_fix(i)) for i in range(3)])
    stop = threading.Event()
    relay = LiveRelay(settings, stop=stop)
    relay_thread = threading.Thread(target=relay.run, daemon=True)
    relay_thread.start()
    with BackgroundWorker(settings):
        yield settings, r
        stop.set()
    relay_thread.join(5)


def open_wall(dash_duo, settings, query=f"token={TOKEN}"):
    dash_duo.start_server(create_dash(settings))
    dash_duo.driver.get(f"{dash_duo.server_url}/wall?{query}")


def wait_connected(dash_duo):
    dash_duo.wait_for_contains_text("#wall-health", "LANGSUNG", timeout=15)
