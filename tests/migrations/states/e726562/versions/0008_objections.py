"""Subject rights: objections, credit-repair applications, credit reports.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "objections",
        sa.Column("objection_id", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("record_ids", Json, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(128), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("check_due", sa.Date()),
        sa.Column("decision_due", sa.Date()),
        sa.Column("extended_to", sa.Date()),
        sa.Column("extension_reason", sa.Text()),
        sa.Column("outcome", sa.String(24)),
        sa.Column("reasons", sa.Text()),
        sa.Column("decided_on", sa.Date()),
        sa.Column("decided_by", sa.String(128)),
        sa.PrimaryKeyConstraint("objection_id", name="pk_objections"),
    )
    op.create_index("ix_objections_subject_id", "objections", ["subject_id"])
    op.create_index("ix_objections_provider", "objections", ["provider"])
    op.create_table(
        "repairs",
        sa.Column("repair_id", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("corrective_action", sa.Text(), nullable=False),
        sa.Column("evidence", Json, nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        sa.Column("eligibility", Json, nullable=False),
        sa.Column("filed_by", sa.String(128), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision_due", sa.Date()),
        sa.Column("feedback_due", sa.Date()),
        sa.Column("outcome", sa.String(16)),
        sa.Column("reasons", sa.Text()),
        sa.Column("decided_on", sa.Date()),
        sa.Column("decided_by", sa.String(128)),
        sa.PrimaryKeyConstraint("repair_id", name="pk_repairs"),
    )
    op.create_index("ix_repairs_subject_id", "repairs", ["subject_id"])
    op.create_index("ix_repairs_provider", "repairs", ["provider"])
    op.create_table(
        "credit_reports",
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("verification_code", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("requested_by", sa.String(128), nullable=False),
        sa.Column("agency", sa.String(64)),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("consent_id", sa.String(32)),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("body", Json, nullable=False),
        sa.PrimaryKeyConstraint("report_id", name="pk_credit_reports"),
        sa.UniqueConstraint("verification_code", name="uq_credit_reports_verification_code"),
    )
    op.create_index("ix_credit_reports_subject_id", "credit_reports", ["subject_id"])


def downgrade() -> None:
    op.drop_table("credit_reports")
    op.drop_table("repairs")
    op.drop_table("objections")
