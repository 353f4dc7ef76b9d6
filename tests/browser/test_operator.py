"""Critical path in headless Chromium: an operator logs in, assigns a complaint, the wall shows it."""

from __future__ import annotations

import threading

import pytest
import redis
from dash.testing.wait import until

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, PersonalDataView
from data_access.users import create_user
from devtools.servers import prepare_database
from live.relay import LiveRelay
from tests.browser.helpers import browser_login
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
    browser_login(dash_duo, username, PASSWORD, "/operator")


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
    until(lambda: not dash_duo.find_element("#op-btn-reject").is_displayed(), timeout=10)  # a supervisor's move
    assert not dash_duo.find_element("#op-btn-dispatch").is_displayed()  # not on a complaint
    dash_duo.driver.execute_script("document.getElementById('op-btn-reject').click()")  # forced anyway
    dash_duo.wait_for_contains_text("#op-message", "tidak berwenang", timeout=10)
    with Session() as s:
        assert s.query(Complaint).one().status == "baru"


def test_operator_escalates_merges_and_reveals_with_an_audit_row(dash_duo, stack):
    settings, Session = stack
    r = redis.Redis.from_url(settings.redis_url)
    # a second report of the same blocked drain, 30 m away and a minute later: a duplicate candidate
    xadd_all(
        r,
        settings.stream_prefix,
        [("complaints", complaint(60, title="Got mampet lagi", category="drainase-banjir", lat="3.607013"))],
    )
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "op1")
    dash_duo.wait_for_contains_text("#op-grid", "Got mampet lagi", timeout=15)
    assert not dash_duo.find_element("#op-btn-reopen").is_displayed()  # supervisors only

    first = next(row for row in dash_duo.find_elements("#op-grid .ag-row") if "Drainase" in row.text)
    first.click()
    dash_duo.wait_for_contains_text("#op-reporter", "B••• S•••", timeout=10)  # masked by default
    assert "Budi Siregar" not in dash_duo.find_element("#op-detail").text + dash_duo.find_element("#op-reporter").text
    dash_duo.find_element("#op-note").send_keys("OPD tidak bisa dihubungi")
    dash_duo.find_element("#op-btn-escalate").click()
    dash_duo.wait_for_contains_text("#op-message", "eskalasi ke tingkat 1", timeout=10)
    dash_duo.wait_for_contains_text("#op-detail", "eskalasi ke tingkat 1 oleh operator:op1: OPD tidak bisa dihubungi", timeout=10)
    dash_duo.wait_for_contains_text("#op-grid", "1 kepala OPD", timeout=10)

    dash_duo.find_element("#op-btn-reveal").click()
    dash_duo.wait_for_contains_text("#op-reporter", "Budi Siregar", timeout=10)
    dash_duo.wait_for_contains_text("#op-reporter", "081234567890", timeout=10)
    with Session() as s:
        first_id = s.query(Complaint.id).filter(Complaint.title.like("Drainase%")).scalar()
        views = s.query(PersonalDataView).all()
        assert [(v.username, v.item_kind, v.item_id) for v in views] == [("op1", "complaint", first_id)]
        assert s.get(Complaint, first_id).escalation_level == 1

    later = next(row for row in dash_duo.find_elements("#op-grid .ag-row") if "Got mampet" in row.text)
    later.click()
    dash_duo.wait_for_contains_text("#op-duplicates", f"#{first_id}", timeout=10)
    dash_duo.find_element("#op-duplicates button").click()
    dash_duo.wait_for_contains_text("#op-message", "→ ditolak", timeout=10)
    with Session() as s:
        dup = s.query(Complaint).filter(Complaint.title == "Got mampet lagi").one()
        assert (dup.status, dup.duplicate_of_id, dup.reject_reason) == ("ditolak", first_id, f"duplikat dari #{first_id}")
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "operator-escalate.png"))


def test_operator_page_in_english_and_the_alarm_button(dash_duo, stack):
    settings, _ = stack
    r = redis.Redis.from_url(settings.redis_url)
    xadd_all(r, settings.stream_prefix, [("emergencies", emergency(70, kind="medis"))])
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "op1")
    dash_duo.wait_for_contains_text("#op-grid", "DARURAT", timeout=15)
    dash_duo.wait_for_contains_text("#op-sound-btn", "SUARA MATI", timeout=10)
    assert "ringing" in dash_duo.find_element("#op-sound-btn").get_attribute("class")  # unacknowledged emergency
    dash_duo.find_element("#op-sound-btn").click()
    dash_duo.wait_for_contains_text("#op-sound-btn", "SUARA AKTIF", timeout=10)
    assert dash_duo.driver.execute_script("var a = document.getElementById('op-alarm-audio'); return a && a.loop && !a.paused;")

    dash_duo.driver.get(f"{dash_duo.server_url}/operator?lang=en")
    dash_duo.wait_for_contains_text("#op-grid", "EMERGENCY", timeout=15)
    dash_duo.wait_for_contains_text(".op-top", "Operator queue", timeout=10)
    dash_duo.wait_for_contains_text("#op-sound-btn", "SOUND OFF", timeout=10)
    assert "Escalate" in dash_duo.find_element("#op-btn-escalate").text
