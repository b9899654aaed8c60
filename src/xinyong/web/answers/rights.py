"""Answer models of the other subject-rights routes: credit reports, the notices agencies
owe (prior notices, notices of adverse grades, repair notices), commitments, consents and the
subject's access log."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from .base import Answer, Citation, Timestamp
from .files import OwnFileAnswer
from .pack import Reference
from .platform import AccessLogEntry
from .vocabulary import (
    Finding,
    Purpose,
)

# -- the subject's file, as a credit report carries it ----------------------------------------


class ReportStamp(Answer):
    """What the report says of itself (inside its verified body)."""

    report_id: str
    as_of: date
    issued_at: str = Field(
        description="ISO 8601 with its offset, exactly as signed: the verification code "
        "covers the body's canonical form, so it is passed on unchanged"
    )
    for_: str = Field(alias="for", description="``the subject``, or the agency's code")
    pack: str = Field(description="pack id and version")


class ReportBody(OwnFileAnswer):
    """A credit report's body: the subject's whole file as of its date, with its stamp."""

    report: ReportStamp


class IssuedReport(Answer):
    """A credit report just issued, with its verification code and where to print it."""

    report_id: str
    verification_code: str
    as_of: date
    printable: str = Field(description="path of the printable page")
    pdf: str = Field(description="path of the PDF")
    report: ReportBody


# -- notices agencies owe -------------------------------------------------------------------


class NoticeReasons(Answer):
    """Why a prior notice is owed: the triggering record."""

    item: str = Field(description="catalogue item, Chinese / English")
    instrument: str = Field(description="document number (issuer)")
    decided_on: date


class PriorNotice(Answer):
    """A prior notice (告知书) owed before a list entry takes effect, if served today."""

    kind: Literal["prior_notice"]
    subject_id: str
    list_id: str
    list_zh: str
    list_en: str
    legal_basis: list[Citation]
    reasons: NoticeReasons
    evidence: list[str] = Field(description="the ledger's record ids")
    source_agency: str
    source_record_id: str
    rights: str
    answer_within_working_days: int | None
    answer_by_if_served: date | None = Field(description="if served today")
    provisional: bool = Field(description="answer_by may move with a State Council notice")
    exit_conditions: str = Field(description="in words")
    remedies: str = Field(description="in words")


class PendingNotices(Answer):
    """The prior notices the calling source agency owes."""

    items: list[PriorNotice]
    total: int = Field(ge=0)


class GradeNotice(Answer):
    """The written notice of an adverse grade (不良信用评价), owed by the scheme's authority."""

    kind: Literal["grade_notice"]
    subject_id: str
    subject_name: str
    scheme_id: str
    scheme_zh: str
    scheme_en: str
    grade: str
    score: int
    legal_basis: list[Citation]
    authority: str
    rights: str
    standards: str = Field(description="where the standards and counted records are read")


class PendingGradeNotices(Answer):
    """Notices of adverse grades the calling authority owes: the first 200 and how many."""

    items: list[GradeNotice] = Field(max_length=200)
    total: int = Field(ge=0, description="all notices owed")


class ServedGradeNotice(GradeNotice):
    """A notice of an adverse grade recorded as served; the grade is visible to others from
    the next day."""

    served_on: date = Field(description="first service (serving again changes nothing)")
    visible_to_others_from: date


class RepairNotice(Answer):
    """The credit-repair notice served with a penalty decision (两书同达)."""

    kind: Literal["repair_notice"]
    subject_id: str
    record_id: str
    instrument: str = Field(description="the decision's document number")
    published: bool
    publicity: str = Field(description="the publicity period, in words")
    repair_from: date | None
    publicity_ends: date | None
    how: str


# -- commitments ----------------------------------------------------------------------------


class CommitmentMatter(Answer):
    """A matter where the (optional) commitment route applies, with its template."""

    id: str
    name_zh: str
    name_en: str
    authority: str = Field(description="the agency that accepts and checks the commitment")
    legal_basis: list[Reference]
    template_zh: str
    template_en: str


class CommitmentMatters(Answer):
    """The matters open to a commitment."""

    items: list[CommitmentMatter]


class MadeCommitment(Answer):
    """A commitment just made, recorded as pending under commitment.made."""

    commitment_id: str
    matter: str
    authority: str
    text: str = Field(description="the words committed (default: the template)")
    performance: Literal["pending"]
    record_id: str


class CommitmentVersion(Answer):
    """A commitment's new state (withdrawn, or the authority's finding), a new version of
    its record."""

    commitment_id: str
    performance: Literal["withdrawn"] | Finding
    version: int = Field(ge=2)
    record_id: str


class WithdrawnCommitment(CommitmentVersion):
    """A commitment the subject withdrew before it was completed."""

    performance: Literal["withdrawn"]


class FoundCommitment(CommitmentVersion):
    """The authority's finding on a commitment."""

    performance: Finding


# -- consents and the access log ------------------------------------------------------------


class Consent(Answer):
    """A subject's consent that a credit-service agency reads its non-public data."""

    consent_id: str
    subject_id: str
    agency: str = Field(description="the credit-service agency")
    purpose: Purpose
    granted_at: Timestamp
    expires_on: date = Field(description="inclusive")
    revoked_at: Timestamp | None


class ListedConsent(Consent):
    """A consent of the calling subject, with whether it is in force today."""

    in_force: bool


class Consents(Answer):
    """The calling subject's consents, in force or not."""

    items: list[ListedConsent]


class ConsentChange(Consent):
    """A consent just granted or revoked."""

    ok: Literal[True]


class AccessLog(Answer):
    """Up to 500 access log entries after ``after``."""

    items: list[AccessLogEntry] = Field(max_length=500)
    next_after: int = Field(ge=0, description="pass as ``after`` for the next entries")
