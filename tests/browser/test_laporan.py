"""In headless Chromium: the mayor logs in and the report loads with its league table; clicking an
area on the map filters the page; an agency account is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.users import create_user
from devtools.report_history import history, insert_history, reference_for_history
from devtools.servers import prepare_database
from tests.browser.helpers import browser_login
from tests.conftest import ARTIFACTS
from tests.integration.helpers import worker_settings

PASSWORD = "kata-sandi-laporan-uji"


@pytest.fixture
def settings(redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    engine = make_engine(url)
    Session = make_session_factory(engine)
    now = now_utc()
    with Session.begin() as s:
        create_user(s, username="wk", password=PASSWORD, role="mayor", display_name="Wali Kota", now=now)
        create_user(s, username="opd", password=PASSWORD, role="agency", display_name="OPD", now=now, agency_code="DPUPR")
    with Session() as s:
        cats, areas = reference_for_history(s)
    pairs = list(history(count=600, start=now - timedelta(days=25), end=now, now=now, categories=cats, areas=areas, seed=11))
    insert_history(engine, [c for c, _ in pairs], [x for _, chs in pairs for x in chs])
    engine.dispose()
    return worker_settings(redis_server.url, url, stream_prefix)


def _login(dash_duo, username):
    browser_login(dash_duo, username, PASSWORD, "/laporan")


def _text(dash_duo, css: str, prop: str = "textContent") -> str:
    """A property of the element, read in the page: Dash may replace the element between finding it
    and reading it (a stale element reference); a query by selector cannot go stale."""
    script = "const e = document.querySelector(arguments[0]); return e ? String(e[arguments[1]] || '') : '';"
    return dash_duo.driver.execute_script(script, css, prop)


def _number(text: str) -> float:
    digits = text.replace(".", "").replace(",", "").strip()
    return int(digits) if digits.isdigit() else float("inf")


@pytest.mark.browser
def test_mayor_sees_the_league_table_and_filters_by_clicking_the_map(dash_duo, settings):
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "wk")
    dash_duo.wait_for_element("#lap-league-table tbody tr", timeout=20)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#lap-league-table tbody tr")
    assert len(rows) >= 5
    assert rows[0].find_element(By.CSS_SELECTOR, "td").text == "1"
    dash_duo.wait_for_text_to_equal("#lap-kpi-received .v", "600", timeout=15)
    href = dash_duo.find_element("#lap-export-items").get_attribute("href")
    assert "/laporan/export/items.csv?from=" in href
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "laporan.png"))

    # Key-figure tiles stay compact (the wall's own .kpi style must not leak in: it is 11vh tall and
    # dark) and the trend column is whole: each trend on one line, inside the window.
    tile = dash_duo.find_element("#lap-kpi-fr")
    assert tile.size["height"] <= 110, tile.size
    assert tile.value_of_css_property("background-color") in ("rgba(255, 255, 255, 1)", "rgb(255, 255, 255)")
    lines, right, width = dash_duo.driver.execute_script(
        """const cells = [...document.querySelectorAll('#lap-league-table td.trend')];
        const lines = cells.map(td => { const r = document.createRange(); r.selectNodeContents(td);
            return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; });
        return [lines, Math.max(...cells.map(td => td.getBoundingClientRect().right)), document.documentElement.clientWidth];"""
    )
    assert lines and set(lines) == {1}, lines
    assert right <= width, (right, width)

    # Click one kelurahan on the map: it becomes the filter of the whole page.
    dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")[5].click()
    until(lambda: _text(dash_duo, "#lap-area-label") != "", timeout=15)
    until(lambda: "kelurahan=" in _text(dash_duo, "#lap-export-items", "href"), timeout=15)
    # The tile is blank while the filtered figures load: wait for a number, then compare.
    until(lambda: _number(_text(dash_duo, "#lap-kpi-received .v")) < 600, timeout=15)


@pytest.mark.browser
def test_agency_account_is_refused(dash_duo, settings):
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "opd")
    dash_duo.wait_for_contains_text("main", "Akses ditolak", timeout=15)
    assert not dash_duo.driver.find_elements(By.ID, "lap-league-table")
