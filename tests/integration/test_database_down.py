"""With the database gone, an operator's action says plainly that it was not stored (and nothing is),
every page still loads with a banner saying what is down, and all works again when it is back.
PostgreSQL is cut off by a TCP proxy; SQLite is held locked by another connection (writes fail)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app import create_dash
from dashboard import ids
from dashboard.auth import now_utc
from dashboard.callbacks.operator import ACTIONS
from data_access.db import make_engine, make_session_factory
from data_access.models import Emergency, StatusChange
from tests.integration.helpers import create_role_users, login_client, worker_settings
from tests.integration.test_policy_matrix import _new_item
from tests.integration.test_resilience import _DatabaseOutage

PASSWORD = "kata-sandi-uji-panjang"
NOT_STORED = "Belum tersimpan — basis data tidak terhubung"
PAGES = ["/", "/operator", "/agency", "/admin", "/laporan", "/status", "/wall"]


def _ack(client, headers, emergency_id):
    body = {
        "output": f"..{ids.OP_MESSAGE}.children...{ids.OP_DONE}.data...{ids.OP_NOTE}.value..",
        "outputs": [
            {"id": ids.OP_MESSAGE, "property": "children"},
            {"id": ids.OP_DONE, "property": "data"},
            {"id": ids.OP_NOTE, "property": "value"},
        ],
        "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == ids.OP_BTN_ACK else 0} for b in ACTIONS] + [[]],
        "changedPropIds": [f"{ids.OP_BTN_ACK}.n_clicks"],
        "state": [
            {"id": ids.OP_SELECTED, "property": "data", "value": {"kind": "emergency", "id": emergency_id, "version": 1}},
            {"id": ids.OP_AGENCY, "property": "value", "value": None},
            {"id": ids.OP_NOTE, "property": "value", "value": ""},
            {"id": ids.OP_DONE, "property": "data", "value": 0},
            {"id": ids.OP_LANG, "property": "data", "value": "id"},
        ],
    }
    r = client.post("/_dash-update-component", json=body, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return json.dumps(r.get_json()["response"][ids.OP_MESSAGE], ensure_ascii=False)


def _page(app, client, headers, path):
    """The page's content as the browser's router asks for it."""
    output = next(k for k in app.callback_map if "_pages_content.children" in k)
    spec = app.callback_map[output]
    values = {"pathname": path, "search": ""}
    body = {
        "output": output,
        "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")],
        "inputs": [{**i, "value": values.get(i["property"])} for i in spec["inputs"]],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [{**i, "value": None} for i in spec["state"]],
    }
    return client.post("/_dash-update-component", json=body, headers=headers)


def _banner(client, headers):
    body = {
        "output": "system-banner.children",
        "outputs": {"id": "system-banner", "property": "children"},
        "inputs": [{"id": "system-banner-tick", "property": "n_intervals", "value": 1}],
        "changedPropIds": ["system-banner-tick.n_intervals"],
        "state": [],
    }
    r = client.post("/_dash-update-component", json=body, headers=headers)
    assert r.status_code == 200
    return r.get_data(as_text=True)


@pytest.mark.slow
def test_an_action_that_cannot_be_stored_says_so_and_pages_still_load(redis_server, migrated_url, stream_prefix, tmp_path):
    outage = _DatabaseOutage(migrated_url, tmp_path)
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc())
        eid = _new_item(s, "emergency", "baru", "none", now_utc() - timedelta(minutes=1))
    app = create_dash(worker_settings(redis_server.url, outage.worker_url, stream_prefix, wall_token="uji-dinding-123"))
    client = app.server.test_client()
    assert login_client(client, "u-supervisor", PASSWORD).status_code == 302
    headers = {"X-CSRFToken": client.get_cookie("bcc_csrf").value}
    assert "Basis data" not in _banner(client, headers)
    postgres = outage.url.get_backend_name() == "postgresql"
    outage.down()
    try:
        assert NOT_STORED in _ack(client, headers, eid)
        for path in PAGES:
            r = _page(app, client, headers, path)
            assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
            if postgres and path == "/operator":  # its layout reads the database (filters)
                assert "Basis data tidak terhubung" in r.get_data(as_text=True), path
        if postgres:  # SQLite still reads while another connection holds the write lock
            assert "Basis data tidak terhubung" in _banner(client, headers)
            assert client.get("/laporan/export/agencies.csv?from=2026-11-01&to=2026-11-30").status_code == 503
    finally:
        outage.up()
    with Session() as s:
        item = s.get(Emergency, eid)
        assert (item.status, item.version) == ("baru", 1)
        assert s.query(StatusChange).filter_by(item_kind="emergency", item_id=eid).count() == 0
    assert "msg ok" in _ack(client, headers, eid)
    assert "Basis data" not in _banner(client, headers)
    outage.close()
