"""Headless Chromium: an admin closes a day for a flood on /admin, is told why a wrong date is
refused, and reopens it; both changes land in the database and the audit."""

from __future__ import annotations

from datetime import date

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.models import AdminChange, ClosedDay
from data_access.users import create_user
from devtools.servers import prepare_database
from tests.browser.helpers import browser_login
from tests.conftest import ARTIFACTS
from tests.integration.helpers import wait_for, worker_settings

PASSWORD = "kata-sandi-admin-uji-1"


def test_admin_closes_and_reopens_a_day(dash_duo, redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    Session = make_session_factory(make_engine(url))
    with Session.begin() as s:
        create_user(s, username="root", password=PASSWORD, role="admin", display_name="Admin", now=now_utc())
    dash_duo.start_server(create_dash(worker_settings(redis_server.url, url, stream_prefix)))
    browser_login(dash_duo, "root", PASSWORD, "/admin")
    dash_duo.wait_for_contains_text(".admin-page", "Administrasi", timeout=15)
    dash_duo.find_element("#adm-tabs").find_element(By.XPATH, ".//*[contains(text(), 'Hari libur kantor')]").click()
    dash_duo.wait_for_contains_text(".admin-page", "cuti bersama (", timeout=10)  # the hint names this year's days

    day, reason = dash_duo.find_element("#adm-closed-day"), dash_duo.find_element("#adm-closed-reason")
    day.send_keys("24/11/26")
    reason.send_keys("Banjir besar di Binjai Timur")
    dash_duo.find_element("#adm-closed-add").click()
    dash_duo.wait_for_contains_text("#adm-message", "Tanggal tidak valid", timeout=10)
    day.send_keys(Keys.CONTROL, "a")
    day.send_keys("24-11-2026")
    dash_duo.find_element("#adm-closed-add").click()
    dash_duo.wait_for_contains_text("#adm-message", "Libur ditetapkan: 24-11-2026", timeout=10)
    dash_duo.wait_for_contains_text("#adm-closed-grid", "Banjir besar di Binjai Timur", timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "admin-closed-days.png"))
    with Session() as s:
        assert [(c.day, c.created_by) for c in s.query(ClosedDay)] == [(date(2026, 11, 24), "admin:root")]

    next(el for el in dash_duo.find_elements("#adm-closed-grid .ag-row") if "Banjir" in el.text).click()
    wait_for(lambda: day.get_attribute("value") == "2026-11-24", timeout=10, what="form filled from the row")
    dash_duo.find_element("#adm-closed-remove").click()
    dash_duo.wait_for_contains_text("#adm-message", "Libur dibatalkan", timeout=10)
    with Session() as s:
        assert s.query(ClosedDay).count() == 0
        assert [a.action for a in s.query(AdminChange).filter_by(entity="closed_day").order_by(AdminChange.id)] == [
            "create",
            "delete",
        ]
    assert [e for e in dash_duo.get_logs() or [] if e["level"] == "SEVERE"] == []
