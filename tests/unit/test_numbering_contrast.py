"""Item numbers said aloud and parsed back; WCAG contrast maths against known values."""

from __future__ import annotations

import pytest

from domain.contrast import contrast_ratio, over, parse_colour
from domain.numbering import ItemNumber, item_number, parse_item_number


def test_numbers_name_the_kind():
    assert item_number("complaint", 123) == "P-123"
    assert item_number("emergency", 45) == "D-45"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P-123", ItemNumber("complaint", 123)),
        ("p123", ItemNumber("complaint", 123)),
        (" p 123 ", ItemNumber("complaint", 123)),
        ("D-45", ItemNumber("emergency", 45)),
        ("d45", ItemNumber("emergency", 45)),
        ("#123", ItemNumber(None, 123)),
        ("123", ItemNumber(None, 123)),
        ("drainase", None),
        ("P-", None),
        ("X-12", None),
        ("Jalan 12", None),
        ("", None),
        (None, None),
        ("P-1234567890", None),  # beyond any id: text, not a number
    ],
)
def test_search_text_is_parsed_forgivingly(text, expected):
    assert parse_item_number(text) == expected


@pytest.mark.parametrize("kind", ["complaint", "emergency"])
def test_a_number_parses_back_to_itself(kind):
    assert parse_item_number(item_number(kind, 77)) == ItemNumber(kind, 77)


def test_contrast_extremes_and_a_known_pair():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((9, 9, 9), (9, 9, 9)) == pytest.approx(1.0)
    assert contrast_ratio(parse_colour("#777777")[:3], (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


def test_the_reported_failures_fail():
    maroon = parse_colour("#5a1010")[:3]
    assert contrast_ratio((0, 0, 0), maroon) < 4.5  # black on dark maroon
    assert contrast_ratio(parse_colour("#ffd27a")[:3], (255, 255, 255)) < 4.5  # pale yellow on white


def test_browser_colours_parse_and_blend():
    assert parse_colour("rgb(255, 0, 0)") == (255, 0, 0, 1.0)
    assert parse_colour("rgba(0, 0, 0, 0)") == (0, 0, 0, 0.0)
    assert over((255, 255, 255, 0.5), (0, 0, 0)) == (127.5, 127.5, 127.5)
    with pytest.raises(ValueError):
        parse_colour("bogus")
