"""Working-day arithmetic on the PRC calendar (property tests: our addition to the anchors)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.workdays import (
    CalendarError,
    active,
    add_working_days,
    coverage,
    is_provisional,
    is_working_day,
    working_days_between,
)
from xinyong.workdays.years import provisional_year

FIRST, LAST = coverage()
#: the years the pack ships, generated from chinese-calendar: they must agree with it
LAST_OFFICIAL = date(max(active().official), 12, 31)
official_days = st.dates(min_value=FIRST, max_value=LAST_OFFICIAL - timedelta(days=120))
#: the whole calendar, official years and provisional ones after them
days = st.dates(min_value=FIRST, max_value=date(2035, 12, 31))
provisional_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31))
for _year in range(2025, 2038):  # build each year once, outside the examples' deadline
    active().year(_year)


@given(start=official_days, span=st.integers(0, 100))
def test_counting_agrees_with_the_calendar_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    by_hand = sum(
        chinese_calendar.is_workday(start + timedelta(days=i)) for i in range(1, span + 1)
    )
    assert working_days_between(start, end) == by_hand


def test_the_shipped_years_are_chinese_calendar_day_for_day() -> None:
    day = FIRST
    while day <= LAST_OFFICIAL:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@given(start=days, n=st.integers(1, 60))
def test_adding_n_working_days_lands_on_a_working_day_n_later(start: date, n: int) -> None:
    deadline = add_working_days(start, n)
    assert is_working_day(deadline)
    assert working_days_between(start, deadline) == n
    assert working_days_between(start, deadline - timedelta(days=1)) == n - 1


@given(a=days, b=st.integers(0, 400), c=st.integers(0, 400))
def test_counts_add_up(a: date, b: int, c: int) -> None:
    mid, end = a + timedelta(days=b), a + timedelta(days=b + c)
    assert working_days_between(a, mid) + working_days_between(mid, end) == (
        working_days_between(a, end)
    )


@given(start=provisional_days, span=st.integers(0, 800))
def test_provisional_counting_is_the_inverse_of_adding(start: date, span: int) -> None:
    """Over 2025–2035 (official 2025–2026, provisional after): counting the working days to
    a date, then adding that many, lands on the last working day on or before it."""
    end = start + timedelta(days=span)
    n = working_days_between(start, end)
    by_hand = sum(is_working_day(start + timedelta(days=i)) for i in range(1, span + 1))
    assert n == by_hand
    if n:
        landed = add_working_days(start, n)
        assert landed <= end
        assert all(
            not is_working_day(landed + timedelta(days=i))
            for i in range(1, (end - landed).days + 1)
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


class TestProvisional:
    def test_thirteen_statutory_days_every_year(self) -> None:
        """Order 795: 13 days, the eve of Spring Festival and 2 May included."""
        for year in range(2027, 2036):
            cal = provisional_year(year)
            statutory = [
                holiday
                for name in cal.holidays.values()
                if "补假" not in name
                for holiday in name.split("、")
            ]
            assert len(statutory) == 13, year
            assert cal.workdays == {}
            assert date(year, 5, 2) in cal.holidays

    def test_2027_spring_festival_from_the_eve_and_weekend_days_made_good(self) -> None:
        cal = provisional_year(2027)
        # eve Friday 5 Feb, first to third of the first month Sat 6 – Mon 8; the weekend
        # days are made good on Tue 9 and Wed 10 (Art 6)
        assert [d.day for d in sorted(cal.holidays) if d.month == 2] == [5, 6, 7, 8, 9, 10]
        assert add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 11)
        assert cal.status == "provisional"

    def test_a_deadline_crossing_into_2027_is_provisional(self) -> None:
        due = add_working_days(date(2026, 12, 28), 5)
        # 1 January 2027 (Friday) is New Year's Day: the fifth working day is Monday 4th
        assert due == date(2027, 1, 5)
        assert is_provisional(date(2026, 12, 28), due)
        assert not is_provisional(date(2026, 12, 1), date(2026, 12, 31))


def test_dates_beyond_the_calendar_fail_with_the_fix() -> None:
    with pytest.raises(CalendarError) as exc:
        working_days_between(FIRST - timedelta(days=3), FIRST + timedelta(days=5))
    assert "outside the PRC working-day calendar" in exc.value.detail
    assert "xinyong calendar add" in exc.value.detail
    with pytest.raises(CalendarError):
        add_working_days(LAST - timedelta(days=2), 30)
    with pytest.raises(CalendarError):
        is_working_day(LAST + timedelta(days=1))
