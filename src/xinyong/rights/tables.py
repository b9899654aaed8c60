"""Tables of the subject-rights workflows."""

from __future__ import annotations

import sqlalchemy as sa

from ..ledger.tables import metadata

# A subject's consent that a credit-service agency may read its non-public data for one
# purpose until ``expires_on`` (inclusive). Revoking sets ``revoked_at``; rows are kept.
consents = sa.Table(
    "consents",
    metadata,
    sa.Column("consent_id", sa.String(32), primary_key=True),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    sa.Column("agency", sa.String(64), nullable=False),
    sa.Column("purpose", sa.String(40), nullable=False),
    sa.Column("granted_at", sa.DateTime(), nullable=False),
    sa.Column("expires_on", sa.Date(), nullable=False),
    sa.Column("revoked_at", sa.DateTime()),
)
