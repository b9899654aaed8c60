"""Subject rights over the API besides objections: credit repair (apply, list, decide), credit
reports, the prior and grade notices agencies owe, the repair notice served with a penalty,
and commitments (信用承诺)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from ..rights import grade_notices, repair
from ..services import commitments, notices, repairs, reports
from .answers import api_router
from .answers.cases import DecidedRepair, RepairApplication, RepairPage
from .answers.rights import (
    CommitmentMatters,
    FoundCommitment,
    IssuedReport,
    MadeCommitment,
    PendingGradeNotices,
    PendingNotices,
    RepairNotice,
    ServedGradeNotice,
    WithdrawnCommitment,
)
from .deps import (
    Agency,
    CaseId,
    CommitmentAuthority,
    Committer,
    GradeAuthority,
    PageNo,
    PerPage,
    PublicReader,
    RecordId,
    RepairApplicant,
    RepairDecider,
    RepairReader,
    Reporter,
    case_scope,
)
from .platform import PlatformDep

router = api_router(tags=["rights"])


class RepairRequest(BaseModel):
    record_id: str = Field(pattern="^[0-9a-f]{32}$")
    corrective_action: str = Field(min_length=1, max_length=5000)
    evidence: list[str] = Field(min_length=1, max_length=50)
    commitment: str = Field(min_length=1, max_length=5000)


class RepairDecision(BaseModel):
    outcome: Literal["granted", "refused"]
    reasons: str = Field(min_length=1, max_length=5000)


@router.post("/repairs", status_code=201)
def apply_for_repair(
    p: PlatformDep,
    who: RepairApplicant,
    body: RepairRequest,
) -> RepairApplication:
    """Apply for credit repair of one of the calling subject's penalty records (free). Every
    eligibility condition is checked at once and named if it fails."""
    return RepairApplication.model_validate(
        repairs.apply_for_repair(
            p, who, body.record_id, body.corrective_action, body.evidence, body.commitment
        )
    )


@router.get("/repairs")
def list_repairs(
    p: PlatformDep,
    who: RepairReader,
    overdue: Annotated[bool, Query(description="only those past their deadline")] = False,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> RepairPage:
    """A subject's own applications; those routed to an agency; all (operator)."""
    subject_id, provider = case_scope(who)
    with p.engine.connect() as conn:
        return RepairPage.model_validate(
            repair.listing(
                conn,
                today=p.today(),
                subject_id=subject_id,
                provider=provider,
                overdue_only=overdue,
                page=page,
                per_page=per_page,
            )
        )


@router.post("/repairs/{repair_id}/decide")
def decide_repair(
    p: PlatformDep,
    who: RepairDecider,
    repair_id: CaseId,
    body: RepairDecision,
) -> DecidedRepair:
    """Grant (publicity stops, lists that end on repair end, screening follows at once) or
    refuse, with written reasons."""
    return DecidedRepair.model_validate(
        repairs.decide_repair(p, who, repair_id, body.outcome, body.reasons)
    )


class ReportRequest(BaseModel):
    subject: str | None = Field(
        default=None,
        max_length=40,
        description="for a credit-service agency: the subject (USCC, resident ID or pseudonym)",
    )


@router.post("/reports", status_code=201)
def request_report(p: PlatformDep, who: Reporter, body: ReportRequest) -> IssuedReport:
    """A credit report stamped with its date and a verification code: the subject's own
    (free, up to the jurisdiction's yearly number), or for a credit-service agency under the
    subject's consent (refused without one). Printable at ``/reports/{report_id}``, as PDF at
    ``/reports/{report_id}.pdf``."""
    issued = reports.issue_report(p, who, body.subject)
    return IssuedReport.model_validate(
        {
            "report_id": issued["report_id"],
            "verification_code": issued["verification_code"],
            "as_of": issued["as_of"],
            "printable": f"/reports/{issued['report_id']}",
            "pdf": f"/reports/{issued['report_id']}.pdf",
            "report": issued["body"],
        }
    )


@router.get("/notices/pending")
def pending_notices(p: PlatformDep, who: Agency) -> PendingNotices:
    """Prior notices the calling source agency owes before its entries can take effect, each
    with basis, reasons, evidence, the subject's rights and the deadline to answer if served
    today. Record the service with ``POST /api/decisions`` (``notice_served``)."""
    from ..rights.notices import pending

    with p.engine.connect() as conn:
        items = pending(conn, p.pack, p.evaluation(conn), who.agency or "", p.today())
    return PendingNotices.model_validate({"items": items, "total": len(items)})


class GradeNoticeService(BaseModel):
    subject: str = Field(min_length=1, max_length=40, description="the subject's code or id")
    scheme_id: str = Field(min_length=1, max_length=80, examples=["cn.tax.credit_grade"])


@router.get("/grade-notices/pending")
def pending_grade_notices(p: PlatformDep, who: GradeAuthority) -> PendingGradeNotices:
    """Notices of adverse grades the calling agency owes as the authority of a grading scheme:
    the last evaluation's adverse grades not yet noticed (the first 200, and how many). Until
    served, such a grade is shown to no one but its subject."""
    with p.engine.connect() as conn:
        return PendingGradeNotices.model_validate(
            grade_notices.pending(conn, p.pack, p.evaluation(conn), who.agency or "")
        )


@router.post("/grade-notices", status_code=201)
def serve_grade_notice(
    p: PlatformDep, who: GradeAuthority, body: GradeNoticeService
) -> ServedGradeNotice:
    """Record that the written notice of the subject's adverse grade was served today (by
    the scheme's authority only). The grade is visible to others from tomorrow."""
    return ServedGradeNotice.model_validate(
        notices.serve_grade_notice(p, who, body.subject, body.scheme_id)
    )


@router.get("/records/{record_id}/repair-notice")
def repair_notice(
    p: PlatformDep,
    who: Agency,
    record_id: RecordId,
) -> RepairNotice:
    """The credit-repair notice to serve with a penalty decision (两书同达): the publicity
    period and from when repair may be sought. The agency's own records only. Printable at
    ``/notices/repair?record_id=``."""
    return RepairNotice.model_validate(notices.repair_notice(p, who, record_id))


class CommitmentRequest(BaseModel):
    matter: str = Field(
        min_length=1, max_length=80, examples=["cn.commitment.licence_notification"]
    )
    text: str | None = Field(default=None, max_length=2000, description="default: the template")


class FindingRequest(BaseModel):
    performance: Literal["kept", "broken", "false_commitment"]


@router.get("/commitments/matters")
def commitment_matters(p: PlatformDep, _: PublicReader) -> CommitmentMatters:
    """Matters where the (optional) commitment route applies, with their templates."""
    return CommitmentMatters.model_validate(
        {"items": [m.model_dump(mode="json") for m in p.pack.commitments.values()]}
    )


@router.post("/commitments", status_code=201)
def make_commitment(
    p: PlatformDep,
    who: Committer,
    body: CommitmentRequest,
) -> MadeCommitment:
    """Commit on a matter (the route is optional). Recorded at once as ``pending`` under the
    catalogue item commitment.made."""
    return MadeCommitment.model_validate(
        commitments.make_commitment(p, who, body.matter, body.text)
    )


@router.post("/commitments/{commitment_id}/withdraw")
def withdraw_commitment(
    p: PlatformDep,
    who: Committer,
    commitment_id: CaseId,
) -> WithdrawnCommitment:
    """Withdraw one's own commitment before it is completed."""
    return WithdrawnCommitment.model_validate(
        commitments.withdraw_commitment(p, who, commitment_id)
    )


@router.post("/commitments/{commitment_id}/finding")
def commitment_finding(
    p: PlatformDep,
    who: CommitmentAuthority,
    commitment_id: CaseId,
    body: FindingRequest,
) -> FoundCommitment:
    """The authority's finding on a pending commitment: kept, broken or false — recorded as
    a new version of its record."""
    return FoundCommitment.model_validate(
        commitments.find_commitment(p, who, commitment_id, body.performance)
    )
