"""List criteria compiled once to SQL, then transpiled to each engine's dialect (sqlglot).

A list type's entry criteria become one query over ``records``: every version of every record
of the list's items decided by ``as_of``, with two computed flags, ``matches`` (the entry
conditions hold for this version) and ``term_applies`` (the fixed term applies). The same
query text, transpiled, runs on SQLite, PostgreSQL, DuckDB and Spark; parity tests hold them
to one answer. Row order is left to the caller (engines' collations differ). Values come from pack
data and are quoted as SQL literals by sqlglot, never spliced.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Literal

import sqlglot
from sqlglot import exp

from ..schemes.lists import Condition, ListType
from .casts import safe_cast, safe_number
from .query_templates import is_kept

Dialect = Literal["sqlite", "postgres", "duckdb", "spark"]
#: the dialect criteria are written in before transpiling
SOURCE_DIALECT = "postgres"


def _literal(value: str | int | float) -> exp.Expr:
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


def _field(condition: Condition) -> exp.Expr:
    name = condition.field
    if not name.startswith("attributes."):
        return exp.column(name)
    path = name.removeprefix("attributes.")
    extracted = sqlglot.parse_one(
        f"attributes ->> {exp.Literal.string(path).sql(SOURCE_DIALECT)}", read=SOURCE_DIALECT
    )
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    if values and all(isinstance(v, int | float) for v in values):
        return safe_number(extracted)
    return extracted


def condition_sql(condition: Condition, window_start: date | None = None) -> exp.Expr:
    """One condition as a SQL boolean expression (``window_start`` for ``in_window``)."""
    field = _field(condition)
    value = condition.value
    if condition.op == "in_window":
        if window_start is None:
            raise ValueError("`in_window` needs the window of a grading scheme")
        return exp.GTE(this=field, expression=exp.Literal.string(window_start.isoformat()))
    if condition.op in ("in", "not_in"):
        assert isinstance(value, list)
        test: exp.Expr = field.isin(*[_literal(v) for v in value])
        return exp.not_(test) if condition.op == "not_in" else test
    assert not isinstance(value, list)
    operator = {"eq": exp.EQ, "ne": exp.NEQ, "gte": exp.GTE, "lte": exp.LTE}[condition.op]
    return operator(this=field, expression=_literal(value))


def _flag(conditions: tuple[Condition, ...], name: str) -> exp.Expr:
    if not conditions:
        return exp.alias_(exp.Literal.number(1), name)
    test = exp.and_(*(condition_sql(c) for c in conditions))
    return exp.alias_(
        exp.Case().when(test, exp.Literal.number(1)).else_(exp.Literal.number(0)), name
    )


#: the table of subject ids an evaluation of some subjects only reads
#: (``engines.register_among``).
#: Queries name the set by this table, not as literals: thousands of literals would be copied,
#: rendered and parsed again by sqlglot at every step of building a query.
AMONG = "xinyong_among"


def among(column: exp.Expr) -> exp.Expr:
    """``column`` is one of the subjects registered as ``AMONG``."""
    return sqlglot.parse_one(
        f"{column.sql(SOURCE_DIALECT)} IN (SELECT subject_id FROM {AMONG})", read=SOURCE_DIALECT
    )


def _of_subjects(query: exp.Select, only_among: bool, alias: str = "") -> exp.Select:
    if not only_among:
        return query
    return query.where(
        among(exp.column("subject_id", table=alias) if alias else exp.column("subject_id"))
    )


def of_source_records(alias: str) -> exp.Expr:
    """The record aliased ``alias`` is a version of a source record one of the ``AMONG``
    subjects has a version of (a corrected record may move to another subject: its versions
    stay one source record)."""
    return sqlglot.parse_one(
        f"EXISTS (SELECT 1 FROM records AS same WHERE same.source_agency = "
        f"{alias}.source_agency AND same.source_record_id = {alias}.source_record_id "
        f"AND same.subject_id IN (SELECT subject_id FROM {AMONG}))",
        read=SOURCE_DIALECT,
    )


def trigger_query(list_type: ListType, as_of: date, only_among: bool = False) -> exp.Select:
    """The query selecting the versions that may put subjects on ``list_type`` by ``as_of``
    (only of the ``AMONG`` subjects' source records if ``only_among``: re-deriving a few
    subjects reads only their records, with every version of each, whichever subject it
    names)."""
    term = list_type.term.applies_when if list_type.term else ()
    subject_level: list[exp.Expr] = []  # fields the subject-level tests read
    if list_type.entry.streak is not None:
        probe = Condition(field=list_type.entry.streak.field, op="gte", value=0)
        subject_level.append(exp.alias_(_field(probe), "streak_value"))
    if list_type.term is not None and list_type.term.months_field is not None:
        probe = Condition(field=list_type.term.months_field, op="gte", value=0)
        subject_level.append(exp.alias_(_field(probe), "term_months"))
    absence = list_type.entry.absence
    if absence is not None and absence.since is not None:
        probe = Condition(field=absence.since, op="eq", value="")
        subject_level.append(exp.alias_(_field(probe), "since_value"))
    query = (
        exp.select(
            "record_id",
            "subject_id",
            "item_code",
            "source_agency",
            "source_record_id",
            "version",
            "decided_on",
            _flag(list_type.entry.where, "matches"),
            _flag(term, "term_applies"),
            *subject_level,
        )
        .from_("records")
        .where(
            exp.column("item_code").isin(*[exp.Literal.string(i) for i in list_type.entry.items])
        )
        .where(exp.column("decided_on") <= exp.Literal.string(as_of.isoformat()))
    )
    if not only_among:
        return query
    return query.where(of_source_records("records"))


def events_query(list_type: ListType, as_of: date, only_among: bool = False) -> exp.Select:
    """Events effective by ``as_of`` about the records ``trigger_query`` selects."""
    triggers = trigger_query(list_type, as_of, only_among).select("record_id", append=False)
    return (
        exp.select("record_id", "kind", "effective_on", "attributes")
        .from_("record_events")
        .where(exp.column("record_id").isin(query=triggers))
        .where(exp.column("effective_on") <= exp.Literal.string(as_of.isoformat()))
    )


#: (id(query), dialect) → (the query, its text) of queries rendered lately
_rendered: OrderedDict[tuple[int, str], tuple[exp.Expr, str]] = OrderedDict()
RENDERED_KEPT = 512
_rendered_lock = threading.Lock()


def to_sql(query: exp.Expr, dialect: Dialect) -> str:
    """``query`` in ``dialect``, its safe casts made safe on that engine (``safe_cast``); the
    text of a query ``query_templates.built_once`` keeps is rendered once per dialect."""
    if not is_kept(query):
        return query.transform(lambda node: safe_cast(node, dialect)).sql(dialect=dialect)
    key = (id(query), dialect)
    with _rendered_lock:
        hit = _rendered.get(key)
        if hit is not None and hit[0] is query:
            _rendered.move_to_end(key)
            return hit[1]
    text = query.transform(lambda node: safe_cast(node, dialect)).sql(dialect=dialect)
    with _rendered_lock:
        _rendered[key] = (query, text)
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    return text


def standing(as_of: date, alias: str = "r") -> exp.Expr:
    """The record aliased ``alias`` is the latest version of its source record by ``as_of``."""
    day = exp.Literal.string(as_of.isoformat()).sql(SOURCE_DIALECT)
    return sqlglot.parse_one(
        f"NOT EXISTS (SELECT 1 FROM records AS later WHERE later.source_agency = "
        f"{alias}.source_agency AND later.source_record_id = {alias}.source_record_id "
        f"AND later.version > {alias}.version AND later.decided_on <= {day})",
        read=SOURCE_DIALECT,
    )


def not_ended(as_of: date, alias: str = "r") -> exp.Expr:
    """The record aliased ``alias`` was neither revoked nor repaired by ``as_of``."""
    day = exp.Literal.string(as_of.isoformat()).sql(SOURCE_DIALECT)
    return sqlglot.parse_one(
        f"NOT EXISTS (SELECT 1 FROM record_events AS ended WHERE ended.record_id = "
        f"{alias}.record_id AND ended.kind IN ('revoked', 'repaired') "
        f"AND ended.effective_on <= {day})",
        read=SOURCE_DIALECT,
    )


def last_record_query(items: list[str], as_of: date, only_among: bool = False) -> exp.Expr:
    """Per subject, the decision date of its latest standing, unrevoked record of ``items``."""
    query = (
        exp.select(
            exp.column("subject_id", table="r"),
            exp.alias_(exp.Max(this=exp.column("decided_on", table="r")), "last_on"),
        )
        .from_(exp.alias_(exp.to_table("records"), "r"))
        .where(exp.column("item_code", table="r").isin(*[exp.Literal.string(i) for i in items]))
        .where(exp.column("decided_on", table="r") <= exp.Literal.string(as_of.isoformat()))
        .where(standing(as_of))
        .where(not_ended(as_of))
        .group_by(exp.column("subject_id", table="r"))
    )
    return _of_subjects(query, only_among, alias="r")
