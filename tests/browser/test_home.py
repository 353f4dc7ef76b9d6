"""The start page `/` in headless Chromium: what the product is and every screen the visitor may
open, in Bahasa Indonesia and under ?lang=en, signed out and signed in, on a desk and on a phone."""

from __future__ import annotations

from datetime import UTC, datetime

from selenium.webdriver.common.by import By

from app import create_dash
from data_access.db import make_engine, make_session_factory
from data_access.users import create_user
from devtools.servers import prepare_database
from tests.browser.helpers import browser_login
from tests.conftest import ARTIFACTS
from tests.integration.helpers import worker_settings

PASSWORD = "kata-sandi-uji-1"


def _links(dash_duo) -> dict[str, str]:
    """Link text → path of every link in the list of screens."""
    return {a.text: a.get_attribute("href").removeprefix(dash_duo.server_url) for a in dash_duo.find_elements("#home-links a")}


def _no_severe_logs(dash_duo):
    assert [e for e in dash_duo.get_logs() or [] if e["level"] == "SEVERE"] == []


def test_start_page_in_both_languages_signed_out_and_in(dash_duo, redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    with make_session_factory(make_engine(url)).begin() as s:
        create_user(
            s, username="spv", password=PASSWORD, role="supervisor", display_name="Sari Supervisor", now=datetime.now(UTC)
        )
    settings = worker_settings(redis_server.url, url, stream_prefix, wall_token="uji-rahasia-123")
    dash_duo.start_server(create_dash(settings))
    ARTIFACTS.mkdir(exist_ok=True)

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/")
    dash_duo.wait_for_contains_text("#home-tagline", "Pusat komando Kota Binjai")
    assert _links(dash_duo) == {"Layar dinding": "/wall", "Status sistem": "/status?lang=id", "Masuk": "/masuk?next=/?lang=id"}
    assert "perlu token" in dash_duo.find_element("#home-wall").text
    assert "uji-rahasia-123" not in dash_duo.driver.page_source  # a real token is never shown
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "home-id.png"))

    dash_duo.driver.get(f"{dash_duo.server_url}/?lang=en")
    dash_duo.wait_for_contains_text("#home-tagline", "Kota Binjai's command center")
    assert _links(dash_duo) == {
        "Wall screen": "/wall?lang=en",
        "System status": "/status?lang=en",
        "Sign in": "/masuk?next=/?lang=en",
    }
    assert "needs the token" in dash_duo.find_element("#home-wall").text
    assert "Pusat komando" not in dash_duo.find_element("main").text  # the tagline too
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "home-en.png"))

    # the sign-in link leads to the real form and back to `/`, now with the role's pages
    dash_duo.find_element("#home-login a").click()
    dash_duo.wait_for_element_by_css_selector("input[name=username]")
    browser_login(dash_duo, "spv", PASSWORD, "/?lang=en")
    dash_duo.wait_for_contains_text("#home-account", "Signed in as Sari Supervisor (supervisor)")
    links = _links(dash_duo)
    assert links["Operator queue"] == "/operator?lang=en" and links["Performance report (mayor)"] == "/laporan?lang=en"
    assert "/admin?lang=en" not in links.values() and "Sign in" not in links  # only what the role may open
    assert dash_duo.find_element("#home-account").find_element(By.TAG_NAME, "button").text == "Sign out"

    # a phone: nothing wider than the screen, text still large enough to read
    dash_duo.driver.set_window_size(390, 844)
    dash_duo.driver.get(f"{dash_duo.server_url}/")
    dash_duo.wait_for_contains_text("#home-account", "Masuk sebagai Sari Supervisor")
    overflow = dash_duo.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    size = dash_duo.driver.execute_script("return parseFloat(getComputedStyle(document.querySelector('#home-links a')).fontSize)")
    assert size >= 16
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "home-phone.png"))
    _no_severe_logs(dash_duo)


def test_the_demo_token_is_named_on_the_start_page_outside_production(dash_duo, redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    dash_duo.start_server(create_dash(worker_settings(redis_server.url, url, stream_prefix, wall_token="dinding-demo")))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/")
    dash_duo.wait_for_contains_text("#home-wall", "demo: token dinding-demo")
    assert _links(dash_duo)["Layar dinding"] == "/wall?token=dinding-demo"  # one click to the demo wall
