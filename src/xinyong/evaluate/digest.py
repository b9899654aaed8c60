"""What an evaluation is, as one hash: the digest of its entry set and grade set, and the
fingerprints of what it was derived from (the pack content and the working-day calendar).

The digest is the sha256 of a canonical serialisation of every field that defines an entry or
a grade (its explanation and contributions included: what a reader is shown), sorted, without
evaluation ids or timestamps. Two evaluations of a date are the same when their digests are:
that is how ``xinyong evaluate --verify`` holds an incremental evaluation to a full one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from .. import workdays
from ..schemes import Pack
from .grading import Grade
from .lifecycle import EntryStatus, ListEntry, citations
from .run import entry_row, grade_row
from .tables import grades, list_entries

#: the fields that define an entry, and the ones that name it (its key)
ENTRY_FIELDS = (
    "list_id",
    "source_agency",
    "source_record_id",
    "subject_id",
    "status",
    "listed_on",
    "noticed_on",
    "active_from",
    "expires_on",
    "exited_on",
    "exit_reason",
    "record_ids",
    "explanation",
)
ENTRY_KEY = ("list_id", "source_agency", "source_record_id")
GRADE_FIELDS = ("scheme_id", "subject_id", "grade", "score", "direct", "contributions")
GRADE_KEY = ("scheme_id", "subject_id")


def _json(value: Any) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, date):
            return v.isoformat()
        raise TypeError(f"{type(v).__name__} is not part of an evaluation")

    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=plain
    )


@dataclass(frozen=True)
class Canonical:
    """An evaluation's entries and grades, each as key → its canonical lines (sorted; more
    than one when rows share a key, which ``differences`` reports)."""

    entries: dict[tuple[str, ...], list[str]]
    grades: dict[tuple[str, ...], list[str]]

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for kind, lines in (("entry", self.entries), ("grade", self.grades)):
            for line in sorted(line for same in lines.values() for line in same):
                h.update(f"{kind}\x1f{line}\n".encode())
        return h.hexdigest()


def canonical(
    entry_rows: Iterable[Mapping[Any, Any]], grade_rows: Iterable[Mapping[Any, Any]]
) -> Canonical:
    """Rows of ``list_entries`` and ``grades`` (stored, or as ``entry_row`` makes them)."""
    return Canonical(
        _lines(entry_rows, ENTRY_FIELDS, ENTRY_KEY), _lines(grade_rows, GRADE_FIELDS, GRADE_KEY)
    )


def _lines(
    rows: Iterable[Mapping[Any, Any]], fields: tuple[str, ...], key: tuple[str, ...]
) -> dict[tuple[str, ...], list[str]]:
    out: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        line = _json({f: list(row[f]) if f == "record_ids" else row[f] for f in fields})
        out.setdefault(tuple(str(row[k]) for k in key), []).append(line)
    return {k: sorted(v) for k, v in out.items()}


def of_derived(entries: list[ListEntry], derived_grades: list[Grade]) -> Canonical:
    """A derivation just made, in canonical form."""
    return canonical(
        (entry_row("", e) for e in entries), (grade_row("", g) for g in derived_grades)
    )


def of_stored(conn: sa.Connection, evaluation_id: str) -> Canonical:
    """A stored evaluation, in canonical form."""
    entry_rows = conn.execute(
        sa.select(*[list_entries.c[f] for f in ENTRY_FIELDS]).where(
            list_entries.c.evaluation_id == evaluation_id
        )
    ).all()
    grade_rows = conn.execute(
        sa.select(*[grades.c[f] for f in GRADE_FIELDS]).where(
            grades.c.evaluation_id == evaluation_id
        )
    ).all()
    return canonical((r._mapping for r in entry_rows), (r._mapping for r in grade_rows))


def differences(stored: Canonical, full: Canonical, *, limit: int = 5) -> list[str]:
    """The first ``limit`` entries or grades (by key) that differ, in words."""
    out: list[str] = []
    for kind, mine, theirs in (
        ("entry", stored.entries, full.entries),
        ("grade", stored.grades, full.grades),
    ):
        for key in sorted(mine.keys() | theirs.keys()):
            if len(out) >= limit:
                return out
            a, b = mine.get(key, []), theirs.get(key, [])
            if a == b and len(a) == 1:
                continue
            name = f"{kind} {' '.join(key)}"
            if len(a) > 1 or len(b) > 1:
                where = "stored evaluation" if len(a) > 1 else "full recompute"
                out.append(f"{name}: {max(len(a), len(b))} rows share this key in the {where}")
            elif not a:
                out.append(f"{name}: missing from the stored evaluation; full gives {b[0]}")
            elif not b:
                out.append(f"{name}: not in the full recompute; stored holds {a[0]}")
            else:
                out.append(f"{name}: {_changed(json.loads(a[0]), json.loads(b[0]))}")
    return out


def _changed(stored: dict[str, Any], full: dict[str, Any]) -> str:
    """The fields that differ; of an explanation (or contributions) only its differing keys."""
    shown = []
    for f in stored:
        left, right = stored[f], full.get(f)
        if left == right:
            continue
        if isinstance(left, dict) and isinstance(right, dict):
            inner = sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))
            shown += [f"{f}.{k} stored {left.get(k)!r}, full {right.get(k)!r}" for k in inner]
        else:
            shown.append(f"{f} stored {left!r}, full {right!r}")
    return "; ".join(shown)


def pack_digest(pack: Pack, *, include_pilots: bool) -> str:
    """The pack content an evaluation reads (lists, grades, negative items, citations), and
    whether pilot schemes were graded: an edit under the same version changes it too."""
    cited = sorted({text for lt in pack.lists.values() for text in citations(pack, lt).values()})
    cited += sorted(
        {
            pack.cite(v.reference)
            for s in pack.grades.values()
            for p in s.parameters.values()
            for v in p.values.values()
        }
    )
    payload = {
        "pack": f"{pack.id} {pack.meta.version}",
        "lists": [pack.lists[k].model_dump(mode="json") for k in sorted(pack.lists)],
        "grades": [pack.grades[k].model_dump(mode="json") for k in sorted(pack.grades)],
        "negative": sorted(i.code for i in pack.catalogue if i.polarity == "negative"),
        "citations": cited,
        "include_pilots": include_pilots,
    }
    return hashlib.sha256(_json(payload).encode()).hexdigest()


def calendar_digest() -> str:
    """The working-day calendar in use: every official year's working days and status."""
    years = workdays.active().official
    payload = [
        [year, str(y.status), [d.isoformat() for d in y.working]] for year, y in years.items()
    ]
    return hashlib.sha256(_json(payload).encode()).hexdigest()


def stored_summary(
    conn: sa.Connection, evaluation_id: str
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """A stored evaluation's list sizes by status and grade distributions (set-based)."""
    le, g = list_entries.c, grades.c
    sizes: dict[str, dict[str, int]] = {}
    for list_id, status, n in conn.execute(
        sa.select(le.list_id, le.status, sa.func.count())
        .where(le.evaluation_id == evaluation_id)
        .group_by(le.list_id, le.status)
    ):
        sizes.setdefault(list_id, {str(s): 0 for s in EntryStatus})[status] = n
    spread: dict[str, dict[str, int]] = {}
    for scheme_id, grade, n in conn.execute(
        sa.select(g.scheme_id, g.grade, sa.func.count())
        .where(g.evaluation_id == evaluation_id)
        .group_by(g.scheme_id, g.grade)
    ):
        spread.setdefault(scheme_id, {})[grade] = n
    return (
        dict(sorted(sizes.items())),
        {k: dict(sorted(v.items())) for k, v in sorted(spread.items())},
    )
