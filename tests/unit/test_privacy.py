"""domain.privacy: reporter data masked by default."""

from __future__ import annotations

from domain.privacy import mask_digits, mask_name


def test_masks():
    assert mask_digits("1275010101900001") == "••••••••••••••01"
    assert mask_digits("081234567890") == "••••••••••90"
    assert mask_digits("123") == "•••"  # too short to show anything
    assert mask_digits(None) == mask_digits("") == "—"
    assert mask_name("Budi Siregar") == "B••• S•••"
    assert mask_name("  ") == mask_name(None) == "—"
