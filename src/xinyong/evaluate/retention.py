"""Which stored evaluations are kept, and pruning the rest.

An evaluation is derived state: it can always be recomputed from the ledger, the pack and its
date. Two rules bound what is stored:

- a later evaluation of the same pack and date supersedes the earlier ones (rerunning
  ``xinyong evaluate`` for a date keeps one copy, not one per run);
- with ``XINYONG_EVALUATION_KEEP_DAYS`` set, evaluations of dates more than that many days
  before today are dropped, except the newest one before the cut-off, so "the newest
  evaluation on or before D" still answers for every D in the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ..errors import ConflictError
from ..schemes import Pack
from .tables import NEWEST_FIRST, evaluations, grades, list_entries


@dataclass(frozen=True)
class Pruned:
    """What a prune removed (or, in a dry run, would remove)."""

    evaluations: int
    entries: int
    grades: int


def evaluation_of(conn: sa.Connection, pack: Pack, day: date) -> str:
    """The id of the newest evaluation of ``pack`` made for exactly ``day``.

    Raises:
        ConflictError: there is none: a step that needs it (dispatch, extracts) would act on
            stale state, so it names the newest evaluation there is and the fix.
    """
    e = evaluations.c
    rows = conn.execute(
        sa.select(e.evaluation_id, e.as_of)
        .where(e.pack == f"{pack.id} {pack.meta.version}", e.as_of <= day)
        .order_by(*NEWEST_FIRST)
        .limit(1)
    ).first()
    if rows is None or rows.as_of != day:
        newest = f"the newest is of {rows.as_of}" if rows else "there is none"
        raise ConflictError(
            f"no evaluation of {day} under {pack.id} {pack.meta.version} ({newest}); run "
            f"`xinyong evaluate --as-of {day}` first",
            code="stale-evaluation",
        )
    return str(rows.evaluation_id)


def prunable(conn: sa.Connection, *, today: date, keep_days: int | None) -> list[str]:
    """The evaluations the retention rules drop, oldest first."""
    e = evaluations.c
    rows = conn.execute(
        sa.select(e.evaluation_id, e.pack, e.as_of).order_by(e.pack, *NEWEST_FIRST)
    ).all()
    cutoff = today - timedelta(days=keep_days) if keep_days is not None else None
    drop: list[str] = []
    seen_dates: set[tuple[str, date]] = set()
    kept_before_cutoff: set[str] = set()
    for evaluation_id, pack, as_of in rows:
        if (pack, as_of) in seen_dates:
            drop.append(evaluation_id)  # superseded by a later run of the same date
            continue
        seen_dates.add((pack, as_of))
        if cutoff is not None and as_of < cutoff:
            if pack in kept_before_cutoff:
                drop.append(evaluation_id)
            else:
                kept_before_cutoff.add(pack)
    return drop[::-1]


def prune(
    engine: sa.Engine, *, today: date, keep_days: int | None, dry_run: bool = False
) -> Pruned:
    """Delete what :func:`prunable` names, in one transaction (or count it, in a dry run)."""
    with engine.begin() as conn:
        ids = prunable(conn, today=today, keep_days=keep_days)
        counts = []
        for table in (list_entries, grades):
            counts.append(
                conn.execute(
                    sa.select(sa.func.count()).where(table.c.evaluation_id.in_(ids))
                ).scalar_one()
                if ids
                else 0
            )
        if ids and not dry_run:
            for table in (list_entries, grades, evaluations):
                conn.execute(table.delete().where(table.c.evaluation_id.in_(ids)))
    return Pruned(len(ids), counts[0], counts[1])
