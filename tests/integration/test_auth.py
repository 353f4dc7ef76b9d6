"""Login, roles and CSRF against the real app and database."""

from __future__ import annotations

import pytest

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from data_access.users import authenticate
from domain.policy import ACTIONS, may_do
from domain.roles import ADMIN_ACTION_ROLES, PAGE_ROLES, Role, may_view
from tests.integration.helpers import create_role_users, login_client, worker_settings

PASSWORD = "kata-sandi-uji-panjang"


@pytest.fixture
def app_client(redis_server, migrated_url, stream_prefix):
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc())
    app = create_dash(worker_settings(redis_server.url, migrated_url, stream_prefix))
    return app.server.test_client(), Session


def _login(client, username, password=PASSWORD):
    return login_client(client, username, password)


def test_passwords_are_hashed_and_checked(app_client):
    _client, Session = app_client
    with Session() as s:
        from data_access.models import User

        stored = s.query(User).filter_by(username="u-operator").one().password_hash
        assert PASSWORD not in stored and stored.startswith("$argon2id$")
        assert authenticate(s, username="u-operator", password=PASSWORD) is not None
        assert authenticate(s, username="u-operator", password="salah-salah-salah") is None
        assert authenticate(s, username="tidak-ada", password=PASSWORD) is None


def test_login_with_wrong_password_is_refused(app_client):
    client, _ = app_client
    r = _login(client, "u-operator", "salah-sekali-ya")
    assert r.status_code == 401 and "salah" in r.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(app_client):
    client, _ = app_client
    r = client.post("/masuk", data={"username": "u-operator", "password": PASSWORD})
    assert r.status_code == 400


def test_login_redirects_only_inside_the_site(app_client):
    client, _ = app_client
    client.get("/masuk")
    token = client.get_cookie("bcc_csrf").value
    r = client.post(
        "/masuk?next=https://jahat.example/x", data={"username": "u-operator", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_dash_callbacks_need_the_csrf_header(app_client):
    client, _ = app_client
    _login(client, "u-operator")
    body = {
        "output": "op-grid.rowData",
        "outputs": {"id": "op-grid", "property": "rowData"},
        "inputs": [
            {"id": "op-socket", "property": "data-changes", "value": None},
            {"id": "op-refresh", "property": "n_intervals", "value": None},
            {"id": "op-done", "property": "data", "value": 0},
            {"id": "op-filter-status", "property": "value", "value": None},
            {"id": "op-filter-overdue", "property": "value", "value": []},
            {"id": "op-search", "property": "value", "value": None},
            {"id": "op-filter-category", "property": "value", "value": None},
            {"id": "op-filter-kecamatan", "property": "value", "value": None},
            {"id": "op-filter-agency", "property": "value", "value": None},
        ],
        "changedPropIds": [],
        "state": [{"id": "op-lang", "property": "data", "value": "id"}],
    }
    assert client.post("/_dash-update-component", json=body).status_code == 400
    token = client.get_cookie("bcc_csrf").value
    assert client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token}).status_code == 200


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted({*ACTIONS, *ADMIN_ACTION_ROLES}))
def test_each_role_may_do_only_its_actions(role, action):
    expected = {
        Role.OPERATOR: {
            "mark_read",
            "assign",
            "escalate",
            "note",
            "resolve",
            "close",
            "merge",
            "reveal_reporter",
            "ack_emergency",
            "dispatch",
            "on_scene",
            "resolve_emergency",
            "false_alarm",
        },
        Role.SUPERVISOR: set(ACTIONS),
        Role.AGENCY: {"note", "start_work", "resolve"},
        Role.MAYOR: set(),
        Role.ADMIN: {"admin_users", "admin_agencies", "admin_categories", "admin_posts"},
    }[role]
    assert may_do(role, action) == (action in expected)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", sorted(PAGE_ROLES))
def test_each_role_sees_only_its_pages(role, path):
    expected = {
        Role.OPERATOR: {"/operator"},
        Role.SUPERVISOR: {"/operator", "/laporan"},
        Role.AGENCY: {"/agency"},
        Role.MAYOR: {"/laporan"},
        Role.ADMIN: {"/laporan", "/admin"},
    }[role]
    assert may_view(role, path) == (path in expected)
    assert not may_view(None, path)
