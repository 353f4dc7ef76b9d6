"""Masking of a reporter's personal data until an operator asks to see it (and is recorded)."""

from __future__ import annotations

DOT = "•"


def mask_digits(value: str | None, keep: int = 2) -> str:
    """All but the last `keep` characters hidden: enough to tell two callers apart, no more."""
    if not value:
        return "—"
    shown = value[-keep:] if len(value) > keep * 2 else ""
    return DOT * (len(value) - len(shown)) + shown


def mask_name(value: str | None) -> str:
    """Initials only: "Budi Siregar" → "B••• S•••"."""
    if not value or not value.strip():
        return "—"
    return " ".join(word[0] + DOT * 3 for word in value.split())
