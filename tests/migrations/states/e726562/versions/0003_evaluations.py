"""Evaluations: materialised list entries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("evaluation_id", sa.String(32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("pack", sa.String(80), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", name="pk_evaluations"),
    )
    op.create_table(
        "list_entries",
        sa.Column("evaluation_id", sa.String(32), nullable=False),
        sa.Column("list_id", sa.String(80), nullable=False),
        sa.Column("source_agency", sa.String(64), nullable=False),
        sa.Column("source_record_id", sa.String(128), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("noticed_on", sa.Date()),
        sa.Column("active_from", sa.Date()),
        sa.Column("expires_on", sa.Date()),
        sa.Column("exited_on", sa.Date()),
        sa.Column("exit_reason", sa.String(32)),
        sa.Column("record_ids", Json, nullable=False),
        sa.Column("explanation", Json, nullable=False),
        sa.PrimaryKeyConstraint(
            "evaluation_id",
            "list_id",
            "source_agency",
            "source_record_id",
            name="pk_list_entries",
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.evaluation_id"],
            name="fk_list_entries_evaluation_id_evaluations",
        ),
    )
    op.create_index("ix_list_entries_subject_id", "list_entries", ["subject_id"])


def downgrade() -> None:
    op.drop_table("list_entries")
    op.drop_table("evaluations")
