"""Tables of the subject-rights workflows."""

from __future__ import annotations

import sqlalchemy as sa

from ..ledger.tables import Json, UtcDateTime, metadata

# A subject's consent that a credit-service agency may read its non-public data for one
# purpose until ``expires_on`` (inclusive). Revoking sets ``revoked_at``; rows are kept.
consents = sa.Table(
    "consents",
    metadata,
    sa.Column("consent_id", sa.String(32), primary_key=True),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    sa.Column("agency", sa.String(64), nullable=False),
    sa.Column("purpose", sa.String(40), nullable=False),
    sa.Column("granted_at", UtcDateTime(), nullable=False),
    sa.Column("expires_on", sa.Date(), nullable=False),
    sa.Column("revoked_at", UtcDateTime()),
)

# An objection: filed by (or for) a subject against records, routed to their source agency,
# on the jurisdiction's deadlines; decided with reasons. Decisions also enter the ledger as
# record events, so the file shows them with their history.
objections = sa.Table(
    "objections",
    metadata,
    sa.Column("objection_id", sa.String(32), primary_key=True),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    # record | list_entry
    sa.Column("target_kind", sa.String(16), nullable=False),
    sa.Column("target", sa.String(300), nullable=False),
    sa.Column("record_ids", Json, nullable=False),
    sa.Column("provider", sa.String(64), nullable=False, index=True),
    sa.Column("grounds", sa.Text(), nullable=False),
    sa.Column("filed_by", sa.String(128), nullable=False),
    sa.Column("filed_at", UtcDateTime(), nullable=False),
    sa.Column("filed_on", sa.Date(), nullable=False),
    # open | decided
    sa.Column("status", sa.String(16), nullable=False),
    # public_credit (the pack's working-day deadlines) | credit_reporting (20 days, 征信 Art 25)
    sa.Column("regime", sa.String(24), nullable=False, server_default="public_credit"),
    sa.Column("check_due", sa.Date()),
    # the platform's check (Shenzhen Art 51: within one working day of acceptance)
    sa.Column("checked_on", sa.Date()),
    sa.Column("checked_by", sa.String(128)),
    sa.Column("check_note", sa.Text()),
    sa.Column("decision_due", sa.Date()),
    sa.Column("extended_to", sa.Date()),
    sa.Column("extension_reason", sa.Text()),
    sa.Column("outcome", sa.String(24)),
    sa.Column("reasons", sa.Text()),
    sa.Column("decided_on", sa.Date()),
    sa.Column("decided_by", sa.String(128)),
)

# A credit-repair application (信用修复) for one record: eligibility checked when filed,
# decided by the record's source agency on the jurisdiction's deadlines. Free: no fee is
# asked or recorded anywhere in the flow.
repairs = sa.Table(
    "repairs",
    metadata,
    sa.Column("repair_id", sa.String(32), primary_key=True),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    sa.Column("record_id", sa.String(32), nullable=False),
    sa.Column("provider", sa.String(64), nullable=False, index=True),
    # what the subject did to correct the conduct, and its evidence (descriptions)
    sa.Column("corrective_action", sa.Text(), nullable=False),
    sa.Column("evidence", Json, nullable=False),
    # the credit commitment (信用承诺) the subject made
    sa.Column("commitment", sa.Text(), nullable=False),
    sa.Column("eligibility", Json, nullable=False),
    sa.Column("filed_by", sa.String(128), nullable=False),
    sa.Column("filed_at", UtcDateTime(), nullable=False),
    sa.Column("filed_on", sa.Date(), nullable=False),
    # open | decided
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decision_due", sa.Date()),
    sa.Column("feedback_due", sa.Date()),
    # granted | refused
    sa.Column("outcome", sa.String(16)),
    sa.Column("reasons", sa.Text()),
    sa.Column("decided_on", sa.Date()),
    sa.Column("decided_by", sa.String(128)),
)

# Credit reports issued: the subject's own (free, a yearly number set by the pack) or for a
# credit-service agency under the subject's consent. ``verification_code`` is what the printed
# report carries; ``digest`` is the SHA-256 of its canonical JSON.
credit_reports = sa.Table(
    "credit_reports",
    metadata,
    sa.Column("report_id", sa.String(32), primary_key=True),
    sa.Column("verification_code", sa.String(32), nullable=False, unique=True),
    sa.Column("subject_id", sa.String(40), nullable=False, index=True),
    sa.Column("requested_by", sa.String(128), nullable=False),
    sa.Column("agency", sa.String(64)),
    sa.Column("purpose", sa.String(40), nullable=False),
    sa.Column("consent_id", sa.String(32)),
    sa.Column("as_of", sa.Date(), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("body", Json, nullable=False),
)

# Evidence a subject uploads to its objection or repair application: PDF, PNG or JPEG (the
# content is sniffed, not trusted from the upload), bounded in size; kept with its SHA-256.
evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("evidence_id", sa.String(32), primary_key=True),
    # objection | repair
    sa.Column("case_kind", sa.String(16), nullable=False),
    sa.Column("case_id", sa.String(32), nullable=False, index=True),
    sa.Column("subject_id", sa.String(40), nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("media_type", sa.String(40), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("content", sa.LargeBinary(), nullable=False),
    sa.Column("uploaded_by", sa.String(128), nullable=False),
    sa.Column("uploaded_at", UtcDateTime(), nullable=False),
)

# Written notice of an adverse grade (不良信用评价) served on its subject by the scheme's
# authority; until then the grade is shown to no one but the subject.
grade_notices = sa.Table(
    "grade_notices",
    metadata,
    sa.Column("subject_id", sa.String(40), primary_key=True),
    sa.Column("scheme_id", sa.String(80), primary_key=True),
    sa.Column("grade", sa.String(8), primary_key=True),
    sa.Column("served_on", sa.Date(), nullable=False),
    sa.Column("served_by", sa.String(128), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)
