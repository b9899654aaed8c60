"""The joint-measures API: screening for responders, the dispatch feed and its feedback,
overrides, and source agencies' decisions (revocations, lifts, exception permits).

Subjects are given by USCC or resident identity number (turned into its pseudonym at once,
never echoed) or by pseudonym. Every screening answer is logged with caller and purpose, in
batches, and shows in the subject's access log.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..access import Permission, Principal, Purpose, stated_purpose
from ..errors import FieldError, InvalidData
from ..sanctions import dispatch as dispatching
from ..sanctions.decide import Decision
from ..sanctions.tables import screening_overrides
from ..services import submissions
from .metrics import SCREENING
from .platform import Platform, PlatformDep
from .principals import require

router = APIRouter(prefix="/api")
Screener = Annotated[Principal, Depends(require(Permission.SCREEN))]
Responder = Annotated[Principal, Depends(require(Permission.READ_DISPATCH))]
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


class FeedbackRequest(BaseModel):
    outcome: Literal["applied", "not_applicable", "overridden"]
    reason: str | None = Field(default=None, max_length=2000)


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
    import hashlib

    from ..ledger import audit

    purpose = _purpose(who, body.purpose)
    action = _action(p, body.action)
    index = p.screening()
    keys: list[str | None] = []
    details: dict[int, Any] = {}
    for i, code in enumerate(body.subjects):
        try:
            keys.append(p.subject_key(code, f"subjects.{i}"))
        except InvalidData as exc:
            keys.append(None)
            details[i] = {"error": exc.errors[0].to_dict()}
    valid = [k for k in keys if k is not None]
    found = iter(index.outcomes(valid, action))
    outcomes = ["invalid" if k is None else next(found) for k in keys]
    for i, (k, outcome) in enumerate(zip(keys, outcomes, strict=True)):
        if k is not None and outcome != "allow":
            details[i] = index.check(k, action).to_dict()
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    for outcome, n in counts.items():
        SCREENING.labels(outcome).inc(n)
    digest = hashlib.sha256("\n".join(valid).encode()).hexdigest()
    event = p.audit_event(
        who,
        "screen_bulk",
        purpose=str(purpose),
        detail={"for_action": action, "counts": counts, "subjects_sha256": digest},
    )
    with p.engine.begin() as conn:
        audit.append_linked(conn, event, valid)
    return {
        "action": action,
        "as_of": index.day,
        "counts": counts,
        "outcomes": outcomes,
        "details": details,
    }


@router.post("/screen/name", tags=["screening"])
def screen_name(p: PlatformDep, who: Screener, body: NameScreenRequest) -> dict[str, Any]:
    """For callers without an identifier: scored, explained candidates among the subjects
    measures apply to. Never a deny: a name is not an identity; verify before acting."""
    from ..sanctions.names import NameIndex

    purpose = _purpose(who, body.purpose)
    action = _action(p, body.action)
    index = p.screening()
    names: NameIndex = p.screening_names()
    candidates = []
    for match in names.search(body.name, limit=body.limit):
        decision = index.check(match.subject_id, action)
        candidates.append(
            {
                **match.to_dict(),
                "outcome_if_confirmed": decision.outcome,
                "grounds": decision.to_dict()["grounds"],
            }
        )
    p.audit_later(
        who, "screen_name", purpose=str(purpose), for_action=action, candidates=len(candidates)
    )
    return {
        "action": action,
        "outcome": "advise"
        if any(c["outcome_if_confirmed"] != "allow" for c in candidates)
        else "allow",
        "note": "name matches are candidates, never a decision: confirm the identifier first",
        "candidates": candidates,
    }


@router.post("/screen/override", tags=["screening"], status_code=201)
def override(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.OVERRIDE))],
    body: OverrideRequest,
) -> dict[str, Any]:
    """Serve a subject despite a deny, with a written reason: recorded and audited."""
    action = _action(p, body.action)
    subject_id = p.subject_key(body.subject)
    decision = p.screening().check(subject_id, action)
    measures = [g.measure_id for g in decision.grounds if g.implementing_agency == who.agency]
    if decision.outcome == "allow" or not measures:
        raise InvalidData(
            "nothing to override: no measure of your agency applies",
            code="nothing-to-override",
            errors=[
                FieldError("subject", f"is {decision.outcome} for {action}", "no override needed")
            ],
        )
    override_id = secrets.token_hex(8)
    with p.engine.begin() as conn:
        conn.execute(
            screening_overrides.insert().values(
                override_id=override_id,
                at=p.now(),
                agency=who.agency or "",
                actor=who.actor,
                subject_id=subject_id,
                action=action,
                measures=measures,
                reason=body.reason,
            )
        )
        p.audit(
            who,
            "override",
            subject_id=subject_id,
            conn=conn,
            for_action=action,
            measures=measures,
            reason=body.reason,
        )
    return {"ok": True, "override_id": override_id, "outcome": "overridden", "measures": measures}


@router.get("/dispatch", tags=["dispatch"])
def dispatch_feed(
    p: PlatformDep,
    who: Responder,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> dict[str, Any]:
    """The calling agency's notices after ``cursor``, oldest first; pass ``next_cursor``
    back to resume. Entries, extensions and exits (lifts) arrive the same way."""
    with p.engine.connect() as conn:
        found = dispatching.pull(conn, who.agency or "", cursor, limit)
    return found


@router.post("/dispatch/{notice_id}/ack", tags=["dispatch"])
def dispatch_ack(
    p: PlatformDep, who: Responder, notice_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$")]
) -> dict[str, Any]:
    """Acknowledge receipt of a notice (idempotent)."""
    with p.engine.begin() as conn:
        row = dispatching.acknowledge(conn, notice_id, who.agency or "", now=p.now())
        p.audit(who, "dispatch_ack", subject_id=row["subject_id"], conn=conn, notice_id=notice_id)
    return {"ok": True, "notice_id": notice_id, "acknowledged_at": row["acknowledged_at"]}


@router.post("/dispatch/{notice_id}/feedback", tags=["dispatch"])
def dispatch_feedback(
    p: PlatformDep,
    who: Responder,
    notice_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$")],
    body: FeedbackRequest,
) -> dict[str, Any]:
    """What the agency did: ``applied``, ``not_applicable`` or ``overridden`` (the last two
    with a reason)."""
    with p.engine.begin() as conn:
        row = dispatching.feedback(
            conn,
            notice_id,
            who.agency or "",
            outcome=body.outcome,
            reason=body.reason,
            actor=who.actor,
            now=p.now(),
        )
        p.audit(
            who,
            "dispatch_feedback",
            subject_id=row["subject_id"],
            conn=conn,
            notice_id=notice_id,
            outcome=body.outcome,
        )
    return {"ok": True, "notice_id": notice_id, "feedback": body.outcome}


@router.get("/dispatch/metrics", tags=["dispatch"])
def dispatch_metrics(
    p: PlatformDep, _: Annotated[Principal, Depends(require(Permission.READ_DISPATCH_METRICS))]
) -> dict[str, Any]:
    """Per responder: notices, acknowledged, answered (coverage), median hours to
    acknowledge, overdue (unacknowledged after the pack's deadline)."""
    days = dispatching.acknowledgement_days(p.pack, p.today())
    with p.engine.connect() as conn:
        return dispatching.metrics(conn, today=p.today(), ack_working_days=days)


class DecisionRequest(BaseModel):
    source_record_id: str = Field(min_length=1, max_length=128)
    decision: str = Field(min_length=1, max_length=32, examples=["lifted"])
    effective_on: date
    instrument_number: str = Field(min_length=1, max_length=128)
    reason: str | None = Field(default=None, max_length=2000)
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)

    def command(self) -> submissions.RecordDecision:
        return submissions.RecordDecision(**self.model_dump())


@router.post("/decisions", tags=["records"], status_code=201)
def submit_decision(
    p: PlatformDep,
    who: Annotated[Principal, Depends(require(Permission.SUBMIT_DECISION))],
    body: DecisionRequest,
) -> dict[str, Any]:
    """A decision about one of the agency's own records — ``revoked``, ``early_exit``,
    ``lifted`` (a restriction order), ``exception_permitted``, ``extended``,
    ``notice_served`` — through the ingest validation. Screening follows at once: the
    subject is re-derived before this answers."""
    return submissions.submit_decision(p, who, body.command())
