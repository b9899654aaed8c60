"""Working-day arithmetic over calendar years, official or provisional.

A ``WorkCalendar`` holds the official years (pack files and operator-added files) and
computes a provisional year for any later year on demand. A date before the first official
year, or a year before the amended 放假办法 with no official file, or after
``LAST_PROVISIONAL_YEAR``, raises ``CalendarError``: a deadline is never computed on a
calendar that cannot know that year.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date

from ..errors import InvalidData
from .years import (
    FIRST_PROVISIONAL_YEAR,
    LAST_PROVISIONAL_YEAR,
    CalendarYear,
    provisional_year,
)


class CalendarError(InvalidData):
    """A date outside the years the PRC working-day calendar covers."""

    default_code = "beyond-calendar"


class WorkCalendar:
    """The PRC working days: official years as given, later years provisional."""

    def __init__(self, official: Mapping[int, CalendarYear]) -> None:
        self.official = dict(sorted(official.items()))
        if not self.official:
            raise CalendarError("no official calendar year is installed", code="no-calendar")
        self.first_year = min(self.official)

    def with_year(self, year: CalendarYear) -> WorkCalendar:
        """This calendar with ``year`` (official) added or replaced."""
        return WorkCalendar({**self.official, year.year: year})

    def year(self, year: int) -> CalendarYear:
        """The calendar of ``year``. Raises ``CalendarError`` for a year it cannot know."""
        if year in self.official:
            return self.official[year]
        if year > self.first_year and FIRST_PROVISIONAL_YEAR <= year <= LAST_PROVISIONAL_YEAR:
            return provisional_year(year)
        raise CalendarError(
            f"{year} is outside the PRC working-day calendar, which covers "
            f"{self.first_year} to {LAST_PROVISIONAL_YEAR} (official: "
            f"{self.first_year}–{max(self.official)}, later years provisional); for a year "
            "before that, add its State Council notice with `xinyong calendar add FILE`",
            code="beyond-calendar",
        )

    def coverage(self) -> tuple[date, date]:
        """The first and last date the calendar knows."""
        return date(self.first_year, 1, 1), date(LAST_PROVISIONAL_YEAR, 12, 31)

    def status(self, year: int) -> str:
        return self.year(year).status

    def provisional(self, start: date, end: date | None = None) -> bool:
        """Whether any year from ``start`` to ``end`` is provisional (a deadline from
        ``start`` due on ``end`` may still move when that year's notice is published)."""
        last = end if end is not None and end > start else start
        return any(self.year(y).status == "provisional" for y in range(start.year, last.year + 1))

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        return self.year(day.year).is_working_day(day)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        self.year(start.year)
        self.year(end.year)
        if end <= start:
            return 0
        count = 0
        for y in range(start.year, end.year + 1):
            working = self.year(y).working
            upto = bisect_right(working, end) if y == end.year else len(working)
            after = bisect_right(working, start) if y == start.year else 0
            count += upto - after
        return count

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``n >= 1``): a deadline's last day."""
        if n < 1:
            raise ValueError("n must be at least 1")
        y = start.year
        working = self.year(y).working
        index = bisect_right(working, start) + n - 1
        while index >= len(working):
            index -= len(working)
            y += 1
            working = self.year(y).working
        return working[index]
