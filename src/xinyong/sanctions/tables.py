"""Tables of the joint-measures loop: dispatch notices and their feedback, overrides."""

from __future__ import annotations

import sqlalchemy as sa

from ..ledger.tables import Json, UtcDateTime, metadata

# One notice to one responding agency about one list entry's start, extension or end.
# ``seq`` orders the pull feed (``GET /api/dispatch?cursor=``); ``notice_id`` is a content
# hash, so generating notices twice sends nothing twice.
dispatch_notices = sa.Table(
    "dispatch_notices",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("notice_id", sa.String(32), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("responder", sa.String(64), nullable=False, index=True),
    # entry | extension | exit
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    sa.Column("list_id", sa.String(80), nullable=False),
    sa.Column("source_agency", sa.String(64), nullable=False),
    sa.Column("source_record_id", sa.String(128), nullable=False),
    sa.Column("effective_on", sa.Date(), nullable=False),
    sa.Column("expires_on", sa.Date()),
    # the measures this responder is to apply (or lift), with memoranda and bases
    sa.Column("measures", Json, nullable=False),
    sa.Column("acknowledged_at", UtcDateTime()),
    # applied | not_applicable | overridden
    sa.Column("feedback", sa.String(16)),
    sa.Column("feedback_reason", sa.Text()),
    sa.Column("feedback_at", UtcDateTime()),
    sa.Column("feedback_by", sa.String(128)),
    # webhook delivery (for responders that registered one): attempts, when to retry, done
    sa.Column("webhook_attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("webhook_next_at", UtcDateTime()),
    sa.Column("webhook_delivered_at", UtcDateTime()),
    sa.Column("webhook_error", sa.Text()),
)

# A responder's webhook: notices are POSTed to ``url``, signed with HMAC-SHA256 under
# ``secret`` (a shared secret: it must be kept to sign, so it is stored as given).
webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("responder", sa.String(64), primary_key=True),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("secret", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# A responding agency served a subject despite a deny, with a written reason.
screening_overrides = sa.Table(
    "screening_overrides",
    metadata,
    sa.Column("override_id", sa.String(32), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("agency", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("measures", Json, nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
)

# The subjects of a bulk screening call: one audit entry covers the call (its detail holds the
# SHA-256 of the list of subjects), and each subject is linked to that entry here, so that the
# call shows in every subject's access log without a hashed entry per subject.
screening_subjects = sa.Table(
    "screening_subjects",
    metadata,
    sa.Column("audit_seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("subject_id", sa.String(40), primary_key=True, index=True),
)
