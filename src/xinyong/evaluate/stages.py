"""Building blocks of the compiled lifecycle: a query as a chain of stages (common table
expressions, each adding columns to the one before), dated parameters as CASE expressions,
and month / working-day arithmetic as joins on the calendar table.

Queries are written in the source dialect (``criteria.SOURCE_DIALECT``) and parsed once by
sqlglot; every value from pack data enters as a literal sqlglot quotes, never spliced text.
Dates are day numbers (``date.toordinal()``) from the calendar join on: ``+ 1`` is the next
day, comparisons are integer comparisons on every engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlglot
from sqlglot import exp

from ..schemes.lists import Parameter
from .calendar_table import CALENDAR
from .criteria import SOURCE_DIALECT

#: a NULL every engine types as an integer (a bare NULL is text to PostgreSQL in a CTE)
NULL = "CAST(NULL AS INTEGER)"


def lit(value: str | int | float | date | None) -> str:
    """``value`` as a SQL literal (a date as its day number)."""
    if value is None:
        return "NULL"
    if isinstance(value, date):
        return str(value.toordinal())
    if isinstance(value, str):
        return exp.Literal.string(value).sql(SOURCE_DIALECT)
    return exp.Literal.number(value).sql(SOURCE_DIALECT)


def day_of(day: date) -> str:
    """``day`` as a date literal, for comparing ledger date columns."""
    return exp.Literal.string(day.isoformat()).sql(SOURCE_DIALECT)


def greatest(a: str, b: str) -> str:
    """The later of two non-NULL day numbers."""
    return f"CASE WHEN {a} > {b} THEN {a} ELSE {b} END"


def least(a: str, b: str) -> str:
    """The smaller of two non-NULL numbers."""
    return f"CASE WHEN {a} < {b} THEN {a} ELSE {b} END"


def earliest_of(candidates: list[tuple[str, str]]) -> tuple[str, str]:
    """The earliest non-NULL of ``(label, column)`` candidates and its label (ties go to the
    label first in sort order, as ``min`` over ``(date, label)`` tuples does)."""
    ordered = sorted(candidates)
    if not ordered:
        return "NULL", "NULL"
    whens_on, whens_label = [], []
    for i, (label, column) in enumerate(ordered):
        tests = [f"{column} IS NOT NULL"]
        for j, (_, other) in enumerate(ordered):
            if j != i:  # strictly earlier than a candidate whose label sorts first
                tests.append(f"({other} IS NULL OR {column} {'<' if j < i else '<='} {other})")
        test = " AND ".join(tests)
        whens_on.append(f"WHEN {test} THEN {column}")
        whens_label.append(f"WHEN {test} THEN {lit(label)}")
    return f"CASE {' '.join(whens_on)} END", f"CASE {' '.join(whens_label)} END"


def parameter_case(parameter: Parameter, on: str) -> tuple[str, str]:
    """The value of ``parameter`` in force on day number ``on`` and the day it took effect
    (both NULL before its first value; the value NULL where repealed)."""
    starts = sorted(parameter.values, reverse=True)
    value = " ".join(f"WHEN {on} >= {lit(d)} THEN {lit(parameter.values[d].value)}" for d in starts)
    since = " ".join(f"WHEN {on} >= {lit(d)} THEN {lit(d)}" for d in starts)
    return f"CASE {value} ELSE NULL END", f"CASE {since} ELSE NULL END"


@dataclass
class Stages:
    """A query under construction: named stages after the base ``ctes``, each
    ``SELECT p.*, ... FROM <previous> AS p``."""

    ctes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def last(self) -> str:
        return self.ctes[-1][0]

    def add(self, columns: dict[str, str], joins: str = "") -> None:
        """A stage adding ``columns`` (name → expression over ``p``)."""
        select = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
        name = f"s{len(self.ctes)}"
        self.ctes.append((name, f"SELECT p.*, {select} FROM {self.last} AS p {joins}"))

    def add_months(self, out: str, start: str, months: str, *, needed: bool = True) -> None:
        """``out`` = day number ``start`` plus ``months`` calendar months (NULL if either
        is NULL, or not ``needed``), clamped to the month's end like ``workdays.add_months``."""
        if not needed:
            self.add({out: NULL})
            return
        n = len(self.ctes)
        self.add(
            {out: f"m{n}.dn"},
            f"LEFT JOIN {CALENDAR} AS f{n} ON f{n}.dn = p.{start} "
            f"LEFT JOIN {CALENDAR} AS m{n} ON m{n}.mi = f{n}.mi + p.{months} "
            f"AND m{n}.dom = {least(f'f{n}.dom', f'm{n}.ldom')}",
        )

    def add_working_days(
        self, out: str, provisional: str, start: str, days: str, *, needed: bool = True
    ) -> None:
        """``out`` = the ``days``-th working day after ``start`` (NULL unless ``days > 0``);
        ``provisional`` = 1 if the span touches a provisional calendar year."""
        if not needed:
            self.add({out: NULL, provisional: "0"})
            return
        n = len(self.ctes)
        self.add(
            {
                out: f"w{n}.dn",
                provisional: f"CASE WHEN w{n}.pu - f{n}.pb > 0 THEN 1 ELSE 0 END",
            },
            f"LEFT JOIN {CALENDAR} AS f{n} ON f{n}.dn = p.{start} "
            f"LEFT JOIN {CALENDAR} AS w{n} ON w{n}.wd = 1 AND p.{days} > 0 "
            f"AND w{n}.wo = f{n}.wo + p.{days}",
        )

    def query(self, final: str) -> exp.Expr:
        """The whole query: the stages, then ``final`` (which reads ``self.last``)."""
        ctes = ", ".join(f"{name} AS ({sql})" for name, sql in self.ctes)
        return sqlglot.parse_one(f"WITH {ctes} {final}", read=SOURCE_DIALECT)
