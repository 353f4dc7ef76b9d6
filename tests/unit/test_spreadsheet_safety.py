"""Formula injection: hostile text gets an apostrophe, numbers and harmless text stay as they are."""

from __future__ import annotations

import pytest

from domain.spreadsheet_safety import neutralise_cell, neutralise_row


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://jahat.example","klik")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=",
        "-3.5",  # as text (an event id, a name) it is text, so it is marked
    ],
)
def test_text_that_starts_a_formula_gets_an_apostrophe(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "DPUPR", "Binjai Kota", "a=b", "2026-11-22T09:00:00+07:00", "'=already", " =x"])
def test_harmless_text_is_unchanged(text):
    assert neutralise_cell(text) == text


@pytest.mark.parametrize("number", [-3.5, -1, 0, 12, 1e-9, -0.0, True])
def test_numbers_stay_numbers(number):
    out = neutralise_cell(number)
    assert out == number and type(out) is type(number)


def test_none_is_left_for_the_writer():
    assert neutralise_cell(None) is None


def test_a_row_is_neutralised_cell_by_cell():
    assert neutralise_row(["=1", -2.5, "ok", None, "@x"]) == ["'=1", -2.5, "ok", None, "'@x"]
