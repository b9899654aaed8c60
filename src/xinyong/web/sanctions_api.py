"""Screening for responders (联合奖惩 at the counter): one subject, a bulk of them, a name;
and the override that serves a subject despite a deny, with a reason.

Subjects are given by USCC or resident identity number (turned into its pseudonym at once,
never echoed) or by pseudonym. Every screening answer is logged with caller and purpose, in
batches, and shows in the subject's access log.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..access import Principal, Purpose, stated_purpose
from ..errors import FieldError, InvalidData
from ..sanctions.decide import Decision
from ..services import screening
from .answers import api_router
from .deps import Overrider, Screener
from .metrics import SCREENING
from .platform import Platform, PlatformDep

router = api_router()


BULK_LIMIT = 10_000


class ScreenRequest(BaseModel):
    subject: str = Field(
        min_length=1, max_length=40, description="USCC, resident ID number or pseudonym"
    )
    action: str = Field(min_length=1, max_length=64, examples=["aviation.ticket"])
    purpose: str | None = Field(default=None, max_length=40)


class BulkScreenRequest(BaseModel):
    action: str = Field(min_length=1, max_length=64)
    subjects: list[str] = Field(min_length=1, max_length=BULK_LIMIT)
    purpose: str | None = Field(default=None, max_length=40)


class NameScreenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    action: str = Field(min_length=1, max_length=64)
    limit: int = Field(default=10, ge=1, le=50)
    purpose: str | None = Field(default=None, max_length=40)


class OverrideRequest(BaseModel):
    subject: str = Field(min_length=1, max_length=40)
    action: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=5, max_length=2000, description="why the subject is served")


def _purpose(who: Principal, purpose: str | None) -> Purpose:
    return stated_purpose(who, purpose or str(Purpose.JOINT_MEASURES))


def _action(p: Platform, action: str) -> str:
    """``action`` if some measure covers it (the screening index knows them all)."""
    known = p.actions
    if action not in known:
        raise InvalidData(
            f"action {action[:64]!r} is not covered by any measure",
            code="unknown-action",
            errors=[
                FieldError(
                    "action", "is not a known action", f"use one of {', '.join(sorted(known))}"
                )
            ],
        )
    return action


@router.post("/screen", tags=["screening"], response_class=JSONResponse)
async def screen(p: PlatformDep, who: Screener, body: ScreenRequest) -> Response:
    """May this subject be served for this action today? ``allow``, ``deny`` or ``advise``,
    with every applying measure's list or order, memorandum, legal basis, implementing
    agency, dates, the link it reached through, and how to remedy; incentives as ``rewards``."""
    purpose = _purpose(who, body.purpose)
    action = _action(p, body.action)
    subject_id = p.subject_key(body.subject)
    index = await p.screening_off_loop()
    decision: Decision = index.check(subject_id, action)
    SCREENING.labels(decision.outcome).inc()
    p.audit_later(
        who,
        "screen",
        subject_id=subject_id,
        purpose=str(purpose),
        for_action=action,
        outcome=decision.outcome,
    )
    # the decision is plain JSON data already: skip FastAPI's generic encoder
    return JSONResponse(decision.to_dict())


@router.post("/screen/bulk", tags=["screening"])
def screen_bulk(p: PlatformDep, who: Screener, body: BulkScreenRequest) -> dict[str, Any]:
    """Up to 10,000 subjects for one action. ``outcomes`` is in request order (``allow``,
    ``deny``, ``advise`` or ``invalid``); ``details`` gives, by position, the full decision of
    every subject not simply allowed (with its subject key: a person's pseudonym, never the
    number sent) and the error of every invalid code. The call is one audit entry, linked to
    each subject's access log."""
    action = _action(p, body.action)
    return screening.screen_bulk(p, who, body.subjects, action, _purpose(who, body.purpose))


@router.post("/screen/name", tags=["screening"])
def screen_name(p: PlatformDep, who: Screener, body: NameScreenRequest) -> dict[str, Any]:
    """For callers without an identifier: scored, explained candidates among the subjects
    measures apply to. Never a deny: a name is not an identity; verify before acting."""
    purpose = _purpose(who, body.purpose)
    return screening.screen_name(p, who, body.name, _action(p, body.action), body.limit, purpose)


@router.post("/screen/override", tags=["screening"], status_code=201)
def override(
    p: PlatformDep,
    who: Overrider,
    body: OverrideRequest,
) -> dict[str, Any]:
    """Serve a subject despite a deny, with a written reason: recorded and audited."""
    return screening.override(p, who, body.subject, _action(p, body.action), body.reason)
