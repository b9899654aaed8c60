"""One year of the PRC working-day calendar: official (a State Council notice) or provisional.

Each December the General Office of the State Council publishes the next year's holidays and
make-up working days (调休), e.g. 国务院办公厅关于2026年部分节假日安排的通知. Official years
are pack data, one file a year in ``schemes/packs/cn/calendar/`` (and operator-added years in
``XINYONG_CALENDAR_PATH``), each naming its notice.

A year with no notice yet gets a *provisional* calendar: the statutory holidays of the
全国年节及纪念日放假办法 as amended by 国务院令第795号 (in force 2025-01-01; 13 days: New
Year's Day, Spring Festival Eve and the first three days of the first lunar month, Qingming,
1 and 2 May, Dragon Boat, Mid-Autumn, 1–3 October), lunar dates computed by the ``holidays``
package, a holiday falling on a weekend compensated on the next working day (Art 6:
"适逢星期六、星期日，应当在工作日补假"), and no make-up working days, which only a notice
sets. Every deadline that touches a provisional year says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ..errors import FieldError, InvalidData
from ..schemes.yamlio import load_model

#: The amended 放假办法 (国务院令第795号) applies from this year; no provisional year before it.
FIRST_PROVISIONAL_YEAR = 2025
#: The last year the provisional calendar is computed for (lunar tables of ``holidays``).
LAST_PROVISIONAL_YEAR = 2099

PROVISIONAL_BASIS = (
    "全国年节及纪念日放假办法 (国务院令第795号, in force 2025-01-01), Arts 2 and 6: "
    "statutory holidays only, weekend holidays compensated on the next working day, "
    "no make-up working days until the State Council's notice for the year"
)

Status = Literal["official", "provisional"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoticeFile(_Strict):
    """The State Council notice a year's calendar comes from."""

    title: str
    #: e.g. 国办发明电〔2024〕12号; ``null`` where not checked against a public copy
    number: str | None
    #: date of issue; ``null`` where not checked
    date: date | None
    url: str | None
    #: ``true`` only when both the number and the date were checked against a public copy
    verified: bool
    #: ``true`` for test fixtures: never a real notice
    test_fixture: bool = False

    @model_validator(mode="after")
    def _verified_needs_number_and_date(self) -> NoticeFile:
        if self.verified and (self.number is None or self.date is None):
            raise ValueError("verified: true needs the notice's number and date")
        return self


class Day(_Strict):
    date: date
    #: the holiday it belongs to, e.g. 春节
    name: str


class YearFile(_Strict):
    """``calendar/YYYY.yaml``: one year's days off and make-up working days."""

    year: int
    notice: NoticeFile
    #: days off that would otherwise be working days (weekend days of a holiday may be listed)
    holidays: list[Day]
    #: make-up working days (调休上班): weekend days worked
    workdays: list[Day]


@dataclass(frozen=True)
class CalendarYear:
    """The working days of one year and where they come from."""

    year: int
    status: Status
    holidays: dict[date, str]
    workdays: dict[date, str]
    notice: NoticeFile | None = None
    #: the file it was read from, or the provisional basis
    source: str = ""
    working: tuple[date, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        first = date(self.year, 1, 1)
        days = (
            first + timedelta(days=i) for i in range((date(self.year, 12, 31) - first).days + 1)
        )
        working = tuple(d for d in days if self.is_working_day(d))
        object.__setattr__(self, "working", working)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def year_error(path: Path, field_name: str, message: str, fix: str) -> InvalidData:
    return InvalidData(
        f"{path}: {field_name}: {message} (fix: {fix})",
        code="calendar-year",
        errors=[FieldError(f"{path.name}:{field_name}", message, fix)],
        file=str(path),
    )


def read_year(path: Path) -> CalendarYear:
    """An official year from its file; refuses one that contradicts itself or its name."""
    found = load_model(path, YearFile)
    if path.stem.isdigit() and int(path.stem) != found.year:
        raise year_error(
            path,
            "year",
            f"is {found.year} in a file named {path.name}",
            f"name it {found.year}.yaml",
        )
    title = f"国务院办公厅关于{found.year}年部分节假日安排的通知"
    if found.notice.title != title:
        raise year_error(
            path, "notice.title", f"is {found.notice.title!r}", f"the notice's title is {title!r}"
        )
    for key, days in (("holidays", found.holidays), ("workdays", found.workdays)):
        for i, day in enumerate(days):
            if day.date.year != found.year:
                raise year_error(
                    path, f"{key}.{i}.date", f"{day.date} is not in {found.year}", "remove it"
                )
    for i, day in enumerate(found.workdays):
        if day.date.weekday() < 5:
            raise year_error(
                path,
                f"workdays.{i}.date",
                f"{day.date} is a weekday; make-up working days are weekend days",
                "list only the Saturdays and Sundays the notice says are worked",
            )
    both = {d.date for d in found.holidays} & {d.date for d in found.workdays}
    if both:
        raise year_error(
            path, "workdays", f"{min(both)} is both a holiday and a working day", "keep one"
        )
    return CalendarYear(
        year=found.year,
        status="official",
        holidays={d.date: d.name for d in found.holidays},
        workdays={d.date: d.name for d in found.workdays},
        notice=found.notice,
        source=str(path),
    )


def builtin_dir() -> Path:
    """The national pack's calendar files."""
    return Path(str(resources.files("xinyong.schemes").joinpath("packs", "cn", "calendar")))


def read_dir(directory: Path) -> dict[int, CalendarYear]:
    """Every ``YYYY.yaml`` in ``directory`` (none if it does not exist)."""
    if not directory.is_dir():
        return {}
    years = (read_year(p) for p in sorted(directory.glob("*.yaml")))
    return {y.year: y for y in years}


_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Chinese New Year's Eve": "春节",
    "Chinese New Year (Spring Festival)": "春节",
    "Tomb-Sweeping Day": "清明节",
    "Labor Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-Autumn Festival": "中秋节",
    "National Day": "国庆节",
}


@cache
def provisional_year(year: int) -> CalendarYear:
    """The provisional calendar of ``year`` (statutory holidays, no make-up working days)."""
    from holidays.countries.china import China

    statutory: dict[date, str] = {}
    computed = China(years=year, language="en_US")  # type: ignore[no-untyped-call]
    for day, names in computed.items():
        # a notice's rearranged days ("Day off …") belong to official years only
        found = [n for n in names.split("; ") if not n.startswith("Day off")]
        own = sorted({_NAMES_ZH[n] for n in found if not n.endswith(" (observed)")})
        made_good = sorted({_NAMES_ZH[n.removesuffix(" (observed)")] for n in found} - set(own))
        if own:  # two holidays on one day (Mid-Autumn on 3 October 2028): both named
            statutory[day] = "、".join(own)
        elif made_good:
            statutory[day] = "、".join(made_good) + "（补假）"
    return CalendarYear(
        year=year,
        status="provisional",
        holidays=statutory,
        workdays={},
        notice=None,
        source=PROVISIONAL_BASIS,
    )
