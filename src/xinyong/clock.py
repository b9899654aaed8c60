"""The platform's clock: the one source of every timestamp and of the platform's date.

Every timestamp is an aware datetime in UTC, whatever the server's ``TZ``: that is what is
stored (``ledger.tables.UtcDateTime``) and compared. Business dates (the platform's "today",
deadlines, publicity) are dates in China Standard Time, ``Asia/Shanghai`` (UTC+8, no daylight
saving): a moment's business date is its date on a clock in Beijing.

A platform may run with its date pinned (``XINYONG_AS_OF``, as the demo does): then consents,
objections, repairs, decisions and every other domain timestamp fall on the pinned date, at
the real Shanghai time of day, so a consent granted "now" is in force on the platform's date
and an objection filed "now" is filed on it. Without a pinned date both are the real ones.

Credentials are not domain data: token expiry, session idle time and rate limits run on the
real clock (:func:`real_now`), since an attacker's copied cookie ages in real time whatever
date the platform shows.

>>> from datetime import date, datetime, UTC
>>> business_date(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
datetime.date(2026, 12, 2)
>>> platform_now(date(2026, 9, 30), datetime(2026, 12, 1, 9, 15, 7, 123, tzinfo=UTC))
datetime.datetime(2026, 9, 30, 9, 15, 7, tzinfo=datetime.timezone.utc)
>>> platform_now(date(2026, 9, 30), datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
datetime.datetime(2026, 9, 29, 17, 30, tzinfo=datetime.timezone.utc)
>>> platform_now(None, datetime(2026, 12, 1, 9, 15, 7, 123, tzinfo=UTC))
datetime.datetime(2026, 12, 1, 9, 15, 7, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

#: the zone business dates are kept in (China Standard Time, UTC+8)
BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")


class NaiveTimestampError(TypeError):
    """A naive datetime reached code that needs a moment: a bug in the caller, not bad input."""


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; refuses a naive datetime (its zone is unknown, so its moment is)."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise NaiveTimestampError(
            f"naive datetime {moment.isoformat()}: timestamps must be aware "
            "(take them from xinyong.clock, or pass tzinfo=UTC)"
        )
    return moment.astimezone(UTC)


def utc_naive(moment: datetime) -> datetime:
    """``moment`` in UTC without its offset: the form a moment is stored in and hashed in
    (audit entries, content ids), as it was when every timestamp was naive UTC."""
    return utc(moment).replace(tzinfo=None)


def business_date(moment: datetime) -> date:
    """The date of ``moment`` in Asia/Shanghai: the business date it falls on."""
    return utc(moment).astimezone(BUSINESS_ZONE).date()


def platform_now(as_of: date | None, real: datetime) -> datetime:
    """The platform's moment in UTC, to the second: ``real`` if not pinned, else the moment
    on ``as_of`` at ``real``'s Shanghai time of day (so its business date is ``as_of``)."""
    real = utc(real).replace(microsecond=0)
    if as_of is None:
        return real
    local = datetime.combine(as_of, real.astimezone(BUSINESS_ZONE).time(), BUSINESS_ZONE)
    return local.astimezone(UTC)


def platform_today(as_of: date | None, real: datetime) -> date:
    """The platform's date: ``as_of`` if pinned, else ``real``'s business date."""
    return as_of if as_of is not None else business_date(real)


def real_now() -> datetime:
    """The real moment in UTC, to the second (credentials, the audit log, webhooks: never
    pinned)."""
    return datetime.now(UTC).replace(microsecond=0)


def business_today() -> date:
    """Today's business date (in Asia/Shanghai), whatever the server's ``TZ``."""
    return business_date(real_now())


def now(as_of: date | None) -> datetime:
    """The platform's moment on the real clock (the CLI's; the web platform's clock can be
    pinned by tests through ``create_app(clock=…)``)."""
    return platform_now(as_of, real_now())


def today(as_of: date | None) -> date:
    """The platform's date on the real clock: ``as_of`` or :func:`business_today`."""
    return as_of if as_of is not None else business_today()
