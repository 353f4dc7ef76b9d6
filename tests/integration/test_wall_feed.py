"""The wall's catch-up path against real Redis: the change stream after an id, and GET /wall/changes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import redis

from app import create_dash
from data_access.live_changes import CATCH_UP_MAX, ChangePublisher, changes_after, stream_id_key
from data_access.streams import StreamKeys
from devtools.servers import prepare_database
from domain.live_events import change_event
from tests.integration.helpers import worker_settings

TOKEN = "uji-feed-456"
AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def _complaint(i: int) -> dict:
    # the kind of row the worker publishes, with the personal fields a change event must drop
    return {
        "id": i,
        "title": f"Lampu jalan mati {i}",
        "category_code": "penerangan",
        "lat": 3.6,
        "lon": 98.49,
        "status": "baru",
        "reporter_nik": "1275010101900001",
        "reporter_name": "Budi Siregar",
        "reporter_phone": "081234567890",
    }


@pytest.fixture
def changes(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    keys = StreamKeys(stream_prefix)
    publisher = ChangePublisher(r, keys.changes)
    ids = [publisher.publish(change_event(complaints=[_complaint(i)], at=AT)) for i in range(5)]
    return r, keys, ids


def test_stream_ids_compare_as_numbers_and_anything_else_is_refused():
    assert stream_id_key("10-0") > stream_id_key("9-5")
    assert stream_id_key("9-10") > stream_id_key("9-9")
    for bad in ("", "-", "+", "(5-0", "5", "5-0 ", "abc-1", "5-0\n"):
        with pytest.raises(ValueError):
            stream_id_key(bad)


def test_changes_after_an_id_come_in_order_each_with_its_own_id(changes):
    r, keys, ids = changes
    page = changes_after(r, keys.changes, ids[1])
    assert [e["sid"] for e in page.events] == ids[2:]
    assert [e["complaints"][0]["id"] for e in page.events] == [2, 3, 4]
    assert page.last == ids[-1] and not page.more and not page.trimmed
    assert changes_after(r, keys.changes, ids[-1]).events == []
    assert changes_after(r, keys.changes, "0-0").last == ids[-1]


def test_a_long_catch_up_comes_in_pages(changes):
    r, keys, ids = changes
    page = changes_after(r, keys.changes, ids[0], limit=2)
    assert [e["sid"] for e in page.events] == ids[1:3] and page.more
    page = changes_after(r, keys.changes, page.last, limit=2)
    assert [e["sid"] for e in page.events] == ids[3:5]
    assert CATCH_UP_MAX >= 1000


def test_a_gap_older_than_the_capped_stream_says_so(changes):
    r, keys, ids = changes
    assert not changes_after(r, keys.changes, ids[0]).trimmed
    r.xtrim(keys.changes, maxlen=2, approximate=False)  # what MAXLEN does to a busy stream
    assert changes_after(r, keys.changes, ids[0]).trimmed  # ids[1] and ids[2] are gone
    # once the id itself is gone, what followed it cannot be known: the screen re-reads the snapshot
    assert changes_after(r, keys.changes, ids[2]).trimmed
    assert not changes_after(r, keys.changes, ids[3]).trimmed  # still there: nothing after it is missing
    assert [e["sid"] for e in changes_after(r, keys.changes, ids[3]).events] == ids[4:]
    r.xtrim(keys.changes, maxlen=0, approximate=False)
    assert changes_after(r, keys.changes, ids[3]).trimmed and changes_after(r, keys.changes, "0-0").trimmed
    assert not changes_after(r, keys.changes, ids[4]).trimmed  # the newest: nothing came after it


def test_no_stream_yet_means_nothing_missed(redis_server, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    page = changes_after(r, StreamKeys(stream_prefix).changes, "0-0")
    assert page.events == [] and page.last is None and not page.trimmed


@pytest.fixture
def client(redis_server, tmp_path, stream_prefix, changes):
    url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    app = create_dash(worker_settings(redis_server.url, url, stream_prefix, wall_token=TOKEN))
    return app.server.test_client()


def test_the_endpoint_needs_the_wall_token(client, changes):
    _r, _keys, ids = changes
    assert client.get(f"/wall/changes?after={ids[0]}").status_code == 403
    assert client.get(f"/wall/changes?after={ids[0]}", headers={"X-Wall-Token": "salah"}).status_code == 403
    ok = client.get(f"/wall/changes?after={ids[0]}", headers={"X-Wall-Token": TOKEN})
    assert ok.status_code == 200
    assert [e["sid"] for e in ok.get_json()["events"]] == ids[1:]
    assert ok.headers["Cache-Control"] == "no-store"
    client.get(f"/wall?token={TOKEN}")  # the kiosk cookie, as a wall screen has it
    assert client.get(f"/wall/changes?after={ids[3]}").get_json()["last"] == ids[4]


def test_the_endpoint_refuses_what_is_not_a_stream_id(client):
    for bad in ("", "-", "(0-0", "0-0)", "1 2"):
        assert client.get("/wall/changes", query_string={"after": bad}, headers={"X-Wall-Token": TOKEN}).status_code == 400


def test_the_endpoint_sends_no_personal_data(client, changes):
    text = client.get("/wall/changes?after=0-0", headers={"X-Wall-Token": TOKEN}).get_data(as_text=True)
    assert "Lampu jalan mati 0" in text
    for secret in ("1275010101900001", "Budi Siregar", "081234567890", "reporter"):
        assert secret not in text
    assert json.loads(text)["events"]


def test_the_wall_page_loads_neither_the_grid_bundle_nor_its_formatters(client):
    wall = client.get(f"/wall?token={TOKEN}").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', wall)
    assert not [s for s in scripts if "dash_ag_grid" in s or "operator.js" in s]
    # the socket tap must run before socket.io-client (inside dash-socketio) takes the constructor
    tap = next(i for i, s in enumerate(scripts) if "socket-tap.js" in s)
    sio = next(i for i, s in enumerate(scripts) if "dash_socketio" in s)
    assert tap < sio and sum("socket-tap.js" in s for s in scripts) == 1
    operator = client.get("/operator").get_data(as_text=True)
    assert "dash_ag_grid" in operator and "operator.js" in operator
