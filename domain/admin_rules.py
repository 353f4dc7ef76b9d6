"""What an administrator may enter: codes, SLA targets, responder posts, accounts. Pure rules.

Each check returns `Problem`s (a text key for `dashboard.i18n.t` and its values) instead of
raising, so a form can show every problem at once in the user's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

AGENCY_KINDS = ("city", "city-owned company", "partner", "city hospital")
CATEGORY_GROUPS = ("infrastruktur", "pelayanan", "lainnya")
POST_KINDS = ("polisi", "damkar", "kesehatan", "bpbd")
SAMPLE_LABEL = "(contoh)"
MIN_PASSWORD_LENGTH = 10
POST_MAX_METRES_OUTSIDE = 5_000  # a post may serve Binjai from just across the boundary

# SLA targets: (smallest, largest) accepted value. The largest keep a typo (1440 for 14) visible.
SLA_RANGES: dict[str, tuple[int, int]] = {
    "first_response_minutes": (1, 1440),  # up to one day
    "forward_minutes": (1, 10_080),  # up to one week
    "followup_working_days": (1, 60),
    "resolution_working_days": (1, 120),
}

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")


@dataclass(frozen=True)
class Problem:
    key: str  # text key in dashboard/texts/admin.py
    params: dict = field(default_factory=dict)


def check_code(code: str | None) -> list[Problem]:
    if not code or not _CODE.match(code):
        return [Problem("adm_err_code")]
    return []


def check_name(name: str | None, max_len: int = 200) -> list[Problem]:
    if not name or not name.strip():
        return [Problem("adm_err_name_required")]
    if len(name) > max_len:
        return [Problem("adm_err_too_long", {"n": max_len})]
    return []


def check_choice(value: str | None, choices: tuple[str, ...], what: str) -> list[Problem]:
    if value not in choices:
        return [Problem("adm_err_choice", {"what": what, "choices": ", ".join(choices)})]
    return []


def parse_int(value, field_name: str) -> tuple[int | None, list[Problem]]:
    """A whole number from a form value (text, int or float from a numeric input)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, [Problem("adm_err_required", {"field": field_name})]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, [Problem("adm_err_not_number", {"field": field_name})]
    if number != int(number):
        return None, [Problem("adm_err_not_whole", {"field": field_name})]
    return int(number), []


def parse_float(value, field_name: str) -> tuple[float | None, list[Problem]]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, [Problem("adm_err_required", {"field": field_name})]
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None, [Problem("adm_err_not_number", {"field": field_name})]
    if number != number or number in (float("inf"), float("-inf")):
        return None, [Problem("adm_err_not_number", {"field": field_name})]
    return number, []


def check_sla(targets: dict[str, int]) -> list[Problem]:
    """Each target within its range; forwarding not before the first response; follow-up within resolution."""
    problems = []
    for name, (low, high) in SLA_RANGES.items():
        value = targets.get(name)
        if value is None:
            continue  # reported by parse_int
        if not low <= value <= high:
            problems.append(Problem("adm_err_range", {"field": name, "low": low, "high": high}))
    if problems:
        return problems
    if targets.get("forward_minutes") is not None and targets.get("first_response_minutes") is not None:
        if targets["forward_minutes"] < targets["first_response_minutes"]:
            problems.append(Problem("adm_err_forward_before_first"))
    if targets.get("followup_working_days") is not None and targets.get("resolution_working_days") is not None:
        if targets["followup_working_days"] > targets["resolution_working_days"]:
            problems.append(Problem("adm_err_followup_after_resolution"))
    return problems


def check_phone(phone: str | None) -> list[Problem]:
    if phone and not _PHONE.match(phone.strip()):
        return [Problem("adm_err_phone")]
    return []


def check_coordinates(lat: float, lon: float) -> list[Problem]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return [Problem("adm_err_latlon")]
    return []


def check_post_distance(metres_outside_city: float) -> list[Problem]:
    if metres_outside_city > POST_MAX_METRES_OUTSIDE:
        return [
            Problem(
                "adm_err_post_far",
                {"km": f"{metres_outside_city / 1000:.1f}", "max": f"{POST_MAX_METRES_OUTSIDE / 1000:.0f}"},
            )
        ]
    return []


def sample_name(name: str, is_sample: bool) -> str:
    """Sample posts always say "(contoh)" in their name; real ones never do."""
    base = name.replace(SAMPLE_LABEL, "").strip()
    base = re.sub(r"\s{2,}", " ", base)
    return f"{base} {SAMPLE_LABEL}" if is_sample else base


def check_username(username: str | None) -> list[Problem]:
    if not username or not _USERNAME.match(username):
        return [Problem("adm_err_username")]
    return []


def check_password(password: str | None) -> list[Problem]:
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        return [Problem("adm_err_password", {"n": MIN_PASSWORD_LENGTH})]
    return []


def check_role_agency(role: str | None, agency_code: str | None, roles: tuple[str, ...]) -> list[Problem]:
    """Agency users belong to exactly one agency; other roles to none."""
    problems = check_choice(role, roles, "role")
    if problems:
        return problems
    if role == "agency" and not agency_code:
        return [Problem("adm_err_agency_needed")]
    if role != "agency" and agency_code:
        return [Problem("adm_err_agency_only")]
    return []
