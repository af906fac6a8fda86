"""Taiwan business days and the reporting deadlines built on them (pure, no clock).

A business day is Monday to Friday, Taipei date, that is not a public holiday on which banks
close, plus the Saturdays declared make-up workdays (補行上班). ``TAIWAN_CALENDAR`` ships the
holidays of 2025 and 2026 from the DGPA office calendar (政府行政機關辦公日曆表), with the
holidays restored by the 2025 amendment of 紀念日及節日實施條例 (Teachers' Day, Retrocession Day,
Constitution Day, and the day before Lunar New Year's Eve). Days off announced at short notice
(typhoon days, 停止上班) cannot be known in advance: they are not in the list. Outside the covered
years only weekends count; ``BusinessCalendar.covers`` says whether a date is covered, and the
reports say so. Add the next year's dates here when the DGPA publishes them.

Deadlines count business days strictly after the start date: ``compute_due_date(d, 5)`` is the
fifth business day after ``d`` (a transaction on Monday 5 Jan 2026 is due Monday 12 Jan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

TAIPEI_OFFSET_MS = 8 * 3_600_000
"""Asia/Taipei is UTC+8 all year (no daylight saving)."""

LARGE_VALUE_DUE_BUSINESS_DAYS = 5
"""Currency transaction reports: within 5 business days of the transaction (SPEC §6)."""
SUSPICIOUS_DUE_BUSINESS_DAYS = 2
"""Suspicious-transaction reports: within 2 business days of detection (SPEC §6)."""


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Holidays falling on weekdays and make-up workdays falling on weekends."""

    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()
    """Years whose holidays are listed completely."""

    def is_business_day(self, day: date) -> bool:
        """Monday–Friday and not a holiday, or a make-up workday."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def covers(self, day: date) -> bool:
        """The calendar lists every holiday of ``day``'s year."""
        return day.year in self.years


def _dates(*texts: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(text) for text in texts)


TAIWAN_CALENDAR = BusinessCalendar(
    holidays=_dates(
        # 2025
        "2025-01-01",                                                   # New Year's Day
        "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",  # Lunar New Year
        "2025-02-28",                                                   # Peace Memorial Day
        "2025-04-03", "2025-04-04",                      # Children's Day, Tomb Sweeping Day
        "2025-05-01",                                                   # Labour Day
        "2025-05-30",                                   # Dragon Boat Festival (31 May, Sat)
        "2025-09-29",                                   # Teachers' Day (28 Sep, Sun)
        "2025-10-06",                                                   # Mid-Autumn Festival
        "2025-10-10",                                                   # National Day
        "2025-10-24",                                   # Retrocession Day (25 Oct, Sat)
        "2025-12-25",                                                   # Constitution Day
        # 2026
        "2026-01-01",                                                   # New Year's Day
        "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",         # Lunar New Year
        "2026-02-20",                          # for the day before New Year's Eve (15 Feb, Sun)
        "2026-02-27",                                   # Peace Memorial Day (28 Feb, Sat)
        "2026-04-03",                                   # Children's Day (4 Apr, Sat)
        "2026-04-06",                                   # Tomb Sweeping Day (5 Apr, Sun)
        "2026-05-01",                                                   # Labour Day
        "2026-06-19",                                                   # Dragon Boat Festival
        "2026-09-25",                                                   # Mid-Autumn Festival
        "2026-09-28",                                                   # Teachers' Day
        "2026-10-09",                                   # National Day (10 Oct, Sat)
        "2026-10-26",                                   # Retrocession Day (25 Oct, Sun)
        "2026-12-25",                                                   # Constitution Day
    ),
    workdays=_dates("2025-02-08"),  # make-up workday for 27 Jan 2025
    years=frozenset({2025, 2026}),
)


def get_taipei_date(time_ms: int) -> date:
    """The Asia/Taipei calendar date of a time in ms since the epoch."""
    return datetime.fromtimestamp((time_ms + TAIPEI_OFFSET_MS) / 1000, UTC).date()


def format_taipei_time(time_ms: int) -> str:
    """ISO-8601 with the +08:00 offset, to the millisecond."""
    moment = datetime.fromtimestamp((time_ms + TAIPEI_OFFSET_MS) / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{time_ms % 1000:03d}+08:00"


def get_taipei_day_start_ms(day: date) -> int:
    """Midnight at the start of ``day`` in Taipei, in ms since the epoch."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return int(midnight.timestamp()) * 1000 - TAIPEI_OFFSET_MS


def compute_due_date(start: date, business_days: int,
                     calendar: BusinessCalendar = TAIWAN_CALENDAR) -> date:
    """The ``business_days``-th business day after ``start`` (``start`` itself never counts)."""
    if business_days < 1:
        raise ValueError(f"business_days must be at least 1, got {business_days}")
    day, left = start, business_days
    while left:
        day += timedelta(days=1)
        if calendar.is_business_day(day):
            left -= 1
    return day
