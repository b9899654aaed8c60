"""Records by decision date: the double-publicity pages read decisions newest first.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_records_decided_on", "records", ["decided_on"])


def downgrade() -> None:
    op.drop_index("ix_records_decided_on", "records")
