"""Source agencies and responders over the API: the dispatch feed of notices (initiate →
respond → feedback: 发起–响应–反馈), its acknowledgements and feedback, the coverage metrics,
and the source agencies' decisions (revocations, lifts, exception permits, notices served)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, Field

from ..sanctions import dispatch as dispatching
from ..services import submissions
from .answers import api_router
from .answers.screening import (
    Acknowledgement,
    DispatchFeed,
    DispatchMetrics,
    Feedback,
    FeedbackGiven,
    SubmittedDecision,
)
from .deps import Agency, DispatchOverseer, Responder
from .platform import PlatformDep

router = api_router()


class FeedbackRequest(BaseModel):
    outcome: Feedback
    reason: str | None = Field(default=None, max_length=2000)


@router.get("/dispatch", tags=["dispatch"])
def dispatch_feed(
    p: PlatformDep,
    who: Responder,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> DispatchFeed:
    """The calling agency's notices after ``cursor``, oldest first; pass ``next_cursor``
    back to resume. Entries, extensions and exits (lifts) arrive the same way."""
    with p.engine.connect() as conn:
        found = dispatching.pull(conn, who.agency or "", cursor, limit)
    return DispatchFeed.model_validate(found)


@router.post("/dispatch/{notice_id}/ack", tags=["dispatch"])
def dispatch_ack(
    p: PlatformDep, who: Responder, notice_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$")]
) -> Acknowledgement:
    """Acknowledge receipt of a notice (idempotent)."""
    with p.engine.begin() as conn:
        row = dispatching.acknowledge(conn, notice_id, who.agency or "", now=p.now())
        p.audit(who, "dispatch_ack", subject_id=row["subject_id"], conn=conn, notice_id=notice_id)
    return Acknowledgement(ok=True, notice_id=notice_id, acknowledged_at=row["acknowledged_at"])


@router.post("/dispatch/{notice_id}/feedback", tags=["dispatch"])
def dispatch_feedback(
    p: PlatformDep,
    who: Responder,
    notice_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$")],
    body: FeedbackRequest,
) -> FeedbackGiven:
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
    return FeedbackGiven(ok=True, notice_id=notice_id, feedback=body.outcome)


@router.get("/dispatch/metrics", tags=["dispatch"])
def dispatch_metrics(p: PlatformDep, _: DispatchOverseer) -> DispatchMetrics:
    """Per responder: notices, acknowledged, answered (coverage), median hours to
    acknowledge, overdue (unacknowledged after the pack's deadline)."""
    days = dispatching.acknowledgement_days(p.pack, p.today())
    with p.engine.connect() as conn:
        found = dispatching.metrics(conn, today=p.today(), ack_working_days=days)
    return DispatchMetrics.model_validate(found)


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
    who: Agency,
    body: DecisionRequest,
) -> SubmittedDecision:
    """A decision about one of the agency's own records — ``revoked``, ``early_exit``,
    ``lifted`` (a restriction order), ``exception_permitted``, ``extended``,
    ``notice_served`` — through the ingest validation. Screening follows at once: the
    subject is re-derived before this answers."""
    return SubmittedDecision.model_validate(submissions.submit_decision(p, who, body.command()))
