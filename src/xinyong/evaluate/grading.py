"""Credit grades on a date: indicator counts, points, caps, direct grades and bands compiled
to SQL (``compiled_grades``); ``score_subject`` is the same scoring in Python, for one
subject's own file and as the test oracle.

For each indicator the engine counts, per subject, the records of its items that meet its
conditions, were decided in the window before ``as_of``, are the standing version of their
source record, and were neither revoked nor repaired by ``as_of``. The score and the grade
follow from the counts, the scheme's parameters in force on ``as_of`` and its bands: a pure
function, with each indicator's contribution kept for the explanation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlglot import exp

from ..errors import RuleError
from ..schemes import Pack
from ..schemes.grades import GradingScheme, Indicator
from ..workdays import add_months
from .compiled_grades import grade_from_row, grade_query
from .criteria import (
    Dialect,
    among,
    condition_sql,
    not_ended,
    standing,
    to_sql,
)
from .engines import QueryEngine, register_among


@dataclass(frozen=True)
class Grade:
    scheme_id: str
    subject_id: str
    grade: str
    score: int
    #: indicator → {count, points, description, reference}
    contributions: dict[str, dict[str, Any]] = field(compare=False)
    #: the indicator that set the grade outright, if any
    direct: str | None = None


def _window_start(scheme: GradingScheme, pack: Pack, as_of: date) -> date:
    months = _value(scheme, pack, scheme.window_months, as_of)[0]
    return add_months(as_of, -months) + timedelta(days=1)


def _value(scheme: GradingScheme, pack: Pack, name: str, as_of: date) -> tuple[int, str]:
    found = scheme.parameters[name].at(as_of)
    value = found[0] if found is not None else None
    if found is None or value is None:
        raise RuleError(
            f"{scheme.id}: parameter {name} has no value in force on {as_of}",
            code="parameter-not-in-force",
        )
    reference = found[2]
    return value, pack.cite(reference) + ("" if reference.verified else " (unverified)")


def _qualifying(
    indicator: Indicator,
    window_start: date,
    as_of: date,
    of_subject: exp.Expr | None,
    *columns: exp.Expr,
) -> exp.Select:
    """``columns`` of the records ``indicator`` counts (where ``of_subject`` holds, if given:
    a test of ``r.subject_id``)."""
    day, start = exp.Literal.string(as_of.isoformat()), exp.Literal.string(window_start.isoformat())
    query = (
        exp.select(*columns)
        .from_(exp.alias_(exp.to_table("records"), "r"))
        .where(
            exp.column("item_code", table="r").isin(
                *[exp.Literal.string(i) for i in indicator.items]
            )
        )
        .where(exp.column("decided_on", table="r") <= day)
        .where(exp.column("decided_on", table="r") >= start)
        .where(standing(as_of))
        .where(not_ended(as_of))
    )
    if of_subject is not None:
        query = query.where(of_subject)
    for condition in indicator.where:
        query = query.where(condition_sql(condition, window_start))
    return query


def _union(parts: list[exp.Select]) -> exp.Expr:
    union: exp.Expr = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=False)
    return union


def counts_query(
    scheme: GradingScheme,
    window_start: date,
    as_of: date,
    only_among: bool = False,
) -> exp.Expr:
    """Per subject and indicator, the number of qualifying records (of the subjects
    registered as ``criteria.AMONG`` only, if ``only_among``)."""
    subject = exp.column("subject_id", table="r")
    return _union(
        [
            _qualifying(
                indicator,
                window_start,
                as_of,
                among(subject) if only_among else None,
                subject,
                exp.alias_(exp.Literal.string(indicator.id), "indicator"),
                exp.alias_(exp.Count(this=exp.Star()), "n"),
            ).group_by(exp.column("subject_id", table="r"))
            for indicator in scheme.indicators
        ]
    )


def records_query(
    scheme: GradingScheme, window_start: date, as_of: date, subject_id: str
) -> exp.Expr:
    """The records of one subject each indicator counts: the evidence behind its grade."""
    return _union(
        [
            _qualifying(
                indicator,
                window_start,
                as_of,
                exp.column("subject_id", table="r").eq(exp.Literal.string(subject_id)),
                exp.column("record_id", table="r"),
                exp.alias_(exp.Literal.string(indicator.id), "indicator"),
            )
            for indicator in scheme.indicators
        ]
    )


def subjects_query(scheme: GradingScheme, only_among: bool = False) -> exp.Select:
    query = (
        exp.select("subject_id")
        .from_("subjects")
        .where(exp.column("kind").isin(*[exp.Literal.string(k) for k in scheme.subject_kinds]))
    )
    return query.where(among(exp.column("subject_id"))) if only_among else query


def resolve(scheme: GradingScheme, pack: Pack, as_of: date) -> dict[str, tuple[int, str]]:
    """Every parameter of ``scheme`` in force on ``as_of``: value and reference in words."""
    return {name: _value(scheme, pack, name, as_of) for name in scheme.parameters}


def score_subject(
    scheme: GradingScheme, pack: Pack, subject_id: str, counts: dict[str, int], as_of: date
) -> Grade:
    """The grade of one subject from its indicator counts."""
    return _score(scheme, resolve(scheme, pack, as_of), subject_id, counts)


def _score(
    scheme: GradingScheme,
    params: dict[str, tuple[int, str]],
    subject_id: str,
    counts: dict[str, int],
) -> Grade:
    score = params[scheme.start_score][0]
    contributions: dict[str, dict[str, Any]] = {}
    for indicator in scheme.indicators:
        n = counts.get(indicator.id, 0)
        if not n:
            continue
        per, reference = params[indicator.points]
        points = per * n
        if indicator.cap is not None:
            cap = params[indicator.cap][0]
            points = max(-cap, min(cap, points))
        score += points
        contributions[indicator.id] = {
            "count": n,
            "points": points,
            "description": indicator.description,
            "reference": reference,
        }
    score = max(score, 0)
    # the first indicator (in the scheme's order) whose direct grade applies sets the grade
    chosen = next(
        (
            i
            for i in scheme.indicators
            if i.direct_grade
            and counts.get(i.id)
            and (i.direct_grade_min_score is None or score >= i.direct_grade_min_score)
        ),
        None,
    )
    direct = chosen.id if chosen is not None else None
    if chosen is not None and chosen.direct_grade is not None:
        grade = chosen.direct_grade
    else:
        grade = next(b.grade for b in scheme.bands if b.min_score is None or score >= b.min_score)
    return Grade(scheme.id, subject_id, grade, score, contributions, direct)


def evaluate_grades(
    engine: QueryEngine,
    pack: Pack,
    as_of: date,
    *,
    include_pilots: bool = False,
    subjects: Collection[str] | None = None,
) -> list[Grade]:
    """Every subject's grade under every enabled scheme in force on ``as_of`` (of
    ``subjects`` only, reading only their records, when given), scored in the engine."""
    only_among = subjects is not None
    if subjects is not None:
        register_among(engine, subjects)
    grades = []
    for scheme in sorted(pack.grades.values(), key=lambda s: s.id):
        if not (scheme.enabled or (scheme.pilot and include_pilots)) or not scheme.in_force(as_of):
            continue
        params = resolve(scheme, pack, as_of)
        counts = counts_query(scheme, _window_start(scheme, pack, as_of), as_of, only_among)
        query = grade_query(scheme, params, counts, subjects_query(scheme, only_among))
        for row in engine.rows(query):
            subject_id, grade, score, contributions, direct = grade_from_row(scheme, params, row)
            grades.append(Grade(scheme.id, subject_id, grade, score, contributions, direct))
    grades.sort(key=lambda g: (g.scheme_id, g.subject_id))
    return grades


def distribution(grades: list[Grade]) -> dict[str, dict[str, int]]:
    """scheme → grade → number of subjects."""
    out: dict[str, dict[str, int]] = {}
    for g in grades:
        by_grade = out.setdefault(g.scheme_id, {})
        by_grade[g.grade] = by_grade.get(g.grade, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


@dataclass(frozen=True)
class SubjectGrade:
    """One subject's grade under one scheme, derived now, with the records behind it."""

    grade: Grade
    #: indicator → the ids of the records it counted
    records: dict[str, list[str]]


def subject_grades(
    conn: sa.Connection, pack: Pack, subject_id: str, kind: str, as_of: date
) -> list[SubjectGrade]:
    """The subject's grade under every enabled scheme in force on ``as_of`` that applies to
    its ``kind``, derived from the ledger at once (not from the last evaluation): what the
    subject's own file shows, and what a grade objection concerns."""
    dialect: Dialect = "postgres" if conn.dialect.name == "postgresql" else "sqlite"
    found = []
    for scheme in sorted(pack.grades.values(), key=lambda s: s.id):
        if not scheme.enabled or kind not in scheme.subject_kinds or not scheme.in_force(as_of):
            continue
        start = _window_start(scheme, pack, as_of)
        records: dict[str, list[str]] = defaultdict(list)
        query = records_query(scheme, start, as_of, subject_id)
        for record_id, indicator in conn.exec_driver_sql(to_sql(query, dialect)).all():
            records[indicator].append(record_id)
        counts = {indicator: len(ids) for indicator, ids in records.items()}
        found.append(
            SubjectGrade(score_subject(scheme, pack, subject_id, counts, as_of), dict(records))
        )
    return found
