"""Pure rules for administrators' input: SLA ranges, numbers from forms, sample labels, post distance."""

from __future__ import annotations

import pytest

from domain import admin_rules as rules
from geo import AreaIndex
from geo.vicinity import metres_outside

GOOD = {"first_response_minutes": 10, "forward_minutes": 60, "followup_working_days": 5, "resolution_working_days": 14}


def keys(problems):
    return [p.key for p in problems]


def test_default_policy_is_valid():
    assert rules.check_sla(GOOD) == []


@pytest.mark.parametrize("name", list(rules.SLA_RANGES))
def test_each_target_has_inclusive_bounds(name):
    low, high = rules.SLA_RANGES[name]
    for value, ok in ((low - 1, False), (low, True), (high, True), (high + 1, False)):
        # the other targets at the ends that keep the two ordering rules out of the way
        targets = {
            "first_response_minutes": 1,
            "forward_minutes": 10_080,
            "followup_working_days": 1,
            "resolution_working_days": 120,
        }
        targets[name] = value
        problems = rules.check_sla(targets)
        assert (problems == []) == ok, (name, value, problems)
        if not ok:
            assert problems[0].params == {"field": name, "low": low, "high": high}


def test_ordering_between_targets():
    assert keys(rules.check_sla(dict(GOOD, first_response_minutes=120, forward_minutes=60))) == ["adm_err_forward_before_first"]
    assert keys(rules.check_sla(dict(GOOD, followup_working_days=30, resolution_working_days=14))) == [
        "adm_err_followup_after_resolution"
    ]


@pytest.mark.parametrize(
    ("value", "expected", "problem"),
    [
        ("15", 15, None),
        (15.0, 15, None),
        (" 7 ", 7, None),
        ("", None, "adm_err_required"),
        (None, None, "adm_err_required"),
        ("lima", None, "adm_err_not_number"),
        ("2.5", None, "adm_err_not_whole"),
    ],
)
def test_parse_int_from_a_form(value, expected, problem):
    number, problems = rules.parse_int(value, "x")
    assert number == expected and keys(problems) == ([problem] if problem else [])


@pytest.mark.parametrize("value", ["nan", "inf", "abc", ""])
def test_parse_float_refuses_non_numbers(value):
    assert rules.parse_float(value, "lat")[0] is None


def test_parse_float_accepts_a_decimal_comma():
    assert rules.parse_float("3,605", "lat") == (3.605, [])


@pytest.mark.parametrize(
    ("name", "sample", "expected"),
    [
        ("Pos Polisi Kota", True, "Pos Polisi Kota (contoh)"),
        ("Pos Polisi Kota (contoh)", True, "Pos Polisi Kota (contoh)"),
        ("Pos Polisi Kota (contoh)", False, "Pos Polisi Kota"),
        ("Pos (contoh) Kota", True, "Pos Kota (contoh)"),
    ],
)
def test_sample_label(name, sample, expected):
    assert rules.sample_name(name, sample) == expected


def test_role_and_agency_go_together():
    roles = ("operator", "agency")
    assert rules.check_role_agency("agency", "DLH", roles) == []
    assert keys(rules.check_role_agency("agency", None, roles)) == ["adm_err_agency_needed"]
    assert keys(rules.check_role_agency("operator", "DLH", roles)) == ["adm_err_agency_only"]
    assert keys(rules.check_role_agency("raja", None, roles)) == ["adm_err_choice"]


@pytest.mark.parametrize(("phone", "ok"), [("0618821110", True), ("+62 61 882-1110", True), ("112", False), ("telp", False)])
def test_phone(phone, ok):
    assert (rules.check_phone(phone) == []) == ok


def test_metres_outside_binjai():
    city = AreaIndex().city
    assert metres_outside(city, 3.606743, 98.486022) == 0.0  # city centre
    medan = metres_outside(city, 3.5952, 98.6722)
    assert 10_000 < medan < 20_000
    assert keys(rules.check_post_distance(medan)) == ["adm_err_post_far"]
    assert rules.check_post_distance(4_999) == []
