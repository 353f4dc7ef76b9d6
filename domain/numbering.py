"""One number a person can say aloud: `P-123` for a pengaduan (complaint), `D-45` for a darurat
(emergency). Complaints and emergencies have separate id sequences, so a bare "#4" is ambiguous
on the radio; the letter says which table it is.

`parse_item_number` is forgiving in what it accepts from a search box ("P-123", "p123", "p 123",
"#123", "123", "D-45", "d45"); a bare number means either kind.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PREFIX = {"complaint": "P", "emergency": "D"}
KIND_OF_PREFIX = {letter: kind for kind, letter in PREFIX.items()}
_PATTERN = re.compile(r"^\s*(?:([pPdD])\s*[-#:]?\s*|#\s*)?(\d{1,9})\s*$")


class ItemNumber(NamedTuple):
    kind: str | None  # "complaint", "emergency", or None: a bare number, either kind
    id: int


def item_number(kind: str, item_id: int) -> str:
    """`P-123` / `D-45`: how the console (and later the wall and exports) names an item."""
    return f"{PREFIX[kind]}-{item_id}"


def parse_item_number(text: str | None) -> ItemNumber | None:
    """The item a search text names, or None when it is not a number at all."""
    match = _PATTERN.match(text or "")
    if match is None:
        return None
    letter, digits = match.groups()
    return ItemNumber(KIND_OF_PREFIX[letter.upper()] if letter else None, int(digits))
