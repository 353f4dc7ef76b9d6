"""How report figures read, shared by the /laporan page and its PDF (so both say the same thing)."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import t
from domain.report_kpi import Figures, LeagueRow


def duration(seconds: int | None, lang: str = "id") -> str:
    if seconds is None:
        return "—"
    unit = {"id": ("dtk", "mnt", "jam", "hari"), "en": ("s", "min", "h", "days")}.get(lang, ("dtk", "mnt", "jam", "hari"))
    if seconds < 120:
        return f"{seconds} {unit[0]}"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} {unit[1]}"
    if seconds < 48 * 3600:
        return _decimal(seconds / 3600, lang) + f" {unit[2]}"
    return _decimal(seconds / 86400, lang) + f" {unit[3]}"


def _decimal(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "id" else text


def pct(share: float | None, lang: str = "id") -> str:
    return "—" if share is None else _decimal(share * 100, lang) + " %"


def pair(a: int | None, b: int | None, lang: str) -> str:
    return f"{duration(a, lang)} / {duration(b, lang)}"


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    previous: str
    worse: bool | None  # True when this period is worse than the previous one (None: not comparable)
    alarm: bool = False  # sanction figures that are not zero


def _worse(now, before, higher_is_worse: bool) -> bool | None:
    if now is None or before is None or now == before:
        return None
    return (now > before) == higher_is_worse


def kpis(c: Figures, p: Figures, lang: str = "id") -> list[Kpi]:
    """The headline figures of the city (`c`) with the previous period's (`p`)."""
    return [
        Kpi("received", t("lap_kpi_received", lang), str(c.received), str(p.received), None),
        Kpi(
            "fr",
            t("lap_kpi_fr", lang),
            pair(c.first_response_p50, c.first_response_p90, lang),
            pair(p.first_response_p50, p.first_response_p90, lang),
            _worse(c.first_response_p50, p.first_response_p50, True),
        ),
        Kpi(
            "res",
            t("lap_kpi_res", lang),
            pair(c.resolution_p50, c.resolution_p90, lang),
            pair(p.resolution_p50, p.resolution_p90, lang),
            _worse(c.resolution_p50, p.resolution_p50, True),
        ),
        Kpi(
            "within",
            t("lap_kpi_within", lang),
            pct(c.resolved_within_share, lang),
            pct(p.resolved_within_share, lang),
            _worse(c.resolved_within_share, p.resolved_within_share, False),
        ),
        Kpi("reward", t("lap_kpi_reward", lang), str(c.reward), str(p.reward), _worse(c.reward, p.reward, False)),
        Kpi(
            "s1",
            t("lap_kpi_sanction1", lang),
            str(c.waited_1d),
            str(p.waited_1d),
            _worse(c.waited_1d, p.waited_1d, True),
            c.waited_1d > 0,
        ),
        Kpi(
            "s2",
            t("lap_kpi_sanction2", lang),
            str(c.waited_2d),
            str(p.waited_2d),
            _worse(c.waited_2d, p.waited_2d, True),
            c.waited_2d > 0,
        ),
        Kpi(
            "open",
            t("lap_kpi_open", lang),
            f"{c.open_now} / {c.overdue_now}",
            f"{p.open_now} / {p.overdue_now}",
            None,
            c.overdue_now > 0,
        ),
    ]


def league_record(row: LeagueRow, agency_names: dict[str, str], lang: str = "id") -> dict:
    """One table row as display strings (page grid and PDF)."""
    f = row.figures
    trend = (
        "—"
        if row.trend is None
        else ("▲ " if row.trend > 0 else "▼ " if row.trend < 0 else "") + _decimal(abs(row.trend) * 100, lang) + " pp"
    )
    return {
        "rank": row.rank,
        "code": f.key or "—",
        "agency": f"{f.key} — {agency_names.get(f.key or '', '')}" if f.key else "—",
        "received": f.received,
        "fr": pair(f.first_response_p50, f.first_response_p90, lang),
        "res": pair(f.resolution_p50, f.resolution_p90, lang),
        "within": f"{pct(f.resolved_within_share, lang)} ({f.resolved_within}/{f.resolution_judged})",
        "reward": f.reward,
        "s1": f.waited_1d,
        "s2": f.waited_2d,
        "open": f"{f.open_now} / {f.overdue_now}",
        "score": pct(row.score, lang),
        "trend": trend,
    }
