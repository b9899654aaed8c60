"""Answer models of a subject's cases: objections, credit repair applications and the
evidence files attached to them.

A field with a default is one a view sometimes leaves out; a field without one is always
present, ``null`` where its type allows.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from .base import Answer, Paged, Timestamp
from .vocabulary import (
    CaseStatus,
    MediaType,
    ObjectionOutcome,
    Regime,
    RepairOutcome,
    TargetKind,
)

# -- evidence -------------------------------------------------------------------------------


class EvidenceFile(Answer):
    """A file of evidence on an objection or repair application (its content is read at
    ``/api/evidence/{evidence_id}``)."""

    evidence_id: str
    case_kind: Literal["objection", "repair"]
    case_id: str = Field(description="the objection's or repair application's id")
    subject_id: str
    filename: str = Field(description="the uploaded name, made safe")
    media_type: MediaType
    size: int = Field(ge=0, description="bytes")
    sha256: str
    uploaded_by: str
    uploaded_at: Timestamp


# -- objections -----------------------------------------------------------------------------


class _ObjectionFiled(Answer):
    """What every answer about an objection says: what it contests, where it is routed, its
    deadlines."""

    objection_id: str
    subject_id: str
    target_kind: TargetKind
    target: str = Field(
        description="a record id; list_id:source_agency:source_record_id; a grading scheme's "
        "id; report_id:record_id"
    )
    record_ids: list[str] = Field(description="the records behind the target, marked disputed")
    provider: str = Field(description="the agency the objection is routed to and that decides")
    grounds: str
    filed_by: str
    filed_at: Timestamp
    filed_on: date
    status: CaseStatus
    regime: Regime
    check_due: date | None = Field(description="the platform's check, where the regime has one")
    decision_due: date | None = Field(description="the provider's decision (null: no deadline)")
    provisional: bool = Field(
        description="a deadline runs through a calendar year without its State Council notice "
        "yet: it may move"
    )


class FiledObjection(_ObjectionFiled):
    """An objection just filed: its records are disputed, its deadlines set."""

    status: Literal["open"]
    deadlines_set: bool = Field(description="whether the jurisdiction sets a decision deadline")


class Objection(_ObjectionFiled):
    """An objection as stored: its platform check, extension and decision, null until made."""

    checked_on: date | None
    checked_by: str | None
    check_note: str | None = Field(description="the platform's note the subject sees")
    extended_to: date | None = Field(description="the decision deadline once extended")
    extension_reason: str | None
    outcome: ObjectionOutcome | None
    reasons: str | None
    decided_on: date | None
    decided_by: str | None


class ListedObjection(Objection):
    """An objection in a listing, with whether it is overdue and its evidence files."""

    overdue: bool = Field(description="undecided past its next deadline (escalated)")
    evidence_files: list[EvidenceFile]


class ObjectionPage(Paged[ListedObjection]):
    """One page of objections, oldest first."""

    overdue: int = Field(ge=0, description="how many of all the objections are overdue")


class ExtendedObjection(Objection):
    """An objection whose decision deadline was extended (once), with the reason."""

    extended_to: date
    extension_reason: str


class CheckedObjection(Objection):
    """An objection the platform has checked; the provider's deadline now runs from the
    check."""

    checked_on: date
    checked_by: str
    check_note: str


class DecidedObjection(Objection):
    """An objection decided with written reasons, and the routes of appeal."""

    status: Literal["decided"]
    outcome: ObjectionOutcome
    reasons: str
    decided_on: date
    decided_by: str
    appeal: str = Field(description="reconsideration or lawsuit, in words")


# -- credit repair --------------------------------------------------------------------------


class EligibilityCheck(Answer):
    """One condition of repair eligibility, whether it holds and why (not)."""

    condition: Literal[
        "record",
        "not a court listing",
        "standing",
        "no legal bar",
        "published penalty",
        "minimum publicity period",
    ]
    holds: bool
    why: str


class _RepairFiled(Answer):
    """What every answer about a repair application says: the record, the corrective action
    and commitment, eligibility and deadlines."""

    repair_id: str
    subject_id: str
    record_id: str = Field(description="the penalty record to stop publishing")
    provider: str = Field(description="the record's source agency, which decides")
    corrective_action: str
    evidence: list[str] = Field(
        description="the evidence of fulfilment, described in words (files: evidence_files)"
    )
    commitment: str = Field(description="the credit commitment the subject made")
    eligibility: list[EligibilityCheck]
    filed_by: str
    filed_at: Timestamp
    filed_on: date
    status: CaseStatus
    decision_due: date | None = Field(description="the authority's decision (null: no deadline)")
    feedback_due: date | None = Field(description="the applicant hears back by (null: no deadline)")
    provisional: bool = Field(
        description="a deadline runs through a calendar year without its State Council notice "
        "yet: it may move"
    )


class RepairApplication(_RepairFiled):
    """A repair application just filed (every condition held)."""

    status: Literal["open"]


class Repair(_RepairFiled):
    """A repair application as stored, with its decision (null until made)."""

    outcome: RepairOutcome | None
    reasons: str | None
    decided_on: date | None
    decided_by: str | None


class ListedRepair(Repair):
    """A repair application in a listing, with whether it is overdue and its evidence files."""

    overdue: bool = Field(description="undecided past its decision deadline (escalated)")
    evidence_files: list[EvidenceFile]


class RepairPage(Paged[ListedRepair]):
    """One page of repair applications, oldest first."""

    overdue: int = Field(ge=0, description="how many of all the applications are overdue")


class RepairRemedies(Answer):
    """What a granted repair does to the record (Shenzhen Art 82)."""

    publicity_stopped: Literal[True]
    marked_repaired_in_own_file: Literal[True]
    removed_from_lists: list[str] = Field(description="list ids whose entries end on repair")
    lists_not_ended_by_repair: list[str] = Field(description="list ids that stay (court lists)")


class DecidedRepair(Repair):
    """A repair application granted or refused, with written reasons."""

    status: Literal["decided"]
    outcome: RepairOutcome
    reasons: str
    decided_on: date
    decided_by: str
    remedies: RepairRemedies | None = Field(description="null when refused")
