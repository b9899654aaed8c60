"""One commit of a delivery: the rows since the last commit, applied or quarantined.

Both load paths (the row path in ``service.py`` and the batch path in ``batch.py``) hand
every row they do not accept themselves to :func:`take_row`, so a quarantined row has the
same reasons whichever path read it, and commit through ``journal_commit.commit_batch``:
the batch's ledger rows, its quarantine rows and the journal's new offset and counters in
one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..ledger import BulkWriter, EventKind, RecordEvent
from ..ledger import tables as lt
from ..schemes import Pack
from .format import Content
from .journal_commit import Batch, commit_batch, quarantine_row
from .options import DeliveryOutcome, IngestOptions
from .readers import BAD_LINE
from .rows import RowContext, parse_decision, parse_link, parse_record, parse_subject


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
                quarantine_row(self.outcome, self.row_number, raw, exc, self.options, self.ctx)
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
