"""Incremental evaluation: a date's evaluation from the newest stored one, re-deriving only the
subjects that can have changed (``changes``) and copying every other entry and grade as it is.

The result is a new stored evaluation in the same tables as a full one, so every reader works
unchanged. It falls back to a full evaluation, and says why, when there is no usable base: none
stored, another pack version or content, another calendar, a later date, or a list, scheme or
parameter value that changes in between. ``verification`` holds any stored evaluation to a
full recompute by digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..schemes import Pack
from .changes import reasons, with_source_records
from .digest import Canonical, calendar_digest, of_derived, pack_digest
from .engines import QueryEngine, SqlEngine
from .grading import Grade, evaluate_grades
from .incremental_store import store_incremental
from .lifecycle import ListEntry
from .run import evaluate_lists, materialise
from .tables import NEWEST_FIRST, evaluations


@dataclass(frozen=True)
class Evaluated:
    """A stored evaluation and how it was made."""

    evaluation_id: str
    #: the evaluation it was derived from; ``None`` for a full evaluation
    base_id: str | None
    #: why a full evaluation was made where an incremental one was asked for
    fallback: str | None = None
    #: subjects re-derived (incremental), and how many each reason selected (one subject
    #: may have several reasons)
    rederived: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    #: a full derivation just made, when there is one
    full: Canonical | None = None


def evaluate_full(
    engine: sa.Engine,
    query_engine: QueryEngine,
    pack: Pack,
    as_of: date,
    *,
    recorded_at: datetime,
    include_pilots: bool = False,
    on_list: Callable[[str], None] | None = None,
    fallback: str | None = None,
) -> Evaluated:
    """Derive every entry and grade and store them, with the digest; an evaluation on the
    ledger itself also records its fingerprints, so it can be a base for incremental ones."""
    entries = evaluate_lists(query_engine, pack, as_of, on_list=on_list)
    derived = evaluate_grades(query_engine, pack, as_of, include_pilots=include_pilots)
    return store_full(
        engine,
        pack,
        as_of,
        entries,
        derived,
        recorded_at=recorded_at,
        include_pilots=include_pilots,
        snapshot=None if isinstance(query_engine, SqlEngine) else query_engine.name,
        fallback=fallback,
    )


def store_full(
    engine: sa.Engine,
    pack: Pack,
    as_of: date,
    entries: list[ListEntry],
    derived: list[Grade],
    *,
    recorded_at: datetime,
    include_pilots: bool = False,
    snapshot: str | None = None,
    fallback: str | None = None,
) -> Evaluated:
    """Store a full derivation and, derived from the ledger itself (not a ``snapshot``
    engine that may be older than ``recorded_at``), its digest and fingerprints."""
    full = of_derived(entries, derived)
    evaluation_id = materialise(
        engine,
        entries,
        grades=derived,
        as_of=as_of,
        pack=pack,
        engine_name=snapshot or "sql",
        recorded_at=recorded_at,
    )
    # a snapshot engine's evaluation is no full recompute on the ledger: it has no digest
    # until ``verify`` finds it equal to one (so ``verify_due`` does not count it)
    stamp: dict[str, Any] = {}
    if snapshot is None:
        stamp |= {
            "digest": full.digest,
            "pack_digest": pack_digest(pack, include_pilots=include_pilots),
            "calendar_digest": calendar_digest(),
        }
    if stamp:
        with engine.begin() as conn:
            conn.execute(
                evaluations.update()
                .where(evaluations.c.evaluation_id == evaluation_id)
                .values(stamp)
            )
    return Evaluated(evaluation_id, None, fallback, full=full)


def _base(conn: sa.Connection, pack: Pack, as_of: date, include_pilots: bool) -> Any:
    """The newest stored evaluation of the pack if it can be a base, else why not."""
    e = evaluations.c
    current = f"{pack.id} {pack.meta.version}"
    base = conn.execute(
        sa.select(evaluations)
        .where(e.pack.startswith(f"{pack.id} ", autoescape=True))
        .order_by(*NEWEST_FIRST)
        .limit(1)
    ).first()
    if base is None:
        return None, f"no stored evaluation of {pack.id}"
    if base.pack != current:
        return None, f"the newest evaluation ({base.as_of}) is of {base.pack}, not {current}"
    if base.as_of > as_of:
        return None, f"the newest evaluation is of {base.as_of}, after {as_of}"
    if base.pack_digest is None or base.calendar_digest is None:
        return None, (
            f"the newest evaluation ({base.as_of}, engine {base.engine}) records no pack or "
            "calendar fingerprint (made from a snapshot, or before incremental evaluation)"
        )
    if base.pack_digest != pack_digest(pack, include_pilots=include_pilots):
        return None, "the pack's content or --include-pilots differs from the base evaluation's"
    if base.calendar_digest != calendar_digest():
        return None, "the working-day calendar changed since the base evaluation"
    dated = _dated_change(pack, base.as_of, as_of)
    if dated is not None:
        return None, dated
    return base, None


def _dated_change(pack: Pack, since: date, until: date) -> str | None:
    """A list or scheme coming into or out of force, or a parameter taking a new value, in
    (since, until]: derivations before and after it are not comparable."""
    rules: list[Any] = [*pack.lists.values(), *pack.grades.values()]
    for rule in sorted(rules, key=lambda x: x.id):
        ends = rule.effective_to
        before = rule.effective_from <= since and (ends is None or since <= ends)
        after = rule.effective_from <= until and (ends is None or until <= ends)
        if before != after:
            return f"{rule.id} comes into or goes out of force in ({since}, {until}]"
        for name, parameter in sorted(rule.parameters.items()):
            changes = sorted(d for d in parameter.values if since < d <= until)
            if changes:
                return f"{rule.id} parameter {name} takes a new value on {changes[0]}"
    return None


def evaluate_incremental(
    engine: sa.Engine,
    pack: Pack,
    as_of: date,
    *,
    recorded_at: datetime,
    include_pilots: bool = False,
    on_list: Callable[[str], None] | None = None,
) -> Evaluated:
    """The evaluation of ``as_of`` from the newest stored one (or a full one, saying why).

    ``recorded_at`` should be taken before the run starts: what is recorded while it runs is
    re-derived by the next incremental evaluation."""
    query_engine = SqlEngine(engine)
    with engine.connect() as conn:
        base, why = _base(conn, pack, as_of, include_pilots)
    if base is None:
        return evaluate_full(
            engine,
            query_engine,
            pack,
            as_of,
            recorded_at=recorded_at,
            include_pilots=include_pilots,
            on_list=on_list,
            fallback=why,
        )
    with engine.connect() as conn:
        per_reason: dict[str, int] = {}
        chosen: set[str] = set()
        queries = reasons(
            pack,
            base.evaluation_id,
            base.as_of,
            base.recorded_at,
            as_of,
            query_engine.dialect,
            include_pilots=include_pilots,
        )
        for reason, query in queries.items():
            found = [str(s) for s in conn.execute(query).scalars()]
            if found:
                per_reason[reason] = len(found)
                chosen.update(found)
        among = sorted(with_source_records(conn, chosen))
    entries = (
        evaluate_lists(query_engine, pack, as_of, subjects=among, on_list=on_list) if among else []
    )
    derived = (
        evaluate_grades(query_engine, pack, as_of, include_pilots=include_pilots, subjects=among)
        if among
        else []
    )
    evaluation_id = store_incremental(
        engine, pack, as_of, base, among, entries, derived, recorded_at
    )
    return Evaluated(evaluation_id, base.evaluation_id, None, len(among), per_reason)
