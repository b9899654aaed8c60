"""Subject rights over the API: objections (file, list, extend, decide) and credit repair
(apply, list, decide)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from ..access import Permission, Principal, Role
from ..rights import evidence, grade_notices, objections, repair
from ..services import commitments, notices, repairs, reports
from ..services import objections as objection_commands
from .api import PageNo, PerPage
from .platform import Platform, PlatformDep
from .principals import check_csrf, require

router = APIRouter(prefix="/api", tags=["rights"])
#: objection and repair ids
ObjectionId = Annotated[str, Path(pattern="^[0-9a-f]{16}$")]
Provider = Annotated[Principal, Depends(require(Permission.DECIDE_OBJECTION))]


class ObjectionRequest(BaseModel):
    target_kind: Literal["record", "list_entry", "grade", "report"]
    target: str = Field(
        min_length=1,
        max_length=300,
        description="a record id; list_id:source_agency:source_record_id for a list entry; a "
        "grading scheme's id for a grade; report_id:record_id for a record as a credit report "
        "shows it (the credit-reporting regime: 20 days)",
    )
    grounds: str = Field(min_length=1, max_length=5000)


class ExtensionRequest(BaseModel):
    reason: str = Field(min_length=5, max_length=2000)


class ObjectionDecision(BaseModel):
    outcome: Literal["corrected", "deleted", "publicity_stopped", "removed_from_list", "kept"]
    reasons: str = Field(min_length=1, max_length=5000)
    changes: dict[str, str | int | float | bool | None] | None = None
    statement: str | None = Field(default=None, max_length=5000)
    records: list[Annotated[str, Field(pattern="^[0-9a-f]{32}$")]] | None = Field(
        default=None,
        max_length=500,
        description="the objection's records the outcome concerns (default: all of them)",
    )


@router.post("/objections", status_code=201)
def file_objection(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.FILE_OBJECTION))],
    body: ObjectionRequest,
) -> dict[str, Any]:
    """Contest one of the calling subject's records or list entries. The records are marked
    disputed at once; the objection goes to their source agency with the jurisdiction's
    deadlines (working days)."""
    return objection_commands.file_objection(p, who, body.target_kind, body.target, body.grounds)


@router.get("/objections")
def list_objections(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.READ_OBJECTIONS))],
    overdue: Annotated[bool, Query(description="only those past their deadline")] = False,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    """A subject's own objections; those routed to an agency; all (operator). ``overdue``
    counts those past their deadline (escalated)."""
    with p.engine.connect() as conn:
        return objections.listing(
            conn,
            today=p.today(),
            subject_id=who.subject_id if who.role is Role.SUBJECT else None,
            provider=who.agency if who.role is Role.SOURCE_AGENCY else None,
            overdue_only=overdue,
            page=page,
            per_page=per_page,
        )


@router.post("/objections/{objection_id}/extend")
def extend_objection(
    p: PlatformDep, who: Provider, objection_id: ObjectionId, body: ExtensionRequest
) -> dict[str, Any]:
    """Extend the decision deadline once, by the jurisdiction's extension, with a reason."""
    return objection_commands.extend_objection(p, who, objection_id, body.reason)


class CheckRequest(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


@router.post("/objections/{objection_id}/check")
def check_objection(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.CHECK_OBJECTION))],
    objection_id: ObjectionId,
    body: CheckRequest,
) -> dict[str, Any]:
    """The platform's check of an open objection (e.g. Shenzhen: within one working day),
    with a note the subject sees; until it is made its date is the objection's deadline."""
    return objection_commands.check_objection(p, who, objection_id, body.note)


@router.post("/objections/{objection_id}/decide")
def decide_objection(
    p: PlatformDep, who: Provider, objection_id: ObjectionId, body: ObjectionDecision
) -> dict[str, Any]:
    """Decide with written reasons: ``corrected`` (with ``changes``), ``deleted``,
    ``publicity_stopped``, ``removed_from_list`` (a list entry's listing was wrong) or ``kept``
    (with the subject's ``statement`` attached), for all the objection's records or those
    named. The dispute mark is lifted, the decision enters the ledger, and screening follows
    at once."""
    return objection_commands.decide_objection(
        p,
        who,
        objection_id,
        body.outcome,
        body.reasons,
        body.changes,
        body.statement,
        body.records,
    )


Uploader = Annotated[Principal, Depends(require(Permission.UPLOAD_EVIDENCE))]
EvidenceFile = Annotated[UploadFile, File(description="a PDF, PNG or JPEG file")]
#: the ``csrftoken`` cookie's value, for a caller signed in with the portal's session cookie
FormToken = Annotated[str, Form(max_length=200)]


def attach_upload(
    p: Platform, who: Principal, case_kind: str, case_id: str, upload: UploadFile
) -> dict[str, Any]:
    """Attach an uploaded file (the API and the portal's form): read at most one byte past
    the limit, which the command refuses."""
    limit = p.settings.evidence_max_bytes
    return repairs.attach_evidence(
        p,
        who,
        case_kind,
        case_id,
        filename=upload.filename or "",
        declared_type=upload.content_type or "",
        content=upload.file.read(limit + 1),
        max_bytes=limit,
    )


@router.post("/objections/{objection_id}/evidence", status_code=201)
def objection_evidence(
    request: Request,
    p: PlatformDep,
    who: Uploader,
    objection_id: ObjectionId,
    file: EvidenceFile,
    csrftoken: FormToken = "",
) -> dict[str, Any]:
    """Add a file of evidence (PDF, PNG or JPEG, at most ``XINYONG_EVIDENCE_MAX_BYTES``;
    the content decides the type) to the caller's own open objection. With the portal's
    session cookie instead of a token, send the ``csrftoken`` cookie's value too."""
    check_csrf(request, csrftoken)
    return attach_upload(p, who, "objection", objection_id, file)


@router.post("/repairs/{repair_id}/evidence", status_code=201)
def repair_evidence(
    request: Request,
    p: PlatformDep,
    who: Uploader,
    repair_id: ObjectionId,
    file: EvidenceFile,
    csrftoken: FormToken = "",
) -> dict[str, Any]:
    """Add a file of evidence to the caller's own open repair application (with a session
    cookie, send the ``csrftoken`` cookie's value too)."""
    check_csrf(request, csrftoken)
    return attach_upload(p, who, "repair", repair_id, file)


@router.get(
    "/evidence/{evidence_id}",
    response_class=Response,
    responses={200: {"content": {m: {} for m in evidence.SIGNATURES}}},
)
def read_evidence(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.READ_EVIDENCE))],
    evidence_id: ObjectionId,
) -> Response:
    """One file of evidence, for its subject, the agency its case is routed to, or the
    operator; served as an attachment of its sniffed type."""
    with p.engine.connect() as conn:
        found = evidence.read(
            conn,
            evidence_id,
            subject_id=who.subject_id if who.role is Role.SUBJECT else None,
            agency=who.agency if who.role is Role.SOURCE_AGENCY else None,
        )
    if who.role is not Role.SUBJECT:
        p.audit(who, "read_evidence", subject_id=found["subject_id"], evidence_id=evidence_id)
    return Response(
        found["content"],
        media_type=found["media_type"],
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found['filename'])}",
            "Cache-Control": "private, no-store",
        },
    )


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
    who: Annotated[Principal, Depends(require(Permission.APPLY_REPAIR))],
    body: RepairRequest,
) -> dict[str, Any]:
    """Apply for credit repair of one of the calling subject's penalty records (free). Every
    eligibility condition is checked at once and named if it fails."""
    return repairs.apply_for_repair(
        p, who, body.record_id, body.corrective_action, body.evidence, body.commitment
    )


@router.get("/repairs")
def list_repairs(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.READ_REPAIRS))],
    overdue: Annotated[bool, Query(description="only those past their deadline")] = False,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    """A subject's own applications; those routed to an agency; all (operator)."""
    with p.engine.connect() as conn:
        return repair.listing(
            conn,
            today=p.today(),
            subject_id=who.subject_id if who.role is Role.SUBJECT else None,
            provider=who.agency if who.role is Role.SOURCE_AGENCY else None,
            overdue_only=overdue,
            page=page,
            per_page=per_page,
        )


@router.post("/repairs/{repair_id}/decide")
def decide_repair(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.DECIDE_REPAIR))],
    repair_id: ObjectionId,
    body: RepairDecision,
) -> dict[str, Any]:
    """Grant (publicity stops, lists that end on repair end, screening follows at once) or
    refuse, with written reasons."""
    return repairs.decide_repair(p, who, repair_id, body.outcome, body.reasons)


class ReportRequest(BaseModel):
    subject: str | None = Field(
        default=None,
        max_length=40,
        description="for a credit-service agency: the subject (USCC, resident ID or pseudonym)",
    )


Reporter = Annotated[Principal, Depends(require(Permission.REQUEST_REPORT))]


@router.post("/reports", status_code=201)
def request_report(p: PlatformDep, who: Reporter, body: ReportRequest) -> dict[str, Any]:
    """A credit report stamped with its date and a verification code: the subject's own
    (free, up to the jurisdiction's yearly number), or for a credit-service agency under the
    subject's consent (refused without one). Printable at ``/reports/{report_id}``, as PDF at
    ``/reports/{report_id}.pdf``."""
    issued = reports.issue_report(p, who, body.subject)
    return {
        "report_id": issued["report_id"],
        "verification_code": issued["verification_code"],
        "as_of": issued["as_of"],
        "printable": f"/reports/{issued['report_id']}",
        "pdf": f"/reports/{issued['report_id']}.pdf",
        "report": issued["body"],
    }


Agency = Annotated[Principal, Depends(require(Permission.SUBMIT_DECISION))]


@router.get("/notices/pending")
def pending_notices(p: PlatformDep, who: Agency) -> dict[str, Any]:
    """Prior notices the calling source agency owes before its entries can take effect, each
    with basis, reasons, evidence, the subject's rights and the deadline to answer if served
    today. Record the service with ``POST /api/decisions`` (``notice_served``)."""
    from ..rights.notices import pending

    with p.engine.connect() as conn:
        items = pending(conn, p.pack, p.evaluation(conn), who.agency or "", p.today())
    return {"items": items, "total": len(items)}


class GradeNoticeService(BaseModel):
    subject: str = Field(min_length=1, max_length=40, description="the subject's code or id")
    scheme_id: str = Field(min_length=1, max_length=80, examples=["cn.tax.credit_grade"])


GradeAuthority = Annotated[Principal, Depends(require(Permission.SERVE_GRADE_NOTICE))]


@router.get("/grade-notices/pending")
def pending_grade_notices(p: PlatformDep, who: GradeAuthority) -> dict[str, Any]:
    """Notices of adverse grades the calling agency owes as the authority of a grading scheme:
    the last evaluation's adverse grades not yet noticed (the first 200, and how many). Until
    served, such a grade is shown to no one but its subject."""
    with p.engine.connect() as conn:
        return grade_notices.pending(conn, p.pack, p.evaluation(conn), who.agency or "")


@router.post("/grade-notices", status_code=201)
def serve_grade_notice(
    p: PlatformDep, who: GradeAuthority, body: GradeNoticeService
) -> dict[str, Any]:
    """Record that the written notice of the subject's adverse grade was served today (by
    the scheme's authority only). The grade is visible to others from tomorrow."""
    return notices.serve_grade_notice(p, who, body.subject, body.scheme_id)


@router.get("/records/{record_id}/repair-notice")
def repair_notice(
    p: PlatformDep,
    who: Agency,
    record_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$")],
) -> dict[str, Any]:
    """The credit-repair notice to serve with a penalty decision (两书同达): the publicity
    period and from when repair may be sought. The agency's own records only. Printable at
    ``/notices/repair?record_id=``."""
    return notices.repair_notice(p, who, record_id)


class CommitmentRequest(BaseModel):
    matter: str = Field(
        min_length=1, max_length=80, examples=["cn.commitment.licence_notification"]
    )
    text: str | None = Field(default=None, max_length=2000, description="default: the template")


class FindingRequest(BaseModel):
    performance: Literal["kept", "broken", "false_commitment"]


CommitmentId = Annotated[str, Path(pattern="^[0-9a-f]{16}$")]


@router.get("/commitments/matters")
def commitment_matters(
    p: PlatformDep, _: Annotated[Principal, Depends(require(Permission.READ_PUBLIC))]
) -> dict[str, Any]:
    """Matters where the (optional) commitment route applies, with their templates."""
    return {"items": [m.model_dump(mode="json") for m in p.pack.commitments.values()]}


@router.post("/commitments", status_code=201)
def make_commitment(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.MAKE_COMMITMENT))],
    body: CommitmentRequest,
) -> dict[str, Any]:
    """Commit on a matter (the route is optional). Recorded at once as ``pending`` under the
    catalogue item commitment.made."""
    return commitments.make_commitment(p, who, body.matter, body.text)


@router.post("/commitments/{commitment_id}/withdraw")
def withdraw_commitment(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.MAKE_COMMITMENT))],
    commitment_id: CommitmentId,
) -> dict[str, Any]:
    """Withdraw one's own commitment before it is completed."""
    return commitments.withdraw_commitment(p, who, commitment_id)


@router.post("/commitments/{commitment_id}/finding")
def commitment_finding(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.FIND_COMMITMENT))],
    commitment_id: CommitmentId,
    body: FindingRequest,
) -> dict[str, Any]:
    """The authority's finding on a pending commitment: kept, broken or false — recorded as
    a new version of its record."""
    return commitments.find_commitment(p, who, commitment_id, body.performance)
