"""One commit of a delivery: the rows since the last commit, applied or quarantined.

Both load paths (the row path in ``service.py`` and the batch path in ``batch.py``) hand
every row they do not accept themselves to :func:`take_row`, so a quarantined row has the
same reasons whichever path read it, and commit through :func:`commit_batch`: the batch's
ledger rows, its quarantine rows and the journal's new offset and counters in one
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..ids.hiding import mask_numbers
from ..ledger import BulkWriter, EventKind, RecordEvent, content_id
from ..ledger import tables as lt
from ..ledger.store import event_row, insert_ignore
from ..schemes import Pack
from ..text import storable
from . import tables as it
from .format import Content
from .options import DeliveryOutcome, IngestOptions
from .protect import hide_text, protect_row
from .readers import BAD_LINE
from .rows import RowContext, parse_decision, parse_link, parse_record, parse_subject


class Batch:
    """The outcomes of the rows since the last commit."""

    def __init__(self, writer: BulkWriter) -> None:
        #: the writer's counters at the last commit
        self.counters = _counters(writer)
        self.quarantine: list[dict[str, Any]] = []
        self.events: list[RecordEvent] = []
        self.decision_rows = 0


class DeliveryLoad:
    """The state of one delivery's load: the row count, the batch since the last commit
    and the subjects it queued. Rows are taken one by one (:meth:`take_row`) or accepted
    whole by the batch path (:meth:`accept_record`); every ``batch_size`` rows commit."""

    def __init__(
        self,
        engine: sa.Engine,
        pack: Pack,
        outcome: DeliveryOutcome,
        options: IngestOptions,
        lookup: sa.Connection,
        on_progress: Callable[[int, int, int], None] | None,
    ) -> None:
        self.engine, self.outcome, self.options = engine, outcome, options
        self.lookup, self.on_progress = lookup, on_progress
        self.ctx = RowContext.for_source(
            pack,
            outcome.source_agency,
            outcome.content,
            key=options.key,
            today=options.delivered_on,
            mode=options.mode,
        )
        self.writer = BulkWriter(
            engine,
            self.ctx.validator,
            today=options.delivered_on,
            recorded_at=options.recorded_at,
            batch_size=None,
        )
        self.batch = Batch(self.writer)
        self.row_number = outcome.resumed_at
        self.queued: set[str] = set()
        self.quarantined = 0  # in this run, for the progress bar

    def take_row(self, raw: dict[str, Any]) -> None:
        """Apply one delivered row through the row rules, or quarantine it with every
        reason; commit at a batch boundary."""
        self.row_number += 1
        try:
            _take(raw, self.ctx, self.writer, self.batch, self.queued, self.lookup)
        except InvalidData as exc:
            self.batch.quarantine.append(
                _quarantine_row(self.outcome, self.row_number, raw, exc, self.options, self.ctx)
            )
            self.quarantined += 1
        self._at_row_end()

    def take_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        for raw in rows:
            self.take_row(raw)

    def accept_records(self, rows: list[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> None:
        """Records rows the batch path validated, none across a commit boundary: each its
        ledger row and its subject's row (``BulkWriter`` column order), queued as ``_take``
        would queue them."""
        self.writer.queue_records([record for record, _ in rows])
        for _, subject in rows:
            if subject[0] not in self.queued:  # the first row of a subject in the batch
                self.queued.add(subject[0])
                self.writer.queue_subject(subject)
        self.row_number += len(rows)
        self._at_row_end()

    def _at_row_end(self) -> None:
        if self.row_number % self.options.batch_size == 0:
            commit_batch(
                self.engine,
                self.writer,
                self.batch,
                self.outcome,
                self.row_number,
                final=False,
                options=self.options,
            )
            self.lookup.rollback()  # end the read transaction so the next one sees the commit
            self.batch, self.queued = Batch(self.writer), set()
            if self.on_progress is not None:
                self.on_progress(self.row_number, self.outcome.rows_total, self.quarantined)

    def finish(self) -> None:
        """The last commit: the rest of the rows, and the delivery marked loaded."""
        commit_batch(
            self.engine,
            self.writer,
            self.batch,
            self.outcome,
            self.row_number,
            final=True,
            options=self.options,
        )
        if self.on_progress is not None:
            self.on_progress(self.row_number, self.outcome.rows_total, self.quarantined)


def _take(
    raw: dict[str, Any],
    ctx: RowContext,
    writer: BulkWriter,
    batch: Batch,
    queued: set[str],
    lookup: sa.Connection,
) -> None:
    if BAD_LINE in raw:
        raise InvalidData(
            "not a JSON object",
            errors=[FieldError("row", "is not a JSON object", "write one JSON object per line")],
        )
    if None in raw:  # csv.DictReader keeps the cells past the header under None
        surplus: list[str] = raw[None]  # type: ignore[index]
        raise InvalidData(
            "more cells than the header has columns",
            errors=[
                FieldError(
                    "row",
                    f"has {len(raw) - 1 + len(surplus)} cells, the header {len(raw) - 1}",
                    "deliver one cell per column of the header (quote cells holding commas)",
                )
            ],
        )
    row = ctx.rename(raw)
    if ctx.content is Content.RECORDS:
        subject, record = parse_record(row, ctx)
        errors = writer.add_record(record, subject.kind)  # validates against the catalogue
        if errors:
            raise InvalidData("record is invalid", errors=errors)
        if subject.subject_id not in queued:  # only now: a quarantined row applies nothing
            queued.add(subject.subject_id)
            writer.add_subject(subject)
    elif ctx.content is Content.SUBJECTS:
        writer.add_subject(parse_subject(row, ctx))
    elif ctx.content is Content.LINKS:
        person, link = parse_link(row, ctx)
        writer.add_subject(person)
        writer.add_link(link)
    else:
        decision = parse_decision(row, ctx)
        record_ids = (
            lookup.execute(
                sa.select(lt.records.c.record_id).where(
                    lt.records.c.source_agency == ctx.agency,
                    lt.records.c.source_record_id == decision.source_record_id,
                )
            )
            .scalars()
            .all()
        )
        if not record_ids:
            raise InvalidData(
                "no such record",
                errors=[
                    FieldError(
                        "source_record_id",
                        f"{ctx.agency} has delivered no record {decision.source_record_id!r}",
                        "deliver the record before a decision about it",
                    )
                ],
            )
        batch.decision_rows += 1
        batch.events.extend(
            RecordEvent(
                rid,
                EventKind(decision.decision),
                decision.effective_on,
                ctx.agency,
                decision.instrument_number,
                decision.reason,
                decision.attributes,
            )
            for rid in record_ids
        )


def _quarantine_row(
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
            outcome.content, batch.counters, _counters(writer), batch, events_new
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


def _counters(writer: BulkWriter) -> dict[str, int]:
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
