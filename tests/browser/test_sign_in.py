"""Idle timeout in headless Chromium: an operator console left alone ends on the login page.

The console keeps working by itself (a live push refreshes the queue), which must not keep the
session open: the push's callback is answered as signed out and assets/csrf.js takes the page to
/masuk with the reason shown.
"""

from __future__ import annotations

import threading
import time

import pytest
import redis
from dash.testing.wait import until

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.users import create_user
from devtools.servers import prepare_database
from live.relay import LiveRelay
from tests.browser.helpers import browser_login
from tests.integration.helpers import BackgroundWorker, complaint, worker_settings, xadd_all

PASSWORD = "kata-sandi-operator-uji"
IDLE_MIN = 0.15  # 9 seconds


@pytest.fixture
def stack(redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    with make_session_factory(make_engine(url)).begin() as s:
        create_user(s, username="op1", password=PASSWORD, role="operator", display_name="Operator Satu", now=now_utc())
    settings = worker_settings(redis_server.url, url, stream_prefix, idle_timeout_min=IDLE_MIN)
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(1, title="Lampu jalan padam"))])
    stop = threading.Event()
    relay = threading.Thread(target=LiveRelay(settings, stop=stop).run, daemon=True)
    relay.start()
    with BackgroundWorker(settings):
        yield settings, r
        stop.set()
    relay.join(5)


def test_an_idle_operator_console_goes_to_the_login_page_despite_live_refreshes(dash_duo, stack):
    settings, r = stack
    dash_duo.start_server(create_dash(settings))
    signed_in = time.monotonic()
    browser_login(dash_duo, "op1", PASSWORD, "/operator")
    dash_duo.wait_for_contains_text("#op-grid", "Lampu jalan padam", timeout=15)
    assert "/operator" in dash_duo.driver.current_url
    time.sleep(max(0.0, IDLE_MIN * 60 + 1 - (time.monotonic() - signed_in)))
    # nobody touched the console; a new complaint arrives and the console refreshes by itself
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(2, title="Pohon tumbang"))])
    until(lambda: "/masuk" in dash_duo.driver.current_url, timeout=20)
    url = dash_duo.driver.current_url
    assert "habis=1" in url and "next=%2Foperator" in url
    dash_duo.wait_for_contains_text("main", f"tidak ada aktivitas selama {IDLE_MIN:g} menit", 5)
    # signing in again opens the console where it was
    dash_duo.driver.find_element("name", "username").send_keys("op1")
    dash_duo.driver.find_element("name", "password").send_keys(PASSWORD + "\n")
    dash_duo.wait_for_contains_text("#op-grid", "Pohon tumbang", timeout=15)
