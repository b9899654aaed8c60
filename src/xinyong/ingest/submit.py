"""Submitting one record (the per-record path of a source's system, and ``POST /api/records``).

The record goes through exactly the parsing and validation a delivered row does. An invalid
record is refused with every reason; nothing is quarantined, since the caller is there to
read the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..errors import InvalidData
from ..ledger import tables as lt
from ..ledger.store import insert_ignore, record_row, subject_row
from ..schemes import Pack
from .format import Content
from .rows import RowContext, parse_valid_record
from .service import IngestOptions


@dataclass(frozen=True)
class Submitted:
    record_id: str
    #: ``False`` when the same record (source, source id, version) was already in the ledger
    new: bool


def submit_record(
    engine: sa.Engine,
    pack: Pack,
    *,
    source: str,
    row: Mapping[str, Any],
    options: IngestOptions,
    before_commit: Callable[[sa.Connection, Submitted], None] | None = None,
) -> Submitted:
    """Validate one record in the delivery format and append it. ``before_commit`` runs in
    the same transaction (the web platform writes its audit entry there).

    Raises:
        NotFound: the source is not declared.
        InvalidData: the record is invalid; ``errors`` lists every problem with its fix.
    """
    ctx = RowContext.for_source(
        pack,
        source,
        Content.RECORDS,
        key=options.key,
        today=options.delivered_on,
        mode=options.mode,
    )
    if "records" not in ctx.declaration.contents:
        raise InvalidData(f"{source} does not deliver records", code="content-not-declared")
    subject, record = parse_valid_record(ctx.rename(dict(row)), ctx)
    with engine.begin() as conn:
        insert_ignore(conn, lt.subjects, [subject_row(subject, options.recorded_at)])
        new = insert_ignore(conn, lt.records, [record_row(record, options.recorded_at, None)])
        submitted = Submitted(record.record_id, new == 1)
        if before_commit is not None:
            before_commit(conn, submitted)
    return submitted


@dataclass(frozen=True)
class DecisionSubmitted:
    subject_id: str
    record_ids: tuple[str, ...]
    #: ``False`` when the same decision was already in the ledger
    new: bool


def submit_decision(
    engine: sa.Engine,
    pack: Pack,
    *,
    source: str,
    row: Mapping[str, Any],
    options: IngestOptions,
    before_commit: Callable[[sa.Connection, DecisionSubmitted], None] | None = None,
) -> DecisionSubmitted:
    """Validate one decision (decisions format) about the source's own record and append it
    to every version of that record, as a delivered decisions row would be.

    Raises:
        InvalidData: the decision is invalid, or the source delivered no such record.
    """
    from ..errors import FieldError
    from ..ledger.model import EventKind, RecordEvent
    from ..ledger.store import event_row
    from .rows import parse_decision

    ctx = RowContext.for_source(
        pack,
        source,
        Content.DECISIONS,
        key=options.key,
        today=options.delivered_on,
        mode=options.mode,
    )
    if "decisions" not in ctx.declaration.contents:
        raise InvalidData(f"{source} does not deliver decisions", code="content-not-declared")
    decision = parse_decision(ctx.rename(dict(row)), ctx)
    r = lt.records.c
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(r.record_id, r.subject_id).where(
                r.source_agency == source, r.source_record_id == decision.source_record_id
            )
        ).all()
        if not found:
            raise InvalidData(
                "no such record",
                code="unknown-record",
                errors=[
                    FieldError(
                        "source_record_id",
                        f"{source} has delivered no record {decision.source_record_id[:80]!r}",
                        "submit the record before a decision about it",
                    )
                ],
            )
        events = [
            RecordEvent(
                record_id,
                EventKind(decision.decision),
                decision.effective_on,
                source,
                decision.instrument_number,
                decision.reason,
                decision.attributes,
            )
            for record_id, _ in found
        ]
        added = insert_ignore(
            conn, lt.record_events, [event_row(e, options.recorded_at) for e in events]
        )
        submitted = DecisionSubmitted(found[0][1], tuple(rid for rid, _ in found), added > 0)
        if before_commit is not None:
            before_commit(conn, submitted)
    return submitted
