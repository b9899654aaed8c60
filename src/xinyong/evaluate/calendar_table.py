"""The PRC working-day calendar as a table a compiled query joins, so that working-day and
calendar-month arithmetic run inside the engine with no dialect date functions.

One row per day (``CALENDAR``): the date itself (``day``, to join ledger dates; ``iso``, to
join dates held as text in attributes), its day
number (``dn``, ``date.toordinal()``: a day later is ``dn + 1``), its month index
(``mi = year * 12 + month - 1``), day of month (``dom``) and the month's last day (``ldom``),
whether it is a working day (``wd``) and the number of working days up to and including it
(``wo``), and the number of provisional years up to and including (``pu``) and before
(``pb``) its year. Working-day columns are NULL in years the calendar cannot know.

- ``add_months(d, m)``: the row with ``mi = mi(d) + m`` and ``dom = least(dom(d), ldom)``,
  exactly ``workdays.add_months``;
- ``add_working_days(d, n)``: the working day with ``wo = wo(d) + n``;
- ``is_provisional(a, b)``: ``pu(b) - pb(a) > 0``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import pyarrow as pa

from .. import workdays
from ..workdays import CalendarError, WorkCalendar, add_months

#: the name compiled queries read the calendar under
CALENDAR = "xy_calendar"

SCHEMA = pa.schema(
    [
        ("day", pa.date32()),
        ("iso", pa.string()),
        ("dn", pa.int64()),
        ("mi", pa.int64()),
        ("dom", pa.int64()),
        ("ldom", pa.int64()),
        ("wd", pa.int64()),
        ("wo", pa.int64()),
        ("pu", pa.int64()),
        ("pb", pa.int64()),
    ]
)


def calendar_table(start: date, end: date) -> pa.Table:
    """Every day from 1 January of ``start``'s year to 31 December of ``end``'s year, on the
    working calendar in use."""
    return _years(workdays.active(), start.year, end.year)


@lru_cache(maxsize=8)
def _years(active: WorkCalendar, first: int, last: int) -> pa.Table:
    columns: dict[str, list[int | date | str | None]] = {name: [] for name in SCHEMA.names}
    worked, provisional_years = 0, 0
    for year in range(first, last + 1):
        try:
            known = active.year(year)
        except CalendarError:
            known = None
        before = provisional_years if known is not None else None
        if known is not None and known.status == "provisional":
            provisional_years += 1
        upto = provisional_years if known is not None else None
        day = date(year, 1, 1)
        while day.year == year:
            working = None if known is None else int(known.is_working_day(day))
            if working is not None:
                worked += working
            row: dict[str, int | date | str | None] = {
                "day": day,
                "iso": day.isoformat(),
                "dn": day.toordinal(),
                "mi": year * 12 + day.month - 1,
                "dom": day.day,
                "ldom": calendar.monthrange(year, day.month)[1],
                "wd": working,
                "wo": worked if working is not None else None,
                "pu": upto,
                "pb": before,
            }
            for name, value in row.items():
                columns[name].append(value)
            day += timedelta(days=1)
    return pa.table(columns, schema=SCHEMA)


def calendar_range(first_date: date | None, as_of: date, horizon_months: int) -> tuple[date, date]:
    """The days a query on ``as_of`` may touch: from the ledger's first date to ``as_of``
    plus the longest chain of month parameters, with a year's slack for working days."""
    start = min(first_date, as_of) if first_date is not None else as_of
    return start, add_months(as_of, horizon_months + 12)
