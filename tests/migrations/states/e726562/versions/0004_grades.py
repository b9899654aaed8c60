"""Evaluations: materialised credit grades.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "grades",
        sa.Column("evaluation_id", sa.String(32), nullable=False),
        sa.Column("scheme_id", sa.String(80), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("grade", sa.String(8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("direct", sa.String(80)),
        sa.Column("contributions", Json, nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", "scheme_id", "subject_id", name="pk_grades"),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.evaluation_id"],
            name="fk_grades_evaluation_id_evaluations",
        ),
    )


def downgrade() -> None:
    op.drop_table("grades")
