"""The public name and code search: subjects with something public on the date, found by name,
code or masked number."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..ids import Kind, Mode, PseudonymKey, classify
from ..ledger import Subject
from ..ledger import tables as t
from ..ledger.names import name_core, name_key
from ..ledger.subject import subject_key
from ..schemes import Pack
from .entries import publicly_listed
from .shown import MAX_PER_PAGE, PERSON_KINDS, Page, subject_summary

#: candidates a name search reads; more matches mean the query should be more specific
SEARCH_LIMIT = 200


def search_subjects(
    conn: sa.Connection,
    pack: Pack,
    query: str,
    *,
    key: PseudonymKey,
    today: date,
    mode: Mode = Mode.STRICT,
    page: int = 1,
    per_page: int = 20,
    evaluation: str | None = None,
) -> Page:
    """Subjects whose code is ``query``, or whose name starts with it (after normalising
    width, case, brackets, spacing and legal form) with or without its place names.
    ``total`` counts at most ``SEARCH_LIMIT + 1``: a query matching more should be narrowed.
    ``evaluation`` is the id of the evaluation to read list entries from (default: the
    newest on or before ``today``)."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    text = query.strip()
    c = t.subjects.c
    given = classify(text, mode=mode, today=today)
    if given.kind in (Kind.USCC, Kind.RESIDENT_ID, Kind.PSEUDONYM):
        condition: Any = c.subject_id == subject_key(text, key=key, today=today, mode=mode)
    elif len(text) in (15, 18) and text.isascii() and text.isalnum():
        return Page([], page, per_page, 0)  # a code with a fault: no name looks like it
    else:
        k, core = name_key(text), name_core(text)
        if not k:
            return Page([], page, per_page, 0)
        condition = sa.or_(_prefix(c.name_key, k), _prefix(c.name_core, core))
    # persons are found only while the public may see something about them: an entry in force
    # on a public list (a court's list of judgment defaulters names them; nothing else does)
    condition = sa.and_(
        condition,
        sa.or_(c.kind.not_in(PERSON_KINDS), publicly_listed(conn, pack, today, evaluation)),
    )
    # at most SEARCH_LIMIT + 1 candidates are read, then ranked: shorter names first
    rows = conn.execute(sa.select(t.subjects).where(condition).limit(SEARCH_LIMIT + 1)).mappings()
    found = sorted(
        (Subject.from_row(r) for r in rows), key=lambda s: (len(s.name), s.name, s.subject_id)
    )
    start = (page - 1) * per_page
    return Page(
        [subject_summary(s) for s in found[start : start + per_page]], page, per_page, len(found)
    )


def _prefix(column: Any, prefix: str) -> Any:
    """``column`` starts with ``prefix``, as a range an index answers on every dialect."""
    return sa.and_(column >= prefix, column < prefix + "\U0010ffff")
