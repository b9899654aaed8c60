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
