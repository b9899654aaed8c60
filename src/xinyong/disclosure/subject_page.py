"""A subject's public page: exactly what ``publicity.is_public`` allows on the date (a record
outside its publicity window, a penalty on an individual, an entry of a list that is not
public, or a grade of a scheme that is not public is left out). Persons are shown by name
and masked identity number only; the raw number is never held."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..errors import NotFound
from ..evaluate.decisions_since import in_force_rows
from ..evaluate.tables import grades
from ..ledger import subject_file
from ..schemes import Pack
from ..schemes.measure_terms import measure_terms
from ..types import PublicAttribute
from .entries import entries_of, entry_view, evaluation_on, public_lists
from .publicity import is_public, publicity_window, visible_to_others
from .shown import record_view, subject_summary


def public_subject(
    conn: sa.Connection,
    pack: Pack,
    subject_id: str,
    as_of: date,
    evaluation: str | None = None,
) -> dict[str, Any]:
    """The public page of a subject on ``as_of``. Raises ``NotFound``."""
    evaluation = evaluation or evaluation_on(conn, pack, as_of)
    file = subject_file(conn, subject_id, as_of=as_of)
    subject = file.subject
    records = []
    for entry in file.entries:
        shown, why = is_public(pack, entry.record, subject.kind, entry.status, as_of)
        if not shown:
            continue
        view = record_view(pack, entry)
        window = publicity_window(pack, entry.record, subject.kind)
        view["publicity"] = why
        view["publicity_ends"] = window.stops_on if window else None
        records.append(view)
    records.sort(key=lambda r: r["decided_on"], reverse=True)
    listed = {lt.id for lt in public_lists(pack, as_of)}
    own_entries = in_force_rows(conn, pack, entries_of(conn, evaluation, subject_id), as_of)
    memberships = [
        {**entry_view(pack, row), "measures": measure_terms(pack, row["list_id"], as_of)}
        for row, in_force, _ in own_entries
        if row["list_id"] in listed and in_force
    ]
    if subject.kind.is_person and not (records or memberships):
        # a person the public may see nothing about is not shown at all, not even by name
        raise NotFound(f"no public information about {subject_id!r}", code="unknown-subject")
    return {
        "as_of": as_of,
        "subject": subject_summary(subject),
        "records": records,
        "lists": memberships,
        "grades": _public_grades(conn, pack, evaluation, subject_id, as_of),
        "disputed": sum(1 for r in records if r["disputed"]),
    }


def _public_grades(
    conn: sa.Connection, pack: Pack, evaluation: str | None, subject_id: str, as_of: date
) -> list[dict[str, Any]]:
    """The subject's grades under public schemes; an adverse grade only from the day after
    its written notice was served (Shenzhen Art 39)."""
    from ..rights.tables import grade_notices

    public = [s for s in pack.grades.values() if s.public is PublicAttribute.PUBLIC]
    if not public or evaluation is None:
        return []
    g, n = grades.c, grade_notices.c
    rows = conn.execute(
        sa.select(grades, n.served_on)
        .outerjoin(
            grade_notices,
            sa.and_(n.subject_id == g.subject_id, n.scheme_id == g.scheme_id, n.grade == g.grade),
        )
        .where(
            g.evaluation_id == evaluation,
            g.subject_id == subject_id,
            g.scheme_id.in_([s.id for s in public]),
        )
    ).mappings()
    return [
        {
            "scheme_id": r["scheme_id"],
            "name_zh": pack.grades[r["scheme_id"]].name_zh,
            "name_en": pack.grades[r["scheme_id"]].name_en,
            "grade": r["grade"],
        }
        for r in rows
        if visible_to_others(
            r["grade"] in pack.grades[r["scheme_id"]].adverse_grades, r["served_on"], as_of
        )
    ]
