"""Objection regimes and the platform's check, evidence uploads, notices of adverse grades.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("objections") as batch:
        batch.add_column(
            sa.Column("regime", sa.String(24), nullable=False, server_default="public_credit")
        )
        batch.add_column(sa.Column("checked_on", sa.Date()))
        batch.add_column(sa.Column("checked_by", sa.String(128)))
        batch.add_column(sa.Column("check_note", sa.Text()))
    op.create_table(
        "evidence",
        sa.Column("evidence_id", sa.String(32), nullable=False),
        sa.Column("case_kind", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("evidence_id", name="pk_evidence"),
    )
    op.create_index("ix_evidence_case_id", "evidence", ["case_id"])
    op.create_table(
        "grade_notices",
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("scheme_id", sa.String(80), nullable=False),
        sa.Column("grade", sa.String(8), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("served_by", sa.String(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "scheme_id", "grade", name="pk_grade_notices"),
    )


def downgrade() -> None:
    op.drop_table("grade_notices")
    op.drop_table("evidence")
    with op.batch_alter_table("objections") as batch:
        for column in ("check_note", "checked_by", "checked_on", "regime"):
            batch.drop_column(column)
