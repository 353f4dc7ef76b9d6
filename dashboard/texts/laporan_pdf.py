"""Texts of the report's PDF pages (map page tables, chart captions)."""

ID = {
    "lappdf_kec_table": "Per kecamatan",
    "lappdf_kel_overdue": "Kelurahan dengan pengaduan terlambat terbanyak",
    "lappdf_late_share": "Melewati tenggat",
    "lappdf_overdue_now": "Terlambat kini",
    "lappdf_complaints_scale": "Jumlah pengaduan",
    "lappdf_heat_scale": "Pengaduan",
    "lappdf_trend_note": "Tren: ▲ lebih banyak terlambat dari periode lalu (memburuk), ▼ lebih sedikit (membaik); pp = poin persen.",
}

EN = {
    "lappdf_kec_table": "By kecamatan",
    "lappdf_kel_overdue": "Kelurahan with the most overdue complaints",
    "lappdf_late_share": "Missed a deadline",
    "lappdf_overdue_now": "Overdue now",
    "lappdf_complaints_scale": "Complaints",
    "lappdf_heat_scale": "Complaints",
    "lappdf_trend_note": "Trend: ▲ more late items than the previous period (worse), ▼ fewer (better); pp = percentage points.",
}
