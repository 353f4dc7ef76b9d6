"""Cells a spreadsheet would run as a formula: text that starts with `=`, `+`, `-`, `@`, tab or CR.

Excel, LibreOffice and Google Sheets treat such a cell as a formula (`=HYPERLINK(…)`, `@SUM(…)`,
`-2+3`), so an agency name typed by an admin, or an event id sent by a channel, could become a
live link or a DDE call in the mayor's office. The usual defence (OWASP "CSV injection"): put an
apostrophe in front, which spreadsheets show as plain text. Only text is touched: numbers written
by the exports (a trend of -3.5) are numbers, not text, and stay numbers.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """The value as a spreadsheet should read it: text that would start a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row) -> list:
    return [neutralise_cell(v) for v in row]
