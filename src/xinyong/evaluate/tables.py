"""Materialised evaluations: list entries as derived on a date. Derived state, replaceable:
an evaluation can always be recomputed from the ledger, the pack and its date."""

from __future__ import annotations

import sqlalchemy as sa

from ..ledger.tables import Json, UtcDateTime, metadata

evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("evaluation_id", sa.String(32), primary_key=True),
    sa.Column("as_of", sa.Date(), nullable=False),
    sa.Column("pack", sa.String(80), nullable=False),
    sa.Column("engine", sa.String(16), nullable=False),
    sa.Column("entries", sa.Integer(), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
    # what it was derived from (migration 0016; evaluate/incremental.py): the pack content and
    # grading options, the working-day calendar, the base of an incremental evaluation
    sa.Column("pack_digest", sa.String(64)),
    sa.Column("calendar_digest", sa.String(64)),
    sa.Column("incremental_from", sa.String(32)),
    # sha256 of its entry and grade sets, once known to equal a full derivation
    sa.Column("digest", sa.String(64)),
)

#: the one order of stored evaluations, newest first: what every reader takes as "the newest"
#: and what the prune keeps (the id breaks a tie of two runs recorded in the same second)
NEWEST_FIRST = (
    evaluations.c.as_of.desc(),
    evaluations.c.recorded_at.desc(),
    evaluations.c.evaluation_id.desc(),
)


list_entries = sa.Table(
    "list_entries",
    metadata,
    sa.Column("evaluation_id", sa.ForeignKey("evaluations.evaluation_id"), primary_key=True),
    sa.Column("list_id", sa.String(80), primary_key=True),
    sa.Column("source_agency", sa.String(64), primary_key=True),
    sa.Column("source_record_id", sa.String(128), primary_key=True),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("listed_on", sa.Date(), nullable=False),
    sa.Column("noticed_on", sa.Date()),
    sa.Column("active_from", sa.Date()),
    sa.Column("expires_on", sa.Date()),
    sa.Column("exited_on", sa.Date()),
    sa.Column("exit_reason", sa.String(32)),
    sa.Column("record_ids", Json, nullable=False),
    sa.Column("explanation", Json, nullable=False),
)

grades = sa.Table(
    "grades",
    metadata,
    sa.Column("evaluation_id", sa.ForeignKey("evaluations.evaluation_id"), primary_key=True),
    sa.Column("scheme_id", sa.String(80), primary_key=True),
    sa.Column("subject_id", sa.String(40), primary_key=True),
    sa.Column("grade", sa.String(8), nullable=False),
    sa.Column("score", sa.Integer(), nullable=False),
    sa.Column("direct", sa.String(80)),
    sa.Column("contributions", Json, nullable=False),
)
