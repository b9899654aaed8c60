"""A grading scheme as one compiled query: per subject the indicator counts, each
indicator's points (capped), the score from the start score with its floor at 0, the direct
grade (the first indicator in scheme order that counts a record, from its minimum score
up) and the band, all in the engine. Parameters are those in force on the evaluation day,
entered as literals; contributions per indicator come back as columns ``n{i}``/``p{i}``.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp

from ..schemes.grades import GradingScheme
from .casts import source_text
from .criteria import SOURCE_DIALECT
from .stages import lit


def grade_query(
    scheme: GradingScheme,
    params: dict[str, tuple[int, str]],
    counts: exp.Expr,
    subjects: exp.Select,
) -> exp.Expr:
    """Every subject of ``subjects`` graded from ``counts`` (subject, indicator, n)."""
    indicators = list(enumerate(scheme.indicators))
    pivot = ", ".join(
        f"COALESCE(MAX(CASE WHEN c.indicator = {lit(i.id)} THEN c.n END), 0) AS n{k}"
        for k, i in indicators
    )
    points = []
    for k, indicator in indicators:
        raw = f"{lit(params[indicator.points][0])} * n{k}"
        if indicator.cap is not None:
            cap = params[indicator.cap][0]
            raw = (
                f"CASE WHEN {raw} > {cap} THEN {cap} WHEN {raw} < {-cap} THEN {-cap} ELSE {raw} END"
            )
        points.append(f"CASE WHEN n{k} > 0 THEN {raw} ELSE 0 END AS p{k}")
    total = " + ".join([lit(params[scheme.start_score][0]), *(f"p{k}" for k, _ in indicators)])
    direct = [
        f"WHEN n{k} > 0"
        + ("" if i.direct_grade_min_score is None else f" AND score >= {i.direct_grade_min_score}")
        + f" THEN {lit(i.id)}"
        for k, i in indicators
        if i.direct_grade
    ]
    directs = f"CASE {' '.join(direct)} END" if direct else "CAST(NULL AS TEXT)"
    outright = " ".join(
        f"WHEN direct = {lit(i.id)} THEN {lit(i.direct_grade)}"
        for i in scheme.indicators
        if i.direct_grade
    )
    bands = " ".join(
        f"WHEN score >= {b.min_score} THEN {lit(b.grade)}"
        for b in scheme.bands
        if b.min_score is not None
    )
    lowest = lit(scheme.bands[-1].grade)
    columns = ", ".join(f"n{k}, p{k}" for k, _ in indicators)
    return sqlglot.parse_one(
        f"WITH c AS ({source_text(counts, SOURCE_DIALECT)}), "
        f"s AS ({source_text(subjects, SOURCE_DIALECT)}), "
        f"k AS (SELECT s.subject_id, {pivot} FROM s LEFT JOIN c ON c.subject_id = s.subject_id "
        "GROUP BY s.subject_id), "
        f"pt AS (SELECT k.*, {', '.join(points)} FROM k), "
        f"rw AS (SELECT pt.*, {total} AS raw FROM pt), "
        "sc AS (SELECT rw.*, CASE WHEN raw < 0 THEN 0 ELSE raw END AS score FROM rw), "
        f"dg AS (SELECT sc.*, {directs} AS direct FROM sc) "
        f"SELECT subject_id, score, direct, CASE {outright} {bands} ELSE {lowest} END AS grade, "
        f"{columns} FROM dg",
        read=SOURCE_DIALECT,
    )


def grade_from_row(
    scheme: GradingScheme, params: dict[str, tuple[int, str]], row: dict[str, Any]
) -> tuple[str, str, int, dict[str, dict[str, Any]], str | None]:
    """(subject, grade, score, contributions, direct) of one row of ``grade_query``."""
    contributions = {
        indicator.id: {
            "count": int(row[f"n{k}"]),
            "points": int(row[f"p{k}"]),
            "description": indicator.description,
            "reference": params[indicator.points][1],
        }
        for k, indicator in enumerate(scheme.indicators)
        if int(row[f"n{k}"])
    }
    direct = row["direct"]
    return row["subject_id"], str(row["grade"]), int(row["score"]), contributions, direct
