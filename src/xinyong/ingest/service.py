"""Ingesting deliveries: validated, quarantined, idempotent and resumable after a crash.

A delivery is one file from one source agency. Its id is a hash of the agency, the kind of
content and the file's bytes, so sending the same file again is recognised. Rows go through
``rows.py``; valid ones enter the ledger, invalid ones the quarantine with every reason.
Every ``batch_size`` rows one transaction commits the batch's ledger rows, its quarantine
rows and the journal's new offset and counters together. Killed at any point, a rerun
resumes after the last committed row and ends in the state a clean run gives.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..ids import Mode, PseudonymKey
from ..ids.hiding import mask_numbers
from ..ledger import BulkWriter, EventKind, RecordEvent, content_id
from ..ledger import tables as lt
from ..ledger.store import event_row, insert_ignore
from ..schemes import Pack
from ..text import storable
from . import tables as it
from .format import COLUMNS, OPTIONAL_FIELDS, Content, is_delivery_field, renamed_columns
from .protect import hide_text, protect_row
from .readers import BAD_LINE, DeliveryFile
from .rows import (
    RowContext,
    declaration_of,
    parse_decision,
    parse_link,
    parse_record,
    parse_subject,
)


@dataclass(frozen=True)
class IngestOptions:
    """How to ingest. ``delivered_on`` is the reference date for the date checks."""

    key: PseudonymKey
    delivered_on: date
    recorded_at: datetime
    mode: Mode = Mode.STRICT
    batch_size: int = 20_000
    #: load a delivery even if its size is outside the source's volume bounds (reviewer)
    accept_volume: bool = False
    #: seals quarantined values that hold an invalid resident number (``Settings.
    #: quarantine_seal_key``); without it they are kept masked only
    seal_key: bytes | None = None


@dataclass
class DeliveryOutcome:
    """What happened to one delivery."""

    delivery_id: str
    file_name: str
    source_agency: str
    content: Content
    #: loaded | already-loaded | held
    status: str
    rows_total: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    #: rows of this run that came after a crash of an earlier one
    resumed_at: int = 0
    unconsumed_columns: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    status_reason: str | None = None


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def content_of(path: Path) -> Content:
    """The content kind a file's name announces (``records-tax.csv`` → records)."""
    prefix = path.name.split("-", 1)[0].split(".", 1)[0]
    try:
        return Content(prefix)
    except ValueError:
        return Content.RECORDS


def _journal(conn: sa.Connection, delivery_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(sa.select(it.deliveries).where(it.deliveries.c.delivery_id == delivery_id))
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def ingest_file(
    engine: sa.Engine,
    pack: Pack,
    path: Path,
    *,
    source: str,
    options: IngestOptions,
    content: Content | None = None,
    on_progress: Callable[[int, int, int], None] | None = None,
) -> DeliveryOutcome:
    """Ingest one delivery file from ``source``.

    Args:
        content: what the file holds; by default read from its name's prefix.
        on_progress: called with (rows done, rows total, rows quarantined) as batches commit.

    Raises:
        NotFound: the source is not declared.
        UnreadableFile: the file cannot be read; nothing is loaded.
        InvalidData: the source may not deliver this content or format, or required
            columns are missing; nothing is loaded.
    """
    declaration = declaration_of(pack, source)
    content = content or content_of(path)
    file = DeliveryFile(path)
    if str(content) not in declaration.contents:
        raise InvalidData(
            f"{path.name}: {source} may deliver {', '.join(declaration.contents)}, not {content}",
            code="content-not-declared",
        )
    if file.format not in declaration.formats:
        raise InvalidData(
            f"{path.name}: {source} delivers {', '.join(declaration.formats)}, not {file.format}",
            code="format-not-declared",
        )
    sha, size = _sha256(path)
    delivery_id = content_id(source, content, sha)
    outcome = DeliveryOutcome(delivery_id, path.name, source, content, "loaded")
    with engine.connect() as conn:
        journal = _journal(conn, delivery_id)
    if journal is not None and journal["status"] == "loaded":
        return _from_journal(outcome, journal, "already-loaded")
    if journal is not None and journal["status"] == "held" and not options.accept_volume:
        return _from_journal(outcome, journal, "held")
    columns, rows_total = file.scan()
    renamed = renamed_columns(declaration.columns, columns, path.name)
    missing = [c for c in _required(content) if c not in renamed]
    if missing:
        raise InvalidData(
            f"{path.name} lacks the columns {', '.join(missing)}; declare renames in the "
            f"source's `columns` or deliver the standard columns ({', '.join(COLUMNS[content])})",
            code="missing-columns",
        )
    unconsumed = [c for c, r in zip(columns, renamed, strict=True) if not is_delivery_field(r)]
    bounds = declaration.volume
    held = not bounds.min_rows <= rows_total <= bounds.max_rows
    if journal is None or journal["status"] == "held":
        status, reason = "loading", None
        if file.truncated is not None:
            # held whatever the reviewer accepts: only the whole file again can be loaded
            status = "held"
            reason = (
                f"{path.name} looks truncated: {file.truncated} (row {rows_total}); nothing "
                "is loaded. Deliver the complete file again"
            )
        elif held and not options.accept_volume:
            status = "held"
            reason = (
                f"{rows_total} rows is outside the expected {bounds.min_rows}–"
                f"{bounds.max_rows} for {source}; review, then rerun with --accept-volume"
            )
        elif held:
            reason = f"{rows_total} rows outside the volume bounds, accepted by a reviewer"
        _start(
            engine,
            journal,
            delivery_id,
            source,
            content,
            path,
            file.format,
            sha,
            size,
            rows_total,
            unconsumed,
            options,
            status,
            reason,
        )
        if status == "held":
            outcome.status, outcome.status_reason = "held", reason
            outcome.rows_total, outcome.unconsumed_columns = rows_total, unconsumed
            return outcome
        journal = {"rows_done": 0}
    outcome.rows_total, outcome.unconsumed_columns = rows_total, unconsumed
    outcome.resumed_at = int(journal["rows_done"])
    _load(engine, pack, file, outcome, options, on_progress)
    with engine.connect() as conn:
        final = _journal(conn, delivery_id)
    assert final is not None
    return _from_journal(outcome, final, "loaded")


def _required(content: Content) -> list[str]:
    return [c for c in COLUMNS[content] if c not in OPTIONAL_FIELDS]


def _from_journal(
    outcome: DeliveryOutcome, journal: dict[str, Any], status: str
) -> DeliveryOutcome:
    outcome.status = status
    outcome.rows_total = journal["rows_total"]
    outcome.accepted, outcome.duplicates = journal["accepted"], journal["duplicates"]
    outcome.quarantined = journal["quarantined"]
    outcome.unconsumed_columns = list(journal["unconsumed_columns"] or [])
    outcome.status_reason = journal["status_reason"]
    return outcome


def _start(
    engine: sa.Engine,
    journal: dict[str, Any] | None,
    delivery_id: str,
    source: str,
    content: Content,
    path: Path,
    file_format: str,
    sha: str,
    size: int,
    rows_total: int,
    unconsumed: list[str],
    options: IngestOptions,
    status: str,
    reason: str | None,
) -> None:
    values = {
        "delivery_id": delivery_id,
        "source_agency": source,
        "content": str(content),
        "file_name": path.name,
        "file_format": file_format,
        "sha256": sha,
        "size_bytes": size,
        "delivered_on": options.delivered_on,
        "rows_total": rows_total,
        "rows_done": 0,
        "accepted": 0,
        "duplicates": 0,
        "quarantined": 0,
        "status": status,
        "status_reason": reason,
        "unconsumed_columns": unconsumed,
        "started_at": options.recorded_at,
        "finished_at": None,
    }
    with engine.begin() as conn:
        if journal is None:
            conn.execute(sa.insert(it.deliveries), values)
        else:
            conn.execute(
                sa.update(it.deliveries)
                .where(it.deliveries.c.delivery_id == delivery_id)
                .values(status=status, status_reason=reason)
            )


class _Batch:
    """The outcomes of the rows since the last commit."""

    def __init__(self, writer: BulkWriter) -> None:
        #: the writer's counters at the last commit
        self.counters = _counters(writer)
        self.quarantine: list[dict[str, Any]] = []
        self.events: list[RecordEvent] = []
        self.decision_rows = 0


def _load(
    engine: sa.Engine,
    pack: Pack,
    file: DeliveryFile,
    outcome: DeliveryOutcome,
    options: IngestOptions,
    on_progress: Callable[[int, int, int], None] | None,
) -> None:
    ctx = RowContext.for_source(
        pack,
        outcome.source_agency,
        outcome.content,
        key=options.key,
        today=options.delivered_on,
        mode=options.mode,
    )
    validator = ctx.validator
    writer = BulkWriter(
        engine,
        validator,
        today=options.delivered_on,
        recorded_at=options.recorded_at,
        batch_size=None,
    )
    batch, row_number, queued_subjects = _Batch(writer), outcome.resumed_at, set[str]()
    quarantined = 0  # in this run, for the progress bar
    # decisions look up the records they are about: one read connection for the delivery
    with engine.connect() as lookup:
        for raw in file.rows(skip=outcome.resumed_at):
            row_number += 1
            try:
                _take(raw, ctx, writer, batch, queued_subjects, lookup)
            except InvalidData as exc:
                batch.quarantine.append(
                    _quarantine_row(outcome, row_number, raw, exc, options, ctx)
                )
                quarantined += 1
            if row_number % options.batch_size == 0:
                _commit(engine, writer, batch, outcome, row_number, final=False, options=options)
                lookup.rollback()  # end the read transaction so the next one sees the commit
                batch, queued_subjects = _Batch(writer), set()
                if on_progress is not None:
                    on_progress(row_number, outcome.rows_total, quarantined)
    _commit(engine, writer, batch, outcome, row_number, final=True, options=options)
    if on_progress is not None:
        on_progress(row_number, outcome.rows_total, quarantined)


def _take(
    raw: dict[str, Any],
    ctx: RowContext,
    writer: BulkWriter,
    batch: _Batch,
    queued: set[str],
    lookup: sa.Connection,
) -> None:
    if BAD_LINE in raw:
        raise InvalidData(
            "not a JSON object",
            errors=[FieldError("row", "is not a JSON object", "write one JSON object per line")],
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


def _commit(
    engine: sa.Engine,
    writer: BulkWriter,
    batch: _Batch,
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
    content: Content, before: dict[str, int], after: dict[str, int], batch: _Batch, events_new: int
) -> tuple[int, int]:
    """(rows new to the ledger, valid rows) of this batch, in the unit of the content."""
    if content is Content.DECISIONS:
        return min(events_new, batch.decision_rows), batch.decision_rows
    unit = {Content.RECORDS: "records", Content.SUBJECTS: "subjects", Content.LINKS: "links"}
    name = unit[content]
    new = after[f"{name}_new"] - before[f"{name}_new"]
    return new, after[f"{name}_seen"] - before[f"{name}_seen"]


def ingest_directory(
    engine: sa.Engine,
    pack: Pack,
    directory: Path,
    *,
    options: IngestOptions,
    on_progress: Callable[[str, int, int, int], None] | None = None,
) -> list[DeliveryOutcome]:
    """Ingest every file a delivery set's ``manifest.json`` lists, in load order."""
    from .format import CONTENT_ORDER
    from .manifest import read_manifest

    manifest = read_manifest(directory)
    entries: Iterable[dict[str, Any]] = sorted(
        manifest["files"], key=lambda f: CONTENT_ORDER.index(Content(f["content"]))
    )
    dated = IngestOptions(
        **{**options.__dict__, "delivered_on": date.fromisoformat(manifest["delivered_on"])}
    )
    outcomes = []
    for entry in entries:
        progress = None
        if on_progress is not None:
            name = entry["path"]
            progress = partial(on_progress, name)
        outcomes.append(
            ingest_file(
                engine,
                pack,
                directory / entry["path"],
                source=entry["source_agency"],
                options=dated,
                content=Content(entry["content"]),
                on_progress=progress,
            )
        )
    return outcomes
