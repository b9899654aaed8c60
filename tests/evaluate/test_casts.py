"""Safe casts: SQLite, DuckDB (and, in test_spark.py, PostgreSQL and Spark) read exactly the
JSON numbers as numbers, whatever the text."""

from __future__ import annotations

import re
import sqlite3

import duckdb
from hypothesis import given
from hypothesis import strategies as st
from sqlglot import exp

from xinyong.evaluate.casts import NUMBER_PATTERN, safe_number
from xinyong.evaluate.criteria import to_sql

TEXTS = st.one_of(
    st.text(alphabet="0123456789.eE+- \tn/a,", max_size=8),
    st.from_regex(r"\A *-?[0-9]{1,4}(\.[0-9]{0,3})?([eE][-+]?[0-9]{0,4})? *\Z"),
    st.integers(min_value=195, max_value=205).map(lambda n: "1" * n),
)


def _expected(text: str) -> float | None:
    trimmed = text.strip(" ")
    return float(trimmed) if re.fullmatch(NUMBER_PATTERN, trimmed) else None


def _query(text: str) -> exp.Expr:
    return exp.select(exp.alias_(safe_number(exp.Literal.string(text)), "n"))


SQLITE = sqlite3.connect(":memory:")
DUCKDB = duckdb.connect()


@given(TEXTS)
def test_sqlite_and_duckdb_read_a_number_exactly_when_it_is_a_json_number(text: str) -> None:
    expected = _expected(text)
    assert SQLITE.execute(to_sql(_query(text), "sqlite")).fetchone() == (expected,)
    assert DUCKDB.execute(to_sql(_query(text), "duckdb")).fetchone() == (expected,)
