"""Storing an incremental evaluation: the base's rows copied in the database, the re-derived
subjects' rows (and the entries of source records that moved subject) replaced, in one
transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..ledger import content_id
from ..schemes import Pack
from .grading import Grade
from .lifecycle import ListEntry
from .run import insert_derived
from .tables import evaluations, grades, list_entries

#: subjects per DELETE of re-derived subjects' copied rows (well under every bind limit)
CHUNK = 1_000


def store_incremental(
    engine: sa.Engine,
    pack: Pack,
    as_of: date,
    base: Any,
    among: list[str],
    entries: list[ListEntry],
    derived: list[Grade],
    recorded_at: datetime,
) -> str:
    """One transaction: the base's rows copied, the re-derived subjects' replaced."""
    evaluation_id = content_id(
        "evaluation", as_of, pack.id, pack.meta.version, "sql", recorded_at, base.evaluation_id
    )
    with engine.begin() as conn:
        conn.execute(
            sa.insert(evaluations).values(
                evaluation_id=evaluation_id,
                as_of=as_of,
                pack=f"{pack.id} {pack.meta.version}",
                engine="sql",
                entries=0,
                recorded_at=recorded_at,
                # ``incremental._base`` found both equal to the base's
                pack_digest=base.pack_digest,
                calendar_digest=base.calendar_digest,
                incremental_from=base.evaluation_id,
            )
        )
        for table in (list_entries, grades):
            columns = [c for c in table.c if c.name != "evaluation_id"]
            conn.execute(
                table.insert().from_select(
                    ["evaluation_id", *(c.name for c in columns)],
                    sa.select(sa.literal(evaluation_id, sa.String(32)), *columns).where(
                        table.c.evaluation_id == base.evaluation_id
                    ),
                )
            )
            for start in range(0, len(among), CHUNK):
                conn.execute(
                    table.delete().where(
                        table.c.evaluation_id == evaluation_id,
                        table.c.subject_id.in_(among[start : start + CHUNK]),
                    )
                )
        # a re-derived entry's source record may have been another subject's in the base
        keys = sorted({(e.list_id, e.source_agency, e.source_record_id) for e in entries})
        le = list_entries.c
        for start in range(0, len(keys), CHUNK):
            conn.execute(
                list_entries.delete().where(
                    le.evaluation_id == evaluation_id,
                    sa.tuple_(le.list_id, le.source_agency, le.source_record_id).in_(
                        keys[start : start + CHUNK]
                    ),
                )
            )
        insert_derived(conn, evaluation_id, entries, derived)
        stored = conn.execute(
            sa.select(sa.func.count()).where(list_entries.c.evaluation_id == evaluation_id)
        ).scalar_one()
        conn.execute(
            evaluations.update()
            .where(evaluations.c.evaluation_id == evaluation_id)
            .values(entries=stored)
        )
    return evaluation_id
