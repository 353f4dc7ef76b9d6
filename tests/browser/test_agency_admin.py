"""Headless Chromium: an agency works its own queue (and only its own); an admin edits the SLA policy."""

from __future__ import annotations

import threading

import pytest
import redis
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import create_dash
from dashboard.auth import now_utc
from data_access.actions import announce
from data_access.db import make_engine, make_session_factory
from data_access.models import AdminChange, Category, Complaint
from data_access.streams import StreamKeys
from data_access.users import create_user
from devtools.servers import prepare_database
from live.relay import LiveRelay
from tests.browser.helpers import browser_login
from tests.conftest import ARTIFACTS
from tests.integration.helpers import BackgroundWorker, complaint, move, wait_for, worker_settings, xadd_all

TOKEN = "uji-dinding-opd"
PASSWORD = "kata-sandi-opd-uji-1"


@pytest.fixture
def stack(redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    Session = make_session_factory(make_engine(url))
    with Session.begin() as s:
        create_user(
            s, username="dpupr", password=PASSWORD, role="agency", display_name="DPUPR", agency_code="DPUPR", now=now_utc()
        )
        create_user(s, username="root", password=PASSWORD, role="admin", display_name="Admin", now=now_utc())
    settings = worker_settings(redis_server.url, url, stream_prefix, wall_token=TOKEN)
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r,
        stream_prefix,
        [
            ("complaints", complaint(1, title="Jalan DPUPR berlubang")),
            ("complaints", complaint(2, title="Sampah milik DLH", category="sampah")),
            ("complaints", complaint(3, title="Jalan kedua DPUPR")),
        ],
    )
    stop = threading.Event()
    relay = threading.Thread(target=LiveRelay(settings, stop=stop).run, daemon=True)
    relay.start()
    with BackgroundWorker(settings):
        wait_for(lambda: _count(Session) == 3, what="three complaints stored")
        with Session.begin() as s:
            ids = {c.title: c.id for c in s.query(Complaint)}
            for title, agency in (("Jalan DPUPR berlubang", "DPUPR"), ("Sampah milik DLH", "DLH")):
                move(
                    s,
                    item_kind="complaint",
                    item_id=ids[title],
                    to_status="diteruskan",
                    actor="operator:op",
                    now=now_utc(),
                    agency_code=agency,
                )
        yield settings, Session, ids, r
        stop.set()
    relay.join(5)


def _count(Session) -> int:
    with Session() as s:
        return s.query(Complaint).count()


def _login(dash_duo, username, next_path):
    browser_login(dash_duo, username, PASSWORD, next_path)


def test_agency_sees_only_its_items_and_marks_one_in_progress(dash_duo, stack):
    settings, Session, ids, r = stack
    dash_duo.start_server(create_dash(settings))
    dash_duo.driver.get(f"{dash_duo.server_url}/wall?token={TOKEN}")
    dash_duo.wait_for_contains_text("#wall-health", "LANGSUNG", timeout=15)
    wall = dash_duo.driver.current_window_handle
    dash_duo.driver.switch_to.new_window("tab")

    _login(dash_duo, "dpupr", "/agency")
    dash_duo.wait_for_contains_text("#ag-grid", "Jalan DPUPR berlubang", timeout=15)
    grid = dash_duo.find_element("#ag-grid").text
    assert "Sampah milik DLH" not in grid  # another agency's
    assert "Jalan kedua DPUPR" not in grid  # not forwarded yet
    page = dash_duo.driver.page_source
    assert "Budi Siregar" not in page and "1275010101900001" not in page and "081234567890" not in page

    # an operator forwards the second road complaint: it appears live, no reload
    with Session.begin() as s:
        out = move(
            s,
            item_kind="complaint",
            item_id=ids["Jalan kedua DPUPR"],
            to_status="diteruskan",
            actor="operator:op",
            now=now_utc(),
            agency_code="DPUPR",
        )
    announce(r, StreamKeys(settings.stream_prefix), out, Session)
    dash_duo.wait_for_contains_text("#ag-grid", "Jalan kedua DPUPR", timeout=10)

    row = next(el for el in dash_duo.find_elements("#ag-grid .ag-row") if "Jalan DPUPR berlubang" in el.text)
    row.click()
    dash_duo.wait_for_contains_text("#ag-detail", "Jalan DPUPR berlubang", timeout=10)
    assert "Budi Siregar" not in dash_duo.find_element("#ag-detail").text
    dash_duo.find_element("#ag-note").send_keys("Tim berangkat")
    dash_duo.find_element("#ag-btn-start").click()
    dash_duo.wait_for_contains_text("#ag-message", "diteruskan → dikerjakan", timeout=10)
    dash_duo.wait_for_contains_text("#ag-detail", "oleh agency:dpupr: Tim berangkat", timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "agency.png"))
    with Session() as s:
        c = s.get(Complaint, ids["Jalan DPUPR berlubang"])
        assert (c.status, c.agency_code) == ("dikerjakan", "DPUPR") and c.in_progress_at is not None

    # done needs a note
    dash_duo.find_element("#ag-btn-done").click()
    dash_duo.wait_for_contains_text("#ag-message", "catatan", timeout=10)

    dash_duo.driver.switch_to.window(wall)
    dash_duo.wait_for_contains_text("#wall-ticker", "dikerjakan DPUPR", timeout=10)


def test_admin_changes_a_first_response_target(dash_duo, stack):
    settings, Session, _ids, _r = stack
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "root", "/admin")
    dash_duo.wait_for_contains_text(".admin-page", "Administrasi", timeout=15)
    dash_duo.find_element("#adm-tabs").find_element(By.XPATH, ".//*[contains(text(), 'Kategori & SLA')]").click()
    dash_duo.wait_for_contains_text("#adm-cat-grid", "jalan-rusak", timeout=10)
    row = next(el for el in dash_duo.find_elements("#adm-cat-grid .ag-row") if "jalan-rusak" in el.text)
    row.click()
    wait_for(
        lambda: dash_duo.find_element("#adm-cat-first-response").get_attribute("value") == "10", timeout=10, what="form filled"
    )

    field = dash_duo.find_element("#adm-cat-first-response")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("0")
    dash_duo.find_element("#adm-cat-save").click()
    dash_duo.wait_for_contains_text("#adm-message", "antara 1 dan 1440", timeout=10)  # refused, with the reason
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("15")
    dash_duo.find_element("#adm-cat-save").click()
    dash_duo.wait_for_contains_text("#adm-message", "Tersimpan: jalan-rusak", timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "admin-categories.png"))
    with Session() as s:
        assert s.get(Category, "jalan-rusak").first_response_minutes == 15
        audit = s.query(AdminChange).filter_by(entity="category", entity_key="jalan-rusak").one()
        assert audit.actor == "admin:root" and audit.changes == {"first_response_minutes": [10, 15]}
