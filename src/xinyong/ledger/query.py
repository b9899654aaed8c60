"""Reading the ledger: a subject, and a subject's file as of a date."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..errors import NotFound
from ..types import LinkRole
from . import tables as t
from .model import (
    EffectiveInstrument,
    EventKind,
    FileEntry,
    Record,
    RecordEvent,
    RecordStatus,
    Subject,
    SubjectFile,
    SubjectLink,
)

# Statements built once: a subject's file is read on every portal page, and building the
# statement costs more than running it.
_SUBJECT = sa.select(t.subjects).where(t.subjects.c.subject_id == sa.bindparam("subject_id"))
_RECORDS = (
    sa.select(t.records)
    .where(
        t.records.c.subject_id == sa.bindparam("subject_id"),
        t.records.c.decided_on <= sa.bindparam("as_of"),
    )
    .order_by(t.records.c.decided_on, t.records.c.record_id)
)
_EVENTS = (
    sa.select(t.record_events)
    .where(
        t.record_events.c.record_id.in_(sa.bindparam("record_ids", expanding=True)),
        t.record_events.c.effective_on <= sa.bindparam("as_of"),
    )
    .order_by(t.record_events.c.effective_on, t.record_events.c.recorded_at)
)
_L = t.subject_links.c
_LINKS = (
    sa.select(t.subject_links)
    .where(
        sa.or_(
            _L.from_subject == sa.bindparam("subject_id"),
            _L.to_subject == sa.bindparam("subject_id"),
        ),
        _L.valid_from <= sa.bindparam("as_of"),
        sa.or_(_L.valid_to.is_(None), _L.valid_to >= sa.bindparam("as_of")),
    )
    .order_by(_L.valid_from, _L.link_id)
)


def get_subject(conn: sa.Connection, subject_id: str) -> Subject:
    """A registered subject. Raises ``NotFound``."""
    row = conn.execute(_SUBJECT, {"subject_id": subject_id}).mappings().first()
    if row is None:
        raise NotFound(f"subject {subject_id!r} is not registered", code="unknown-subject")
    return Subject.from_row(row)


def _attributes(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _record_from_row(row: Any) -> Record:
    return Record(
        item_code=row["item_code"],
        subject_id=row["subject_id"],
        source_agency=row["source_agency"],
        source_record_id=row["source_record_id"],
        version=row["version"],
        instrument=EffectiveInstrument(
            type=row["instrument_type"],
            number=row["instrument_number"],
            issuer=row["instrument_issuer"],
            issued_on=row["instrument_date"],
        ),
        decided_on=row["decided_on"],
        severity=row["severity"],
        attributes=_attributes(row["attributes"]),
        published_on=row["published_on"],
        occurred_on=row["occurred_on"],
        region=row["region"],
    )


def subject_file(conn: sa.Connection, subject_id: str, *, as_of: date) -> SubjectFile:
    """Everything the ledger holds about a subject as it stood on ``as_of``.

    A record belongs to the file once decided (``decided_on <= as_of``). Of several versions
    of one source record, the highest version decided by ``as_of`` stands and the others are
    listed as superseded. Events count from their ``effective_on``; they are applied in date
    order: ``disputed`` marks the record until ``dispute_resolved``; ``revoked`` and
    ``repaired`` set its status; ``corrected`` overrides attributes.

    Raises:
        NotFound: the subject is not registered.
    """
    subject = get_subject(conn, subject_id)
    rows = conn.execute(_RECORDS, {"subject_id": subject_id, "as_of": as_of}).mappings()
    versions: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        versions[(row["source_agency"], row["source_record_id"])].append(row)
    standing = {key: max(rs, key=lambda r: r["version"]) for key, rs in versions.items()}
    events = _events_by_record(conn, [r["record_id"] for r in standing.values()], as_of)
    entries = []
    for key, row in standing.items():
        record = _record_from_row(row)
        status, disputed, attributes = RecordStatus.ACTIVE, False, dict(record.attributes)
        for event in events.get(row["record_id"], []):
            if event.kind is EventKind.DISPUTED:
                disputed = True
            elif event.kind is EventKind.DISPUTE_RESOLVED:
                disputed = False
            elif event.kind is EventKind.REVOKED:
                status = RecordStatus.REVOKED
            elif event.kind is EventKind.REPAIRED and status is not RecordStatus.REVOKED:
                status = RecordStatus.REPAIRED
            elif event.kind is EventKind.PUBLICITY_STOPPED and status is RecordStatus.ACTIVE:
                status = RecordStatus.UNPUBLISHED
            elif event.kind is EventKind.CORRECTED:
                attributes.update(event.attributes["changes"])
        entries.append(
            FileEntry(
                record=record,
                record_id=row["record_id"],
                status=status,
                disputed=disputed,
                attributes=attributes,
                events=tuple(events.get(row["record_id"], [])),
                superseded_versions=tuple(
                    sorted(r["version"] for r in versions[key] if r is not row)
                ),
            )
        )
    entries.sort(key=lambda e: (e.record.decided_on, e.record_id))
    return SubjectFile(subject, as_of, tuple(entries), tuple(_links(conn, subject_id, as_of)))


def _events_by_record(
    conn: sa.Connection, record_ids: list[str], as_of: date
) -> dict[str, list[RecordEvent]]:
    found: dict[str, list[RecordEvent]] = defaultdict(list)
    if not record_ids:
        return found
    rows = conn.execute(_EVENTS, {"record_ids": record_ids, "as_of": as_of}).mappings()
    for row in rows:
        found[row["record_id"]].append(
            RecordEvent(
                record_id=row["record_id"],
                kind=EventKind(row["kind"]),
                effective_on=row["effective_on"],
                actor=row["actor"],
                instrument_number=row["instrument_number"],
                reason=row["reason"],
                attributes=_attributes(row["attributes"]),
            )
        )
    return found


def _links(conn: sa.Connection, subject_id: str, as_of: date) -> list[SubjectLink]:
    rows = conn.execute(_LINKS, {"subject_id": subject_id, "as_of": as_of}).mappings()
    return [
        SubjectLink(
            from_subject=r["from_subject"],
            to_subject=r["to_subject"],
            role=LinkRole(r["role"]),
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            source_agency=r["source_agency"],
        )
        for r in rows
    ]
