"""The wall in headless Chromium against real Redis, SQLite, the ingest worker and the live relay."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import socketio

from app import create_dash
from data_access.actions import ActionRequest, Actor, announce, perform
from data_access.db import make_engine, make_session_factory
from data_access.models import Emergency
from data_access.streams import StreamKeys
from tests.browser.conftest import TOKEN, open_wall, wait_connected
from tests.conftest import ARTIFACTS
from tests.integration.helpers import complaint, emergency, xadd_all

PII = ("1275010101900001", "3275010101900001", "081234567890", "081200000000", "Budi Siregar")


def test_wall_loads_every_panel_and_takes_live_events_without_reload(dash_duo, stack):
    settings, r = stack
    open_wall(dash_duo, settings)
    wait_connected(dash_duo)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "3", timeout=15)
    for selector in (
        "#wall-map",
        "#wall-kpi-new",
        "#wall-kpi-median",
        "#wall-kpi-share",
        "#wall-kpi-overdue",
        "#wall-kpi-emergencies",
        "#wall-kpi-buses",
        "#wall-agencies",
        "#wall-mix",
        "#wall-ticker",
        "#wall-clock",
        "#wall-sound-btn",
    ):
        assert dash_duo.find_element(selector).is_displayed(), selector
    assert "WIB" in dash_duo.find_element("#wall-clock").text
    assert "SUARA MATI" in dash_duo.find_element("#wall-sound-btn").text
    dash_duo.driver.execute_script("window.__marker = 'same page'")

    xadd_all(r, settings.stream_prefix, [("complaints", complaint(50, title="Parit meluap di depan sekolah"))])
    dash_duo.wait_for_contains_text("#wall-ticker", "Parit meluap di depan sekolah", timeout=10)
    dash_duo.wait_for_text_to_equal("#wall-kpi-open", "4", timeout=10)
    assert dash_duo.driver.execute_script("return window.__marker") == "same page"  # no reload happened
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "wall.png"))


def test_emergency_alarms_until_acknowledged(dash_duo, stack):
    settings, r = stack
    open_wall(dash_duo, settings)
    wait_connected(dash_duo)
    assert "alarm" not in dash_duo.find_element("#wall-root").get_attribute("class")

    xadd_all(r, settings.stream_prefix, [("emergencies", emergency(7, kind="kebakaran"))])
    dash_duo.wait_for_class_to_equal("#wall-root", "wall alarm", timeout=10)
    dash_duo.wait_for_text_to_equal("#wall-kpi-emergencies", "1", timeout=10)
    assert dash_duo.find_elements(".bcc-sos.pulsing"), "the emergency marker must pulse until acknowledged"
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "wall-alarm.png"))
    time.sleep(1.5)
    assert "alarm" in dash_duo.find_element("#wall-root").get_attribute("class")  # still sounding

    Session = make_session_factory(make_engine(settings.database_url))
    with Session.begin() as s:
        eid = s.query(Emergency.id).filter(Emergency.event_id == "e-7").scalar()
        (outcome,) = perform(
            s, Actor("operator:uji", "operator"), ActionRequest("ack_emergency", "emergency", eid), now=datetime.now(UTC)
        )
    announce(r, StreamKeys(settings.stream_prefix), outcome, Session)
    dash_duo.wait_for_class_to_equal("#wall-root", "wall", timeout=10)
    assert not dash_duo.find_elements(".bcc-sos.pulsing")
    assert dash_duo.find_elements(".bcc-sos")  # still on the map: acknowledged, not yet resolved


def test_without_token_the_wall_shows_no_data(dash_duo, stack):
    settings, _r = stack
    open_wall(dash_duo, settings, query="token=salah")
    dash_duo.wait_for_contains_text(".wall-denied", "token", timeout=10)
    assert not dash_duo.find_elements("#wall-map")
    assert "Jalan berlubang" not in dash_duo.driver.page_source


def test_no_personal_data_reaches_the_wall(dash_duo, stack):
    """Not in the page, not in callback responses, not in socket messages."""
    settings, r = stack
    received: list = []
    client = socketio.Client()
    client.on("changes", lambda data: received.append(data), namespace="/live")

    open_wall(dash_duo, settings)
    wait_connected(dash_duo)
    client.connect(dash_duo.server_url, namespaces=["/live"], auth={"token": TOKEN}, transports=["polling"], wait_timeout=10)
    try:
        xadd_all(
            r,
            settings.stream_prefix,
            [("complaints", complaint(60, description="NIK saya ada di sistem")), ("emergencies", emergency(61))],
        )
        dash_duo.wait_for_text_to_equal("#wall-kpi-emergencies", "1", timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(b["events"] for b in received):
            time.sleep(0.1)
    finally:
        client.disconnect()
    assert any(b["events"] for b in received), "the socket client received no change batch"
    socket_text = json.dumps(received)
    html = dash_duo.driver.page_source
    for secret in PII + ("NIK saya ada di sistem",):
        assert secret not in html, f"{secret} in the wall's HTML"
        assert secret not in socket_text, f"{secret} in a socket message"
    # callback responses: ask the server directly, as the browser does
    server = create_dash(settings).server.test_client()
    server.get(f"/wall?token={TOKEN}")  # sets the kiosk cookie and the CSRF cookie, as for the browser
    csrf = server.get_cookie("bcc_csrf").value
    changes = server.get("/wall/changes?after=0-0").get_data(as_text=True)  # the catch-up / polling endpoint
    assert "Jalan berlubang 60" in changes
    for secret in PII + ("NIK saya ada di sistem",):
        assert secret not in changes, f"{secret} in GET /wall/changes"
    for body in (_snapshot_request(), _kpi_request()):
        text = server.post("/_dash-update-component", json=body, headers={"X-CSRFToken": csrf}).get_data(as_text=True)
        assert '"response"' in text, text[:300]
        for secret in PII:
            assert secret not in text, f"{secret} in a callback response"


def _cfg():
    return {"id": "wall-cfg", "property": "data", "value": {"token": TOKEN, "lang": "id", "shade": "open", "transport": "live"}}


def _snapshot_request():
    outs = [("wall-state", "data"), ("wall-complaints", "data"), ("wall-routes", "data")]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outs],
        "inputs": [
            _cfg(),
            {"id": "wall-snapshot-tick", "property": "n_intervals", "value": None},
            {"id": "wall-resync", "property": "data", "value": 0},
        ],
        "changedPropIds": ["wall-cfg.data"],
        "state": [],
    }


def _kpi_request():
    outs = [
        ("wall-kpi-median", "children"),
        ("wall-kpi-median-sub", "children"),
        ("wall-kpi-share", "children"),
        ("wall-kpi-share-sub", "children"),
        ("wall-kpi-overdue", "children"),
        ("wall-kpi-buses", "children"),
        ("wall-kpi-buses-sub", "children"),
        ("wall-agencies", "children"),
        ("wall-mix", "children"),
        ("wall-health-store", "data"),
    ]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outs],
        "inputs": [
            {"id": "wall-kpi-trigger", "property": "data", "value": {"version": 1}},
            {"id": "wall-rebase", "property": "n_intervals", "value": None},
        ],
        "changedPropIds": ["wall-kpi-trigger.data"],
        "state": [_cfg(), {"id": "wall-health-store", "property": "data", "value": []}],
    }


def test_wall_in_english_names_live_events_in_english(dash_duo, stack):
    settings, r = stack
    open_wall(dash_duo, settings, query=f"token={TOKEN}&lang=en")
    dash_duo.wait_for_contains_text("#wall-health", "LIVE", timeout=15)
    xadd_all(r, settings.stream_prefix, [("emergencies", emergency(8, kind="kebakaran"))])
    dash_duo.wait_for_contains_text("#wall-ticker", "Fire", timeout=10)
    assert "Fire" in dash_duo.find_element(".bcc-sos-label").text
