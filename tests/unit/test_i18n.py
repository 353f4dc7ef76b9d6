"""Every UI text exists in both languages, and page text modules merge into one table."""

from __future__ import annotations

from dashboard.i18n import TEXT, t


def test_every_key_has_both_languages():
    assert set(TEXT["id"]) == set(TEXT["en"]), set(TEXT["id"]) ^ set(TEXT["en"])


def test_unknown_language_falls_back_to_indonesian():
    assert t("wall_title", "fr") == TEXT["id"]["wall_title"]
