"""What an entry of a list brings, in the words a page or a notice shows: each joint measure a
memorandum in force attaches to the list, with its memorandum and legal basis. One rendering,
used by the public subject page, the own file and the dispatch notices alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from .pack import Pack

#: what a dispatch notice tells a responder about a list entry
NOTICE_EVENTS = ("entry", "extension", "exit")
#: what a responder reports it did with a notice
FEEDBACK = ("applied", "not_applicable", "overridden")


def measure_terms(pack: Pack, list_id: str, day: date) -> list[dict[str, Any]]:
    """The joint measures memoranda in force on ``day`` attach to entries of ``list_id``."""
    return [
        {
            "measure": measure.id,
            "content_zh": measure.content_zh,
            "content_en": measure.content_en,
            "effect": measure.effect,
            "category": measure.category,
            "actions": list(measure.actions),
            "implementing_agency": row.implementing_agency,
            "memorandum": f"{memo.title_zh} ({memo.number})",
            "legal_basis": [pack.cite(r) for r in (*row.legal_basis, *measure.legal_basis)],
        }
        for memo, row, measure in pack.measures_for(list_id, day)
    ]
