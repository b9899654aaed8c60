"""An uploaded file of evidence, read for the command that attaches it (the API's evidence
routes and the portal's form share it)."""

from __future__ import annotations

from typing import Any

from fastapi import UploadFile

from ..access import Principal
from ..services import repairs
from .platform import Platform


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
