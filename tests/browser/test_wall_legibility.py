"""The wall read from across the room: text size, geometry, markers and badges, at 1080p and 4K.

Headless Chromium against the real stack (Redis, SQLite, worker, relay). Every visible text node is
measured: anything a person must read is at least 2.2 % of the screen height (24 px at 1080p,
48 px at 4K). Header items must not cover each other, nothing may be cut off inside its panel, and
close emergencies must not cover each other. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import create_dash
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint
from data_access.streams import StreamKeys, read_stream_health
from tests.browser.conftest import TOKEN, open_wall, wait_connected
from tests.conftest import ARTIFACTS
from tests.integration.helpers import bus_fix, complaint, counts, emergency, wait_for, xadd_all

SIZES = ((1920, 1080), (3840, 2160))
MIN_TEXT = 0.022  # of the screen height
MIN_FIGURE = 0.045  # the KPI numbers

TEXT_NODES = """
var minPx = arguments[0] * innerHeight - 0.5, out = {count: 0, small: [], sizes: {}};
function where(el) {
  var parts = [];
  for (var e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
    parts.unshift(e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
      ? '.' + String(e.className).trim().split(/\\s+/).join('.') : ''));
    if (e.id) { break; }
  }
  return parts.join(' > ');
}
function seen(el) {
  for (var e = el; e; e = e.parentElement) {
    var cs = getComputedStyle(e);
    if (cs.visibility === 'hidden' || cs.display === 'none' || parseFloat(cs.opacity) === 0) { return false; }
  }
  return true;
}
var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  var node = walker.currentNode, el = node.parentElement;
  if (!node.textContent.trim() || !el || el.closest('script,style,noscript')) { continue; }
  var range = document.createRange();
  range.selectNodeContents(node);
  var onScreen = [].some.call(range.getClientRects(), function (r) {
    return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  });
  if (!onScreen || !seen(el)) { continue; }
  var px = parseFloat(getComputedStyle(el).fontSize);
  out.count++;
  out.sizes[px.toFixed(1)] = (out.sizes[px.toFixed(1)] || 0) + 1;
  if (px < minPx) { out.small.push(px.toFixed(1) + 'px "' + node.textContent.trim().slice(0, 40) + '" in ' + where(el)); }
}
return out;
"""

GEOMETRY = """
var issues = [], slack = 0.5;
function box(el) { return el.getBoundingClientRect(); }
function name(el) {
  return (el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + String(el.className).trim().split(/\\s+/).join('.')) +
    ' "' + el.textContent.trim().slice(0, 30) + '"';
}
function shown(el) {
  if (!el.getClientRects().length) { return false; }
  for (var e = el; e; e = e.parentElement) { if (getComputedStyle(e).visibility === 'hidden') { return false; } }
  return true;
}
function inside(a, b) { return a.left >= b.left - slack && a.right <= b.right + slack && a.top >= b.top - slack && a.bottom <= b.bottom + slack; }
function cross(a, b) { return a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack; }
function all(sel, root) { return [].filter.call((root || document).querySelectorAll(sel), shown); }
function clipped(el) {  // wider than its box; taller only where the box hides what overflows
  var hides = getComputedStyle(el).overflowY !== 'visible';
  if (el.scrollWidth > el.clientWidth + 1 || (hides && el.scrollHeight > el.clientHeight + 1)) {
    issues.push(name(el) + ' clips its text (' + el.scrollWidth + '×' + el.scrollHeight + ' in ' + el.clientWidth + '×' + el.clientHeight + ')');
  }
}
function within(els, container, what) {
  var c = box(container);
  els.forEach(function (el) { if (!inside(box(el), c)) { issues.push(name(el) + ' not fully inside ' + what); } });
}
function apart(els, what) {
  for (var i = 0; i < els.length; i++) {
    for (var j = i + 1; j < els.length; j++) {
      if (cross(box(els[i]), box(els[j]))) { issues.push(what + ': ' + name(els[i]) + ' overlaps ' + name(els[j])); }
    }
  }
}
var view = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
// the alarm's flashing frame lies in the wall's padding: nothing may sit under it
var root = document.getElementById('wall-root'), rs = getComputedStyle(root), rb = box(root);
var frame = {left: rb.left + parseFloat(rs.paddingLeft), top: rb.top + parseFloat(rs.paddingTop),
             right: rb.right - parseFloat(rs.paddingRight), bottom: rb.bottom - parseFloat(rs.paddingBottom)};
all('.wall-top, .wall-map-wrap, .wall-panels, .wall-ticker').forEach(function (el) {
  if (!inside(box(el), frame)) { issues.push(name(el).slice(0, 40) + ' lies under the alarm frame'); }
});
// header: every item inside the bar, the badges inside their row, none covering another, no text cut
var top = document.querySelector('.wall-top');
var items = all('.wall-title, .chip, .sound-btn, .wall-time .clock, .wall-time .date', top);
within(items, top, 'the header');
within(all('.chip', top), document.getElementById('wall-health'), 'the badge row (cut off)');
apart(items, 'header');
items.forEach(clipped);
// panels: every tile and row inside its panel, no figure or line cut
var side = document.querySelector('.wall-panels');
if (!inside(box(side), view)) { issues.push('the side panels leave the screen'); }
within(all('.kpi, .agencies', side), side, 'the side panels');
all('.kpi', side).forEach(function (tile) {
  clipped(tile);
  within(all('.kpi-num, .kpi-label, .kpi-sub, .mix-row', tile), tile, 'its KPI tile');
  all('.kpi-num', tile).forEach(clipped);
});
var agencies = document.querySelector('.agencies');
within(all('.agency-row, .agency-more, .agency-note, h2', agencies), agencies, 'the agency panel');
within(all('.agency-row', agencies), document.getElementById('wall-agencies'), 'the agency rows');
all('.agency-row', agencies).forEach(clipped);
// ticker: only whole lines
within(all('.tick'), document.getElementById('wall-ticker'), 'the ticker');
// map: legend inside the map; emergency markers never cover each other
var map = document.querySelector('.wall-map-wrap');
within(all('.wall-legend'), map, 'the map');
apart(all('.bcc-sos, .bcc-sos-label'), 'emergency markers');
return issues;
"""


def _size(dash_duo, width: int, height: int) -> None:
    driver = dash_duo.driver
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [innerWidth, innerHeight]")
    if inner != [width, height]:  # a window frame around the page: make the page itself that size
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    wait_for(lambda: driver.execute_script("return [innerWidth, innerHeight]") == [width, height], 5, what=f"{width}×{height}")
    time.sleep(1.2)  # the resize refits rows and regroups markers; the next second redraws the badges


def _check(dash_duo, shot: str) -> list[str]:
    """Measure at both sizes; screenshot each. Returns every problem found, named."""
    problems: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        _size(dash_duo, width, height)
        dash_duo.driver.save_screenshot(str(ARTIFACTS / f"{shot}-{height}p.png"))
        text = dash_duo.driver.execute_script(TEXT_NODES, MIN_TEXT)
        assert text["count"] > 40, text  # the measure really saw the wall
        print(f"{shot} {height}p: {text['count']} text nodes, font sizes px→count {text['sizes']}")
        problems += [f"{height}p text too small: {s}" for s in text["small"]]
        problems += [f"{height}p {p}" for p in dash_duo.driver.execute_script(GEOMETRY)]
        figures = dash_duo.driver.execute_script(
            "return [...document.querySelectorAll('.kpi-num, #wall-clock')].map(e => [e.id, parseFloat(getComputedStyle(e).fontSize)])"
        )
        problems += [f"{height}p key figure {i} only {px}px" for i, px in figures if px < MIN_FIGURE * height * 0.75]
    return problems


def _seed_agencies(settings, medians_min: list[float]) -> None:
    """One forwarded complaint per agency code with the given median (forwarded → in progress)."""
    Session = make_session_factory(make_engine(settings.database_url))
    now = datetime.now(UTC)
    codes = [
        "DPUPR", "DLH", "DISHUB", "PDAM", "DPRKP", "DINKES", "DINSOS", "SATPOLPP", "BPBD", "DISDUKCAPIL", "DAMKAR", "DISDIK",
    ]  # fmt: skip
    with Session.begin() as s:
        rows = s.scalars(select(Complaint).order_by(Complaint.id)).all()
        for c, code, minutes in zip(rows, codes, medians_min, strict=False):
            c.status = "dikerjakan"
            c.agency_code = code
            c.forwarded_at = now - timedelta(hours=1)
            c.in_progress_at = c.forwarded_at + timedelta(minutes=minutes)


def test_idle_wall_is_legible_and_unclipped_at_1080p_and_4k(dash_duo, stack):
    settings, r = stack
    open_wall(dash_duo, settings)
    wait_connected(dash_duo)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "3", timeout=15)
    xadd_all(
        r,
        settings.stream_prefix,
        [("bus_gps", bus_fix(30, vehicle="TB-02", lat="3.5900", route_id="TB-K2", recorded_at=datetime.now(UTC).isoformat()))],
    )
    dash_duo.wait_for_contains_text("#wall-health", "GPS", timeout=10)
    dash_duo.wait_for_contains_text("#wall-kpi-share-sub", "tenggat", timeout=10)
    problems = _check(dash_duo, "wall-idle")
    assert not problems, "\n".join(problems)
    # no bare "—": each empty figure says why beside it
    share_sub = dash_duo.find_element("#wall-kpi-share-sub").text
    if dash_duo.find_element("#wall-kpi-share").text == "—":
        assert "belum ada" in share_sub, share_sub
    # buses in the route palette (no red/orange) and labelled with the route's number
    wait_for(lambda: dash_duo.find_elements(".bcc-bus:not(.stale)"), 10, what="a bus in service")
    colors = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.bcc-bus:not(.stale)')].map(e => getComputedStyle(e).backgroundColor)"
    )
    assert colors, "no bus in service on the map"
    for rgb in colors:
        r, g, b = (int(x) for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
        assert b > r and b >= g * 0.6, f"a bus in {rgb} could pass for an emergency"
    assert {e.text for e in dash_duo.find_elements(".bcc-bus .route")} == {"K1", "K2"}


def test_english_wall_is_legible_and_unclipped_too(dash_duo, stack):
    """English words are longer (\"SOUND OFF — click to enable\", \"Median first response today\")."""
    settings, r = stack
    open_wall(dash_duo, settings, query=f"token={TOKEN}&lang=en")
    dash_duo.wait_for_contains_text("#wall-health", "LIVE", timeout=15)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "3", timeout=15)
    xadd_all(r, settings.stream_prefix, [("emergencies", emergency(80, kind="kecelakaan"))])
    dash_duo.wait_for_contains_text(".bcc-sos-label", "Accident", timeout=10)
    dash_duo.wait_for_contains_text("#wall-kpi-share-sub", "no deadline", timeout=10)
    problems = _check(dash_duo, "wall-en")
    assert not problems, "\n".join(problems)


def test_busy_wall_with_six_close_panics_is_legible_at_1080p_and_4k(dash_duo, stack):
    settings, r = stack
    xadd_all(
        r,
        settings.stream_prefix,
        [("complaints", complaint(10 + i, title=f"Sampah menumpuk di pasar {i}")) for i in range(11)]
        + [
            ("bus_gps", bus_fix(40 + i, vehicle=f"TB-{10 + i}", route_id=f"TB-K{1 + i % 3}", lat=f"{3.58 + i * 0.008:.6f}"))
            for i in range(9)
        ],
    )
    wait_for(lambda: _stored(settings) >= 14, 15, what="the complaints stored")
    # twelve agencies, one at 5.5 minutes against the 10-minute target
    _seed_agencies(settings, [5.5, 3, 8, 14, 25, 40, 65, 90, 120, 180, 240, 300])
    open_wall(dash_duo, settings)
    wait_connected(dash_duo)
    xadd_all(
        r,
        settings.stream_prefix,
        [
            ("emergencies", emergency(70 + i, lat=f"{3.6203 + 0.0007 * (i % 3):.6f}", lon=f"{98.4958 + 0.0009 * (i // 3):.6f}"))
            for i in range(6)
        ],
    )
    dash_duo.wait_for_text_to_equal("#wall-kpi-emergencies", "6", timeout=15)
    wait_for(lambda: len(dash_duo.find_elements("#wall-agencies .agency-row")) == 12, 15, what="the agency rows")
    problems = _check(dash_duo, "wall-busy")
    assert not problems, "\n".join(problems)
    # the six close panics share one marker that says how many
    labels = dash_duo.driver.execute_script("return [...document.querySelectorAll('.bcc-sos')].map(e => e.textContent)")
    assert sum(int(t[:-3]) if t[:-3].isdigit() else 1 for t in labels) == 6, labels
    assert any(t.startswith(("2", "3", "4", "5", "6")) for t in labels), labels
    # not every agency fits: the rest are counted, no half row
    hidden = len(dash_duo.find_elements("#wall-agencies .agency-row.hidden-row"))
    more = dash_duo.find_element("#wall-agencies-more").text
    assert hidden and more == f"+{hidden} lainnya", (hidden, more)
    slowest = dash_duo.find_elements("#wall-agencies .agency-row")[-1]
    assert slowest.is_displayed() and "300 mnt" in slowest.text and "very-late" in slowest.get_attribute("class")
    # coloured by the target: 5.5 minutes (within 10) is green, not red
    row = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.agency-row')].find(e => e.textContent.includes('5,5')).className"
    )
    assert "ok" in row.split() and "very-late" not in row, row


def _stored(settings) -> int:
    return counts(settings.database_url)["complaints"]


def _health(server, csrf, previous):
    """The badges as the wall's KPI callback computes them, asked as the browser asks."""
    outs = [
        ("wall-kpi-median", "children"), ("wall-kpi-median-sub", "children"), ("wall-kpi-share", "children"),
        ("wall-kpi-share-sub", "children"), ("wall-kpi-overdue", "children"), ("wall-kpi-buses", "children"),
        ("wall-kpi-buses-sub", "children"), ("wall-agencies", "children"), ("wall-mix", "children"),
        ("wall-health-store", "data"),
    ]  # fmt: skip
    cfg = {"token": TOKEN, "lang": "id", "shade": "open", "transport": "live"}
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outs],
        "inputs": [
            {"id": "wall-kpi-trigger", "property": "data", "value": {"version": 1}},
            {"id": "wall-rebase", "property": "n_intervals", "value": None},
        ],
        "changedPropIds": ["wall-kpi-trigger.data"],
        "state": [
            {"id": "wall-cfg", "property": "data", "value": cfg},
            {"id": "wall-health-store", "property": "data", "value": previous},
        ],
    }
    answer = server.post("/_dash-update-component", json=body, headers={"X-CSRFToken": csrf}).get_json()
    return {h["stream"]: h for h in answer["response"]["wall-health-store"]["data"]}


def test_badges_age_with_what_is_stored_and_count_refused_entries(stack):
    """A restarted feed resending old ids: entries keep arriving, nothing is stored, the badge says so."""
    settings, r = stack
    server = create_dash(settings).server.test_client()
    server.get(f"/wall?token={TOKEN}")
    csrf = server.get_cookie("bcc_csrf").value
    keys = StreamKeys(settings.stream_prefix)
    wait_for(lambda: counts(settings.database_url)["complaints"] == 3, 10, what="the stack's complaints stored")

    first = _health(server, csrf, [])
    stored_at = first["complaints"]["storedAt"]
    assert stored_at and first["complaints"]["refused"] == 0, first

    xadd_all(r, settings.stream_prefix, [("complaints", complaint(i)) for i in range(3)])  # the same ids again
    wait_for(lambda: _refused(r, keys, settings, "complaints") >= 3, 10, what="the duplicates counted")
    second = _health(server, csrf, list(first.values()))
    assert second["complaints"]["storedAt"] == stored_at  # the age goes on from the last stored item
    assert second["complaints"]["refused"] == 3, second["complaints"]
    assert second["bus_gps"]["refused"] == 0

    xadd_all(r, settings.stream_prefix, [("complaints", complaint(90))])  # a new one is stored
    wait_for(lambda: counts(settings.database_url)["complaints"] == 4, 10, what="the new complaint stored")
    third = _health(server, csrf, list(second.values()))
    assert third["complaints"]["storedAt"] > stored_at and third["complaints"]["refused"] == 0, third["complaints"]


def _refused(r, keys, settings, stream) -> int:
    h = next(h for h in read_stream_health(r, keys, settings.consumer_group) if h.stream == stream)
    return h.duplicates + h.deadlettered
