"""Take a screenshot of a page in headless Chromium after it has settled: `python -m devtools.screenshot URL OUT.png`."""

from __future__ import annotations

import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

from devtools.browser import CHROMIUM_BINARY, chromium_flags


def screenshot(url: str, out: str, wait_s: float = 6.0, width: int = 1920, height: int = 1080, click: str | None = None) -> None:
    opts = Options()
    opts.binary_location = CHROMIUM_BINARY
    for flag in ("--headless=new", *chromium_flags(width, height)):
        opts.add_argument(flag)
    driver = webdriver.Chrome(options=opts)
    try:
        driver.set_window_size(width, height)
        driver.get(url)
        time.sleep(wait_s)
        if click:
            driver.find_element("css selector", click).click()
            time.sleep(2)
        driver.save_screenshot(out)
        for entry in driver.get_log("browser"):
            print(entry["level"], entry["message"][:300])
    finally:
        driver.quit()


if __name__ == "__main__":
    screenshot(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 6.0)
