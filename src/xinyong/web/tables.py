"""Credentials: portal accounts (argon2 password hashes), their server-side sessions and API
tokens (SHA-256 hashes)."""

from __future__ import annotations

import sqlalchemy as sa

from ..ledger.tables import Json, UtcDateTime, metadata

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    # the agency an agency's staff act for
    sa.Column("agency", sa.String(64)),
    # the subject a subject's account is bound to (USCC, or a person's pseudonym)
    sa.Column("subject_id", sa.String(40)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("disabled_at", UtcDateTime()),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    # the public half of the token (``xy_<token_id>_<secret>``); the secret is kept hashed
    sa.Column("token_id", sa.String(16), primary_key=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("agency", sa.String(64)),
    sa.Column("subject_id", sa.String(40)),
    # catalogue items the token may submit; null: every item the role and agency may
    sa.Column("items", Json),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime()),
)

portal_sessions = sa.Table(
    "sessions",
    metadata,
    # SHA-256 of the session id the cookie carries; the id itself is never stored
    sa.Column("session_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # the last request seen (updated at most once a minute), for the idle timeout
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
    sa.Column("ended_at", UtcDateTime()),
    # logout | password_changed | account_disabled
    sa.Column("end_reason", sa.String(32)),
)
