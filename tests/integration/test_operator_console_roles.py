"""The console's new actions over HTTP as each role: what a role may not do is refused by the
server (whatever its screen showed), with CSRF in place, and nothing is written."""

from __future__ import annotations

import json

import pytest
import redis

from app import create_dash
from dashboard import ids
from dashboard.auth import now_utc
from dashboard.callbacks.operator import ACTIONS
from data_access.actions import change_status
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, PersonalDataView, StatusChange
from domain.roles import Role, may_do
from tests.integration.helpers import complaint, create_role_users, login_client, run_until_idle, worker_settings, xadd_all

PASSWORD = "kata-sandi-uji-panjang"
FORBIDDEN = "tidak berwenang"


@pytest.fixture
def console(redis_server, migrated_url, stream_prefix):
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(r, stream_prefix, [("complaints", complaint(1)), ("complaints", complaint(2)), ("complaints", complaint(3))])
    settings = worker_settings(redis_server.url, migrated_url, stream_prefix)
    run_until_idle(settings)
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc())
        c1, c2, c3 = [c.id for c in s.query(Complaint).order_by(Complaint.id)]
        change_status(s, item_kind="complaint", item_id=c3, to_status="diteruskan", actor="t", now=now_utc(), agency_code="DPUPR")
        change_status(s, item_kind="complaint", item_id=c3, to_status="selesai", actor="t", now=now_utc())
    app = create_dash(settings)
    reveal_output = next(k for k in app.callback_map if k.startswith(f"{ids.OP_REPORTER}.children@"))
    return app.server.test_client(), Session, (c1, c2, c3), reveal_output


def _login(client, role):
    login_client(client, f"u-{role}", PASSWORD)
    return {"X-CSRFToken": client.get_cookie("bcc_csrf").value}


def _act(client, headers, *, trigger, selected, note="alasan uji", merge_into=None):
    merge = [{"id": {"type": ids.OP_MERGE, "id": merge_into}, "property": "n_clicks", "value": 1}] if merge_into else []
    changed = json.dumps({"id": merge_into, "type": ids.OP_MERGE}, separators=(",", ":")) if merge_into else trigger
    body = {
        "output": f"..{ids.OP_MESSAGE}.children...{ids.OP_DONE}.data...{ids.OP_NOTE}.value..",
        "outputs": [
            {"id": ids.OP_MESSAGE, "property": "children"},
            {"id": ids.OP_DONE, "property": "data"},
            {"id": ids.OP_NOTE, "property": "value"},
        ],
        "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == trigger else 0} for b in ACTIONS] + [merge],
        "changedPropIds": [f"{changed}.n_clicks"],
        "state": [
            {"id": ids.OP_SELECTED, "property": "data", "value": selected},
            {"id": ids.OP_AGENCY, "property": "value", "value": None},
            {"id": ids.OP_NOTE, "property": "value", "value": note},
            {"id": ids.OP_DONE, "property": "data", "value": 0},
            {"id": ids.OP_LANG, "property": "data", "value": "id"},
        ],
    }
    r = client.post("/_dash-update-component", json=body, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return json.dumps(r.get_json()["response"][ids.OP_MESSAGE]["children"])


def _reveal(client, headers, selected, output):
    body = {
        "output": output,
        "outputs": {"id": ids.OP_REPORTER, "property": "children", "allow_duplicate": True},
        "inputs": [{"id": ids.OP_BTN_REVEAL, "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{ids.OP_BTN_REVEAL}.n_clicks"],
        "state": [
            {"id": ids.OP_SELECTED, "property": "data", "value": selected},
            {"id": ids.OP_LANG, "property": "data", "value": "id"},
        ],
    }
    r = client.post("/_dash-update-component", json=body, headers=headers)
    return r


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_the_console_actions_it_may_not_do(console, role):
    client, Session, (c1, c2, c3), reveal_output = console
    headers = _login(client, role)
    cases = [
        ("escalate", dict(trigger=ids.OP_BTN_ESCALATE, selected={"kind": "complaint", "id": c1, "version": 1})),
        ("note", dict(trigger=ids.OP_BTN_NOTE, selected={"kind": "complaint", "id": c1})),
        ("close", dict(trigger=ids.OP_BTN_CLOSE, selected={"kind": "complaint", "id": c3})),
        ("merge", dict(trigger=None, selected={"kind": "complaint", "id": c2, "version": 1}, merge_into=c1)),
        ("reopen", dict(trigger=ids.OP_BTN_REOPEN, selected={"kind": "complaint", "id": c3})),
    ]
    for action, kwargs in cases:
        with Session() as s:
            before = s.query(StatusChange).count()
        message = _act(client, headers, **kwargs)
        with Session() as s:
            written = s.query(StatusChange).count() - before
        allowed = may_do(role, action) and not (role == Role.AGENCY and action == "note")  # c1 is no agency's item
        if allowed:
            assert FORBIDDEN not in message and written >= 1, (action, message)
        else:
            assert FORBIDDEN in message and written == 0, (action, message)
    r = _reveal(client, headers, {"kind": "complaint", "id": c1}, reveal_output)
    with Session() as s:
        views = s.query(PersonalDataView).count()
    if may_do(role, "reveal_reporter"):
        assert "Budi Siregar" in r.get_data(as_text=True) and views == 1
    else:
        assert "Budi Siregar" not in r.get_data(as_text=True) and views == 0
