"""Texts of the stale-link banner on the operator console and the agency view (dashboard/live_link.py)."""

ID = {
    "link_stale": "SIARAN LANGSUNG TERPUTUS sejak {time} WIB — antrean diperbarui tiap 5 detik dari basis data",
}
EN = {
    "link_stale": "LIVE LINK LOST since {time} WIB — the queue is refreshed from the database every 5 seconds",
}
