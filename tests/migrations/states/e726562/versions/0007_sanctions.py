"""Joint measures: dispatch notices, screening overrides; indexes the screening index follows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_index("ix_records_recorded_at", "records", ["recorded_at"])
    op.create_index("ix_record_events_recorded_at", "record_events", ["recorded_at"])
    op.create_index("ix_subject_links_recorded_at", "subject_links", ["recorded_at"])
    op.create_table(
        "dispatch_notices",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("responder", sa.String(64), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("list_id", sa.String(80), nullable=False),
        sa.Column("source_agency", sa.String(64), nullable=False),
        sa.Column("source_record_id", sa.String(128), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date()),
        sa.Column("measures", Json, nullable=False),
        sa.Column("acknowledged_at", sa.DateTime()),
        sa.Column("feedback", sa.String(16)),
        sa.Column("feedback_reason", sa.Text()),
        sa.Column("feedback_at", sa.DateTime()),
        sa.Column("feedback_by", sa.String(128)),
        sa.Column("webhook_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("webhook_next_at", sa.DateTime()),
        sa.Column("webhook_delivered_at", sa.DateTime()),
        sa.Column("webhook_error", sa.Text()),
        sa.PrimaryKeyConstraint("seq", name="pk_dispatch_notices"),
        sa.UniqueConstraint("notice_id", name="uq_dispatch_notices_notice_id"),
    )
    op.create_index("ix_dispatch_notices_responder", "dispatch_notices", ["responder"])
    op.create_index("ix_dispatch_notices_subject_id", "dispatch_notices", ["subject_id"])
    op.create_table(
        "screening_subjects",
        sa.Column("audit_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("audit_seq", "subject_id", name="pk_screening_subjects"),
    )
    op.create_index("ix_screening_subjects_subject_id", "screening_subjects", ["subject_id"])
    op.create_table(
        "webhooks",
        sa.Column("responder", sa.String(64), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("responder", name="pk_webhooks"),
    )
    op.create_table(
        "screening_overrides",
        sa.Column("override_id", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("measures", Json, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("override_id", name="pk_screening_overrides"),
    )
    op.create_index("ix_screening_overrides_subject_id", "screening_overrides", ["subject_id"])


def downgrade() -> None:
    op.drop_table("screening_overrides")
    op.drop_table("webhooks")
    op.drop_table("screening_subjects")
    op.drop_table("dispatch_notices")
    op.drop_index("ix_subject_links_recorded_at", "subject_links")
    op.drop_index("ix_record_events_recorded_at", "record_events")
    op.drop_index("ix_records_recorded_at", "records")
