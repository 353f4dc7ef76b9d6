"""Critical path in headless Chromium: an operator logs in, assigns a complaint, the wall shows it."""

from __future__ import annotations

import threading

import pytest
import redis
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency
from data_access.users import create_user
from devtools.servers import prepare_database
from live.relay import LiveRelay
from tests.conftest import ARTIFACTS
from tests.integration.helpers import BackgroundWorker, complaint, emergency, worker_settings, xadd_all

TOKEN = "uji-dinding-operator"
PASSWORD = "kata-sandi-operator-uji"


@pytest.fixture
def stack(redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    Session = make_session_factory(make_engine(url))
    with Session.begin() as s:
        create_user(s, username="op1", password=PASSWORD, role="operator", display_name="Operator Satu", now=now_utc())
        create_user(s, username="wk", password=PASSWORD, role="mayor", display_name="Wali Kota", now=now_utc())
    settings = worker_settings(redis_server.url, url, stream_prefix, wall_token=TOKEN)
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r,
        stream_prefix,
        [("complaints", complaint(1, title="Drainase tersumbat <script>alert(1)</script>", category="drainase-banjir"))],
    )
    stop = threading.Event()
    relay = threading.Thread(target=LiveRelay(settings, stop=stop).run, daemon=True)
    relay.start()
    with BackgroundWorker(settings):
        yield settings, Session
        stop.set()
    relay.join(5)


def _login(dash_duo, username):
    dash_duo.driver.get(f"{dash_duo.server_url}/masuk?next=/operator")
    dash_duo.driver.find_element(By.NAME, "username").send_keys(username)
    dash_duo.driver.find_element(By.NAME, "password").send_keys(PASSWORD + Keys.ENTER)


def test_operator_assigns_and_the_wall_shows_it(dash_duo, stack):
    settings, Session = stack
    dash_duo.start_server(create_dash(settings))
    # the wall is open in another tab of the same browser
    dash_duo.driver.get(f"{dash_duo.server_url}/wall?token={TOKEN}")
    dash_duo.wait_for_contains_text("#wall-health", "LANGSUNG", timeout=15)
    wall = dash_duo.driver.current_window_handle
    dash_duo.driver.switch_to.new_window("tab")

    _login(dash_duo, "op1")
    dash_duo.wait_for_contains_text("#op-grid", "Drainase tersumbat", timeout=15)
    assert not dash_duo.driver.execute_script("return window.__xss === true")  # the title is text
    dash_duo.find_element("#op-grid .ag-row").click()
    dash_duo.wait_for_contains_text("#op-detail", "<script>alert(1)</script>", timeout=10)  # shown as text
    dash_duo.wait_for_contains_text("#op-agency", "DPUPR", timeout=10)  # default from the category
    dash_duo.find_element("#op-btn-assign").click()
    dash_duo.wait_for_contains_text("#op-message", "baru → diteruskan", timeout=10)
    dash_duo.wait_for_contains_text("#op-detail", "oleh operator:op1", timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "operator.png"))
    with Session() as s:
        c = s.query(Complaint).one()
        assert (c.status, c.agency_code, c.version) == ("diteruskan", "DPUPR", 2)

    dash_duo.driver.switch_to.window(wall)
    dash_duo.wait_for_contains_text("#wall-ticker", "diteruskan ke DPUPR", timeout=10)


def test_mayor_cannot_open_the_operator_console(dash_duo, stack):
    settings, _ = stack
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "wk")
    dash_duo.wait_for_contains_text("main", "Akses ditolak", timeout=15)
    assert not dash_duo.find_elements("#op-grid")


def test_operator_console_needs_a_login(dash_duo, stack):
    settings, _ = stack
    dash_duo.start_server(create_dash(settings))
    dash_duo.driver.get(f"{dash_duo.server_url}/operator")
    dash_duo.wait_for_contains_text("main", "Silakan masuk", timeout=15)
    assert not dash_duo.find_elements("#op-grid")


def test_operator_handles_an_emergency_and_is_refused_what_only_a_supervisor_may_do(dash_duo, stack):
    settings, Session = stack
    r = redis.Redis.from_url(settings.redis_url)
    xadd_all(r, settings.stream_prefix, [("emergencies", emergency(9, kind="kejahatan"))])
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "op1")
    dash_duo.wait_for_contains_text("#op-grid", "DARURAT", timeout=15)
    dash_duo.find_element("#op-grid .ag-row.row-emergency").click()
    dash_duo.wait_for_contains_text("#op-detail", "Pos terdekat: Pos Polisi", timeout=10)
    dash_duo.find_element("#op-btn-ack").click()
    dash_duo.wait_for_contains_text("#op-message", "baru → diterima", timeout=10)
    dash_duo.find_element("#op-btn-dispatch").click()
    dash_duo.wait_for_contains_text("#op-message", "diterima → dikirim", timeout=10)
    with Session() as s:
        e = s.query(Emergency).one()
        assert e.status == "dikirim" and e.dispatched_post_id == e.nearest_post_id and e.acknowledged_at is not None

    rows = dash_duo.find_elements("#op-grid .ag-row")
    complaint_row = next(row for row in rows if "Drainase" in row.text)
    complaint_row.click()
    dash_duo.wait_for_contains_text("#op-detail", "Pengaduan #", timeout=10)
    dash_duo.find_element("#op-note").send_keys("spam")
    dash_duo.find_element("#op-btn-reject").click()
    dash_duo.wait_for_contains_text("#op-message", "tidak berwenang", timeout=10)
    with Session() as s:
        assert s.query(Complaint).one().status == "baru"
