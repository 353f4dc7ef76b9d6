"""Critical path in headless Chromium: an operator logs in, assigns a complaint, the wall shows it."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import redis
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import create_dash
from dashboard.auth import now_utc
from dashboard.callbacks.operator import ACTIONS
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, PersonalDataView
from data_access.users import create_user
from devtools.servers import prepare_database
from domain.console import offered
from domain.contrast import AA_NORMAL_TEXT, contrast_ratio, over, parse_colour
from domain.numbering import item_number
from live.relay import LiveRelay
from tests.browser.helpers import browser_login
from tests.conftest import ARTIFACTS
from tests.integration.helpers import BackgroundWorker, complaint, emergency, move, wait_for, worker_settings, xadd_all

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
    dash_duo.wait_for_contains_text("#op-message", "Baru → Diteruskan", timeout=10)
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
    dash_duo.wait_for_contains_text("#op-message", "Belum diterima → Diterima", timeout=10)
    dash_duo.find_element("#op-btn-dispatch").click()
    dash_duo.wait_for_contains_text("#op-message", "Diterima → Petugas dikirim", timeout=10)
    with Session() as s:
        e = s.query(Emergency).one()
        assert e.status == "dikirim" and e.dispatched_post_id == e.nearest_post_id and e.acknowledged_at is not None

    rows = dash_duo.find_elements("#op-grid .ag-row")
    complaint_row = next(row for row in rows if "Drainase" in row.text)
    complaint_row.click()
    dash_duo.wait_for_contains_text("#op-detail", "· Pengaduan:", timeout=10)
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
    dash_duo.wait_for_contains_text("#op-duplicates", f"P-{first_id}", timeout=10)
    dash_duo.find_element("#op-duplicates button").click()
    dash_duo.wait_for_contains_text("#op-message", "→ Ditolak", timeout=10)
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
    assert "Escalate" in dash_duo.find_element("#op-btn-escalate").get_attribute("textContent")  # hidden until a selection


# --- a night shift: readable rows, labels, the action bar, search, numbers, keys -----------------

ROW_CELLS_JS = """
const out = [];
const cells = (root, sel) => Array.from(root.querySelectorAll(sel)).filter(c => c.innerText.trim());
const chain = el => { const c = []; for (; el; el = el.parentElement) c.push(getComputedStyle(el).backgroundColor); return c; };
document.querySelectorAll('#op-grid .ag-center-cols-container .ag-row').forEach(row => {
  out.push({classes: row.className, cells: cells(row, '.ag-cell').map(c => (
    {text: c.innerText, color: getComputedStyle(c).color, chain: chain(c)}))});
});
const header = document.querySelector('#op-grid .ag-header');
out.push({classes: 'header', cells: cells(header, '.ag-header-cell-text').map(c => (
  {text: c.innerText, color: getComputedStyle(c).color, chain: chain(c)}))});
return out;
"""


def _state(classes: str) -> str:
    c = set(classes.split())
    for state in ("header", "row-em-unack", "row-em-acked", "row-overdue", "row-soon"):
        if state in c:
            return state
    return "row-normal" if "row-complaint" in c else "?"


def _seen_colour(chain: list[str]) -> tuple[float, float, float]:
    seen = (255.0, 255.0, 255.0)  # the canvas under everything
    for colour in reversed(chain):
        seen = over(parse_colour(colour), seen)
    return seen


@pytest.fixture
def shift(redis_server, tmp_path, stream_prefix):
    """A console with every row state: complaints on time, due soon and overdue, one emergency
    acknowledged; a second, unacknowledged emergency is sent by the test (the alarm)."""
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    Session = make_session_factory(make_engine(url))
    with Session.begin() as s:
        create_user(s, username="op1", password=PASSWORD, role="operator", display_name="Operator Satu", now=now_utc())
    settings = worker_settings(redis_server.url, url, stream_prefix, wall_token=TOKEN)
    r = redis.Redis.from_url(redis_server.url)
    now = now_utc()
    xadd_all(
        r,
        stream_prefix,
        [
            ("complaints", complaint(1, title="Drainase tersumbat di Jl. Sudirman", category="drainase-banjir")),  # overdue
            ("complaints", complaint(2, title="Lampu jalan padam", reported_at=(now - timedelta(minutes=7)).isoformat())),
            ("complaints", complaint(3, title="Jalan berlubang dekat pasar", reported_at=now.isoformat(), source="call-center")),
            ("emergencies", emergency(4, kind="tidak-diketahui")),
        ],
    )
    stop = threading.Event()
    relay = threading.Thread(target=LiveRelay(settings, stop=stop).run, daemon=True)
    relay.start()
    with BackgroundWorker(settings):
        wait_for(lambda: _stored(Session) == 4, what="three complaints and an emergency stored")
        with Session.begin() as s:
            eid = s.query(Emergency.id).scalar()
            move(s, item_kind="emergency", item_id=eid, to_status="diterima", actor="operator:op1", now=now_utc())
        yield settings, Session, r
        stop.set()
    relay.join(5)


def _stored(Session) -> int:
    with Session() as s:
        return s.query(Complaint).count() + s.query(Emergency).count()


def _shot(dash_duo, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / name))


def _visible_buttons(dash_duo) -> set[str]:
    return {b.get_attribute("id") for b in dash_duo.find_elements(".op-actions button") if b.is_displayed()}


def _viewport_1080p(dash_duo) -> None:
    """The page itself 1920×1080 (a window that size leaves less to the page)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    )


def test_a_shift_console_reads_well_and_keeps_its_actions_in_view(dash_duo, shift):
    settings, Session, r = shift
    _viewport_1080p(dash_duo)
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "op1")
    dash_duo.wait_for_contains_text("#op-grid", "Jalan berlubang dekat pasar", timeout=15)
    assert _visible_buttons(dash_duo) == set()  # nothing selected: no moves offered
    assert not dash_duo.find_element("#op-actionbar").is_displayed()
    _shot(dash_duo, "operator-idle.png")

    xadd_all(r, settings.stream_prefix, [("emergencies", emergency(5, kind="medis"))])
    dash_duo.wait_for_element("#op-grid .ag-row.row-em-unack", timeout=15)
    dash_duo.wait_for_contains_text("#op-sound-btn", "SUARA MATI", timeout=10)
    until(lambda: "ringing" in dash_duo.find_element("#op-sound-btn").get_attribute("class"), timeout=10)
    grid = dash_duo.find_element("#op-grid").text
    for text in (
        "Darurat: Medis",
        "Darurat: Jenis tidak diketahui",
        "Belum diterima",
        "Diterima",
        "Call center",
        "e-Sambat",
        "Drainase tersumbat / banjir",
        "SEGERA",
        "lewat",
        "mnt",
    ):
        assert text in grid, text
    for code in ("tidak-diketahui", "medis", "drainase-banjir", "call-center", "tombol darurat"):
        assert code not in grid, code
    assert re.search(r"\bP-\d+\b", grid) and re.search(r"\bD-\d+\b", grid)
    _shot(dash_duo, "operator-alarm.png")

    # every row state (and the header) at WCAG AA, from the colours the browser computed
    ratios: dict[str, float] = {}
    for row in dash_duo.driver.execute_script(ROW_CELLS_JS):
        for cell in row["cells"]:
            ratio = contrast_ratio(parse_colour(cell["color"])[:3], _seen_colour(cell["chain"]))
            state = _state(row["classes"])
            ratios[state] = min(ratio, ratios.get(state, 99.0))
    assert set(ratios) == {"header", "row-em-unack", "row-em-acked", "row-overdue", "row-soon", "row-normal"}, ratios
    assert all(v >= AA_NORMAL_TEXT for v in ratios.values()), ratios

    # the detail and its (only possible) moves, all in view at 1920×1080
    next(row for row in dash_duo.find_elements("#op-grid .ag-row") if "Jalan berlubang dekat pasar" in row.text).click()
    dash_duo.wait_for_contains_text("#op-detail", "Jalan berlubang dekat pasar", timeout=10)
    with Session() as s:
        number = item_number("complaint", s.query(Complaint.id).filter(Complaint.title.like("Jalan berlubang%")).scalar())
    dash_duo.wait_for_text_to_equal("#op-bar-title", number, timeout=10)
    expected = {b for b, a in ACTIONS.items() if offered(a, role="operator", kind="complaint", status="baru")}
    until(lambda: _visible_buttons(dash_duo) == expected, timeout=10)
    assert dash_duo.find_element("#op-agency-box").is_displayed()  # forwarding needs an agency
    dash_duo.wait_for_element("#op-detail .leaflet-container", timeout=10)
    out_of_view = dash_duo.driver.execute_script(
        """const h = window.innerHeight, w = window.innerWidth;
        return Array.from(document.querySelectorAll('.op-actions button:not([hidden]), #op-note, #op-detail h2, #op-agency-box'))
          .map(e => [e.id || e.tagName, e.getBoundingClientRect()])
          .filter(([_, r]) => r.top < 0 || r.bottom > h || r.left < 0 || r.right > w).map(([id]) => id);"""
    )
    assert out_of_view == []
    assert "WIB" in dash_duo.find_element("#op-detail .timeline").text
    assert "+00:00" not in dash_duo.find_element("#op-detail").text
    _shot(dash_duo, "operator-detail.png")

    dash_duo.find_element("#op-btn-assign").click()
    dash_duo.wait_for_contains_text("#op-message", f"{number}: Baru → Diteruskan", timeout=10)
    dash_duo.wait_for_contains_text("#op-detail .timeline", "Baru → Diteruskan oleh operator:op1", timeout=10)
    assert [e for e in dash_duo.driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_english_console_says_everything_in_english(dash_duo, shift):
    settings, _, _ = shift
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "op1")
    dash_duo.wait_for_contains_text("#op-grid", "Tombol darurat", timeout=15)
    dash_duo.driver.get(f"{dash_duo.server_url}/operator?lang=en")
    dash_duo.wait_for_contains_text("#op-grid", "Emergency: Unknown kind", timeout=15)
    grid = dash_duo.find_element("#op-grid").text
    for text in ("Acknowledged", "New", "Blocked drain / flooding", "Call centre", "overdue", "min", "Complaint"):
        assert text in grid, text
    for indonesian in ("mnt", "lewat", "SEGERA", "Baru", "Diterima", "Tombol darurat"):
        assert indonesian not in grid, indonesian
    next(row for row in dash_duo.find_elements("#op-grid .ag-row") if "Jalan berlubang" in row.text).click()
    dash_duo.wait_for_element("#op-agency-box", timeout=10)
    until(lambda: dash_duo.find_element("#op-agency-box").is_displayed(), timeout=10)
    dash_duo.find_element("#op-agency").click()
    search = dash_duo.wait_for_element("input.dash-dropdown-search", timeout=5)
    assert search.get_attribute("placeholder") == "Type to search"
    dash_duo.driver.get(f"{dash_duo.server_url}/operator")
    dash_duo.wait_for_contains_text("#op-grid", "Tombol darurat", timeout=15)
    next(row for row in dash_duo.find_elements("#op-grid .ag-row") if "Jalan berlubang" in row.text).click()
    until(lambda: dash_duo.find_element("#op-agency-box").is_displayed(), timeout=10)
    dash_duo.find_element("#op-agency").click()
    search = dash_duo.wait_for_element("input.dash-dropdown-search", timeout=5)
    assert search.get_attribute("placeholder") == "Ketik untuk mencari"


def _rows(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#op-grid .ag-center-cols-container .ag-row')).map(r => r.innerText)"
    )


def _only(dash_duo, text: str) -> bool:
    rows = _rows(dash_duo)
    return len(rows) == 1 and text in rows[0]


def _row_order(dash_duo) -> list[str]:
    """Titles in the order shown (AG Grid positions rows absolutely; row-index is the order)."""
    return dash_duo.driver.execute_script(
        """return Array.from(document.querySelectorAll('#op-grid .ag-center-cols-container .ag-row'))
          .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
          .map(r => r.querySelector('[col-id=title]').innerText)"""
    )


def test_search_as_you_type_numbers_keys_and_the_oldest_first_order(dash_duo, shift):
    settings, Session, _ = shift
    dash_duo.start_server(create_dash(settings))
    _login(dash_duo, "op1")
    dash_duo.wait_for_contains_text("#op-grid", "Jalan berlubang dekat pasar", timeout=15)
    with Session() as s:
        ids_ = {c.title: c.id for c in s.query(Complaint)}
        eid = s.query(Emergency.id).scalar()
    search = dash_duo.find_element("#op-search")

    # as you type, no Enter; the pinned emergency obeys the search too
    search.send_keys("lampu")
    until(lambda: _only(dash_duo, "Lampu jalan padam"), timeout=10)
    for text, expected in ((f"D-{eid}", f"D-{eid}"), (f"p{ids_['Lampu jalan padam']}", "Lampu jalan padam")):
        search.send_keys(Keys.CONTROL, "a")
        search.send_keys(text)  # replaces the selection
        until(lambda expected=expected: _only(dash_duo, expected), timeout=10)
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    until(lambda: len(_rows(dash_duo)) == 4, timeout=5)

    # keys: not while typing; j/k move, ? lists them, a acknowledges / marks read
    search.send_keys("j")
    assert not dash_duo.find_element("#op-actionbar").is_displayed()
    search.send_keys(Keys.BACKSPACE, Keys.ESCAPE)
    keys = ActionChains(dash_duo.driver)
    keys.send_keys("?").perform()
    dash_duo.wait_for_contains_text("#op-help", "Pintasan papan ketik", timeout=5)
    assert "eskalasi" in dash_duo.find_element("#op-help").text
    _shot(dash_duo, "operator-shortcuts.png")
    keys.send_keys(Keys.ESCAPE).perform()
    until(lambda: not dash_duo.find_element("#op-help").is_displayed(), timeout=5)
    keys.send_keys("j").perform()
    dash_duo.wait_for_text_to_equal("#op-bar-title", f"D-{eid}", timeout=10)
    keys.send_keys("j").perform()
    first = item_number("complaint", ids_["Drainase tersumbat di Jl. Sudirman"])
    dash_duo.wait_for_text_to_equal("#op-bar-title", first, timeout=10)
    until(lambda: dash_duo.find_element("#op-btn-read").is_displayed(), timeout=10)
    keys.send_keys("a").perform()
    dash_duo.wait_for_contains_text("#op-message", f"{first}: Baru → Dibaca", timeout=10)
    keys.send_keys("/").perform()
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == "op-search"
    search.send_keys(Keys.ESCAPE)

    # the default order: the emergency pinned, then by deadline (overdue, soon, on time) ...
    emergency_row, *complaints = _row_order(dash_duo)
    assert emergency_row.startswith("Darurat:")
    assert complaints == ["Drainase tersumbat di Jl. Sudirman", "Lampu jalan padam", "Jalan berlubang dekat pasar"]
    # ... one click: the unanswered first, oldest first (the overdue one was just read); again: back
    dash_duo.find_element("#op-order").click()
    dash_duo.wait_for_contains_text("#op-order", "Terlama belum dijawab dulu", timeout=5)
    until(
        lambda: (
            _row_order(dash_duo)[1:] == ["Lampu jalan padam", "Jalan berlubang dekat pasar", "Drainase tersumbat di Jl. Sudirman"]
        ),
        timeout=5,
    )
    assert _row_order(dash_duo)[0].startswith("Darurat:")
    dash_duo.find_element("#op-order").click()
    dash_duo.wait_for_contains_text("#op-order", "Urutan: tenggat terdekat", timeout=5)
    until(lambda: _row_order(dash_duo)[1:] == complaints, timeout=5)
