"""SQLAlchemy expressions that compile alike on SQLite and PostgreSQL, for the in-force
condition: a list's entry criteria (transpiled by sqlglot), membership in a JSON array,
calendar-month arithmetic with the end-of-month clamp of ``workdays.add_months``, and a
dated parameter's value on a day."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlalchemy as sa
import sqlglot
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlglot import exp

from ..schemes.lists import ListType
from .criteria import SOURCE_DIALECT, condition_sql

_DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "duckdb": "duckdb"}


class ListCriteria(sa.ColumnElement[bool]):
    """A list's entry conditions (``criteria.condition_sql``), written in the source dialect
    over one table alias and transpiled to the connection's dialect when compiled."""

    type = sa.Boolean()
    inherit_cache = True
    _traverse_internals = [("sql", InternalTraversal.dp_string)]

    def __init__(self, list_type: ListType, alias: str) -> None:
        self.sql = _criteria_text(list_type, alias)


#: (id of a list type, alias) → (the list type, its criteria's text): built once per loaded
#: pack, not on every request that asks whether an entry is in force
_TEXTS: dict[tuple[int, str], tuple[ListType, str]] = {}


def _criteria_text(list_type: ListType, alias: str) -> str:
    cached = _TEXTS.get((id(list_type), alias))
    if cached is not None and cached[0] is list_type:
        return cached[1]
    test = exp.and_(*(condition_sql(c) for c in list_type.entry.where))
    qualified = test.transform(
        lambda node: exp.column(node.name, table=alias) if isinstance(node, exp.Column) else node
    )
    text = qualified.sql(SOURCE_DIALECT)
    _TEXTS[(id(list_type), alias)] = (list_type, text)
    return text


@lru_cache(maxsize=1024)
def _transpiled(sql: str, dialect: str) -> str:
    return sqlglot.transpile(sql, read=SOURCE_DIALECT, write=dialect)[0]


@compiles(ListCriteria)
def _compile_criteria(element: ListCriteria, compiler: SQLCompiler, **_: Any) -> str:
    return "(" + _transpiled(element.sql, _DIALECTS[compiler.dialect.name]) + ")"


class InJsonArray(sa.ColumnElement[bool]):
    """``value`` is one of the strings of the JSON array ``array``."""

    type = sa.Boolean()
    inherit_cache = True
    _traverse_internals = [
        ("value", InternalTraversal.dp_clauseelement),
        ("array", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, value: sa.ColumnElement[Any], array: sa.ColumnElement[Any]) -> None:
        self.value, self.array = value, array


@compiles(InJsonArray)
def _compile_in_array(element: InJsonArray, compiler: SQLCompiler, **kw: Any) -> str:
    value, array = compiler.process(element.value, **kw), compiler.process(element.array, **kw)
    if compiler.dialect.name == "postgresql":
        return f"{value} IN (SELECT jsonb_array_elements_text({array}))"
    return f"{value} IN (SELECT value FROM json_each({array}))"


def months_reached(start: Any, months: Any, day: Any) -> sa.ColumnElement[bool]:
    """``add_months(start, months) <= day`` in portable SQL: the month ``months`` after
    ``start``'s is before ``day``'s, or it is ``day``'s and ``start``'s day of the month is
    not after ``day``'s — or ``day`` is its month's last day (the end-of-month clamp)."""

    def part(name: str, value: Any) -> sa.ColumnElement[int]:
        return sa.cast(sa.extract(name, value), sa.Integer)

    def month_index(value: Any) -> sa.ColumnElement[int]:
        return part("year", value) * 12 + part("month", value)

    year, month = part("year", day), part("month", day)
    leap = sa.or_(sa.and_(year % 4 == 0, year % 100 != 0), year % 400 == 0)
    last_day = sa.case(
        (month.in_([4, 6, 9, 11]), 30),
        (sa.and_(month == 2, leap), 29),
        (month == 2, 28),
        else_=31,
    )
    target = month_index(start) + months
    return sa.or_(
        target < month_index(day),
        sa.and_(
            target == month_index(day),
            sa.or_(part("day", start) <= part("day", day), part("day", day) == last_day),
        ),
    )


def dated_value(list_type: ListType, name: str, day: Any) -> sa.ColumnElement[int]:
    """``in_force.dated`` as a CASE over the dated values of the parameter ``name``."""
    values = list_type.parameters[name].values
    whens = [
        (day >= since, int(values[since].value or 0)) for since in sorted(values, reverse=True)
    ]
    return sa.case(*whens, else_=0)
