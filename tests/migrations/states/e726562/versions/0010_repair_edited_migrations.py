"""Repair schemas created by edited migrations.

Revisions 0005, 0007, 0008 and 0009 were edited after databases had been created with them,
so a database created at an earlier commit reports revision 0009 yet lacks what the edits
added. This revision inspects the live schema and adds exactly what is missing, so that every
historical state converges on the 0009 schema; on a database built by today's 0001–0009 it
does nothing. What each edit added (the commits are in ``tests/migrations/states/README.md``):

- 0005 (3b51857): the audit chain's head row;
- 0007 (0916f07): ``dispatch_notices.webhook_*`` and the ``webhooks`` table;
- 0007 (099ddaf): the ``screening_subjects`` table and its index;
- 0008 (6d9edf1): the ``repairs`` table; 0008 (9457cbf): the ``credit_reports`` table;
- 0009 (39e9d9c): ``objections.checked_on``, ``checked_by`` and ``check_note``.

The definitions below are frozen copies of those in 0007–0009: a later change to the
declared tables must not change what this revision does.

Offline (``xinyong db upgrade --sql``) there is no connection to inspect: the caller passes
an inspector of the database it will be applied to (``live_inspector``) and its revision
(``live_revision``); a piece is then missing if that database lacks it although it is already
past the revision that creates it (anything newer is created by the earlier scripts of the
same run).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
GENESIS = "0" * 64


ColumnSpec = tuple[str, Callable[[], "sa.Column[object]"]]


class Piece:
    """A table (whole, or only some of its columns) as the 0009 schema has it.

    ``revision`` creates the table today (``None``: only ``columns`` are repaired); each
    column comes with the revision that creates it today; indexes are (name, columns).
    (A plain class: Alembic loads this file outside ``sys.modules``, where dataclasses fail.)
    """

    def __init__(
        self,
        table: str,
        revision: str | None,
        columns: list[ColumnSpec],
        constraints: list[Callable[[], sa.Constraint]] | None = None,
        indexes: list[tuple[str, list[str]]] | None = None,
    ) -> None:
        self.table = table
        self.revision = revision
        self.columns = columns
        self.constraints = constraints or []
        self.indexes = indexes or []


def _col(revision_: str, name: str, type_: Any, **kw: Any) -> ColumnSpec:
    return revision_, lambda: sa.Column(name, type_, **kw)


PIECES = [
    Piece(
        "dispatch_notices",
        None,
        [
            _col("0007", "webhook_attempts", sa.Integer(), server_default="0", nullable=False),
            _col("0007", "webhook_next_at", sa.DateTime()),
            _col("0007", "webhook_delivered_at", sa.DateTime()),
            _col("0007", "webhook_error", sa.Text()),
        ],
    ),
    Piece(
        "screening_subjects",
        "0007",
        [
            _col("0007", "audit_seq", sa.BigInteger(), autoincrement=False, nullable=False),
            _col("0007", "subject_id", sa.String(40), nullable=False),
        ],
        [lambda: sa.PrimaryKeyConstraint("audit_seq", "subject_id", name="pk_screening_subjects")],
        [("ix_screening_subjects_subject_id", ["subject_id"])],
    ),
    Piece(
        "webhooks",
        "0007",
        [
            _col("0007", "responder", sa.String(64), nullable=False),
            _col("0007", "url", sa.String(500), nullable=False),
            _col("0007", "secret", sa.String(128), nullable=False),
            _col("0007", "created_at", sa.DateTime(), nullable=False),
        ],
        [lambda: sa.PrimaryKeyConstraint("responder", name="pk_webhooks")],
    ),
    Piece(
        "repairs",
        "0008",
        [
            _col("0008", "repair_id", sa.String(32), nullable=False),
            _col("0008", "subject_id", sa.String(40), nullable=False),
            _col("0008", "record_id", sa.String(32), nullable=False),
            _col("0008", "provider", sa.String(64), nullable=False),
            _col("0008", "corrective_action", sa.Text(), nullable=False),
            _col("0008", "evidence", Json, nullable=False),
            _col("0008", "commitment", sa.Text(), nullable=False),
            _col("0008", "eligibility", Json, nullable=False),
            _col("0008", "filed_by", sa.String(128), nullable=False),
            _col("0008", "filed_at", sa.DateTime(), nullable=False),
            _col("0008", "filed_on", sa.Date(), nullable=False),
            _col("0008", "status", sa.String(16), nullable=False),
            _col("0008", "decision_due", sa.Date()),
            _col("0008", "feedback_due", sa.Date()),
            _col("0008", "outcome", sa.String(16)),
            _col("0008", "reasons", sa.Text()),
            _col("0008", "decided_on", sa.Date()),
            _col("0008", "decided_by", sa.String(128)),
        ],
        [lambda: sa.PrimaryKeyConstraint("repair_id", name="pk_repairs")],
        [("ix_repairs_subject_id", ["subject_id"]), ("ix_repairs_provider", ["provider"])],
    ),
    Piece(
        "credit_reports",
        "0008",
        [
            _col("0008", "report_id", sa.String(32), nullable=False),
            _col("0008", "verification_code", sa.String(32), nullable=False),
            _col("0008", "subject_id", sa.String(40), nullable=False),
            _col("0008", "requested_by", sa.String(128), nullable=False),
            _col("0008", "agency", sa.String(64)),
            _col("0008", "purpose", sa.String(40), nullable=False),
            _col("0008", "consent_id", sa.String(32)),
            _col("0008", "as_of", sa.Date(), nullable=False),
            _col("0008", "issued_at", sa.DateTime(), nullable=False),
            _col("0008", "digest", sa.String(64), nullable=False),
            _col("0008", "body", Json, nullable=False),
        ],
        [
            lambda: sa.PrimaryKeyConstraint("report_id", name="pk_credit_reports"),
            lambda: sa.UniqueConstraint(
                "verification_code", name="uq_credit_reports_verification_code"
            ),
        ],
        [("ix_credit_reports_subject_id", ["subject_id"])],
    ),
    Piece(
        "objections",
        None,
        [
            _col("0009", "checked_on", sa.Date()),
            _col("0009", "checked_by", sa.String(128)),
            _col("0009", "check_note", sa.Text()),
        ],
    ),
]


class _Live:
    """What the database the scripts are applied to already has."""

    def __init__(self) -> None:
        if context.is_offline_mode():
            attributes = context.config.attributes
            self.inspector: sa.Inspector | None = attributes.get("live_inspector")
            self.revision: str | None = attributes.get("live_revision")
        else:
            self.inspector = sa.inspect(op.get_bind())
            self.revision = None
        names = self.inspector.get_table_names() if self.inspector is not None else []
        self.tables = set(names)

    def lacks(self, revision_: str, present: bool) -> bool:
        """Whether a piece created by ``revision_`` is missing and no earlier script adds it."""
        if present:
            return False
        if not context.is_offline_mode():
            return True
        return self.revision is not None and revision_ <= self.revision

    def columns(self, table: str) -> set[str]:
        assert self.inspector is not None
        return {c["name"] for c in self.inspector.get_columns(table)}

    def indexes(self, table: str) -> set[str]:
        assert self.inspector is not None
        return {str(i["name"]) for i in self.inspector.get_indexes(table)}


def upgrade() -> None:
    live = _Live()
    for piece in PIECES:
        if piece.table not in live.tables:
            if piece.revision is not None and live.lacks(piece.revision, present=False):
                op.create_table(
                    piece.table,
                    *[make() for _, make in piece.columns],
                    *[make() for make in piece.constraints],
                )
                for name, columns in piece.indexes:
                    op.create_index(name, piece.table, columns)
            continue
        have = live.columns(piece.table)
        for created_by, make in piece.columns:
            column = make()
            if live.lacks(created_by, present=column.name in have):
                op.add_column(piece.table, column)
        indexes = live.indexes(piece.table)
        for name, columns in piece.indexes:
            assert piece.revision is not None
            if live.lacks(piece.revision, present=name in indexes):
                op.create_index(name, piece.table, columns)
    # the audit chain's head row (0005 created it only from 3b51857 on; appenders made it
    # at their first entry before): the newest entry's seq and hash, or the genesis
    op.execute(
        "INSERT INTO audit_head (id, seq, entry_hash) "
        "SELECT 1, COALESCE((SELECT MAX(seq) FROM audit_log), 0), "
        f"COALESCE((SELECT entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1), '{GENESIS}') "
        "WHERE NOT EXISTS (SELECT 1 FROM audit_head)"
    )


def downgrade() -> None:
    pass  # what this revision added belongs to 0005–0009; their downgrades remove it
