"""Ledger tables (SQLAlchemy Core). Alembic migrations in ``xinyong/migrations`` create them.

Everything here is append-only: rows are inserted, never updated or deleted. A record's
state on a date is derived from the record and the events that refer to it.
Timestamps (``recorded_at``) say when xinyong observed a row; the legal dates of a record are
separate columns. Every timestamp column is a :class:`UtcDateTime`: aware UTC in Python, UTC
in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ..clock import utc, utc_naive

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = sa.JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A moment: written from an aware datetime (a naive one is refused, loudly: it is a bug,
    its zone unknown), read back as aware UTC. PostgreSQL keeps a ``timestamptz`` (migration
    0013); SQLite keeps UTC text without an offset. Rows written before every timestamp was
    aware were written as naive UTC and are read as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        # timestamptz on PostgreSQL (migration 0013); SQLite keeps UTC text without an offset
        timezone = dialect.name == "postgresql"
        return dialect.type_descriptor(sa.DateTime(timezone=timezone))

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return utc(value) if dialect.name == "postgresql" else utc_naive(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


subjects = sa.Table(
    "subjects",
    metadata,
    # USCC for organisations; "P" + 32 hex digits (keyed pseudonym) for persons
    sa.Column("subject_id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    # search keys (ledger/names.py): the normalised name, and the same without place names
    sa.Column("name_key", sa.String(300), index=True),
    sa.Column("name_core", sa.String(300), index=True),
    # GB/T 2260 division of registration (organisations) or of the ID's address code
    sa.Column("region", sa.String(6)),
    # persons only: the resident number with birth date hidden, for display
    sa.Column("id_masked", sa.String(18)),
    sa.Column("source_agency", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)

subject_links = sa.Table(
    "subject_links",
    metadata,
    sa.Column("link_id", sa.String(32), primary_key=True),
    sa.Column("from_subject", sa.ForeignKey("subjects.subject_id"), nullable=False, index=True),
    sa.Column("to_subject", sa.ForeignKey("subjects.subject_id"), nullable=False, index=True),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("valid_from", sa.Date(), nullable=False),
    sa.Column("valid_to", sa.Date()),
    sa.Column("source_agency", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False, index=True),
)

records = sa.Table(
    "records",
    metadata,
    # content hash of (source_agency, source_record_id, version)
    sa.Column("record_id", sa.String(32), primary_key=True),
    sa.Column("item_code", sa.String(80), nullable=False, index=True),
    sa.Column("subject_id", sa.ForeignKey("subjects.subject_id"), nullable=False, index=True),
    sa.Column("source_agency", sa.String(64), nullable=False),
    sa.Column("source_record_id", sa.String(128), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("instrument_type", sa.String(64), nullable=False),
    sa.Column("instrument_number", sa.String(128), nullable=False),
    sa.Column("instrument_issuer", sa.String(200), nullable=False),
    sa.Column("instrument_date", sa.Date(), nullable=False),
    # indexed: the double-publicity pages read decisions newest first
    sa.Column("decided_on", sa.Date(), nullable=False, index=True),
    sa.Column("published_on", sa.Date()),
    sa.Column("occurred_on", sa.Date()),
    sa.Column("severity", sa.String(32), nullable=False),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("region", sa.String(6)),
    # the delivery (file or API submission) that brought the record; set by ingest
    sa.Column("delivery_id", sa.String(64)),
    # indexed: the screening index follows what was recorded since it last looked
    sa.Column("recorded_at", UtcDateTime(), nullable=False, index=True),
    sa.Index("ix_records_source", "source_agency", "source_record_id"),
)

record_events = sa.Table(
    "record_events",
    metadata,
    # content hash of the event's defining fields: re-appending the same event is a no-op
    sa.Column("event_id", sa.String(32), primary_key=True),
    sa.Column("record_id", sa.ForeignKey("records.record_id"), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    # indexed: an incremental evaluation re-derives what takes effect in its new days
    sa.Column("effective_on", sa.Date(), nullable=False, index=True),
    # who decided: an agency code or an account
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("instrument_number", sa.String(128)),
    sa.Column("reason", sa.Text()),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False, index=True),
)

# The audit log: every write and every read of non-public data, hash-chained. ``entry_hash``
# covers the entry's fields and ``prev_hash`` (the previous entry's hash); ``audit_head``
# holds the newest entry's sequence number and hash, and is the lock appenders queue on.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    # the account or token that acted, e.g. ``token:ab12cd34`` or ``account:alice``
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("agency", sa.String(64)),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject_id", sa.String(40), index=True),
    sa.Column("purpose", sa.String(40)),
    sa.Column("detail", Json, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
)

# Signed checkpoints of the audit log: the head at ``size`` entries, signed with the node's
# Ed25519 key (kept outside the database) as a C2SP signed note. Copies published earlier
# reveal a chain recomputed or cut after them (``xinyong audit verify --checkpoints``).
audit_checkpoints = sa.Table(
    "audit_checkpoints",
    metadata,
    sa.Column("size", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("root_hash", sa.String(64), nullable=False),
    sa.Column("signed_at", UtcDateTime(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
)
