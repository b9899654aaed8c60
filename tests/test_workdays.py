"""Working-day arithmetic on the PRC calendar (property tests: our addition to the anchors)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.workdays import (
    CalendarError,
    add_working_days,
    coverage,
    is_working_day,
    working_days_between,
)

FIRST, LAST = coverage()
days = st.dates(min_value=FIRST, max_value=LAST - timedelta(days=120))


@given(start=days, span=st.integers(0, 100))
def test_counting_agrees_with_the_calendar_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    by_hand = sum(
        chinese_calendar.is_workday(start + timedelta(days=i)) for i in range(1, span + 1)
    )
    assert working_days_between(start, end) == by_hand


@given(start=days, n=st.integers(1, 60))
def test_adding_n_working_days_lands_on_a_working_day_n_later(start: date, n: int) -> None:
    deadline = add_working_days(start, n)
    assert is_working_day(deadline)
    assert working_days_between(start, deadline) == n
    assert working_days_between(start, deadline - timedelta(days=1)) == n - 1


@given(a=days, b=st.integers(0, 50), c=st.integers(0, 50))
def test_counts_add_up(a: date, b: int, c: int) -> None:
    mid, end = a + timedelta(days=b), a + timedelta(days=b + c)
    assert working_days_between(a, mid) + working_days_between(mid, end) == (
        working_days_between(a, end)
    )


class TestHolidays:
    def test_spring_festival_2026_and_its_make_up_saturday(self) -> None:
        assert is_working_day(date(2026, 2, 14))  # Saturday, make-up working day
        assert not is_working_day(date(2026, 2, 16))  # Monday, Spring Festival
        assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)

    def test_national_day_2026(self) -> None:
        assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)

    def test_year_end(self) -> None:
        assert working_days_between(date(2025, 12, 31), date(2026, 1, 5)) == 2


def test_dates_beyond_the_calendar_fail_with_the_fix() -> None:
    with pytest.raises(CalendarError) as exc:
        working_days_between(LAST - timedelta(days=3), LAST + timedelta(days=5))
    assert "outside the PRC working-day calendar" in exc.value.detail
    assert "update chinese-calendar" in exc.value.detail
    with pytest.raises(CalendarError):
        add_working_days(LAST - timedelta(days=2), 30)
