"""Evaluating a pack's lists on a date, on any engine."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
import sqlglot

from ..schemes import Pack
from ..schemes.lists import ListType
from .calendar_table import CALENDAR, calendar_range, calendar_table
from .compiled_lists import lifecycle_query
from .compiled_subject_lists import absence_query, streak_query
from .criteria import SOURCE_DIALECT
from .engines import QueryEngine, register_among
from .entries import absence_entry_from_row, entry_from_row, streak_entry_from_row
from .grading import Grade
from .lifecycle import ListEntry, citations, parameter_used
from .query_templates import built_once

#: months a parameter of each unit may reach, per unit of its value
_MONTHS_PER_UNIT = {"month": 1.0, "year": 12.0, "working_day": 1 / 15, "day": 1 / 28, "count": 0.0}


def _horizon_months(pack: Pack) -> int:
    """The longest chain of month arithmetic a list's entry may need beyond its start."""
    longest = 0.0
    for list_type in pack.lists.values():
        total = 0.0
        for parameter in list_type.parameters.values():
            top = max((abs(v.value or 0) for v in parameter.values.values()), default=0)
            total += top * _MONTHS_PER_UNIT[parameter.unit] + 1
        longest = max(longest, total)
    return int(longest) + 1


def register_calendar(engine: QueryEngine, pack: Pack, as_of: date) -> None:
    """Register the working-day calendar the compiled lifecycle joins, covering every date
    in the ledger up to what an evaluation on ``as_of`` may compute."""
    first = engine.rows(
        sqlglot.parse_one(
            "SELECT MIN(decided_on) AS decided_on FROM records UNION ALL "
            "SELECT MIN(effective_on) AS decided_on FROM record_events",
            read=SOURCE_DIALECT,
        )
    )
    found = [r["decided_on"] for r in first if r["decided_on"] is not None]
    # a decade before the first list took effect: a since date older than that (absence
    # lists) ends its months before any list existed
    found += [date(min(t.effective_from for t in pack.lists.values()).year - 10, 1, 1)]
    start, end = calendar_range(min(found), as_of, _horizon_months(pack))
    engine.register(CALENDAR, calendar_table(start, end))


def _subject_level(
    engine: QueryEngine,
    pack: Pack,
    list_type: ListType,
    as_of: date,
    among: bool,
) -> list[ListEntry]:
    """The entries of a streak or absence list, from its compiled query."""
    cited = citations(pack, list_type)
    absence = list_type.entry.absence
    if absence is None:
        query = built_once(
            (list_type,), ("streak", as_of, among), partial(streak_query, list_type, as_of, among)
        )
        return [streak_entry_from_row(pack, list_type, cited, r) for r in engine.rows(query)]
    months, used = parameter_used(list_type, cited, absence.months, as_of)
    if months is None:
        return []
    query = built_once(
        (pack, list_type),
        ("absence", as_of, months, among),
        partial(absence_query, pack, list_type, as_of, months, among),
    )
    return [absence_entry_from_row(pack, list_type, cited, used, r) for r in engine.rows(query)]


def evaluate_lists(
    engine: QueryEngine,
    pack: Pack,
    as_of: date,
    *,
    subjects: Collection[str] | None = None,
    on_list: Callable[[str], None] | None = None,
) -> list[ListEntry]:
    """Every list entry of every list type in force on ``as_of``, sorted.

    Args:
        subjects: evaluate only these subjects (their records only are read: for explaining
            one subject or re-deriving a few after a decision).
        on_list: called with each list id as it is evaluated (progress).
    """
    among = subjects is not None
    if subjects is not None:
        register_among(engine, subjects)
    entries: list[ListEntry] = []
    registered = False
    for list_type in sorted(pack.lists.values(), key=lambda lt: lt.id):
        if on_list is not None:
            on_list(list_type.id)
        if list_type.effective_from > as_of or (
            list_type.effective_to is not None and list_type.effective_to < as_of
        ):
            continue
        if not registered:
            register_calendar(engine, pack, as_of)
            registered = True
        if list_type.subject_level:
            entries += _subject_level(engine, pack, list_type, as_of, among)
            continue
        cited = citations(pack, list_type)
        query = built_once(
            (list_type,),
            ("lifecycle", as_of, among),
            partial(lifecycle_query, list_type, as_of, among),
        )
        for row in engine.rows(query):
            entries.append(entry_from_row(pack, list_type, cited, row))
    entries.sort(key=lambda e: (e.list_id, e.subject_id, e.source_agency, e.source_record_id))
    return entries


def materialise(
    engine: sa.Engine,
    entries: list[ListEntry],
    *,
    grades: list[Grade] | None = None,
    as_of: date,
    pack: Pack,
    engine_name: str,
    recorded_at: datetime,
) -> str:
    """Store one evaluation's entries; returns its id. The ledger is not touched."""
    from ..ledger import content_id
    from .tables import evaluations

    evaluation_id = content_id(
        "evaluation", as_of, pack.id, pack.meta.version, engine_name, recorded_at
    )
    with engine.begin() as conn:
        conn.execute(
            sa.insert(evaluations),
            [
                {
                    "evaluation_id": evaluation_id,
                    "as_of": as_of,
                    "pack": f"{pack.id} {pack.meta.version}",
                    "engine": engine_name,
                    "entries": len(entries),
                    "recorded_at": recorded_at,
                }
            ],
        )
        insert_derived(conn, evaluation_id, entries, grades or [])
    return evaluation_id


#: rows per INSERT of derived state
BATCH = 10_000


def insert_derived(
    conn: sa.Connection, evaluation_id: str, entries: list[ListEntry], grades: list[Grade]
) -> None:
    """``entries`` and ``grades`` as rows of the evaluation ``evaluation_id``, in batches."""
    from .tables import grades as grade_table
    from .tables import list_entries

    for table, rows in (
        (list_entries, [entry_row(evaluation_id, e) for e in entries]),
        (grade_table, [grade_row(evaluation_id, g) for g in grades]),
    ):
        for start in range(0, len(rows), BATCH):
            conn.execute(sa.insert(table), rows[start : start + BATCH])


def entry_row(evaluation_id: str, e: ListEntry) -> dict[str, Any]:
    """One entry as a ``list_entries`` row of evaluation ``evaluation_id``."""
    return {
        "evaluation_id": evaluation_id,
        "list_id": e.list_id,
        "source_agency": e.source_agency,
        "source_record_id": e.source_record_id,
        "subject_id": e.subject_id,
        "status": str(e.status),
        "listed_on": e.listed_on,
        "noticed_on": e.noticed_on,
        "active_from": e.active_from,
        "expires_on": e.expires_on,
        "exited_on": e.exited_on,
        "exit_reason": str(e.exit_reason) if e.exit_reason else None,
        "record_ids": list(e.record_ids),
        "explanation": e.explanation,
    }


def grade_row(evaluation_id: str, g: Grade) -> dict[str, Any]:
    """One grade as a ``grades`` row of evaluation ``evaluation_id``."""
    return {
        "evaluation_id": evaluation_id,
        "scheme_id": g.scheme_id,
        "subject_id": g.subject_id,
        "grade": g.grade,
        "score": g.score,
        "direct": g.direct,
        "contributions": g.contributions,
    }


def sizes(entries: list[ListEntry]) -> dict[str, dict[str, int]]:
    """list id → status → number of entries (every status shown, zeros included)."""
    from .lifecycle import EntryStatus

    out: dict[str, dict[str, int]] = {}
    for e in entries:
        out.setdefault(e.list_id, {str(s): 0 for s in EntryStatus})[str(e.status)] += 1
    return dict(sorted(out.items()))


def diff_entries(
    current: list[ListEntry], proposed: list[ListEntry]
) -> dict[str, dict[str, list[str]]]:
    """Per list, the subjects a proposed pack would make active (``enter``) and those it would
    no longer hold active (``leave``), against the current pack."""
    from .lifecycle import EntryStatus

    def active(entries: list[ListEntry]) -> set[tuple[str, str]]:
        return {(e.list_id, e.subject_id) for e in entries if e.status is EntryStatus.ACTIVE}

    now, then = active(current), active(proposed)
    lists = sorted({list_id for list_id, _ in now | then})
    return {
        list_id: {
            "enter": sorted(s for x, s in then - now if x == list_id),
            "leave": sorted(s for x, s in now - then if x == list_id),
        }
        for list_id in lists
    }
