"""The API's dependency aliases, in one place: who may call (one alias per permission) and the
parameters several routes share. A route names its caller by the alias of the permission it
needs (``who: Screener``); ``principals.require`` does the check, ``openapi`` documents it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from ..access import Permission, Principal, Purpose, Role
from ..disclosure.shown import MAX_PER_PAGE
from .principals import require

AccessLogReader = Annotated[Principal, Depends(require(Permission.READ_OWN_ACCESS_LOG))]
Agency = Annotated[Principal, Depends(require(Permission.SUBMIT_DECISION))]
Auditor = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]
CaseOverseer = Annotated[Principal, Depends(require(Permission.OVERSEE_CASES))]
CommitmentAuthority = Annotated[Principal, Depends(require(Permission.FIND_COMMITMENT))]
Committer = Annotated[Principal, Depends(require(Permission.MAKE_COMMITMENT))]
ConsentManager = Annotated[Principal, Depends(require(Permission.MANAGE_CONSENT))]
DispatchOverseer = Annotated[Principal, Depends(require(Permission.READ_DISPATCH_METRICS))]
EvidenceReader = Annotated[Principal, Depends(require(Permission.READ_EVIDENCE))]
FileReader = Annotated[Principal, Depends(require(Permission.READ_FILE))]
GradeAuthority = Annotated[Principal, Depends(require(Permission.SERVE_GRADE_NOTICE))]
ObjectionChecker = Annotated[Principal, Depends(require(Permission.CHECK_OBJECTION))]
ObjectionReader = Annotated[Principal, Depends(require(Permission.READ_OBJECTIONS))]
Objector = Annotated[Principal, Depends(require(Permission.FILE_OBJECTION))]
Overrider = Annotated[Principal, Depends(require(Permission.OVERRIDE))]
Provider = Annotated[Principal, Depends(require(Permission.DECIDE_OBJECTION))]
PublicReader = Annotated[Principal, Depends(require(Permission.READ_PUBLIC))]
RecordReader = Annotated[Principal, Depends(require(Permission.READ_RECORD))]
RepairApplicant = Annotated[Principal, Depends(require(Permission.APPLY_REPAIR))]
RepairDecider = Annotated[Principal, Depends(require(Permission.DECIDE_REPAIR))]
RepairReader = Annotated[Principal, Depends(require(Permission.READ_REPAIRS))]
Reporter = Annotated[Principal, Depends(require(Permission.REQUEST_REPORT))]
Responder = Annotated[Principal, Depends(require(Permission.READ_DISPATCH))]
Screener = Annotated[Principal, Depends(require(Permission.SCREEN))]
Submitter = Annotated[Principal, Depends(require(Permission.SUBMIT_RECORD))]
Uploader = Annotated[Principal, Depends(require(Permission.UPLOAD_EVIDENCE))]

SubjectId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^[0-9A-Za-z]+$",
        description="USCC, resident ID (pseudonymised at once) or a person's pseudonym "
        "(P + 32 hex digits)",
    ),
]
RecordId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
#: objection, repair, evidence and commitment ids
CaseId = Annotated[str, Path(pattern="^[0-9a-f]{16}$")]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
PurposeParam = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Why non-public data is read. Required, except for a subject reading its "
        "own data (then `subject_access`); each role may state only its own purposes.",
        json_schema_extra={"enum": [str(p) for p in Purpose]},
    ),
]


def case_scope(who: Principal) -> tuple[str | None, str | None]:
    """Whose objections or repair applications ``who`` lists, as (subject, provider): a
    subject its own, a source agency those routed to it, an operator all."""
    return (
        who.subject_id if who.role is Role.SUBJECT else None,
        who.agency if who.role is Role.SOURCE_AGENCY else None,
    )
