"""Sign-in rules: the lockout threshold, the idle timeout, and which requests show a person at the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.sign_in import RequestShape, changed_props_of, idle_expired, is_user_activity, locks_now, typed_username

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
CALLBACK = "/_dash-update-component"


@pytest.mark.parametrize(("failures", "lock_after", "locked"), [(9, 10, False), (10, 10, True), (11, 10, True), (99, 0, False)])
def test_the_lockout_starts_at_the_threshold(failures, lock_after, locked):
    assert locks_now(failures, lock_after) is locked


def test_typed_usernames_are_cut_and_control_characters_shown():
    assert typed_username("a" * 100) == "a" * 64
    assert typed_username("op\x00er\nator") == "op\ufffder\ufffdator"
    assert typed_username(None) == ""


@pytest.mark.parametrize(
    ("idle_for", "timeout", "expired"),
    [
        (timedelta(minutes=29), timedelta(minutes=30), False),
        (timedelta(minutes=30), timedelta(minutes=30), False),
        (timedelta(minutes=30, seconds=1), timedelta(minutes=30), True),
        (timedelta(days=3), timedelta(0), False),  # 0 turns the idle timeout off
    ],
)
def test_idle_timeout(idle_for, timeout, expired):
    assert idle_expired(NOW - idle_for, NOW, timeout) is expired


def test_a_session_without_a_last_activity_has_ended():
    assert idle_expired(None, NOW, timedelta(minutes=30))


@pytest.mark.parametrize(
    ("changed", "active"),
    [
        (("op-refresh.n_intervals",), False),  # the console refreshing itself
        (("op-socket.data-changes",), False),  # a live push
        (("wall-socket.connected",), False),
        (("op-grid.rowData",), False),  # a grid refilled by another callback
        (("op-done.data",), False),
        ((), False),  # the initial call when a page loads (the page load itself counted)
        (("op-search.value",), True),
        (("op-btn-ack.n_clicks",), True),
        (("op-grid.selectedRows",), True),
        (("op-refresh.n_intervals", "op-filter-status.value"), True),
        (('{"id":1,"type":"op-merge"}.n_clicks',), True),  # a pattern id has dots of its own
    ],
)
def test_only_callbacks_a_person_fires_count_as_activity(changed, active):
    assert is_user_activity(RequestShape("POST", CALLBACK, changed)) is active


@pytest.mark.parametrize(
    ("method", "path", "active"),
    [
        ("GET", "/operator", True),
        ("GET", "/laporan/export/items.csv", True),
        ("POST", "/keluar", True),
        ("GET", "/_dash-layout", False),
        ("GET", "/_dash-dependencies", False),
        ("GET", "/assets/base.css", False),
        ("GET", "/socket.io/", False),
        ("GET", "/_reload-hash", False),
        ("GET", "/wall/changes", False),
    ],
)
def test_page_loads_count_and_background_requests_do_not(method, path, active):
    assert is_user_activity(RequestShape(method, path)) is active


@pytest.mark.parametrize(
    ("body", "props"),
    [
        ({"changedPropIds": ["a.value", 3, None]}, ("a.value",)),
        ({"changedPropIds": "a.value"}, ()),
        ({"changedPropIds": {"a": 1}}, ()),
        ([], ()),
        (None, ()),
        ("text", ()),
    ],
)
def test_forged_callback_bodies_give_no_activity_and_no_crash(body, props):
    assert changed_props_of(body) == props
