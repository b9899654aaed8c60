"""The bulk load path: tens of millions of records, validated, in batched transactions.

``BulkWriter`` buffers subjects, links and records and writes each batch in one
transaction: subjects first, then links, then records, so every foreign key holds. SQLite
gets a prepared ``INSERT OR IGNORE`` through ``executemany``; PostgreSQL gets ``COPY`` into a
temporary staging table and one ``INSERT … SELECT … ON CONFLICT DO NOTHING``. Either way a
row already in the ledger is skipped, so loading the same data again changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..types import SubjectKind
from . import tables as t
from .model import Record, Subject, SubjectLink
from .names import name_core, name_key
from .validate import RecordValidator

SUBJECT_COLUMNS = tuple(c.name for c in t.subjects.columns)
LINK_COLUMNS = tuple(c.name for c in t.subject_links.columns)
RECORD_COLUMNS = tuple(c.name for c in t.records.columns)


@dataclass
class BulkStats:
    """What a bulk load did. ``*_new`` counts rows that were not in the ledger before."""

    subjects_seen: int = 0
    subjects_new: int = 0
    links_seen: int = 0
    links_new: int = 0
    records_seen: int = 0
    records_new: int = 0
    records_rejected: int = 0
    #: rejection reasons (``FieldError.reason``: values masked) → count
    rejections: Counter[str] = field(default_factory=Counter)

    def reject(self, errors: list[FieldError]) -> None:
        """Count one rejected record with its errors."""
        self.records_rejected += 1
        for error in errors:
            self.rejections[error.reason] += 1

    @property
    def records_duplicate(self) -> int:
        """Valid records that were already in the ledger (or twice in the input)."""
        return self.records_seen - self.records_rejected - self.records_new


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class BulkWriter:
    """Validate and write large volumes in batches. Use as a context manager.

    Args:
        engine: the ledger database.
        validator: catalogue checks applied to every record.
        today: delivery date for the date checks.
        recorded_at: observation time stamped on every row.
        batch_size: records per transaction; ``None`` leaves every commit to the caller, who
            writes the queue inside its own transaction with ``write_pending``.
        on_flush: called with the running ``BulkStats`` after each batch (progress bars).
    """

    def __init__(
        self,
        engine: sa.Engine,
        validator: RecordValidator,
        *,
        today: date,
        recorded_at: datetime,
        batch_size: int | None = 20_000,
        delivery_id: str | None = None,
        on_flush: Callable[[BulkStats], None] | None = None,
    ) -> None:
        self.engine = engine
        self.validator = validator
        self.today = today
        self.recorded_at = recorded_at
        self.batch_size = batch_size
        self.delivery_id = delivery_id
        self.on_flush = on_flush
        self.stats = BulkStats()
        self._subjects: list[tuple[Any, ...]] = []
        self._links: list[tuple[Any, ...]] = []
        self._records: list[tuple[Any, ...]] = []
        self._postgres = engine.dialect.name == "postgresql"
        self._stamp: Any = (
            recorded_at if self._postgres else recorded_at.strftime("%Y-%m-%d %H:%M:%S.%f")
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.flush()

    def add_subject(self, subject: Subject) -> None:
        self.stats.subjects_seen += 1
        self._subjects.append(
            (
                subject.subject_id,
                str(subject.kind),
                subject.name,
                name_key(subject.name),
                name_core(subject.name),
                subject.region,
                subject.id_masked,
                subject.source_agency,
                self._stamp,
            )
        )

    def add_link(self, link: SubjectLink) -> None:
        self.stats.links_seen += 1
        d = (lambda v: v) if self._postgres else _iso
        self._links.append(
            (
                link.link_id,
                link.from_subject,
                link.to_subject,
                str(link.role),
                d(link.valid_from),
                d(link.valid_to),
                link.source_agency,
                self._stamp,
            )
        )

    def add_record(self, record: Record, subject_kind: SubjectKind) -> list[FieldError]:
        """Queue ``record`` if valid; returns its errors (empty when it was queued)."""
        self.stats.records_seen += 1
        errors = self.validator.errors(record, subject_kind=subject_kind, today=self.today)
        if errors:
            self.stats.reject(errors)
            return errors
        inst = record.instrument
        d = (lambda v: v) if self._postgres else _iso
        self._records.append(
            (
                record.record_id,
                record.item_code,
                record.subject_id,
                record.source_agency,
                record.source_record_id,
                record.version,
                inst.type,
                inst.number,
                inst.issuer,
                d(inst.issued_on),
                d(record.decided_on),
                d(record.published_on),
                d(record.occurred_on),
                record.severity,
                json.dumps(record.attributes, ensure_ascii=False, separators=(",", ":")),
                record.region,
                self.delivery_id,
                self._stamp,
            )
        )
        if self.batch_size is not None and len(self._records) >= self.batch_size:
            self.flush()
        return []

    def queue_records(self, rows: list[tuple[Any, ...]]) -> None:
        """Queue record rows already validated elsewhere (the ingest batch path), in
        ``RECORD_COLUMNS`` order with dates as this writer takes them (``dates_as_text``)."""
        self.stats.records_seen += len(rows)
        self._records.extend(rows)

    def queue_subject(self, row: tuple[Any, ...]) -> None:
        """Queue a subject row built elsewhere, in ``SUBJECT_COLUMNS`` order."""
        self.stats.subjects_seen += 1
        self._subjects.append(row)

    @property
    def stamp(self) -> Any:
        """The ``recorded_at`` value of every row, as this writer's database takes it."""
        return self._stamp

    @property
    def dates_as_text(self) -> bool:
        """Whether dates are written as ISO text (SQLite) rather than ``date`` (PostgreSQL)."""
        return not self._postgres

    def flush(self) -> None:
        """Write everything queued in one transaction."""
        if not (self._subjects or self._links or self._records):
            return
        with self.engine.begin() as conn:
            self.write_pending(conn)
        if self.on_flush is not None:
            self.on_flush(self.stats)

    def write_pending(self, conn: sa.Connection) -> None:
        """Write everything queued using ``conn``; the caller commits (or rolls back)."""
        try:
            self.stats.subjects_new += self._write(
                conn, t.subjects, SUBJECT_COLUMNS, self._subjects
            )
            self.stats.links_new += self._write(conn, t.subject_links, LINK_COLUMNS, self._links)
            self.stats.records_new += self._write(conn, t.records, RECORD_COLUMNS, self._records)
        except sa.exc.IntegrityError as exc:
            raise InvalidData(
                f"a batch refers to a subject that is not registered ({exc.orig}); add every "
                "subject before its records and links",
                code="unregistered-subject",
            ) from None
        self._subjects, self._links, self._records = [], [], []

    def _write(
        self,
        conn: sa.Connection,
        table: sa.Table,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> int:
        if not rows:
            return 0
        names = ", ".join(columns)
        if not self._postgres:
            marks = ", ".join("?" * len(columns))
            result = conn.exec_driver_sql(
                f"INSERT OR IGNORE INTO {table.name} ({names}) VALUES ({marks})", rows
            )
            return int(result.rowcount)
        staging = f"staging_{table.name}"
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        result = conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {staging} "
            "ON CONFLICT DO NOTHING"
        )
        conn.exec_driver_sql(f"DELETE FROM {staging}")
        return int(result.rowcount)
