"""Appending to the ledger and reading a subject's file as of a date.

Functions take a SQLAlchemy ``Connection``; the caller owns the transaction (``with
engine.begin() as conn``), so a failure leaves the ledger as it was. Appends are
insert-or-ignore on content-hash keys: appending the same thing twice changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import FieldError, InvalidData, NotFound
from ..types import LinkRole, SubjectKind
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
from .validate import RecordValidator


def insert_ignore(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert ``rows``, skipping any whose primary key exists; returns how many were new."""
    if not rows:
        return 0
    dialect = conn.dialect.name
    if dialect == "sqlite":
        stmt: Any = sqlite.insert(table).on_conflict_do_nothing()
    elif dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    # rowcount is unreliable for executemany on PostgreSQL: count the keys returned instead
    result = conn.execute(stmt.returning(*table.primary_key.columns), list(rows))
    return len(result.all())


def subject_row(subject: Subject, recorded_at: datetime) -> dict[str, Any]:
    return {
        "subject_id": subject.subject_id,
        "kind": str(subject.kind),
        "name": subject.name,
        "region": subject.region,
        "id_masked": subject.id_masked,
        "source_agency": subject.source_agency,
        "recorded_at": recorded_at,
    }


def record_row(record: Record, recorded_at: datetime, delivery_id: str | None) -> dict[str, Any]:
    return {
        "record_id": record.record_id,
        "item_code": record.item_code,
        "subject_id": record.subject_id,
        "source_agency": record.source_agency,
        "source_record_id": record.source_record_id,
        "version": record.version,
        "instrument_type": record.instrument.type,
        "instrument_number": record.instrument.number,
        "instrument_issuer": record.instrument.issuer,
        "instrument_date": record.instrument.issued_on,
        "decided_on": record.decided_on,
        "published_on": record.published_on,
        "occurred_on": record.occurred_on,
        "severity": record.severity,
        "attributes": dict(record.attributes),
        "region": record.region,
        "delivery_id": delivery_id,
        "recorded_at": recorded_at,
    }


def register_subject(conn: sa.Connection, subject: Subject, *, recorded_at: datetime) -> bool:
    """Add ``subject`` unless its key is already registered; returns whether it was new."""
    return insert_ignore(conn, t.subjects, [subject_row(subject, recorded_at)]) == 1


def add_link(conn: sa.Connection, link: SubjectLink, *, recorded_at: datetime) -> bool:
    """Record that one subject stands in a role to another; returns whether it was new.

    Raises:
        NotFound: either subject is not registered.
    """
    _require_subjects(conn, [link.from_subject, link.to_subject])
    row = {
        "link_id": link.link_id,
        "from_subject": link.from_subject,
        "to_subject": link.to_subject,
        "role": str(link.role),
        "valid_from": link.valid_from,
        "valid_to": link.valid_to,
        "source_agency": link.source_agency,
        "recorded_at": recorded_at,
    }
    return insert_ignore(conn, t.subject_links, [row]) == 1


def subject_kind_of(conn: sa.Connection, subject_id: str) -> SubjectKind:
    """The kind of a registered subject. Raises ``NotFound``."""
    kind = conn.execute(
        sa.select(t.subjects.c.kind).where(t.subjects.c.subject_id == subject_id)
    ).scalar_one_or_none()
    if kind is None:
        raise NotFound(
            f"subject {subject_id!r} is not registered; register it before its records",
            code="unknown-subject",
        )
    return SubjectKind(kind)


def append_record(
    conn: sa.Connection,
    record: Record,
    validator: RecordValidator,
    *,
    recorded_at: datetime,
    today: date,
    delivery_id: str | None = None,
) -> bool:
    """Validate ``record`` and append it; returns ``False`` if it was already in the ledger.

    Raises:
        NotFound: the subject is not registered.
        InvalidData: the record breaks the catalogue; ``errors`` lists every problem.
    """
    kind = subject_kind_of(conn, record.subject_id)
    validator.check(record, subject_kind=kind, today=today)
    return insert_ignore(conn, t.records, [record_row(record, recorded_at, delivery_id)]) == 1


def append_event(conn: sa.Connection, event: RecordEvent, *, recorded_at: datetime) -> bool:
    """Append a decision or status change about a record; ``False`` if already there.

    Raises:
        NotFound: the record is not in the ledger.
        InvalidData: a ``corrected`` event without ``attributes.changes``.
    """
    exists = conn.execute(
        sa.select(t.records.c.record_id).where(t.records.c.record_id == event.record_id)
    ).first()
    if exists is None:
        raise NotFound(f"record {event.record_id!r} is not in the ledger", code="unknown-record")
    if event.kind is EventKind.CORRECTED and not isinstance(event.attributes.get("changes"), dict):
        raise InvalidData(
            "a corrected event needs attributes.changes: {field: corrected value}",
            code="invalid-event",
            errors=[FieldError("attributes.changes", "is missing", "give the corrected values")],
        )
    row = {
        "event_id": event.event_id,
        "record_id": event.record_id,
        "kind": str(event.kind),
        "effective_on": event.effective_on,
        "actor": event.actor,
        "instrument_number": event.instrument_number,
        "reason": event.reason,
        "attributes": dict(event.attributes),
        "recorded_at": recorded_at,
    }
    return insert_ignore(conn, t.record_events, [row]) == 1


def _require_subjects(conn: sa.Connection, subject_ids: Iterable[str]) -> None:
    wanted = set(subject_ids)
    found = set(
        conn.execute(
            sa.select(t.subjects.c.subject_id).where(t.subjects.c.subject_id.in_(wanted))
        ).scalars()
    )
    missing = wanted - found
    if missing:
        raise NotFound(
            f"subject {sorted(missing)[0]!r} is not registered; register it first",
            code="unknown-subject",
        )


def get_subject(conn: sa.Connection, subject_id: str) -> Subject:
    """A registered subject. Raises ``NotFound``."""
    row = (
        conn.execute(sa.select(t.subjects).where(t.subjects.c.subject_id == subject_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"subject {subject_id!r} is not registered", code="unknown-subject")
    return Subject(
        subject_id=row["subject_id"],
        kind=SubjectKind(row["kind"]),
        name=row["name"],
        region=row["region"],
        id_masked=row["id_masked"],
        source_agency=row["source_agency"],
    )


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
    rows = conn.execute(
        sa.select(t.records)
        .where(t.records.c.subject_id == subject_id, t.records.c.decided_on <= as_of)
        .order_by(t.records.c.decided_on, t.records.c.record_id)
    ).mappings()
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
            elif event.kind is EventKind.REPAIRED and status is RecordStatus.ACTIVE:
                status = RecordStatus.REPAIRED
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
    rows = conn.execute(
        sa.select(t.record_events)
        .where(t.record_events.c.record_id.in_(record_ids), t.record_events.c.effective_on <= as_of)
        .order_by(t.record_events.c.effective_on, t.record_events.c.recorded_at)
    ).mappings()
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
    c = t.subject_links.c
    rows = conn.execute(
        sa.select(t.subject_links)
        .where(
            sa.or_(c.from_subject == subject_id, c.to_subject == subject_id),
            c.valid_from <= as_of,
            sa.or_(c.valid_to.is_(None), c.valid_to >= as_of),
        )
        .order_by(c.valid_from, c.link_id)
    ).mappings()
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
