"""Consents and the subject's access log under ``/api``: a subject lets a credit-service
agency read its non-public data for a purpose, revokes that, and sees who read its file, for
which purpose and under which consent."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Body, Path, Query

from ..access import Purpose
from ..ledger import audit
from ..rights import consent
from ..services import consents as consents_commands
from .answers import api_router
from .answers.rights import AccessLog, ConsentChange, Consents
from .deps import AccessLogReader, ConsentManager
from .platform import PlatformDep

router = api_router()


@router.get("/consents", tags=["rights"])
def consents(p: PlatformDep, who: ConsentManager) -> Consents:
    """The calling subject's consents, in force or not."""
    with p.engine.connect() as conn:
        found = consent.of_subject(conn, who.subject_id or "")
    today = p.today()
    return Consents.model_validate(
        {"items": [{**c.__dict__, "in_force": c.valid_on(today)} for c in found]}
    )


@router.post("/consents", tags=["rights"], status_code=201)
def grant_consent(
    p: PlatformDep,
    who: ConsentManager,
    agency: Annotated[str, Body(min_length=1, max_length=64)],
    expires_on: Annotated[date, Body()],
    purpose: Annotated[str, Body(max_length=40)] = str(Purpose.CREDIT_REPORT),
) -> ConsentChange:
    """Let a credit-service agency read the calling subject's non-public data for a purpose
    until ``expires_on`` (inclusive)."""
    return ConsentChange.model_validate(
        consents_commands.grant_consent(p, who, agency, expires_on, purpose)
    )


@router.delete("/consents/{consent_id}", tags=["rights"])
def revoke_consent(
    p: PlatformDep,
    who: ConsentManager,
    consent_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
) -> ConsentChange:
    """Revoke one of the calling subject's consents; later reads under it are refused."""
    return ConsentChange.model_validate(consents_commands.revoke_consent(p, who, consent_id))


@router.get("/me/access-log", tags=["rights"])
def access_log(
    p: PlatformDep,
    who: AccessLogReader,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> AccessLog:
    """Who read the calling subject's non-public data or changed it: when, for which
    purpose, under which consent."""
    with p.engine.connect() as conn:
        rows = audit.entries(conn, subject_id=who.subject_id, after=after, limit=500)
    items = [
        {k: r[k] for k in ("seq", "at", "actor", "role", "agency", "action", "purpose", "detail")}
        for r in rows
    ]
    return AccessLog.model_validate(
        {"items": items, "next_after": items[-1]["seq"] if items else after}
    )
