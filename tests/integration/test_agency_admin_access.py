"""Every role against the agency view and the admin pages, through the real app: pages, the Dash
callback endpoint (as a forged request would use it), CSRF, and the agency scope."""

from __future__ import annotations

import json

import pytest
import redis
from flask_login import login_user

from app import create_dash
from dashboard import ids
from dashboard.auth import SessionUser, now_utc
from data_access.db import make_engine, make_session_factory
from data_access.models import AdminChange, Agency, Category, Complaint, ResponderPost, User
from data_access.users import get_user
from devtools.servers import prepare_database
from domain.roles import Role
from tests.integration.helpers import complaint, create_role_users, move, run_until_idle, worker_settings, xadd_all

PASSWORD = "kata-sandi-uji-panjang"
REPORTER = ("1275010101900001", "Budi Siregar", "081234567890")


@pytest.fixture
def world(redis_server, tmp_path, stream_prefix):
    """SQLite only: access rules live in the app, and the data layer's scoping runs on both
    databases in test_agency.py and test_admin.py."""
    migrated_url = prepare_database(f"sqlite:///{tmp_path / 'bcc.sqlite3'}")
    r = redis.Redis.from_url(redis_server.url)
    xadd_all(
        r, stream_prefix, [("complaints", complaint(1, title="Milik DPUPR")), ("complaints", complaint(2, title="Milik DLH"))]
    )
    settings = worker_settings(redis_server.url, migrated_url, stream_prefix)
    run_until_idle(settings)
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc())
        items = {c.title: c.id for c in s.query(Complaint)}
        for title, agency in (("Milik DPUPR", "DPUPR"), ("Milik DLH", "DLH")):
            move(
                s,
                item_kind="complaint",
                item_id=items[title],
                to_status="diteruskan",
                actor="op",
                now=now_utc(),
                agency_code=agency,
            )
    app = create_dash(settings)
    return app, Session, items


def _client(app, username: str | None):
    client = app.server.test_client()
    client.get("/masuk")
    if username:
        token = client.get_cookie("bcc_csrf").value
        assert client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


def _callback_key(app, trigger: str) -> str:
    """The callback-map key (its outputs) of the callback that `trigger` (id.prop) fires."""
    for key, spec in app.callback_map.items():
        if any(f"{i['id']}.{i['property']}" == trigger for i in spec["inputs"]):
            return key
    raise KeyError(trigger)


def _outputs(key: str) -> list[dict] | dict:
    """As the browser sends them: a list for a multi-output callback, one object otherwise."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    return outputs if key.startswith("..") else outputs[0]


def dash_call(app, client, trigger: str, values: dict, csrf: bool = True):
    """POST to /_dash-update-component as the browser does: `values` gives each input/state by id.prop."""
    key = _callback_key(app, trigger)
    spec = app.callback_map[key]

    def items(kind):
        return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")} for i in spec[kind]]

    body = {
        "output": key,
        "outputs": _outputs(key),
        "inputs": items("inputs"),
        "state": items("state"),
        "changedPropIds": [trigger],
    }
    headers = {"X-CSRFToken": client.get_cookie("bcc_csrf").value} if csrf else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


def _text(response) -> str:
    """The callback's answer as readable text (Dash escapes non-ASCII such as '→' in its JSON)."""
    if response.status_code != 200:
        return ""
    return json.dumps(response.get_json(), ensure_ascii=False)


# --- pages --------------------------------------------------------------------------------------


def _page_text(app, Session, username, module: str) -> str:
    import importlib

    layout = importlib.import_module(module).layout
    with Session() as s:
        user_id = s.query(User.id).filter_by(username=username).scalar()
    with app.server.test_request_context("/"):
        with Session() as s:
            login_user(SessionUser(get_user(s, user_id=user_id)))
        return json.dumps(layout().to_plotly_json(), default=str)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    ("path", "module", "allowed"),
    [("/agency", "dashboard.layouts.agency", {Role.AGENCY}), ("/admin", "dashboard.layouts.admin", {Role.ADMIN})],
)
def test_each_role_opens_only_its_pages(world, role, path, module, allowed):
    app, Session, _items = world
    text = _page_text(app, Session, f"u-{role}", module)
    grid = ids.AG_GRID if path == "/agency" else ids.ADM_TABS
    assert (grid in text) == (role in allowed)
    if role not in allowed:
        assert "Akses ditolak" in text


@pytest.mark.parametrize("role", [None, *Role])
def test_home_links_only_the_pages_a_role_may_open(world, role):
    app, Session, _items = world
    from dashboard.layouts.home import layout

    if role is None:
        with app.server.test_request_context("/"):
            text = json.dumps(layout().to_plotly_json(), default=str)
    else:
        text = _page_text(app, Session, f"u-{role}", "dashboard.layouts.home")
    assert ("/agency?" in text) == (role == Role.AGENCY)
    assert ("/admin?" in text) == (role == Role.ADMIN)


# --- the agency's callbacks ------------------------------------------------------------------------


def _start(item_id: int, version: int = 2) -> dict:
    return {
        f"{ids.AG_BTN_START}.n_clicks": 1,
        f"{ids.AG_SELECTED}.data": {"id": item_id, "version": version},
        f"{ids.AG_DONE}.data": 0,
    }


def test_agency_queue_over_the_endpoint_is_its_own_and_has_no_reporter_data(world):
    app, _Session, items = world
    client = _client(app, "u-agency")
    r = dash_call(app, client, f"{ids.AG_REFRESH}.n_intervals", {f"{ids.AG_REFRESH}.n_intervals": 1})
    body = _text(r)
    assert "Milik DPUPR" in body and "Milik DLH" not in body
    assert not any(v in body for v in REPORTER)
    detail = _text(
        dash_call(app, client, f"{ids.AG_GRID}.selectedRows", {f"{ids.AG_GRID}.selectedRows": [{"id": items["Milik DPUPR"]}]})
    )
    assert "Milik DPUPR" in detail and not any(v in detail for v in REPORTER)


def test_forged_request_for_another_agencys_item_is_refused(world):
    app, Session, items = world
    client = _client(app, "u-agency")
    dlh = items["Milik DLH"]
    detail = _text(dash_call(app, client, f"{ids.AG_GRID}.selectedRows", {f"{ids.AG_GRID}.selectedRows": [{"id": dlh}]}))
    assert "Milik DLH" not in detail and "tidak ada dalam antrean OPD Anda" in detail
    r = dash_call(app, client, f"{ids.AG_BTN_START}.n_clicks", _start(dlh))
    assert r.status_code == 200 and "tidak ada dalam antrean OPD Anda" in _text(r)
    with Session() as s:
        c = s.get(Complaint, dlh)
        assert (c.status, c.version) == ("diteruskan", 2)
    # the own item works through the same endpoint
    r = dash_call(app, client, f"{ids.AG_BTN_START}.n_clicks", _start(items["Milik DPUPR"]))
    assert "diteruskan → dikerjakan" in _text(r)


def test_agency_action_needs_the_csrf_header(world):
    app, Session, items = world
    client = _client(app, "u-agency")
    assert dash_call(app, client, f"{ids.AG_BTN_START}.n_clicks", _start(items["Milik DPUPR"]), csrf=False).status_code == 400
    with Session() as s:
        assert s.get(Complaint, items["Milik DPUPR"]).status == "diteruskan"


@pytest.mark.parametrize("role", [None, Role.MAYOR, Role.ADMIN, Role.OPERATOR])
def test_the_agency_views_buttons_do_only_what_the_policy_grants_the_role(world, role):
    """The page does not matter, the action does: a mayor or admin posting the agency view's buttons is
    refused; an operator may mark an item done (the policy's `resolve`), but not start the agency's work."""
    app, Session, items = world
    client = _client(app, f"u-{role}" if role else None)
    for button in (ids.AG_BTN_START, ids.AG_BTN_DONE):
        values = _start(items["Milik DPUPR"]) | {f"{button}.n_clicks": 1, f"{ids.AG_NOTE}.value": "selesai dikerjakan"}
        r = dash_call(app, client, f"{button}.n_clicks", values)
        granted = role == Role.OPERATOR and button == ids.AG_BTN_DONE
        assert r.status_code == 200 and ("→" in _text(r)) == granted, (button, _text(r))
        if not granted:
            assert "tidak berwenang" in _text(r)
    with Session() as s:
        assert s.get(Complaint, items["Milik DPUPR"]).status == ("selesai" if role == Role.OPERATOR else "diteruskan")


# --- the admin's callbacks -----------------------------------------------------------------------


def _admin_calls(Session) -> dict:
    with Session() as s:
        post = s.query(ResponderPost).filter_by(code="POL-KOTA").one()
        user_id = s.query(User.id).filter_by(username="u-mayor").scalar()
    return {
        "admin_users": (
            f"{ids.ADM_USER_SAVE}.n_clicks",
            {
                f"{ids.ADM_USER_ID}.data": user_id,
                f"{ids.ADM_USER_NAME}.value": "Dipromosikan",
                f"{ids.ADM_USER_ROLE}.value": "admin",
                f"{ids.ADM_USER_ACTIVE}.value": ["on"],
            },
        ),
        "admin_agencies": (
            f"{ids.ADM_AGENCY_CREATE}.n_clicks",
            {
                f"{ids.ADM_AGENCY_CODE}.value": "BARU",
                f"{ids.ADM_AGENCY_NAME}.value": "OPD Baru",
                f"{ids.ADM_AGENCY_KIND}.value": "city",
            },
        ),
        "admin_categories": (
            f"{ids.ADM_CAT_SAVE}.n_clicks",
            {
                f"{ids.ADM_CAT_CODE}.value": "jalan-rusak",
                f"{ids.ADM_CAT_NAME_ID}.value": "Jalan rusak",
                f"{ids.ADM_CAT_NAME_EN}.value": "Damaged road",
                f"{ids.ADM_CAT_GROUP}.value": "infrastruktur",
                f"{ids.ADM_CAT_AGENCY}.value": "DPUPR",
                f"{ids.ADM_CAT_FIRST}.value": "1",
                f"{ids.ADM_CAT_FORWARD}.value": "60",
                f"{ids.ADM_CAT_FOLLOWUP}.value": "5",
                f"{ids.ADM_CAT_RESOLUTION}.value": "14",
                f"{ids.ADM_CAT_ACTIVE}.value": ["on"],
            },
        ),
        "admin_posts": (
            f"{ids.ADM_POST_SAVE}.n_clicks",
            {
                f"{ids.ADM_POST_ID}.data": post.id,
                f"{ids.ADM_POST_CODE}.value": "POL-KOTA",
                f"{ids.ADM_POST_NAME}.value": "Pos diubah",
                f"{ids.ADM_POST_KIND}.value": "polisi",
                f"{ids.ADM_POST_LAT}.value": str(post.lat),
                f"{ids.ADM_POST_LON}.value": str(post.lon),
                f"{ids.ADM_POST_ACTIVE}.value": ["on"],
            },
        ),
    }


def _admin_effect(Session) -> dict:
    with Session() as s:
        return {
            "admin_users": s.query(User.role).filter_by(username="u-mayor").scalar(),
            "admin_agencies": s.get(Agency, "BARU") is not None,
            "admin_categories": s.get(Category, "jalan-rusak").first_response_minutes,
            "admin_posts": s.query(ResponderPost.name).filter_by(code="POL-KOTA").scalar(),
        }


@pytest.mark.parametrize("role", [None, *Role])
@pytest.mark.parametrize("action", ["admin_users", "admin_agencies", "admin_categories", "admin_posts"])
def test_only_an_admin_changes_admin_data(world, role, action):
    app, Session, _items = world
    client = _client(app, f"u-{role}" if role else None)
    trigger, values = _admin_calls(Session)[action]
    before = _admin_effect(Session)[action]
    r = dash_call(app, client, trigger, values | {trigger: 1})
    after = _admin_effect(Session)[action]
    with Session() as s:
        audited = s.query(AdminChange).filter(AdminChange.actor.like("admin:%")).count()
    if role == Role.ADMIN:
        assert r.status_code == 200 and after != before and audited == 1, _text(r)
    else:
        assert after == before and audited == 0
        assert r.status_code == 204 or "tidak berwenang" in _text(r)


def test_bad_admin_input_gets_a_message_not_a_crash(world):
    app, Session, _items = world
    client = _client(app, "u-admin")
    trigger, values = _admin_calls(Session)["admin_categories"]
    for bad in (
        {f"{ids.ADM_CAT_FIRST}.value": "sepuluh"},
        {f"{ids.ADM_CAT_FIRST}.value": {"x": 1}},
        {f"{ids.ADM_CAT_GROUP}.value": ["a"]},
    ):
        r = dash_call(app, client, trigger, values | bad | {trigger: 1})
        assert r.status_code == 200 and "Tidak disimpan" in _text(r)
    trigger, values = _admin_calls(Session)["admin_posts"]
    r = dash_call(
        app, client, trigger, values | {f"{ids.ADM_POST_LAT}.value": "3.5952", f"{ids.ADM_POST_LON}.value": "98.6722", trigger: 1}
    )
    assert "km di luar Kota Binjai" in _text(r)
    trigger, values = _admin_calls(Session)["admin_users"]
    r = dash_call(app, client, f"{ids.ADM_USER_CREATE}.n_clicks", {f"{ids.ADM_USER_CREATE}.n_clicks": 1})
    assert r.status_code == 200 and "Tidak disimpan" in _text(r)


def test_admin_creates_a_user_and_sees_the_generated_password_once_never_a_hash(world):
    app, Session, _items = world
    client = _client(app, "u-admin")
    values = {
        f"{ids.ADM_USER_CREATE}.n_clicks": 1,
        f"{ids.ADM_USER_USERNAME}.value": "petugas-dlh",
        f"{ids.ADM_USER_NAME}.value": "Petugas DLH",
        f"{ids.ADM_USER_ROLE}.value": "agency",
        f"{ids.ADM_USER_AGENCY}.value": "DLH",
    }
    body = _text(dash_call(app, client, f"{ids.ADM_USER_CREATE}.n_clicks", values))
    assert "hanya ditampilkan sekali" in body and "$argon2" not in body
    tables = _text(dash_call(app, client, f"{ids.ADM_TABS}.value", {f"{ids.ADM_TABS}.value": "users"}))
    assert "petugas-dlh" in tables and "$argon2" not in tables and "password" not in tables
