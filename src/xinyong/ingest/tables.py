"""Ingest tables: the delivery journal, the quarantine and the reviewers' actions.

The journal is operational state, not credit data: a delivery's row is updated as its
batches commit (``rows_done`` and the counters move in the same transaction as the batch's
records), which is what makes a rerun after a crash resume exactly where the last commit
left off. Quarantine rows and review actions are append-only; a quarantined row's status is
its latest action.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..ledger.tables import Json, UtcDateTime, metadata

deliveries = sa.Table(
    "deliveries",
    metadata,
    # content hash of (source agency, content kind, sha256 of the file)
    sa.Column("delivery_id", sa.String(32), primary_key=True),
    sa.Column("source_agency", sa.String(64), nullable=False, index=True),
    sa.Column("content", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("file_format", sa.String(16), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    # reference date: no date in the delivery may be after it
    sa.Column("delivered_on", sa.Date(), nullable=False),
    sa.Column("rows_total", sa.Integer(), nullable=False),
    # rows whose outcome is committed: a rerun resumes after this row
    sa.Column("rows_done", sa.Integer(), nullable=False),
    sa.Column("accepted", sa.Integer(), nullable=False),
    sa.Column("duplicates", sa.Integer(), nullable=False),
    sa.Column("quarantined", sa.Integer(), nullable=False),
    # loading | loaded | held (outside volume bounds, not loaded)
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("status_reason", sa.Text()),
    sa.Column("unconsumed_columns", Json, nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime()),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    # content hash of (delivery_id, row_number)
    sa.Column("quarantine_id", sa.String(32), primary_key=True),
    sa.Column("delivery_id", sa.ForeignKey("deliveries.delivery_id"), nullable=False, index=True),
    sa.Column("source_agency", sa.String(64), nullable=False, index=True),
    # 1-based row number in the file, header excluded
    sa.Column("row_number", sa.Integer(), nullable=False),
    # the row as delivered: source column names and values
    sa.Column("raw", Json, nullable=False),
    # every reason: [{field, message, fix}]
    sa.Column("errors", Json, nullable=False),
    sa.Column("item_code", sa.String(80)),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
    # per column whose value in ``raw`` is masked: {pseudonym, masked} or {masked, sealed}
    # (ingest/protect.py); NULL on rows from before 0013 until ``xinyong quarantine scrub``
    sa.Column("identities", Json),
)

quarantine_actions = sa.Table(
    "quarantine_actions",
    metadata,
    sa.Column("action_id", sa.String(32), primary_key=True),
    sa.Column(
        "quarantine_id", sa.ForeignKey("quarantine.quarantine_id"), nullable=False, index=True
    ),
    # released | rejected
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("reason", sa.Text()),
    # corrections the reviewer made: {source column: new value}
    sa.Column("changes", Json, nullable=False),
    # the record (or subject) the released row became
    sa.Column("result_id", sa.String(40)),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)
