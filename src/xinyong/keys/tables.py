"""The fingerprints of the keys the ledger was written under (never the keys)."""

from __future__ import annotations

import sqlalchemy as sa

from ..ledger.tables import UtcDateTime, metadata

platform_keys = sa.Table(
    "platform_keys",
    metadata,
    # which key, e.g. ``pseudonym``
    sa.Column("name", sa.String(40), primary_key=True),
    # ``fingerprint.fingerprint`` of the key (chain) in use: proves which key, reveals nothing
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
