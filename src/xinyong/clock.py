"""The platform's clock: the one source of every domain timestamp.

A platform may run with its date pinned (``XINYONG_AS_OF``, as the demo does): then consents,
objections, repairs, decisions and every other domain timestamp fall on the pinned date, at
the real time of day, so a consent granted "now" is in force on the platform's date and an
objection filed "now" is filed on it. Without a pinned date both are the real ones.

Credentials are not domain data: token expiry, session idle time and rate limits run on the
real clock, since an attacker's copied cookie ages in real time whatever date the platform
shows.

>>> from datetime import date, datetime
>>> platform_now(date(2026, 9, 30), datetime(2026, 12, 1, 9, 15, 7, 123))
datetime.datetime(2026, 9, 30, 9, 15, 7)
>>> platform_now(None, datetime(2026, 12, 1, 9, 15, 7, 123))
datetime.datetime(2026, 12, 1, 9, 15, 7)
"""

from __future__ import annotations

from datetime import date, datetime


def platform_now(as_of: date | None, real: datetime) -> datetime:
    """The platform's moment: ``as_of`` at ``real``'s time of day if pinned, else ``real``
    (to the second)."""
    real = real.replace(microsecond=0)
    return datetime.combine(as_of, real.time()) if as_of is not None else real


def platform_today(as_of: date | None, real: datetime) -> date:
    """The platform's date: ``as_of`` if pinned, else ``real``'s."""
    return as_of if as_of is not None else real.date()


def now(as_of: date | None) -> datetime:
    """The platform's moment on the real clock (the CLI's; the web platform's clock can be
    pinned by tests through ``create_app(clock=…)``)."""
    return platform_now(as_of, datetime.now())


def today(as_of: date | None) -> date:
    """The platform's date on the real clock."""
    return platform_today(as_of, datetime.now())


def real_now() -> datetime:
    """The real moment, to the second (credentials, the audit log, webhooks: never pinned)."""
    return datetime.now().replace(microsecond=0)
