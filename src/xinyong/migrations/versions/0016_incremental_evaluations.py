"""Incremental evaluations: what an evaluation was derived from, and its verified digest.

``pack_digest`` and ``calendar_digest`` fingerprint the pack content (with the grading options)
and the working-day calendar an evaluation used: an incremental evaluation starts only from a
base with the same ones. ``incremental_from`` names the base of an incremental evaluation
(``NULL``: a full one). ``digest`` is the sha256 of the entry and grade sets, set when it is
known to equal a full derivation (a full run, or an incremental one that passed ``--verify``).
Rows written before this revision keep ``NULL``: the next incremental run falls back to full.
Record events are indexed by ``effective_on``: an incremental run reads those taking effect in
its new days.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COLUMNS = (
    ("pack_digest", 64),
    ("calendar_digest", 64),
    ("incremental_from", 32),
    ("digest", 64),
)


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    op.create_index("ix_record_events_effective_on", "record_events", ["effective_on"])


def downgrade() -> None:
    op.drop_index("ix_record_events_effective_on", "record_events")
    with op.batch_alter_table("evaluations") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
