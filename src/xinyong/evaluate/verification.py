"""Holding a stored evaluation to a full recompute of its date, by digest (``digest``): what
``xinyong evaluate --verify`` and the daily run's periodic verify do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..schemes import Pack
from .digest import differences, of_derived, of_stored
from .engines import SqlEngine
from .grading import Grade, evaluate_grades
from .lifecycle import ListEntry
from .run import evaluate_lists
from .tables import evaluations


@dataclass(frozen=True)
class Verification:
    """A stored evaluation against a full recompute of its date."""

    evaluation_id: str
    stored: str
    recomputed: str
    differences: list[str]
    entries: list[ListEntry]
    grades: list[Grade]

    @property
    def ok(self) -> bool:
        return self.stored == self.recomputed


def verify(
    engine: sa.Engine,
    pack: Pack,
    as_of: date,
    evaluation_id: str,
    *,
    include_pilots: bool = False,
) -> Verification:
    """Recompute ``as_of`` in full on the ledger and compare digests with the stored
    ``evaluation_id``; a match is recorded as the evaluation's digest."""
    query_engine = SqlEngine(engine)
    entries = evaluate_lists(query_engine, pack, as_of)
    derived = evaluate_grades(query_engine, pack, as_of, include_pilots=include_pilots)
    recomputed = of_derived(entries, derived)
    with engine.connect() as conn:
        stored = of_stored(conn, evaluation_id)
    found = Verification(
        evaluation_id,
        stored.digest,
        recomputed.digest,
        differences(stored, recomputed),
        entries,
        derived,
    )
    if found.ok:
        with engine.begin() as conn:
            conn.execute(
                evaluations.update()
                .where(evaluations.c.evaluation_id == evaluation_id)
                .values(digest=recomputed.digest)
            )
    return found


def verify_due(conn: sa.Connection, pack: Pack, day: date, every_days: int) -> bool:
    """Whether the newest evaluation of ``pack`` known to equal a full one (by digest) on or
    before ``day`` is ``every_days`` days old or more (or there is none)."""
    e = evaluations.c
    newest = conn.execute(
        sa.select(sa.func.max(e.as_of)).where(
            e.pack == f"{pack.id} {pack.meta.version}", e.digest.is_not(None), e.as_of <= day
        )
    ).scalar_one()
    return newest is None or (day - newest).days >= every_days
