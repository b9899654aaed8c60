"""What one commit records besides the ledger rows: each quarantined row, and the
journal's offset and counters.

:func:`commit_batch` writes a batch's ledger rows (the ``BulkWriter`` queue), its
quarantine rows and the journal's new offset and counters in one transaction, so a
delivery killed between commits resumes from the last one.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..ids.hiding import mask_numbers
from ..ledger import BulkWriter, RecordEvent, content_id
from ..ledger import tables as lt
from ..ledger.store import event_row, insert_ignore
from ..text import storable
from . import tables as it
from .format import Content
from .options import DeliveryOutcome, IngestOptions
from .protect import hide_text, protect_row
from .rows import RowContext


class Batch:
    """The outcomes of the rows since the last commit."""

    def __init__(self, writer: BulkWriter) -> None:
        #: the writer's counters at the last commit
        self.counters = counters(writer)
        self.quarantine: list[dict[str, Any]] = []
        self.events: list[RecordEvent] = []
        self.decision_rows = 0


def quarantine_row(
    outcome: DeliveryOutcome,
    row_number: int,
    raw: dict[str, Any],
    error: InvalidData,
    options: IngestOptions,
    ctx: RowContext,
) -> dict[str, Any]:
    """The quarantine row of an invalid delivered row: no raw resident number is kept, and
    characters no database can hold are written as visible escapes (``\\ud800``) that the
    row's errors name."""
    errors = [
        FieldError(**storable(e.to_dict()))
        for e in error.errors or [FieldError("row", error.detail)]
    ]
    for e in errors:
        outcome.reasons[mask_numbers(e.reason, today=options.delivered_on)] += 1
    item = raw.get("item_code")
    quarantine_id = content_id(outcome.delivery_id, row_number)
    kept = protect_row(
        raw,
        renames=ctx.declaration.columns,
        key=options.key,
        seal_with=options.seal_key,
        bound_to=quarantine_id,
        today=options.delivered_on,
    )
    return {
        "quarantine_id": quarantine_id,
        "delivery_id": outcome.delivery_id,
        "source_agency": outcome.source_agency,
        "row_number": row_number,
        "raw": storable(json.loads(json.dumps(kept.row, ensure_ascii=False, default=str))),
        "errors": hide_text([e.to_dict() for e in errors], today=options.delivered_on),
        "item_code": storable(str(item)[:80]) if item else None,
        "recorded_at": options.recorded_at,
        "identities": kept.identities,
    }


def commit_batch(
    engine: sa.Engine,
    writer: BulkWriter,
    batch: Batch,
    outcome: DeliveryOutcome,
    row_number: int,
    *,
    final: bool,
    options: IngestOptions,
) -> None:
    with engine.begin() as conn:
        writer.write_pending(conn)
        quarantined = insert_ignore(conn, it.quarantine, batch.quarantine)
        events = [event_row(e, options.recorded_at) for e in batch.events]
        events_new = insert_ignore(conn, lt.record_events, events)
        accepted, seen = _accepted(
            outcome.content, batch.counters, counters(writer), batch, events_new
        )
        values: dict[str, Any] = {
            "rows_done": row_number,
            "accepted": it.deliveries.c.accepted + accepted,
            "duplicates": it.deliveries.c.duplicates + (seen - accepted),
            "quarantined": it.deliveries.c.quarantined + quarantined,
        }
        if final:
            values.update(status="loaded", finished_at=options.recorded_at)
        conn.execute(
            sa.update(it.deliveries)
            .where(it.deliveries.c.delivery_id == outcome.delivery_id)
            .values(**values)
        )


def counters(writer: BulkWriter) -> dict[str, int]:
    s = writer.stats
    return {
        "subjects_seen": s.subjects_seen,
        "subjects_new": s.subjects_new,
        "links_seen": s.links_seen,
        "links_new": s.links_new,
        "records_seen": s.records_seen - s.records_rejected,
        "records_new": s.records_new,
    }


def _accepted(
    content: Content, before: dict[str, int], after: dict[str, int], batch: Batch, events_new: int
) -> tuple[int, int]:
    """(rows new to the ledger, valid rows) of this batch, in the unit of the content."""
    if content is Content.DECISIONS:
        return min(events_new, batch.decision_rows), batch.decision_rows
    unit = {Content.RECORDS: "records", Content.SUBJECTS: "subjects", Content.LINKS: "links"}
    name = unit[content]
    new = after[f"{name}_new"] - before[f"{name}_new"]
    return new, after[f"{name}_seen"] - before[f"{name}_seen"]
