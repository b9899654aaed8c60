"""Consents and the subject's access log under ``/api``: a subject lets a credit-service
agency read its non-public data for a purpose, revokes that, and sees who read its file, for
which purpose and under which consent."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query

from ..errors import FieldError, InvalidData
from ..ledger import audit
from ..rights import consent
from .access import Permission, Principal, Purpose
from .credentials import credit_service_agencies
from .platform import Platform, PlatformDep
from .principals import require

router = APIRouter(prefix="/api")


ConsentManager = Annotated[Principal, Depends(require(Permission.MANAGE_CONSENT))]


@router.get("/consents", tags=["rights"])
def consents(p: PlatformDep, who: ConsentManager) -> dict[str, Any]:
    """The calling subject's consents, in force or not."""
    with p.engine.connect() as conn:
        found = consent.of_subject(conn, who.subject_id or "")
    today = p.today()
    return {"items": [{**c.__dict__, "in_force": c.valid_on(today)} for c in found]}


def grant_consent_for(
    p: Platform, who: Principal, agency: str, expires_on: date, purpose: str
) -> dict[str, Any]:
    """Record the calling subject's consent, audited (the API and the portal form)."""
    if purpose not in set(Purpose):
        raise InvalidData(
            "unknown purpose",
            code="unknown-purpose",
            errors=[FieldError("purpose", "is not a known purpose", "use credit_report")],
        )
    with p.engine.begin() as conn:
        granted = consent.grant(
            conn,
            subject_id=who.subject_id or "",
            agency=agency,
            purpose=purpose,
            expires_on=expires_on,
            now=p.now(),
            known_agencies=credit_service_agencies(conn),
        )
        p.audit(
            who,
            "grant_consent",
            subject_id=who.subject_id,
            conn=conn,
            consent_id=granted.consent_id,
            agency_granted=agency,
        )
    return {"ok": True, **granted.__dict__}


def revoke_consent_for(p: Platform, who: Principal, consent_id: str) -> dict[str, Any]:
    """Revoke one of the calling subject's consents, audited."""
    with p.engine.begin() as conn:
        revoked = consent.revoke(
            conn, subject_id=who.subject_id or "", consent_id=consent_id, now=p.now()
        )
        p.audit(who, "revoke_consent", subject_id=who.subject_id, conn=conn, consent_id=consent_id)
    return {"ok": True, **revoked.__dict__}


@router.post("/consents", tags=["rights"], status_code=201)
def grant_consent(
    p: PlatformDep,
    who: ConsentManager,
    agency: Annotated[str, Body(min_length=1, max_length=64)],
    expires_on: Annotated[date, Body()],
    purpose: Annotated[str, Body(max_length=40)] = str(Purpose.CREDIT_REPORT),
) -> dict[str, Any]:
    """Let a credit-service agency read the calling subject's non-public data for a purpose
    until ``expires_on`` (inclusive)."""
    return grant_consent_for(p, who, agency, expires_on, purpose)


@router.delete("/consents/{consent_id}", tags=["rights"])
def revoke_consent(
    p: PlatformDep,
    who: ConsentManager,
    consent_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
) -> dict[str, Any]:
    """Revoke one of the calling subject's consents; later reads under it are refused."""
    return revoke_consent_for(p, who, consent_id)


@router.get("/me/access-log", tags=["rights"])
def access_log(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.READ_OWN_ACCESS_LOG))],
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> dict[str, Any]:
    """Who read the calling subject's non-public data or changed it: when, for which
    purpose, under which consent."""
    with p.engine.connect() as conn:
        rows = audit.entries(conn, subject_id=who.subject_id, after=after, limit=500)
    items = [
        {k: r[k] for k in ("seq", "at", "actor", "role", "agency", "action", "purpose", "detail")}
        for r in rows
    ]
    return {"items": items, "next_after": items[-1]["seq"] if items else after}
