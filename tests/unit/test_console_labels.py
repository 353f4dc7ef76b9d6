"""Every stored code the console shows has a label in both languages; stored UTC times read in WIB."""

from __future__ import annotations

import pytest

from dashboard.i18n import label, readable_note
from domain.contract import COMPLAINT_SOURCES, EMERGENCY_KINDS
from domain.lifecycle import ComplaintStatus, EmergencyStatus

CODES = (
    [("status", "complaint", s.value) for s in ComplaintStatus]
    + [("status", "emergency", s.value) for s in EmergencyStatus]
    + [("kind", "emergency", k) for k in EMERGENCY_KINDS]
    + [("source", "complaint", s) for s in COMPLAINT_SOURCES]
)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("group", "kind", "code"), CODES)
def test_every_code_has_a_label(group, kind, code, lang):
    text = label(group, kind, code, lang)
    assert text and text != code and "_" not in text


def test_labels_differ_by_language_where_words_do():
    assert label("status", "emergency", "di_lokasi", "id") == "Petugas di lokasi"
    assert label("status", "emergency", "di_lokasi", "en") == "Unit on scene"
    assert label("kind", "emergency", "tidak-diketahui", "en") == "Unknown kind"


def test_an_unknown_code_is_shown_as_it_is():
    assert label("status", "complaint", "aneh", "id") == "aneh"


def test_the_ingest_note_reads_in_wib_and_in_the_users_language():
    stored = "diterima dari stream (terjadi 2026-12-02T18:06:29+00:00)"
    assert readable_note(stored, "id") == "diterima dari aliran data (terjadi 03-12-2026 01:06:29 WIB)"
    assert readable_note(stored, "en") == "received from the data stream (happened 03-12-2026 01:06:29 WIB)"
    assert readable_note("dicek 2026-12-02T18:06:29Z lagi") == "dicek 03-12-2026 01:06:29 WIB lagi"
    assert readable_note("catatan biasa") == "catatan biasa"
    assert readable_note(None) is None
