"""Evidence files for objections and repair applications: the subject uploads a PDF, PNG or
JPEG (its content decides the type); the subject, the agency the case is routed to and the
operator read it back."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Request, Response, UploadFile

from ..access import Role
from ..rights import evidence
from .answers import api_router, cases
from .deps import (
    CaseId,
    EvidenceReader,
    Uploader,
)
from .platform import PlatformDep
from .principals import check_csrf
from .uploads import attach_upload

router = api_router(tags=["rights"])


EvidenceFile = Annotated[UploadFile, File(description="a PDF, PNG or JPEG file")]


#: the ``csrftoken`` cookie's value, for a caller signed in with the portal's session cookie
FormToken = Annotated[str, Form(max_length=200)]


@router.post("/objections/{objection_id}/evidence", status_code=201)
def objection_evidence(
    request: Request,
    p: PlatformDep,
    who: Uploader,
    objection_id: CaseId,
    file: EvidenceFile,
    csrftoken: FormToken = "",
) -> cases.EvidenceFile:
    """Add a file of evidence (PDF, PNG or JPEG, at most ``XINYONG_EVIDENCE_MAX_BYTES``;
    the content decides the type) to the caller's own open objection. With the portal's
    session cookie instead of a token, send the ``csrftoken`` cookie's value too."""
    check_csrf(request, csrftoken)
    return cases.EvidenceFile.model_validate(attach_upload(p, who, "objection", objection_id, file))


@router.post("/repairs/{repair_id}/evidence", status_code=201)
def repair_evidence(
    request: Request,
    p: PlatformDep,
    who: Uploader,
    repair_id: CaseId,
    file: EvidenceFile,
    csrftoken: FormToken = "",
) -> cases.EvidenceFile:
    """Add a file of evidence to the caller's own open repair application (with a session
    cookie, send the ``csrftoken`` cookie's value too)."""
    check_csrf(request, csrftoken)
    return cases.EvidenceFile.model_validate(attach_upload(p, who, "repair", repair_id, file))


@router.get(
    "/evidence/{evidence_id}",
    response_class=Response,
    responses={200: {"content": {m: {} for m in evidence.SIGNATURES}}},
)
def read_evidence(
    p: PlatformDep,
    who: EvidenceReader,
    evidence_id: CaseId,
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
