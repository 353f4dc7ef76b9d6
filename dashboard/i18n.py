"""UI text in Bahasa Indonesia first, English as an option; times shown in WIB."""

from __future__ import annotations

import importlib
import pkgutil
import re
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
        "wall_title": "BINJAI COMMAND CENTER",
        "wall_token_needed": "Layar dinding memerlukan token. Buka /wall?token=… (token dari administrator).",
        "kpi_open": "Pengaduan terbuka",
        "kpi_new": "Masuk hari ini",
        "kpi_median": "Median respons pertama hari ini",
        "kpi_target": "target {n} menit",
        "kpi_unanswered": "{n} belum ditanggapi",
        "kpi_share": "Respons tepat waktu",
        "kpi_share_of": "{a} dari {b}",
        "kpi_overdue": "Terlambat",
        "kpi_emergencies": "Darurat aktif",
        "kpi_oldest": "tertua belum diterima {t}",
        "kpi_no_unack": "semua sudah diterima",
        "kpi_buses": "Bus beroperasi",
        "kpi_stale": "{n} tanpa sinyal >2 menit",
        "agencies_title": "Waktu respons OPD (7 hari, median)",
        "agencies_none": "Belum ada pengaduan yang diteruskan ke OPD.",
        "agency_waiting": "{n} menunggu",
        "mix_title": "Kategori hari ini",
        "ticker_empty": "Menunggu kejadian…",
        "live_on": "LANGSUNG",
        "live_off": "TERPUTUS — menyambung ulang…",
        "sound_off": "SUARA MATI — klik untuk aktifkan",
        "sound_on": "SUARA AKTIF",
        "shade_open": "Peta: pengaduan terbuka",
        "shade_overdue": "Peta: pengaduan terlambat",
        "legend_open": "Pengaduan terbuka per kelurahan",
        "legend_overdue": "Pengaduan terlambat per kelurahan",
        "group_infrastruktur": "Infrastruktur",
        "group_pelayanan": "Pelayanan",
        "group_lainnya": "Lainnya",
        "legend_sos": "Darurat (berkedip = belum diterima)",
        "legend_bus": "Bus (abu-abu = tanpa sinyal)",
        "legend_routes": "Rute (contoh)",
        "minutes": "{n} mnt",
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
        "wall_title": "BINJAI COMMAND CENTER",
        "wall_token_needed": "The wall screen needs a token. Open /wall?token=… (ask the administrator).",
        "kpi_open": "Open complaints",
        "kpi_new": "New today",
        "kpi_median": "Median first response today",
        "kpi_target": "target {n} min",
        "kpi_unanswered": "{n} not answered yet",
        "kpi_share": "Answered on time",
        "kpi_share_of": "{a} of {b}",
        "kpi_overdue": "Overdue",
        "kpi_emergencies": "Active emergencies",
        "kpi_oldest": "oldest unacknowledged {t}",
        "kpi_no_unack": "all acknowledged",
        "kpi_buses": "Buses in service",
        "kpi_stale": "{n} silent >2 min",
        "agencies_title": "Agency response time (7 days, median)",
        "agencies_none": "No complaint forwarded to an agency yet.",
        "agency_waiting": "{n} waiting",
        "mix_title": "Categories today",
        "ticker_empty": "Waiting for events…",
        "live_on": "LIVE",
        "live_off": "DISCONNECTED — reconnecting…",
        "sound_off": "SOUND OFF — click to enable",
        "sound_on": "SOUND ON",
        "shade_open": "Map: open complaints",
        "shade_overdue": "Map: overdue complaints",
        "legend_open": "Open complaints per kelurahan",
        "legend_overdue": "Overdue complaints per kelurahan",
        "group_infrastruktur": "Infrastructure",
        "group_pelayanan": "Services",
        "group_lainnya": "Other",
        "legend_sos": "Emergency (flashing = not acknowledged)",
        "legend_bus": "Bus (grey = no signal)",
        "legend_routes": "Routes (sample)",
        "minutes": "{n} min",
    },
}

WIB = ZoneInfo("Asia/Jakarta")


def _merge_page_texts() -> None:
    """Add the `ID`/`EN` tables of every module in `dashboard.texts` (see its docstring)."""
    import dashboard.texts as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for lang, table in (("id", getattr(module, "ID", {})), ("en", getattr(module, "EN", {}))):
            clash = TEXT[lang].keys() & table.keys()
            if clash:
                raise RuntimeError(f"UI text keys defined twice ({module.__name__}): {sorted(clash)}")
            TEXT[lang].update(table)


_merge_page_texts()


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


# Codes stored in the database, as the screen says them: status codes per kind of item, emergency
# kinds, complaint sources. Unknown codes are shown as they are rather than hidden.
_LABEL_KEYS = {
    ("status", "complaint"): "op_cstatus_{}",
    ("status", "emergency"): "op_estatus_{}",
    ("kind", "emergency"): "op_ekind_{}",
    ("source", "complaint"): "op_source_{}",
}


def label(group: str, kind: str, code: str | None, lang: str = "id") -> str:
    """The human label of a code (`label("status", "emergency", "di_lokasi")` → "Petugas di lokasi")."""
    if not code:
        return "—"
    pattern = _LABEL_KEYS.get((group, kind))
    if pattern is None:
        return code
    key = pattern.format(code)
    return t(key, lang) if key in TEXT["id"] else code


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)")
_INGESTED = re.compile(r"^diterima dari stream \(terjadi (?P<at>.+)\)$")


def _iso_as_wib(match: re.Match) -> str:
    try:
        return wib(datetime.fromisoformat(match.group(0).replace("Z", "+00:00")))
    except ValueError:
        return match.group(0)


def readable_note(note: str | None, lang: str = "id") -> str | None:
    """A stored note as the room reads it: machine timestamps (ISO, UTC) in WIB; the ingest's own
    note in the user's language. The stored text is left as it is (it is the audit record)."""
    if not note:
        return note
    note = _ISO_TIME.sub(_iso_as_wib, note)
    ingested = _INGESTED.match(note)
    return t("op_ingested", lang, at=ingested.group("at")) if ingested else note
