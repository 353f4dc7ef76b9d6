"""Texts of the /admin panel for closed days (the civil-service calendar of working-day deadlines)."""

ID = {
    "adm_tab_closed": "Hari libur kantor",
    "adm_closed_day": "Tanggal",
    "adm_closed_day_hint": "HH-BB-TTTT, mis. 24-12-2026",
    "adm_closed_reason": "Alasan (mis. libur daerah, bencana)",
    "adm_closed_by": "Ditetapkan oleh",
    "adm_closed_at": "Pada",
    "adm_closed_add": "Tetapkan libur",
    "adm_closed_remove": "Batalkan libur terpilih",
    "adm_closed_hint": (
        "Tenggat hari kerja melewati akhir pekan, hari libur nasional{cuti} dan tanggal di sini. "
        "Berlaku untuk tenggat yang dihitung sesudah disimpan (pekerja memuat ulang dalam 1 menit)."
    ),
    "adm_closed_cuti_on": ", cuti bersama ({days})",
    "adm_closed_cuti_off": " (cuti bersama dihitung hari kerja: CUTI_BERSAMA_WORKING=1)",
    "adm_closed_added": "Libur ditetapkan: {what}.",
    "adm_closed_removed": "Libur dibatalkan: {what}.",
    "adm_err_closed_day_date": "Tanggal tidak valid (tulis HH-BB-TTTT, mis. 24-12-2026).",
    "adm_err_closed_day_taken": "Tanggal {day} sudah ditetapkan libur.",
    "adm_err_no_such_closed_day": "Tanggal itu tidak ada dalam daftar libur.",
}

EN = {
    "adm_tab_closed": "Office closed days",
    "adm_closed_day": "Date",
    "adm_closed_day_hint": "DD-MM-YYYY, e.g. 24-12-2026",
    "adm_closed_reason": "Reason (e.g. local holiday, disaster)",
    "adm_closed_by": "Set by",
    "adm_closed_at": "At",
    "adm_closed_add": "Close this day",
    "adm_closed_remove": "Reopen the selected day",
    "adm_closed_hint": (
        "Working-day deadlines skip weekends, public holidays{cuti} and the dates listed here. "
        "Applies to deadlines computed after saving (the worker reloads within a minute)."
    ),
    "adm_closed_cuti_on": ", collective leave days ({days})",
    "adm_closed_cuti_off": " (collective leave days count as working days: CUTI_BERSAMA_WORKING=1)",
    "adm_closed_added": "Closed: {what}.",
    "adm_closed_removed": "Reopened: {what}.",
    "adm_err_closed_day_date": "Not a valid date (write DD-MM-YYYY, e.g. 24-12-2026).",
    "adm_err_closed_day_taken": "{day} is already a closed day.",
    "adm_err_no_such_closed_day": "That date is not in the list of closed days.",
}
