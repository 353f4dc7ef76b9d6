"""Report periods as WIB calendar days: which days a report covers and the period it is compared with.

An item counts in the period in which the citizen reported it, and days start at 00:00 WIB (UTC+7,
no daylight saving), so a period is a range of WIB dates turned into a half-open UTC interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
MAX_DAYS = 366  # longest custom period: a year (and a leap day)


class PeriodKind(StrEnum):
    TODAY = "hari-ini"
    DAYS_7 = "7-hari"
    DAYS_30 = "30-hari"
    MONTH = "bulan-ini"
    CUSTOM = "kustom"


class PeriodError(ValueError):
    """A period the user asked for that cannot be reported on; the message says why (shown as is)."""


@dataclass(frozen=True)
class Period:
    first: date  # first WIB day, included
    last: date  # last WIB day, included

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"tanggal akhir {self.last.isoformat()} sebelum tanggal awal {self.first.isoformat()}")
        if self.days > MAX_DAYS:
            raise PeriodError(f"periode terlalu panjang: {self.days} hari (paling lama {MAX_DAYS} hari)")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start_utc(self) -> datetime:
        """00:00 WIB of the first day, as UTC (included)."""
        return datetime.combine(self.first, time.min, tzinfo=WIB).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """00:00 WIB of the day after the last day, as UTC (excluded)."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=WIB).astimezone(UTC)

    def previous(self) -> Period:
        """The same number of days immediately before: what every figure is compared with."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def contains(self, moment: datetime) -> bool:
        return self.start_utc <= moment < self.end_utc

    def label(self) -> str:
        if self.first == self.last:
            return self.first.strftime("%d-%m-%Y")
        return f"{self.first.strftime('%d-%m-%Y')} s.d. {self.last.strftime('%d-%m-%Y')}"


def wib_today(now: datetime) -> date:
    return now.astimezone(WIB).date()


def parse_day(value: str | None, name: str) -> date:
    """A YYYY-MM-DD date from a URL or form; PeriodError (naming the field) when it is not one."""
    if not value:
        raise PeriodError(f"parameter '{name}' wajib diisi dengan format YYYY-MM-DD")
    text = value.strip()
    try:
        if len(text) != 10:  # date.fromisoformat also takes 20261122 and week dates: refuse those
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"parameter '{name}' bukan tanggal YYYY-MM-DD: {text[:40]!r}") from None


def period_for(kind: str, *, now: datetime, first: date | None = None, last: date | None = None) -> Period:
    """The period a user picked, relative to today in WIB; `first`/`last` only for a custom period."""
    today = wib_today(now)
    match PeriodKind(kind):
        case PeriodKind.TODAY:
            return Period(today, today)
        case PeriodKind.DAYS_7:
            return Period(today - timedelta(days=6), today)
        case PeriodKind.DAYS_30:
            return Period(today - timedelta(days=29), today)
        case PeriodKind.MONTH:
            return Period(today.replace(day=1), today)
        case PeriodKind.CUSTOM:
            if first is None or last is None:
                raise PeriodError("periode kustom memerlukan tanggal awal dan akhir")
            return Period(first, last)
