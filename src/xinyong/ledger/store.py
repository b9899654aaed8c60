"""Appending to the ledger: subjects, links, records and record events.

Functions take a SQLAlchemy ``Connection``; the caller owns the transaction (``with
engine.begin() as conn``), so a failure leaves the ledger as it was. Appends are
insert-or-ignore on content-hash keys: appending the same thing twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import FieldError, InvalidData, NotFound
from ..types import SubjectKind
from . import tables as t
from .model import EventKind, Record, RecordEvent, Subject, SubjectLink
from .names import name_core, name_key
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
        "name_key": name_key(subject.name),
        "name_core": name_core(subject.name),
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


def event_row(event: RecordEvent, recorded_at: datetime) -> dict[str, Any]:
    return {
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
    months = event.attributes.get("months")
    if event.kind is EventKind.EXTENDED and (
        isinstance(months, bool) or not isinstance(months, int) or months < 1
    ):
        raise InvalidData(
            "an extended event needs attributes.months: a whole number of months",
            code="invalid-event",
            errors=[FieldError("attributes.months", f"is {months!r}", "give the months added")],
        )
    if event.kind is EventKind.CORRECTED and not isinstance(event.attributes.get("changes"), dict):
        raise InvalidData(
            "a corrected event needs attributes.changes: {field: corrected value}",
            code="invalid-event",
            errors=[FieldError("attributes.changes", "is missing", "give the corrected values")],
        )
    return insert_ignore(conn, t.record_events, [event_row(event, recorded_at)]) == 1


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
