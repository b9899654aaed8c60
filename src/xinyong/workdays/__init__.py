"""PRC working days: statutory holidays and make-up working days, as pack data.

Deadlines in the credit system run in working days (publicity within 7 or 20 working days,
objections within 2, repair decisions within 3). The calendar is data the State Council
publishes each year (国务院办公厅关于YYYY年部分节假日安排的通知): one file a year in
``schemes/packs/cn/calendar/``, plus years an operator adds (``xinyong calendar add FILE``,
kept in ``XINYONG_CALENDAR_PATH``). A year with no notice yet is *provisional* (see
``years``): deadlines still run, and every deadline touching such a year says
``provisional``. This module is the one calendar every consumer uses.

Spring Festival 2026: Saturday 14 February is a make-up working day, 15–23 are off.

>>> working_days_between(date(2026, 2, 13), date(2026, 2, 24))
2
>>> add_working_days(date(2026, 9, 30), 1)  # National Day: 1–7 October off
datetime.date(2026, 10, 8)
>>> is_provisional(date(2026, 12, 28), add_working_days(date(2026, 12, 28), 5))
True
"""

from __future__ import annotations

import calendar
import time
from datetime import date
from pathlib import Path

from .working_calendar import CalendarError, WorkCalendar
from .years import CalendarYear, builtin_dir, read_dir

__all__ = [
    "CalendarError",
    "CalendarYear",
    "WorkCalendar",
    "active",
    "add_months",
    "add_working_days",
    "configure",
    "coverage",
    "is_provisional",
    "is_working_day",
    "working_days_between",
]

#: how often a running process looks for years another process added (seconds)
RELOAD_SECONDS = 30.0

_extra_dir: Path | None = None
_active: WorkCalendar | None = None
#: (when the directory was last looked at, its state then)
_seen: tuple[float, tuple[tuple[str, int], ...]] = (0.0, ())


def configure(calendar_path: Path | None) -> None:
    """Use the operator-added years in ``calendar_path`` (``XINYONG_CALENDAR_PATH``) on top
    of the pack's; the calendar is read again on next use."""
    global _extra_dir, _active, _seen
    _extra_dir, _active, _seen = calendar_path, None, (0.0, ())


def _files(directory: Path) -> tuple[tuple[str, int], ...]:
    if not directory.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in directory.glob("*.yaml")))


def calendar_path() -> Path | None:
    """The directory of operator-added years, if configured."""
    return _extra_dir


def load(calendar_path: Path | None) -> WorkCalendar:
    """The calendar of the pack's years, with the years in ``calendar_path`` added (an added
    year replaces the pack's year of the same number)."""
    years = read_dir(builtin_dir())
    if calendar_path is not None:
        years.update(read_dir(calendar_path))
    return WorkCalendar(years)


def active() -> WorkCalendar:
    """The calendar in use. A long-running process (the web platform) sees a year that
    ``xinyong calendar add`` installed within ``RELOAD_SECONDS``."""
    global _active, _seen
    if _extra_dir is not None:
        now = time.monotonic()
        if _active is None or now - _seen[0] >= RELOAD_SECONDS:
            files = _files(_extra_dir)
            if _active is not None and files != _seen[1]:
                _active = None
            _seen = (now, files)
    if _active is None:
        _active = load(_extra_dir)
    return _active


def coverage() -> tuple[date, date]:
    """The first and last date the calendar knows."""
    return active().coverage()


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day. Raises ``CalendarError`` outside the calendar."""
    return active().is_working_day(day)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``).

    A decision taken on ``start`` and published on ``end`` was published this many working
    days later.
    """
    return active().working_days_between(start, end)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``n >= 1``): a deadline's last day."""
    return active().add_working_days(start, n)


def is_provisional(start: date, end: date | None = None) -> bool:
    """Whether a deadline running from ``start`` to ``end`` touches a provisional year."""
    return active().provisional(start, end)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (may be negative), clamped to the month's end.

    >>> add_months(date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
