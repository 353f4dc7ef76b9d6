"""How the wall's browser side (assets/wall.js) keeps up: bursts, a lost batch, a gap too old, no socket.

Against the real stack (Redis, SQLite, worker, relay) in headless Chromium. A lost socket message is
simulated in the page: the next Socket.IO frame that carries a chosen title is dropped before the
wall sees it, as if the network had lost it.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
import redis

from data_access.streams import StreamKeys
from devtools.servers import prepare_database
from live.relay import LiveRelay
from tests.browser.conftest import TOKEN, open_wall, wait_connected
from tests.conftest import ARTIFACTS
from tests.integration.helpers import BackgroundWorker, bus_fix, complaint, wait_for, worker_settings, xadd_all

STATS = "return Object.assign({}, window.bccLive.stats)"
OTHER_KELURAHAN = "12.75.01.1001"  # not where the stack's complaints are

DROP_FRAME_WITH = """
var text = arguments[0], real = window.bccSocketFrame;
window.__dropped = 0;
window.bccSocketFrame = function (m) {
  if (!window.__dropped && typeof m.data === 'string' && m.data.indexOf(text) >= 0) { window.__dropped = 1; return; }
  return real(m);
};
"""


def _ready(dash_duo, settings, query=f"token={TOKEN}"):
    open_wall(dash_duo, settings, query)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "3", timeout=15)
    wait_for(lambda: dash_duo.driver.execute_script("return window.bccLive && window.bccLive.ready"), 15, what="the snapshot")
    dash_duo.driver.execute_script("window.__page = 'same page'")


def _same_page(dash_duo) -> bool:
    return dash_duo.driver.execute_script("return window.__page") == "same page"


def test_a_burst_reaches_the_ticker_counters_and_map_without_a_reload(dash_duo, stack):
    settings, r = stack
    _ready(dash_duo, settings)
    wait_connected(dash_duo)
    xadd_all(
        r,
        settings.stream_prefix,
        [("complaints", complaint(100 + i, title=f"Banjir kiriman {i}")) for i in range(60)]
        + [("bus_gps", bus_fix(20 + i, vehicle=f"TB-5{i}")) for i in range(8)],
    )
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "63", timeout=15)  # every complaint counted, once
    dash_duo.wait_for_contains_text("#wall-ticker", "Banjir kiriman 59", timeout=5)
    # the latest 12, newest first (read from the DOM: the ones past the screen's edge are hidden)
    lines = dash_duo.driver.execute_script("return [...document.querySelectorAll('#wall-ticker .tick')].map(e => e.textContent)")
    assert [line.split("Banjir kiriman ")[1].split(" ")[0] for line in lines] == [str(i) for i in range(59, 47, -1)], lines
    live = dash_duo.driver.execute_script(
        "var l=window.bccLive;return {fresh: l.fresh.length, buses: Object.keys(l.buses).length}"
    )
    assert live["fresh"] == 60  # a new point on the map for each
    wait_for(lambda: len(dash_duo.find_elements(".bcc-bus")) >= 9, 5, what="bus markers")  # TB-01 + 8 new
    # the shading follows (all 63 lie in one kelurahan; the legend shows the scale's top)
    dash_duo.wait_for_text_to_equal("#wall-legend-max", "63", timeout=5)
    # a kelurahan that had no open complaint in the snapshot starts counting too
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(170, lat=None, lon=None, kelurahan_code=OTHER_KELURAHAN))])
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "64", timeout=10)
    assert dash_duo.driver.execute_script("return window.bccLive.kel[arguments[0]].open", OTHER_KELURAHAN) == 1
    stats = dash_duo.driver.execute_script(STATS)
    assert stats["resyncs"] == 0 and stats["snapshots"] == 1, stats  # no snapshot re-read
    assert _same_page(dash_duo)


def test_a_lost_batch_is_caught_up_from_the_change_stream(dash_duo, stack):
    settings, r = stack
    _ready(dash_duo, settings)
    wait_connected(dash_duo)
    dash_duo.driver.execute_script(DROP_FRAME_WITH, "Hilang di jalan")
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(200, title="Hilang di jalan"))])
    wait_for(lambda: dash_duo.driver.execute_script("return window.__dropped") == 1, 10, what="the dropped frame")
    assert dash_duo.find_element("#wall-kpi-open").text == "3"  # the wall really missed it

    xadd_all(r, settings.stream_prefix, [("complaints", complaint(201, title="Sesudah celah"))])
    dash_duo.wait_for_contains_text("#wall-ticker", "Sesudah celah", timeout=10)
    dash_duo.wait_for_contains_text("#wall-ticker", "Hilang di jalan", timeout=10)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "5", timeout=10)
    stats = dash_duo.driver.execute_script(STATS)
    assert stats["catchUps"] >= 1 and stats["gaps"] >= 1, stats
    assert stats["resyncs"] == 0 and stats["snapshots"] == 1, stats  # caught up, not reloaded
    assert _same_page(dash_duo)


def test_a_gap_older_than_the_change_stream_reloads_the_snapshot(dash_duo, stack):
    settings, r = stack
    _ready(dash_duo, settings)
    wait_connected(dash_duo)
    dash_duo.driver.execute_script(DROP_FRAME_WITH, "Terpotong dari aliran")
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(300, title="Terpotong dari aliran"))])
    wait_for(lambda: dash_duo.driver.execute_script("return window.__dropped") == 1, 10, what="the dropped frame")
    r.xtrim(StreamKeys(settings.stream_prefix).changes, maxlen=0, approximate=False)  # the cap took it

    xadd_all(r, settings.stream_prefix, [("complaints", complaint(301, title="Setelah pemangkasan"))])
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "5", timeout=15)
    dash_duo.wait_for_contains_text("#wall-ticker", "Terpotong dari aliran", timeout=10)  # from the database
    stats = dash_duo.driver.execute_script(STATS)
    assert stats["resyncs"] == 1 and stats["snapshots"] == 2, stats
    assert _same_page(dash_duo)  # a new snapshot, not a page reload


def test_without_the_socket_the_wall_polls_for_changes(dash_duo, stack):
    settings, r = stack
    _ready(dash_duo, settings, query=f"token={TOKEN}&transport=poll")
    dash_duo.wait_for_contains_text("#wall-health", "TERPUTUS", timeout=10)
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(400, title="Lewat tanya berkala"))])
    dash_duo.wait_for_contains_text("#wall-ticker", "Lewat tanya berkala", timeout=10)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "4", timeout=5)
    stats = dash_duo.driver.execute_script(STATS)
    assert stats["polls"] >= 1 and stats["snapshots"] == 1, stats
    assert _same_page(dash_duo)


# ---- the live link: heartbeat, stale banner, catching up by itself -----------------------------

LINK = "var h=document.querySelector('.wall-top');return h.classList.contains('link-amber')?'amber':h.classList.contains('link-red')?'red':'ok'"
HH_MM = re.compile(r"\b\d{2}:\d{2} WIB\b")


@pytest.fixture
def stack_with_relay_switch(redis_server, tmp_path, stream_prefix):
    """As `stack`, with the relay started and stopped by the test (a dying relay, a new one)."""
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    settings = worker_settings(redis_server.url, url, stream_prefix, wall_token=TOKEN)
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(i)) for i in range(3)] + [("bus_gps", bus_fix(i)) for i in range(3)])
    relays = []

    def start():
        stop = threading.Event()
        thread = threading.Thread(target=LiveRelay(settings, stop=stop).run, daemon=True)
        thread.start()
        relays.append((stop, thread))
        return stop

    with BackgroundWorker(settings):
        yield settings, r, start
        for stop, thread in relays:
            stop.set()
            thread.join(5)


def test_a_dead_relay_turns_the_header_amber_and_the_wall_catches_up_by_itself(dash_duo, stack_with_relay_switch):
    settings, r, start_relay = stack_with_relay_switch
    stop = start_relay()
    _ready(dash_duo, settings)
    wait_connected(dash_duo)
    wait_for(lambda: dash_duo.driver.execute_script("return window.bccLive.stats.beats") >= 1, 10, what="a heartbeat")
    assert dash_duo.driver.execute_script(LINK) == "ok"

    stop.set()  # the relay dies; the socket to the web process stays open, as in the issue
    died = time.monotonic()
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(500, title="Selagi relai mati"))])
    wait_for(lambda: dash_duo.driver.execute_script(LINK) != "ok", 12, interval=0.1, what="the stale-link header")
    shown_after = time.monotonic() - died
    assert shown_after <= 10, shown_after
    banner = dash_duo.find_element("#wall-link")
    assert banner.is_displayed()
    main = dash_duo.find_element("#wall-link-main").text
    assert main.startswith("DATA TERTUNDA SEJAK ") and HH_MM.search(main), main
    assert "Siaran langsung terputus" in dash_duo.find_element("#wall-link-sub").text
    geo = dash_duo.driver.execute_script(
        "var h=document.querySelector('.wall-top').getBoundingClientRect(),b=document.getElementById('wall-link')"
        ".getBoundingClientRect(),m=document.getElementById('wall-link-main');"
        "return {hw:h.width,hh:h.height,bw:b.width,bh:b.height,font:parseFloat(getComputedStyle(m).fontSize),"
        "vh:window.innerHeight,bg:getComputedStyle(document.getElementById('wall-link')).backgroundColor}"
    )
    assert geo["bw"] == pytest.approx(geo["hw"], abs=1) and geo["bh"] >= geo["hh"] - 3, geo  # the whole header (but its border)
    assert geo["font"] >= 0.035 * geo["vh"], geo  # read from across the room
    assert geo["bg"] in ("rgb(255, 176, 32)", "rgb(215, 25, 28)", "rgb(143, 13, 15)"), geo
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "wall-link-lost.png"))  # for people to look at

    # what was published while the relay was dead arrives by polling, once
    dash_duo.wait_for_contains_text("#wall-ticker", "Selagi relai mati", timeout=10)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "4", timeout=10)
    assert dash_duo.driver.execute_script("return window.bccLive.stats.polls") >= 1

    start_relay()  # a relay again (in production: the other one, within 5 s)
    wait_for(lambda: dash_duo.driver.execute_script(LINK) == "ok", 10, what="the header back to normal")
    assert not banner.is_displayed()
    xadd_all(r, settings.stream_prefix, [("complaints", complaint(501, title="Relai kembali"))])
    dash_duo.wait_for_contains_text("#wall-ticker", "Relai kembali", timeout=10)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "5", timeout=10)
    time.sleep(2.5)  # a heartbeat later: still 5 (nothing applied twice, though the new relay resent it)
    assert dash_duo.find_element("#wall-kpi-open").text == "5"
    ticker = dash_duo.find_element("#wall-ticker").text
    assert ticker.count("Selagi relai mati") == 1 and ticker.count("Relai kembali") == 1, ticker
    stats = dash_duo.driver.execute_script(STATS)
    assert stats["snapshots"] == 1 and stats["resyncs"] == 0, stats
    assert _same_page(dash_duo)


def test_without_a_socket_the_header_says_so_in_english(dash_duo, stack):
    settings, r = stack
    _ready(dash_duo, settings, query=f"token={TOKEN}&transport=poll&lang=en")
    wait_for(lambda: dash_duo.driver.execute_script(LINK) != "ok", 10, interval=0.1, what="the stale-link header")
    main = dash_duo.find_element("#wall-link-main").text
    assert main.startswith("DATA DELAYED SINCE ") and HH_MM.search(main), main
    assert "refreshing every second" in dash_duo.find_element("#wall-link-sub").text
