"""The clock: moments in UTC, business dates in Asia/Shanghai, whatever the server's TZ."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from xinyong import clock


def test_a_moment_after_16_utc_is_the_next_business_day() -> None:
    assert clock.business_date(datetime(2026, 12, 1, 17, 30, tzinfo=UTC)) == date(2026, 12, 2)
    assert clock.business_date(datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)) == date(2026, 12, 1)


def test_a_pinned_platform_moment_falls_on_the_pinned_business_date() -> None:
    pinned = clock.platform_now(date(2026, 9, 30), datetime(2026, 12, 1, 17, 30, 5, 9, tzinfo=UTC))
    assert pinned == datetime(2026, 9, 29, 17, 30, 5, tzinfo=UTC)
    assert clock.business_date(pinned) == date(2026, 9, 30)
    late = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert clock.platform_today(None, late) == date(2026, 12, 2)


def test_the_real_clock_is_aware_utc() -> None:
    assert clock.real_now().tzinfo is UTC and clock.now(None).tzinfo is UTC


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(clock.NaiveTimestampError, match="naive datetime 2026-12-01T09:00:00"):
        clock.business_date(datetime(2026, 12, 1, 9))
