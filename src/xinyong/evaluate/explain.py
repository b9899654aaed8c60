"""Why a subject is where it is: its list entries and grades on a date, each explained.

The same answer for ``xinyong explain``, ``GET /api/subjects/{id}/explain`` and the
subject's own file: the rule, its legal basis, the records behind it, the dates, each
parameter with its reference, and each grade indicator's contribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..ledger.tables import subjects
from ..schemes import Pack
from .engines import SqlEngine
from .grading import Grade, subject_grades
from .lifecycle import ListEntry
from .run import evaluate_lists


@dataclass(frozen=True)
class Explanation:
    subject_id: str
    as_of: date
    entries: list[ListEntry]
    grades: list[Grade]

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject_id": self.subject_id,
            "as_of": self.as_of,
            "lists": [{**e.__dict__, "record_ids": list(e.record_ids)} for e in self.entries],
            "grades": [g.__dict__ for g in self.grades],
        }


def explain_subject(
    engine: sa.Engine, pack: Pack, subject_id: str, as_of: date, *, with_grades: bool = True
) -> Explanation:
    """Evaluate every list and (unless ``with_grades`` is false) grade for one subject on
    ``as_of``."""
    query_engine = SqlEngine(engine)
    entries = evaluate_lists(query_engine, pack, as_of, subjects=(subject_id,))
    if not with_grades:
        return Explanation(subject_id, as_of, entries, [])
    with engine.connect() as conn:
        kind = conn.execute(
            sa.select(subjects.c.kind).where(subjects.c.subject_id == subject_id)
        ).scalar()
        grades = [g.grade for g in subject_grades(conn, pack, subject_id, kind or "", as_of)]
    return Explanation(subject_id, as_of, entries, grades)
