"""Helpers shared by the browser tests."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def browser_login(dash_duo, username: str, password: str, next_path: str) -> None:
    """Log in through the real /masuk form and land on `next_path`."""
    dash_duo.driver.get(f"{dash_duo.server_url}/masuk?next={next_path}")
    dash_duo.driver.find_element(By.NAME, "username").send_keys(username)
    dash_duo.driver.find_element(By.NAME, "password").send_keys(password + Keys.ENTER)
