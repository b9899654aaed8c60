"""The ledger: subjects, links, records and record events.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "subjects",
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("region", sa.String(6)),
        sa.Column("id_masked", sa.String(18)),
        sa.Column("source_agency", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name="pk_subjects"),
    )
    op.create_table(
        "subject_links",
        sa.Column("link_id", sa.String(32), nullable=False),
        sa.Column("from_subject", sa.String(40), nullable=False),
        sa.Column("to_subject", sa.String(40), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        sa.Column("source_agency", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name="pk_subject_links"),
        sa.ForeignKeyConstraint(
            ["from_subject"],
            ["subjects.subject_id"],
            name="fk_subject_links_from_subject_subjects",
        ),
        sa.ForeignKeyConstraint(
            ["to_subject"], ["subjects.subject_id"], name="fk_subject_links_to_subject_subjects"
        ),
    )
    op.create_index("ix_subject_links_from_subject", "subject_links", ["from_subject"])
    op.create_index("ix_subject_links_to_subject", "subject_links", ["to_subject"])
    op.create_table(
        "records",
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("item_code", sa.String(80), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("source_agency", sa.String(64), nullable=False),
        sa.Column("source_record_id", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("instrument_type", sa.String(64), nullable=False),
        sa.Column("instrument_number", sa.String(128), nullable=False),
        sa.Column("instrument_issuer", sa.String(200), nullable=False),
        sa.Column("instrument_date", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date()),
        sa.Column("occurred_on", sa.Date()),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("attributes", Json, nullable=False),
        sa.Column("region", sa.String(6)),
        sa.Column("delivery_id", sa.String(64)),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_records"),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.subject_id"], name="fk_records_subject_id_subjects"
        ),
    )
    op.create_index("ix_records_item_code", "records", ["item_code"])
    op.create_index("ix_records_subject_id", "records", ["subject_id"])
    op.create_index("ix_records_source", "records", ["source_agency", "source_record_id"])
    op.create_table(
        "record_events",
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("instrument_number", sa.String(128)),
        sa.Column("reason", sa.Text()),
        sa.Column("attributes", Json, nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_record_events"),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.record_id"], name="fk_record_events_record_id_records"
        ),
    )
    op.create_index("ix_record_events_record_id", "record_events", ["record_id"])


def downgrade() -> None:
    op.drop_table("record_events")
    op.drop_table("records")
    op.drop_table("subject_links")
    op.drop_table("subjects")
