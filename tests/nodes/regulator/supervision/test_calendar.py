"""Taiwan business days and reporting due dates: weekends, holidays, make-up workdays, Taipei
dates."""

from __future__ import annotations

from datetime import date

import pytest

from nodes.regulator.supervision.calendar import (
    TAIWAN_CALENDAR,
    BusinessCalendar,
    compute_due_date,
    format_taipei_time,
    get_taipei_date,
    get_taipei_day_start_ms,
)

D = date.fromisoformat


@pytest.mark.parametrize(("start", "days", "due"), [
    ("2026-01-05", 5, "2026-01-12"),  # Monday -> next Monday
    ("2026-01-09", 5, "2026-01-16"),  # Friday: the weekend does not count
    ("2026-01-10", 5, "2026-01-16"),  # Saturday: counting starts on Monday
    ("2026-01-11", 2, "2026-01-13"),  # Sunday
    ("2026-01-01", 5, "2026-01-08"),  # New Year's Day itself (a holiday) as the start
    ("2025-12-31", 2, "2026-01-05"),  # over New Year's Day and a weekend
    ("2026-02-13", 5, "2026-03-02"),  # Lunar New Year 16–20 Feb and 27 Feb (Peace Memorial)
    ("2026-04-02", 2, "2026-04-08"),  # Children's Day 3 Apr and Tomb Sweeping Day 6 Apr
    ("2026-10-08", 2, "2026-10-13"),  # National Day observed on Friday 9 Oct
    ("2026-12-24", 2, "2026-12-29"),  # Constitution Day 25 Dec
    ("2025-02-07", 1, "2025-02-08"),  # Saturday 8 Feb 2025 was a make-up workday
])
def test_due_dates_skip_weekends_and_holidays(start: str, days: int, due: str) -> None:
    assert compute_due_date(D(start), days) == D(due)


def test_business_days() -> None:
    assert TAIWAN_CALENDAR.is_business_day(D("2026-01-02"))  # Friday
    assert not TAIWAN_CALENDAR.is_business_day(D("2026-01-03"))  # Saturday
    assert not TAIWAN_CALENDAR.is_business_day(D("2026-02-17"))  # Lunar New Year
    assert TAIWAN_CALENDAR.is_business_day(D("2025-02-08"))  # make-up Saturday
    assert TAIWAN_CALENDAR.covers(D("2026-06-01")) and not TAIWAN_CALENDAR.covers(D("2027-01-04"))
    # Every listed holiday is a weekday (a weekend holiday would be meaningless in the list).
    assert all(day.weekday() < 5 for day in TAIWAN_CALENDAR.holidays)


def test_a_calendar_without_holidays_counts_weekdays_only() -> None:
    bare = BusinessCalendar(holidays=frozenset())
    assert compute_due_date(D("2027-02-05"), 5, bare) == D("2027-02-12")
    with pytest.raises(ValueError, match="at least 1"):
        compute_due_date(D("2026-01-05"), 0)


def test_dates_are_taipei_dates() -> None:
    monday = get_taipei_day_start_ms(D("2026-01-05"))
    assert monday == 1_767_542_400_000  # 2026-01-04T16:00:00Z
    assert get_taipei_date(monday) == D("2026-01-05")
    assert get_taipei_date(monday - 1) == D("2026-01-04")
    assert format_taipei_time(monday + 1_234) == "2026-01-05T00:00:01.234+08:00"
