"""Double publicity timeliness (双公示): how many working days late decisions were published.

A catalogue item with a ``publicity_deadline`` must be published within that many PRC working
days of its decision (7 for licensing and penalty decisions, 20 for enterprise publicity).
"""

from __future__ import annotations

from datetime import date

from ..workdays import working_days_between


def working_days_late(decided_on: date, published_on: date, deadline_working_days: int) -> int:
    """Working days past the deadline (0 if on time). Raises ``CalendarError`` off-calendar.

    >>> working_days_late(date(2026, 2, 12), date(2026, 2, 26), 7)  # Spring Festival between
    0
    >>> working_days_late(date(2026, 3, 2), date(2026, 3, 16), 7)
    3
    """
    return max(0, working_days_between(decided_on, published_on) - deadline_working_days)
