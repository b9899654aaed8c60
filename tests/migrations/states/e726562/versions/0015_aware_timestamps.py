"""Timestamps with a time zone on PostgreSQL: ``timestamptz``, the moment itself.

Every timestamp was written as naive UTC (``timestamp without time zone``); the values are
converted reading them as UTC (``AT TIME ZONE 'UTC'``). A server that ran in another zone
before every timestamp was aware wrote its local time: those rows are read as UTC too, off by
that zone's offset. SQLite keeps the same text (UTC, without an offset).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: every timestamp column at 0014 (a frozen copy, not today's declarations)
COLUMNS = {
    "accounts": ("created_at", "disabled_at"),
    "platform_keys": ("created_at",),
    "api_tokens": ("created_at", "expires_at", "revoked_at"),
    "audit_checkpoints": ("signed_at",),
    "audit_log": ("at",),
    "consents": ("granted_at", "revoked_at"),
    "credit_reports": ("issued_at",),
    "deliveries": ("started_at", "finished_at"),
    "dispatch_notices": (
        "created_at",
        "acknowledged_at",
        "feedback_at",
        "webhook_next_at",
        "webhook_delivered_at",
    ),
    "evaluations": ("recorded_at",),
    "evidence": ("uploaded_at",),
    "grade_notices": ("recorded_at",),
    "objections": ("filed_at",),
    "repairs": ("filed_at",),
    "screening_overrides": ("at",),
    "sessions": ("created_at", "last_seen_at", "ended_at"),
    "subjects": ("recorded_at",),
    "webhooks": ("created_at",),
    "quarantine": ("recorded_at",),
    "records": ("recorded_at",),
    "subject_links": ("recorded_at",),
    "quarantine_actions": ("recorded_at",),
    "record_events": ("recorded_at",),
}


def _alter(target: str) -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        changes = ", ".join(
            f"ALTER COLUMN {c} TYPE {target} USING {c} AT TIME ZONE 'UTC'" for c in columns
        )
        op.execute(f"ALTER TABLE {table} {changes}")


def upgrade() -> None:
    _alter("timestamptz")


def downgrade() -> None:
    _alter("timestamp")
