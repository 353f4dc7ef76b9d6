"""The policy matrix, generated from the table in domain/policy.py: every action × every role (and no
session) × own / other agency × every lifecycle state, through the data layer's gate and through
HTTP (Dash callback POSTs with CSRF, as a browser sends them), on SQLite and PostgreSQL.

Each case gets an item of its own in the state under test; the item's row and its audit trail are
read from the database before and after. The expectation is read off the table's rows (grants,
scopes, start statuses), not from the gate's own check, so a gate that disagrees with its table fails.
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_dash
from dashboard import ids
from dashboard.auth import now_utc
from dashboard.callbacks.agency import BUTTONS as AGENCY_BUTTONS
from dashboard.callbacks.operator import ACTIONS as CONSOLE_BUTTONS
from data_access.actions import ActionRefused, ActionRequest, Actor, perform
from data_access.db import make_engine, make_session_factory
from data_access.models import Complaint, Emergency, StatusChange
from domain.lifecycle import ComplaintStatus, EmergencyStatus
from domain.policy import RULES, Scope
from domain.roles import Role
from tests.integration.helpers import create_role_users, login_client, worker_settings

PASSWORD = "kata-sandi-uji-panjang"
OWN, OTHER = "DPUPR", "DISHUB"  # the agency user's agency, and another
TARGET = "DLH"  # where assign / reassign send an item (neither of the two)
ROLES = [*(r.value for r in Role), None]  # None: no session at all
STATES = {"complaint": [s.value for s in ComplaintStatus], "emergency": [s.value for s in EmergencyStatus]}
RULES_UNDER_TEST = [r for r in RULES if r.changes_state]


@dataclass(frozen=True)
class Case:
    rule_index: int
    role: str | None
    scope: str  # own / other: whose agency the item is assigned to (emergencies: none)
    status: str

    @property
    def rule(self):
        return RULES_UNDER_TEST[self.rule_index]

    def expected(self) -> bool:
        """Read off the table: a grant for the role, the item in the grant's scope, a start status."""
        grant = next((g for g in self.rule.grants if g.role == self.role), None)
        if grant is None:
            return False
        if grant.scope is Scope.OWN_AGENCY and self.scope != "own":
            return False
        return self.status in self.rule.from_statuses


def cases() -> list[Case]:
    out = []
    for i, rule in enumerate(RULES_UNDER_TEST):
        scopes = ("own", "other") if rule.kind == "complaint" else ("none",)
        for role, scope, status in itertools.product(ROLES, scopes, STATES[rule.kind]):
            out.append(Case(i, role, scope, status))
    return out


CASES = cases()


def _new_item(s, kind: str, status: str, scope: str, base_time):
    """An item in `status`, assigned to OWN or OTHER (complaints), with version 1 and no history."""
    now = now_utc()
    tag = uuid.uuid4().hex[:12]
    if kind == "complaint":
        item = Complaint(
            event_id=f"matrix-{tag}", stream_entry_id="0-1", source="uji", reported_at=base_time, received_at=base_time,
            category_code="jalan-rusak", title="Uji matriks", lat=3.6, lon=98.48, location_source="gps",
            reporter_nik="1275010101900001", status=status, agency_code=OWN if scope == "own" else OTHER,
            first_response_due_at=now + timedelta(hours=1), resolution_due_at=now + timedelta(days=5), updated_at=now,
            version=1, escalation_level=0,
        )  # fmt: skip
    else:
        item = Emergency(
            event_id=f"matrix-{tag}", stream_entry_id="0-1", pressed_at=base_time, received_at=base_time, kind="medis",
            lat=3.6, lon=98.48, reporter_nik="1275010101900001", status=status, updated_at=now, version=1,
        )  # fmt: skip
    s.add(item)
    s.flush()
    return item.id


def _snapshot(Session, kind: str, item_id: int):
    model = Complaint if kind == "complaint" else Emergency
    with Session() as s:
        item = s.get(model, item_id)
        trail = s.scalar(
            select(func.count()).select_from(StatusChange).where(StatusChange.item_kind == kind, StatusChange.item_id == item_id)
        )
        return (item.status, item.version, getattr(item, "escalation_level", 0), getattr(item, "agency_code", None)), trail


def _assert_outcome(case: Case, before, after, item_id: int) -> None:
    (status0, version0, level0, _agency0), trail0 = before
    (status1, version1, level1, agency1), trail1 = after
    rule = case.rule
    label = (rule.action, rule.kind, case.role, case.scope, case.status, item_id)
    if not case.expected():
        assert (status1, version1, level1, trail1) == (status0, version0, level0, trail0), label
        return
    assert trail1 > trail0, label
    if rule.action == "note":
        assert (status1, version1) == (status0, version0), label
    elif rule.action == "escalate":
        assert (status1, version1, level1) == (status0, version0 + 1, level0 + 1), label
    else:
        assert (status1, version1) == (rule.target(status0), version0 + 1), label
        if rule.needs_agency:
            assert agency1 == TARGET, label


@pytest.fixture
def matrix_db(migrated_url):
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc(), agency_code=OWN)
        base = now_utc() - timedelta(hours=2)
        original = _new_item(s, "complaint", "baru", "own", base - timedelta(days=1))  # merge target: earlier, open
    return Session, original, base


def _request(case: Case, item_id: int, original_id: int) -> ActionRequest:
    rule = case.rule
    return ActionRequest(
        rule.action,
        rule.kind,
        item_id,
        expected_version=1,
        note="alasan uji",
        agency_code=TARGET if rule.needs_agency else None,
        original_id=original_id if rule.action == "merge" else None,
    )


def test_the_gate_agrees_with_the_policy_table(matrix_db, capsys):
    Session, original, base = matrix_db
    allowed = 0
    for case in CASES:
        with Session.begin() as s:
            item_id = _new_item(s, case.rule.kind, case.status, case.scope, base)
        before = _snapshot(Session, case.rule.kind, item_id)
        actor = Actor(f"{case.role or '-'}:uji", case.role, OWN if case.role == "agency" else None)
        try:
            with Session.begin() as s:
                perform(s, actor, _request(case, item_id, original), now=now_utc())
            allowed += 1
        except ActionRefused as exc:
            assert not case.expected(), (case, exc.message("id"))
            assert exc.message("en") and exc.message("id")
        _assert_outcome(case, before, _snapshot(Session, case.rule.kind, item_id), item_id)
    with capsys.disabled():
        print(f"\n  policy matrix, data layer: {len(CASES)} cases ({allowed} allowed, {len(CASES) - allowed} refused)")
    assert allowed == sum(c.expected() for c in CASES)


# --- the same matrix over HTTP --------------------------------------------------------------------


def _console_body(case: Case, item_id: int, original_id: int) -> dict:
    action = case.rule.action
    merge = action == "merge"
    button = next((b for b, a in CONSOLE_BUTTONS.items() if a == action), None)
    merge_id = {"id": original_id, "type": ids.OP_MERGE}
    return {
        "output": f"..{ids.OP_MESSAGE}.children...{ids.OP_DONE}.data...{ids.OP_NOTE}.value..",
        "outputs": [
            {"id": ids.OP_MESSAGE, "property": "children"},
            {"id": ids.OP_DONE, "property": "data"},
            {"id": ids.OP_NOTE, "property": "value"},
        ],
        "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == button else 0} for b in CONSOLE_BUTTONS]
        + [[{"id": merge_id, "property": "n_clicks", "value": 1}] if merge else []],
        "changedPropIds": [f"{json.dumps(merge_id, separators=(',', ':')) if merge else button}.n_clicks"],
        "state": [
            {"id": ids.OP_SELECTED, "property": "data", "value": {"kind": case.rule.kind, "id": item_id, "version": 1}},
            {"id": ids.OP_AGENCY, "property": "value", "value": TARGET},
            {"id": ids.OP_NOTE, "property": "value", "value": "alasan uji"},
            {"id": ids.OP_DONE, "property": "data", "value": 0},
            {"id": ids.OP_LANG, "property": "data", "value": "id"},
        ],
    }


def _agency_body(case: Case, item_id: int) -> dict:
    button = next(b for b, a in AGENCY_BUTTONS.items() if a == case.rule.action)
    return {
        "output": f"..{ids.AG_MESSAGE}.children...{ids.AG_DONE}.data...{ids.AG_NOTE}.value..",
        "outputs": [
            {"id": ids.AG_MESSAGE, "property": "children"},
            {"id": ids.AG_DONE, "property": "data"},
            {"id": ids.AG_NOTE, "property": "value"},
        ],
        "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == button else 0} for b in AGENCY_BUTTONS],
        "changedPropIds": [f"{button}.n_clicks"],
        "state": [
            {"id": ids.AG_SELECTED, "property": "data", "value": {"id": item_id, "version": 1}},
            {"id": ids.AG_NOTE, "property": "value", "value": "alasan uji"},
            {"id": ids.AG_DONE, "property": "data", "value": 0},
            {"id": ids.AG_LANG, "property": "data", "value": "id"},
        ],
    }


def _clients(app) -> dict:
    """One logged-in test client per role (and one without a session), each with its CSRF header."""
    out = {}
    for role in ROLES:
        client = app.server.test_client()
        if role is None:
            client.get("/masuk")
        else:
            assert login_client(client, f"u-{role}", PASSWORD).status_code == 302, role
        out[role] = (client, {"X-CSRFToken": client.get_cookie("bcc_csrf").value})
    return out


def test_http_agrees_with_the_policy_table(matrix_db, redis_server, migrated_url, stream_prefix, capsys):
    Session, original, base = matrix_db
    app = create_dash(worker_settings(redis_server.url, migrated_url, stream_prefix))
    clients = _clients(app)
    posts = 0
    for case in CASES:
        entries = [("console", _console_body)]
        if case.rule.action in AGENCY_BUTTONS.values():
            entries.append(("agency", None))
        for entry, _body in entries:
            with Session.begin() as s:
                item_id = _new_item(s, case.rule.kind, case.status, case.scope, base)
            before = _snapshot(Session, case.rule.kind, item_id)
            body = _console_body(case, item_id, original) if entry == "console" else _agency_body(case, item_id)
            client, headers = clients[case.role]
            r = client.post("/_dash-update-component", json=body, headers=headers)
            posts += 1
            assert r.status_code == 200, (case, entry, r.status_code, r.get_data(as_text=True)[:300])
            message = json.dumps(r.get_json()["response"][ids.OP_MESSAGE if entry == "console" else ids.AG_MESSAGE])
            assert ("msg ok" in message) == case.expected(), (case, entry, message)
            _assert_outcome(case, before, _snapshot(Session, case.rule.kind, item_id), item_id)
    with capsys.disabled():
        print(f"\n  policy matrix, HTTP: {posts} callback POSTs ({len(CASES)} cases; agency view's two actions twice)")
