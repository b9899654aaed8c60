"""PRC working days: statutory holidays and make-up working days, from chinese-calendar.

Deadlines in the credit system run in working days (publicity within 7 or 20 working days,
objections within 2, repair decisions within 3). The calendar is data the State Council
publishes each year; chinese-calendar ships it. A date outside the years it covers raises
``CalendarError`` rather than guessing: a deadline must never be computed on a calendar that
does not know that year's holidays.

Spring Festival 2026: Saturday 14 February is a make-up working day, 15–23 are off.

>>> working_days_between(date(2026, 2, 13), date(2026, 2, 24))
2
>>> add_working_days(date(2026, 9, 30), 1)  # National Day: 1–7 October off
datetime.date(2026, 10, 8)
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache

import chinese_calendar

from .errors import InvalidData


class CalendarError(InvalidData):
    """A date outside the years the PRC working-day calendar covers."""

    default_code = "beyond-calendar"


@cache
def _calendar() -> tuple[date, date, list[date]]:
    years = sorted(
        {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    )
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    days = chinese_calendar.get_workdays(first, last, include_weekends=True)
    return first, last, days


def coverage() -> tuple[date, date]:
    """The first and last date the calendar knows."""
    first, last, _ = _calendar()
    return first, last


def _check(day: date) -> None:
    first, last, _ = _calendar()
    if not first <= day <= last:
        raise CalendarError(
            f"{day.isoformat()} is outside the PRC working-day calendar, which covers "
            f"{first.isoformat()} to {last.isoformat()} (chinese-calendar "
            f"{getattr(chinese_calendar, '__version__', '?')}); update chinese-calendar once "
            "the State Council has published that year's holidays",
            code="beyond-calendar",
        )


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day. Raises ``CalendarError`` outside the calendar."""
    _check(day)
    _, _, days = _calendar()
    index = bisect_right(days, day)
    return index > 0 and days[index - 1] == day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``).

    A decision taken on ``start`` and published on ``end`` was published this many working
    days later.
    """
    _check(start)
    _check(end)
    if end <= start:
        return 0
    _, _, days = _calendar()
    return bisect_right(days, end) - bisect_right(days, start)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``n >= 1``): a deadline's last day."""
    if n < 1:
        raise ValueError("n must be at least 1")
    _check(start)
    _, last, days = _calendar()
    index = bisect_right(days, start) + n - 1
    if index >= len(days):
        _check(last + timedelta(days=1))
    return days[index]


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (may be negative), clamped to the month's end.

    >>> add_months(date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
