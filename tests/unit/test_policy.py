"""The policy table agrees with the lifecycles and says who may do what (the matrix tests run it through
the gate and HTTP: tests/integration/test_policy_matrix.py)."""

from __future__ import annotations

import pytest

from domain.escalation import MAX_LEVEL
from domain.lifecycle import COMPLAINT_TRANSITIONS, EMERGENCY_TRANSITIONS
from domain.policy import (
    POLICY,
    RULES,
    SYSTEM,
    ItemFacts,
    Scope,
    check,
    check_input,
    may_do,
)
from domain.refusals import TEXTS, refusal_text
from domain.roles import Role

TABLES = {"complaint": COMPLAINT_TRANSITIONS, "emergency": EMERGENCY_TRANSITIONS}


@pytest.mark.parametrize("rule", [r for r in RULES if r.changes_state], ids=lambda r: f"{r.action}-{r.kind}")
def test_every_move_of_the_policy_is_a_move_of_the_lifecycle(rule):
    table = TABLES[rule.kind]
    for status in rule.from_statuses:
        target = rule.target(status)
        if target != status:
            assert target in {t.value for t in table[status]}, (rule.action, status, target)


@pytest.mark.parametrize("kind", ["complaint", "emergency"])
def test_every_move_of_the_lifecycle_has_an_action(kind):
    for status, targets in TABLES[kind].items():
        for target in targets:
            rules = [r for r in RULES if r.kind == kind and status in r.from_statuses and r.target(status) == target]
            assert rules, (kind, status, target)


def test_agency_users_act_only_on_their_own_agencys_items():
    item = ItemFacts("complaint", "diteruskan", agency_code="DISHUB")
    assert check("resolve", role="agency", actor_agency="DISHUB", item=item) is None
    assert check("resolve", role="agency", actor_agency="DPUPR", item=item).code == "not_yours"
    assert check("resolve", role="agency", actor_agency=None, item=item).code == "not_yours"
    assert check("resolve", role="agency", actor_agency="DISHUB", item=ItemFacts("complaint", "diteruskan")).code == "not_yours"
    assert all(g.scope is Scope.OWN_AGENCY for r in RULES for g in r.grants if g.role == Role.AGENCY)


@pytest.mark.parametrize("action", ["reassign", "reject", "reopen"])
def test_reassign_reject_and_reopen_are_a_supervisors_moves(action):
    roles = {g.role for r in RULES if r.action == action for g in r.grants}
    assert roles == {Role.SUPERVISOR}


def test_the_watchdog_may_only_escalate():
    assert {r.action for r in RULES for g in r.grants if g.role == SYSTEM} == {"escalate"}
    item = ItemFacts("complaint", "dibaca", escalation_level=MAX_LEVEL)
    assert check("escalate", role=SYSTEM, actor_agency=None, item=item).code == "escalation_max"


def test_mayor_and_admin_change_no_item():
    for role in (Role.MAYOR, Role.ADMIN, None, "hacker"):
        assert not any(r.grant_for(role) for r in RULES), role
    assert may_do("admin", "admin_users") and not may_do("operator", "admin_users")


def test_a_move_from_the_wrong_status_is_refused_with_the_lifecycle_reason():
    refusal = check("close", role="operator", actor_agency=None, item=ItemFacts("complaint", "baru"))
    assert refusal.code == "lifecycle" and refusal.values["status"] == "baru"
    assert check("dispatch", role="operator", actor_agency=None, item=ItemFacts("complaint", "baru")).code == "wrong_kind"
    assert check("launch", role="operator", actor_agency=None, item=ItemFacts("complaint", "baru")).code == "unknown_action"


def test_inputs_a_rule_needs():
    item = ItemFacts("complaint", "diteruskan", agency_code="DISHUB")
    assert check_input(POLICY[("reject", "complaint")], note=" ", agency_code=None, item=item).code == "needs_note"
    assert check_input(POLICY[("assign", "complaint")], note=None, agency_code=None, item=item).code == "needs_agency"
    assert check_input(POLICY[("reassign", "complaint")], note=None, agency_code="DISHUB", item=item).code == "same_agency"
    assert check_input(POLICY[("reassign", "complaint")], note=None, agency_code="DPUPR", item=item) is None


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_every_refusal_has_words_in_both_languages(code):
    values = dict(id=7, action="close", status="baru", role="agency", kind="complaint", level=3, agency="DLH", original=3)
    values.update(what="sudah diubah", what_en="was changed", by="operator:a", status_now="baru")
    indonesian, english = refusal_text(code, "id", values), refusal_text(code, "en", values)
    assert indonesian and english and "{" not in indonesian + english
    assert set(TEXTS[code]) == {"id", "en"}


def test_docs_security_holds_the_policy_table_as_it_is():
    """docs/security.md's table is the policy's own; change one, regenerate the other."""
    from pathlib import Path

    from domain.policy import policy_table_markdown

    docs = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert policy_table_markdown() in docs
