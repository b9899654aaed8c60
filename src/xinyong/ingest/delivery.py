"""Loading a delivery set (``manifest.json`` + CSV files) into the ledger on the bulk path.

This is the foundation's loader: every row is identified and validated against the
catalogue; valid rows enter the ledger in batches, idempotently; invalid rows are counted
by reason and skipped. The ingest capability (quarantine table, delivery journal, other
file formats, source declarations) builds on it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..ids import Mode
from ..ledger import (
    BulkStats,
    BulkWriter,
    EffectiveInstrument,
    Record,
    RecordValidator,
    Subject,
    SubjectLink,
)
from ..ledger.subject import identify, make_subject
from ..schemes import Pack
from ..types import LinkRole, SubjectKind
from .format import COLUMNS, CONTENT_ORDER, MANIFEST_FORMAT, MANIFEST_NAME, Content


@dataclass
class FileReport:
    path: str
    content: Content
    source_agency: str
    rows: int = 0
    rejected: int = 0


@dataclass
class LoadReport:
    """What loading a delivery set did."""

    stats: BulkStats
    files: list[FileReport] = field(default_factory=list)
    #: rejected subject and link rows by reason
    other_rejections: dict[str, int] = field(default_factory=dict)


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a delivery set, checked for shape and for the files it names.

    Raises:
        InvalidData: naming the manifest field at fault and the fix.
    """
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise InvalidData(
            f"{directory} has no {MANIFEST_NAME}; a delivery set is a directory with a manifest "
            "(see `xinyong synth --help`)",
            code="no-manifest",
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidData(f"{path} is not valid JSON: {exc}", code="bad-manifest") from None
    if manifest.get("format") != MANIFEST_FORMAT:
        raise InvalidData(
            f"{path}: format is {manifest.get('format')!r}, expected {MANIFEST_FORMAT!r}",
            code="bad-manifest",
            errors=[FieldError("format", "unknown manifest format", f"use {MANIFEST_FORMAT}")],
        )
    for index, entry in enumerate(manifest.get("files", [])):
        where = f"files[{index}]"
        if entry.get("content") not in {c.value for c in Content}:
            raise InvalidData(
                f"{path}: {where}.content is {entry.get('content')!r}",
                code="bad-manifest",
                errors=[
                    FieldError(f"{where}.content", "unknown", "use subjects, links or records")
                ],
            )
        if not (directory / str(entry.get("path"))).is_file():
            raise InvalidData(
                f"{path}: {where}.path {entry.get('path')!r} does not exist in {directory}",
                code="missing-file",
            )
    return manifest


def _rows(path: Path, content: Content) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS[content]) - set(reader.fieldnames or ())
        if missing:
            raise InvalidData(
                f"{path.name} lacks the columns {', '.join(sorted(missing))}; a {content} file "
                f"has {', '.join(COLUMNS[content])}",
                code="missing-columns",
            )
        yield from reader


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def load_delivery(
    directory: Path,
    engine: sa.Engine,
    pack: Pack,
    *,
    key: bytes,
    recorded_at: datetime,
    batch_size: int = 20_000,
    mode: Mode = Mode.STRICT,
    on_progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Load every file of the delivery set in ``directory``: subjects, then links, then records.

    The manifest's ``delivered_on`` is the reference date for date checks. Loading the same
    set twice adds nothing the second time.
    """
    manifest = read_manifest(directory)
    today = date.fromisoformat(manifest["delivered_on"])
    validator = RecordValidator(pack.catalogue)
    report = LoadReport(stats=BulkStats())
    done = 0
    # subjects already queued in this load: a subject's many record rows register it once
    added: set[str] = set()

    def subject(kind: str, code: str, name: str, agency: str) -> Subject:
        return make_subject(
            SubjectKind(kind), code, name, key=key, today=today, source_agency=agency, mode=mode
        )

    def add(writer: BulkWriter, found: Subject) -> None:
        if found.subject_id not in added:
            if len(added) >= 1_000_000:
                added.clear()
            added.add(found.subject_id)
            writer.add_subject(found)

    with BulkWriter(
        engine, validator, today=today, recorded_at=recorded_at, batch_size=batch_size
    ) as writer:
        entries = sorted(
            manifest["files"], key=lambda f: CONTENT_ORDER.index(Content(f["content"]))
        )
        for entry in entries:
            content, agency = Content(entry["content"]), entry["source_agency"]
            file_report = FileReport(entry["path"], content, agency)
            report.files.append(file_report)
            for row in _rows(directory / entry["path"], content):
                file_report.rows += 1
                done += 1
                if on_progress is not None and done % 10_000 == 0:
                    on_progress(done)
                try:
                    if content is Content.SUBJECTS:
                        add(
                            writer,
                            subject(
                                row["subject_kind"],
                                row["subject_code"],
                                row["subject_name"],
                                agency,
                            ),
                        )
                    elif content is Content.LINKS:
                        org = identify(
                            SubjectKind(row["from_kind"]),
                            row["from_code"],
                            key=key,
                            today=today,
                            mode=mode,
                        )
                        person = subject(row["to_kind"], row["to_code"], row["to_name"], agency)
                        add(writer, person)
                        writer.add_link(
                            SubjectLink(
                                org.subject_id,
                                person.subject_id,
                                LinkRole(row["role"]),
                                date.fromisoformat(row["valid_from"]),
                                source_agency=agency,
                            )
                        )
                    else:
                        about = subject(
                            row["subject_kind"], row["subject_code"], row["subject_name"], agency
                        )
                        add(writer, about)
                        if writer.add_record(_record(row, about.subject_id, agency), about.kind):
                            file_report.rejected += 1
                except (InvalidData, ValueError, KeyError) as exc:
                    file_report.rejected += 1
                    errors = _errors_of(exc)
                    if content is Content.RECORDS:
                        writer.stats.records_seen += 1
                        writer.stats.reject(errors)
                    else:
                        for error in errors:
                            reasons = report.other_rejections
                            reasons[error.reason] = reasons.get(error.reason, 0) + 1
    report.stats = writer.stats
    return report


def _errors_of(exc: Exception) -> list[FieldError]:
    if isinstance(exc, InvalidData) and exc.errors:
        return exc.errors
    if isinstance(exc, InvalidData):
        return [FieldError("row", exc.detail)]
    if isinstance(exc, KeyError):
        return [FieldError(str(exc.args[0]), "is missing", "add the column")]
    return [FieldError("row", str(exc), "correct the value")]


def _record(row: dict[str, str], subject_id: str, agency: str) -> Record:
    try:
        attributes = json.loads(row["attributes"] or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidData(
            "attributes is not a JSON object",
            errors=[FieldError("attributes", f"not valid JSON ({exc.msg})", "write a JSON object")],
        ) from None
    return Record(
        item_code=row["item_code"],
        subject_id=subject_id,
        source_agency=agency,
        source_record_id=row["source_record_id"],
        version=int(row["version"]),
        instrument=EffectiveInstrument(
            type=row["instrument_type"],
            number=row["instrument_number"],
            issuer=row["instrument_issuer"],
            issued_on=date.fromisoformat(row["instrument_date"]),
        ),
        decided_on=date.fromisoformat(row["decided_on"]),
        severity=row["severity"],
        attributes=attributes,
        published_on=_date(row["published_on"]),
        occurred_on=_date(row["occurred_on"]),
        region=row["region"] or None,
    )
