"""The words of every refusal the action gate can give, in Bahasa Indonesia and English.

A refusal travels as a code with values (domain/policy.py `Refusal`, data_access.actions
`ActionRefused`); the screen asks for the text in its user's language.
"""

from __future__ import annotations

KIND_WORDS = {
    "id": {"complaint": "pengaduan", "emergency": "darurat"},
    "en": {"complaint": "complaint", "emergency": "emergency"},
}

TEXTS: dict[str, dict[str, str]] = {
    "unknown_action": {"id": "Tindakan tidak dikenal: {action}", "en": "Unknown action: {action}"},
    "wrong_kind": {
        "id": "Tindakan '{action}' tidak berlaku untuk {kind_word}",
        "en": "'{action}' does not apply to a {kind_word}",
    },
    "forbidden": {
        "id": "Peran '{role}' tidak berwenang: {action}",
        "en": "Role '{role}' is not allowed to: {action}",
    },
    "not_found": {"id": "{kind_word} #{id} tidak ditemukan", "en": "{kind_word} #{id} not found"},
    "not_yours": {
        "id": "Pengaduan #{id} tidak ada dalam antrean OPD Anda",
        "en": "Complaint #{id} is not in your agency's queue",
    },
    "lifecycle": {
        "id": "Status #{id} tidak dapat diubah dari '{status}' dengan tindakan '{action}'",
        "en": "#{id} cannot go from '{status}' with '{action}'",
    },
    "escalation_max": {
        "id": "#{id} sudah di tingkat eskalasi {level} (tertinggi)",
        "en": "#{id} is already at escalation level {level} (the highest)",
    },
    "escalation_level": {
        "id": "#{id} sudah di tingkat eskalasi {level}",
        "en": "#{id} is already at escalation level {level}",
    },
    "needs_note": {"id": "Alasan atau catatan wajib diisi", "en": "A reason or note is required"},
    "needs_agency": {"id": "Pilih OPD tujuan dahulu", "en": "Choose the agency first"},
    "unknown_agency": {"id": "OPD '{agency}' tidak dikenal atau tidak aktif", "en": "Agency '{agency}' unknown or inactive"},
    "same_agency": {"id": "#{id} sudah diteruskan ke {agency}", "en": "#{id} is already assigned to {agency}"},
    "bad_request": {"id": "Permintaan tidak lengkap: {what}", "en": "Incomplete request: {what}"},
    "merge_self": {"id": "Laporan tidak dapat digabung ke dirinya sendiri", "en": "A report cannot be merged into itself"},
    "merge_newer": {
        "id": "#{original} lebih baru dari #{id}: gabungkan ke laporan yang lebih dahulu",
        "en": "#{original} is newer than #{id}: merge into the earlier report",
    },
    "merge_rejected": {
        "id": "#{original} sudah ditolak: tidak dapat menjadi laporan induk",
        "en": "#{original} is rejected: it cannot be the original report",
    },
    "conflict": {
        "id": "#{id} {what} oleh {by} (status sekarang: {status})",
        "en": "#{id} {what_en} by {by} (status now: {status})",
    },
    "store_down": {
        "id": "Belum tersimpan — basis data tidak terhubung. Coba lagi sebentar lagi.",
        "en": "Not saved — the database is not reachable. Try again in a moment.",
    },
}


def refusal_text(code: str, lang: str, values: dict[str, object]) -> str:
    lang = lang if lang in ("id", "en") else "id"
    template = TEXTS.get(code, {}).get(lang) or TEXTS.get(code, {}).get("id") or code
    kind = values.get("kind")
    words = {"kind_word": KIND_WORDS[lang].get(str(kind), str(kind or "")), **values}
    try:
        text = template.format(**words)
    except (KeyError, IndexError, ValueError):
        text = template
    return text[:1].upper() + text[1:]
