"""Ingest: delivery journal, quarantine and review actions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.String(32), nullable=False),
        sa.Column("source_agency", sa.String(64), nullable=False),
        sa.Column("content", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("file_format", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text()),
        sa.Column("unconsumed_columns", Json, nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("delivery_id", name="pk_deliveries"),
    )
    op.create_index("ix_deliveries_source_agency", "deliveries", ["source_agency"])
    op.create_table(
        "quarantine",
        sa.Column("quarantine_id", sa.String(32), nullable=False),
        sa.Column("delivery_id", sa.String(32), nullable=False),
        sa.Column("source_agency", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("raw", Json, nullable=False),
        sa.Column("errors", Json, nullable=False),
        sa.Column("item_code", sa.String(80)),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("quarantine_id", name="pk_quarantine"),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["deliveries.delivery_id"], name="fk_quarantine_delivery_id_deliveries"
        ),
    )
    op.create_index("ix_quarantine_delivery_id", "quarantine", ["delivery_id"])
    op.create_index("ix_quarantine_source_agency", "quarantine", ["source_agency"])
    op.create_table(
        "quarantine_actions",
        sa.Column("action_id", sa.String(32), nullable=False),
        sa.Column("quarantine_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("changes", Json, nullable=False),
        sa.Column("result_id", sa.String(40)),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("action_id", name="pk_quarantine_actions"),
        sa.ForeignKeyConstraint(
            ["quarantine_id"],
            ["quarantine.quarantine_id"],
            name="fk_quarantine_actions_quarantine_id_quarantine",
        ),
    )
    op.create_index("ix_quarantine_actions_quarantine_id", "quarantine_actions", ["quarantine_id"])


def downgrade() -> None:
    op.drop_table("quarantine_actions")
    op.drop_table("quarantine")
    op.drop_table("deliveries")
