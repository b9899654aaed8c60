"""Safe casts: a malformed number in an attribute is NULL on every engine, never an error.

An attribute such as ``{"amount": "n/a"}`` must fail a numeric condition, not abort the run:
a plain ``CAST`` raises on PostgreSQL, DuckDB and Spark (ANSI mode, the Spark 4 default) and
gives 0.0 on SQLite. ``safe_number`` marks the conversion in the portable query (as a
``TRY_CAST``); ``safe_cast``, applied by ``criteria.to_sql``, renders it per engine as a
guarded conversion, so that every engine accepts exactly the same texts as numbers: a JSON
number (RFC 8259: ``-12``, ``0.5``, ``3e5``; not ``012``, ``.5``, ``+1``, ``1,000``, ``NaN``),
spaces around it allowed, at most 200 digits before and after the point and a two-digit
exponent (so that no engine overflows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

if TYPE_CHECKING:
    from .criteria import Dialect

#: a JSON number with bounded digits (no backslashes: Spark unescapes string literals)
NUMBER_PATTERN = "^-?(0|[1-9][0-9]{0,199})([.][0-9]{1,200})?([eE][-+]?[0-9]{1,2})?$"
#: SQLite has no regular expressions: it checks the characters a number may hold, that the
#: text is valid JSON (which leaves exactly the JSON numbers), and the digit limits above
_SQLITE_NOT_NUMBER = (
    "*[^-+.0-9eE]*",  # another character
    "*" + "[0-9]" * 201 + "*",  # more than 200 digits in a row
    "*[eE]*[0-9][0-9][0-9]*",  # a three-digit exponent
)


def safe_number(text: exp.Expr) -> exp.Expr:
    """``text`` as a number (DOUBLE), or NULL when it is not one."""
    return exp.TryCast(this=text, to=exp.DataType.build("DOUBLE"), safe=True)


#: a safe number in a query rendered as source text for a larger query (the source dialect
#: writes ``TRY_CAST`` as a plain ``CAST``, which would abort PostgreSQL on ``"x"``)
_MARK = "XY_SAFE_NUMBER"
#: the largest term in months a record may set for itself (100 years)
OWN_MONTHS_MAX = 1200


def source_text(query: exp.Expr, dialect: str) -> str:
    """``query`` as text in ``dialect`` to embed in a larger query, its safe numbers kept
    (``safe_cast`` restores them when the whole query is rendered)."""

    def mark(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.TryCast) and node.to.is_type(*exp.DataType.REAL_TYPES):
            return exp.Anonymous(this=_MARK, expressions=[node.this.copy()])
        return node

    return query.transform(mark).sql(dialect)


def whole_months(number: str) -> str:
    """SQL: the number ``number`` as whole months when it is an integer from 0 to
    ``OWN_MONTHS_MAX`` (``3``, ``3.0``), else NULL (``1.5``, ``-3``, ``1e50``): the one rule
    for a record's own term and an extension's months, as ``whole_months_of`` in Python."""
    return (
        f"CASE WHEN {number} >= 0 AND {number} <= {OWN_MONTHS_MAX} AND {number} = "
        f"FLOOR({number}) THEN CAST({number} AS INTEGER) END"
    )


def whole_months_of(value: object) -> int | None:
    """``value`` (a number or its text) as whole months by the rule of ``whole_months``."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value) if isinstance(value, int | float | str) else None
    except ValueError:
        return None
    if number is None or not 0 <= number <= OWN_MONTHS_MAX or number != int(number):
        return None
    return int(number)


def _is_number(text: exp.Expr, dialect: Dialect) -> exp.Expr:
    if dialect == "sqlite":
        return exp.and_(
            exp.Anonymous(this="json_valid", expressions=[text]),
            *(
                exp.not_(exp.Glob(this=text.copy(), expression=exp.Literal.string(pattern)))
                for pattern in _SQLITE_NOT_NUMBER
            ),
        )
    return exp.RegexpLike(this=text, expression=exp.Literal.string(NUMBER_PATTERN))


def safe_cast(node: exp.Expr, dialect: Dialect) -> exp.Expr:
    """``node`` rendered safely for ``dialect`` if it is a ``TRY_CAST`` to a number (other
    nodes unchanged): ``CASE WHEN <a number> THEN CAST(...) END``. DuckDB and Spark also keep
    ``TRY_CAST`` inside the guard, written explicitly (sqlglot would write ``CAST`` for a
    Spark ``TRY_CAST`` in some versions: tobymao/sqlglot#2389)."""
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == _MARK:
        node = safe_number(node.expressions[0])
    if not isinstance(node, exp.TryCast) or not node.to.is_type(*exp.DataType.REAL_TYPES):
        return node
    text = exp.Trim(this=node.this.copy())
    target = node.to.copy()
    cast: exp.Expr
    if dialect in ("duckdb", "spark"):
        cast = exp.TryCast(this=text.copy(), to=target, safe=True)
    else:
        cast = exp.Cast(this=text.copy(), to=target)
    return exp.Case().when(_is_number(text, dialect), cast)
