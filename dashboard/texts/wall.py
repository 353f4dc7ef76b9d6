"""The wall's sub-lines and legend notes: what each figure counts, said beside it."""

ID = {
    "kpi_open_sub": "belum selesai",
    "kpi_new_sub": "sejak 00:00 WIB",
    "kpi_overdue_sub": "lewat tenggat respons/selesai",
    "kpi_no_response_yet": "belum ada respons hari ini",
    "kpi_target_short": "target {n} mnt",
    "kpi_share_none": "belum ada tenggat jatuh hari ini",
    "kpi_buses_sub": "sinyal ≤ 2 mnt",
    "kpi_stale_short": "{n} tanpa sinyal",
    "kpi_no_emergency": "tidak ada darurat aktif",
    "mix_none": "belum ada pengaduan hari ini",
    "agencies_note": "hijau ≤ {t} mnt · kuning ≤ {t3} mnt · merah lebih lama · menunggu = diteruskan, belum dikerjakan",
    "legend_overdue_ring": "Cincin merah = terlambat",
    "legend_sos_group": "Angka = darurat berdekatan",
}

EN = {
    "kpi_open_sub": "not yet resolved",
    "kpi_new_sub": "since 00:00 WIB",
    "kpi_overdue_sub": "past response/resolution deadline",
    "kpi_no_response_yet": "no response yet today",
    "kpi_target_short": "target {n} min",
    "kpi_share_none": "no deadline due yet today",
    "kpi_buses_sub": "signal ≤ 2 min",
    "kpi_stale_short": "{n} silent",
    "kpi_no_emergency": "no active emergency",
    "mix_none": "no complaint yet today",
    "agencies_note": "green ≤ {t} min · yellow ≤ {t3} min · red longer · waiting = forwarded, not started",
    "legend_overdue_ring": "Red ring = overdue",
    "legend_sos_group": "Number = emergencies close together",
}
