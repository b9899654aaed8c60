"""Quarantine keeps no raw resident numbers: what is kept of each masked column.

Rows written before this revision still hold raw numbers in ``quarantine.raw``; their
``identities`` is NULL until ``xinyong quarantine scrub`` rewrites them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.add_column(sa.Column("identities", Json))


def downgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_column("identities")
