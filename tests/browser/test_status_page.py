"""The status page in headless Chromium: counts and stream health from real Redis and SQLite."""

from __future__ import annotations

import redis

from app import create_dash
from devtools.servers import prepare_database
from tests.conftest import ARTIFACTS
from tests.integration.helpers import bus_fix, complaint, emergency, run_until_idle, worker_settings, xadd_all


def test_status_page_shows_live_counts_and_stream_health(dash_duo, redis_server, tmp_path, stream_prefix):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r,
        stream_prefix,
        [("complaints", complaint(i)) for i in range(3)]
        + [("emergencies", emergency(1))]
        + [("bus_gps", bus_fix(i)) for i in range(4)]
        + [("complaints", complaint(99, reporter_nik="123"))],
    )
    settings = worker_settings(redis_server.url, url, stream_prefix)
    run_until_idle(settings)

    dash_duo.start_server(create_dash(settings))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/status")
    dash_duo.wait_for_text_to_equal("h1", "Status sistem")
    dash_duo.wait_for_contains_text("#status-counts", "Pengaduan terbuka", timeout=10)
    counts = dash_duo.find_element("#status-counts").text
    assert "3\nPengaduan terbuka" in counts
    assert "1\nDarurat aktif" in counts
    streams = dash_duo.find_element("#status-streams").text
    assert "Pengaduan" in streams and "GPS bus" in streams and "Tombol darurat" in streams
    assert "WIB" in dash_duo.find_element("#status-updated").text
    # the wall-safe rule holds here too: no reporter data on a screen
    html = dash_duo.driver.page_source
    for secret in ("1275010101900001", "081234567890", "Budi Siregar"):
        assert secret not in html
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "status-page.png"))
    assert dash_duo.get_logs() == [] or all(e["level"] != "SEVERE" for e in dash_duo.get_logs())
