"""UI text in Bahasa Indonesia first, English as an option; times shown in WIB."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TEXT = {
    "id": {
        "app_title": "Binjai Command Center",
        "status_title": "Status sistem",
        "complaints_total": "Total pengaduan",
        "complaints_open": "Pengaduan terbuka",
        "complaints_today": "Pengaduan hari ini",
        "emergencies_active": "Darurat aktif",
        "vehicles": "Bus Trans Binjai",
        "positions": "Posisi GPS tersimpan",
        "stream": "Aliran data",
        "last_entry": "Data terakhir",
        "processed": "Diproses",
        "deadlettered": "Ditolak (dead-letter)",
        "lag": "Antrean",
        "pending": "Belum dikonfirmasi",
        "updated": "Diperbarui",
        "never": "belum pernah",
        "ago_s": "{n} detik lalu",
        "ago_m": "{n} menit lalu",
        "ago_h": "{n} jam lalu",
        "silent": "SENYAP",
        "redis_down": "Redis tidak terhubung",
        "db_down": "Basis data tidak terhubung",
        "complaints": "Pengaduan",
        "emergencies": "Tombol darurat",
        "bus_gps": "GPS bus",
    },
    "en": {
        "app_title": "Binjai Command Center",
        "status_title": "System status",
        "complaints_total": "Complaints (all)",
        "complaints_open": "Open complaints",
        "complaints_today": "Complaints today",
        "emergencies_active": "Active emergencies",
        "vehicles": "Trans Binjai buses",
        "positions": "GPS fixes stored",
        "stream": "Stream",
        "last_entry": "Last entry",
        "processed": "Processed",
        "deadlettered": "Dead-lettered",
        "lag": "Backlog",
        "pending": "Unacknowledged",
        "updated": "Updated",
        "never": "never",
        "ago_s": "{n} s ago",
        "ago_m": "{n} min ago",
        "ago_h": "{n} h ago",
        "silent": "SILENT",
        "redis_down": "Redis not reachable",
        "db_down": "Database not reachable",
        "complaints": "Complaints",
        "emergencies": "Panic button",
        "bus_gps": "Bus GPS",
    },
}

WIB = ZoneInfo("Asia/Jakarta")


def t(key: str, lang: str = "id", **kwargs) -> str:
    table = TEXT.get(lang, TEXT["id"])
    text = table.get(key) or TEXT["id"].get(key) or key
    return text.format(**kwargs) if kwargs else text


def wib(dt: datetime | None, fmt: str = "%d-%m-%Y %H:%M:%S") -> str:
    """A time as the room reads it: WIB, with the zone named."""
    if dt is None:
        return "—"
    return dt.astimezone(WIB).strftime(fmt) + " WIB"


def ago(seconds: float | None, lang: str = "id") -> str:
    if seconds is None:
        return t("never", lang)
    s = max(0, int(seconds))
    if s < 120:
        return t("ago_s", lang, n=s)
    if s < 7200:
        return t("ago_m", lang, n=s // 60)
    return t("ago_h", lang, n=s // 3600)
