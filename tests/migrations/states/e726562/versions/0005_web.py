"""Web platform: subject search keys, the hash-chained audit log, consents, accounts, tokens.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from xinyong.ledger.names import name_core, name_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("subjects") as batch:
        batch.add_column(sa.Column("name_key", sa.String(300)))
        batch.add_column(sa.Column("name_core", sa.String(300)))
    _backfill_name_keys()
    op.create_index("ix_subjects_name_key", "subjects", ["name_key"])
    op.create_index("ix_subjects_name_core", "subjects", ["name_core"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("agency", sa.String(64)),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.String(40)),
        sa.Column("purpose", sa.String(40)),
        sa.Column("detail", Json, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_subject_id", "audit_log", ["subject_id"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    # the one head row appenders lock; the chain starts from the genesis hash
    op.execute("INSERT INTO audit_head (id, seq, entry_hash) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table(
        "consents",
        sa.Column("consent_id", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("consent_id", name="pk_consents"),
    )
    op.create_index("ix_consents_subject_id", "consents", ["subject_id"])
    op.create_table(
        "accounts",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("agency", sa.String(64)),
        sa.Column("subject_id", sa.String(40)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("username", name="pk_accounts"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("agency", sa.String(64)),
        sa.Column("subject_id", sa.String(40)),
        sa.Column("items", Json),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("token_id", name="pk_api_tokens"),
    )


def _backfill_name_keys() -> None:
    conn = op.get_bind()
    subjects = sa.table(
        "subjects",
        sa.column("subject_id"),
        sa.column("name"),
        sa.column("name_key"),
        sa.column("name_core"),
    )
    rows = conn.execute(sa.select(subjects.c.subject_id, subjects.c.name)).all()
    update = (
        subjects.update()
        .where(subjects.c.subject_id == sa.bindparam("sid"))
        .values(name_key=sa.bindparam("key"), name_core=sa.bindparam("core"))
    )
    for start in range(0, len(rows), 10_000):
        batch = rows[start : start + 10_000]
        conn.execute(
            update, [{"sid": sid, "key": name_key(n), "core": name_core(n)} for sid, n in batch]
        )


def downgrade() -> None:
    for table in ("api_tokens", "accounts", "consents", "audit_head", "audit_log"):
        op.drop_table(table)
    op.drop_index("ix_subjects_name_core", "subjects")
    op.drop_index("ix_subjects_name_key", "subjects")
    with op.batch_alter_table("subjects") as batch:
        batch.drop_column("name_core")
        batch.drop_column("name_key")
