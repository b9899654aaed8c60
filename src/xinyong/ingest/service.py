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
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import InvalidData
from ..ledger import content_id
from ..schemes import Pack
from . import tables as it
from .batch import load_in_batches
from .commit import DeliveryLoad
from .format import COLUMNS, OPTIONAL_FIELDS, Content, is_delivery_field, renamed_columns
from .options import DeliveryOutcome, IngestOptions
from .readers import DeliveryFile
from .rows import declaration_of

__all__ = ["DeliveryOutcome", "IngestOptions", "content_of", "ingest_directory", "ingest_file"]


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


def _load(
    engine: sa.Engine,
    pack: Pack,
    file: DeliveryFile,
    outcome: DeliveryOutcome,
    options: IngestOptions,
    on_progress: Callable[[int, int, int], None] | None,
) -> None:
    # decisions look up the records they are about: one read connection for the delivery
    with engine.connect() as lookup:
        load = DeliveryLoad(engine, pack, outcome, options, lookup, on_progress)
        if options.row_path or outcome.content is not Content.RECORDS:
            load.take_rows(file.rows(skip=outcome.resumed_at))
        else:
            load_in_batches(load, file)
        load.finish()


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
