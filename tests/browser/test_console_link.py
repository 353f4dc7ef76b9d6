"""The operator console says plainly when its live link has gone quiet, and polls faster until it is back:
the relay is stopped under a signed-in console, the banner shows within 10 s with the time in WIB, a
complaint stored meanwhile reaches the queue by polling, and the banner goes when a relay runs again."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import redis

from app import create_dash
from dashboard import ids
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.users import create_user
from devtools.servers import prepare_database
from live.relay import LiveRelay
from tests.browser.helpers import browser_login
from tests.integration.helpers import BackgroundWorker, complaint, worker_settings, xadd_all

PASSWORD = "kata-sandi-operator-uji"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Relay:
    """A live relay in a thread that the test can stop and start again."""

    def __init__(self, settings):
        self.settings = settings
        self.stop_event = threading.Event()
        self.thread = None

    def start(self):
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=LiveRelay(self.settings, stop=self.stop_event).run, daemon=True)
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        self.thread.join(10)


@pytest.fixture
def console(redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    Session = make_session_factory(make_engine(url))
    with Session.begin() as s:
        create_user(s, username="op1", password=PASSWORD, role="operator", display_name="Operator Satu", now=now_utc())
    settings = worker_settings(redis_server.url, url, stream_prefix)
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(1, title="Sebelum putus"))])
    relay = Relay(settings)
    relay.start()
    with BackgroundWorker(settings):
        yield settings, r, relay
        relay.stop()


def _banner(dash_duo):
    return dash_duo.find_element(f"#{ids.OP_LINK}")


def test_console_shows_a_lost_live_link_and_polls_until_it_is_back(dash_duo, console):
    settings, r, relay = console
    dash_duo.start_server(create_dash(settings))
    browser_login(dash_duo, "op1", PASSWORD, "/operator")
    dash_duo.wait_for_contains_text(f"#{ids.OP_GRID}", "Sebelum putus", timeout=20)
    time.sleep(3)  # heartbeats heard: the banner stays hidden
    assert not _banner(dash_duo).is_displayed()

    relay.stop()
    stopped = time.monotonic()
    dash_duo.wait_for_contains_text(f"#{ids.OP_LINK}", "SIARAN LANGSUNG TERPUTUS", timeout=10)
    assert time.monotonic() - stopped <= 10
    assert _banner(dash_duo).is_displayed() and " WIB" in _banner(dash_duo).text
    size = float(
        dash_duo.driver.execute_script(f"return parseFloat(getComputedStyle(document.getElementById('{ids.OP_LINK}')).fontSize)")
    )
    assert size >= 20
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "operator-link-lost.png"))

    xadd_all(r, settings.stream_prefix, [("complaints", complaint(2, title="Selagi relai mati"))])
    dash_duo.wait_for_contains_text(f"#{ids.OP_GRID}", "Selagi relai mati", timeout=20)  # by polling, not pushed

    relay.start()
    deadline = time.monotonic() + 15
    while _banner(dash_duo).is_displayed() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _banner(dash_duo).is_displayed()
    severe = [e for e in dash_duo.driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe
