"""Objections over the API (异议): a subject contests a record, a list entry, a grade or a
record as a credit report shows it; the agency it is routed to extends, and decides with
written reasons; the platform checks it. Deadlines are in working days (``rights.objections``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from ..rights import objections
from ..services import objections as objection_commands
from .answers import api_router
from .answers.cases import (
    CheckedObjection,
    DecidedObjection,
    ExtendedObjection,
    FiledObjection,
    ObjectionPage,
)
from .deps import (
    CaseId,
    ObjectionChecker,
    ObjectionReader,
    Objector,
    PageNo,
    PerPage,
    Provider,
    case_scope,
)
from .platform import PlatformDep

router = api_router(tags=["rights"])


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
    who: Objector,
    body: ObjectionRequest,
) -> FiledObjection:
    """Contest one of the calling subject's records or list entries. The records are marked
    disputed at once; the objection goes to their source agency with the jurisdiction's
    deadlines (working days)."""
    return FiledObjection.model_validate(
        objection_commands.file_objection(p, who, body.target_kind, body.target, body.grounds)
    )


@router.get("/objections")
def list_objections(
    p: PlatformDep,
    who: ObjectionReader,
    overdue: Annotated[bool, Query(description="only those past their deadline")] = False,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> ObjectionPage:
    """A subject's own objections; those routed to an agency; all (operator). ``overdue``
    counts those past their deadline (escalated)."""
    subject_id, provider = case_scope(who)
    with p.engine.connect() as conn:
        return ObjectionPage.model_validate(
            objections.listing(
                conn,
                today=p.today(),
                subject_id=subject_id,
                provider=provider,
                overdue_only=overdue,
                page=page,
                per_page=per_page,
            )
        )


@router.post("/objections/{objection_id}/extend")
def extend_objection(
    p: PlatformDep, who: Provider, objection_id: CaseId, body: ExtensionRequest
) -> ExtendedObjection:
    """Extend the decision deadline once, by the jurisdiction's extension, with a reason."""
    return ExtendedObjection.model_validate(
        objection_commands.extend_objection(p, who, objection_id, body.reason)
    )


class CheckRequest(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


@router.post("/objections/{objection_id}/check")
def check_objection(
    p: PlatformDep,
    who: ObjectionChecker,
    objection_id: CaseId,
    body: CheckRequest,
) -> CheckedObjection:
    """The platform's check of an open objection (e.g. Shenzhen: within one working day),
    with a note the subject sees; until it is made its date is the objection's deadline."""
    return CheckedObjection.model_validate(
        objection_commands.check_objection(p, who, objection_id, body.note)
    )


@router.post("/objections/{objection_id}/decide")
def decide_objection(
    p: PlatformDep, who: Provider, objection_id: CaseId, body: ObjectionDecision
) -> DecidedObjection:
    """Decide with written reasons: ``corrected`` (with ``changes``), ``deleted``,
    ``publicity_stopped``, ``removed_from_list`` (a list entry's listing was wrong) or ``kept``
    (with the subject's ``statement`` attached), for all the objection's records or those
    named. The dispute mark is lifted, the decision enters the ledger, and screening follows
    at once."""
    return DecidedObjection.model_validate(
        objection_commands.decide_objection(
            p,
            who,
            objection_id,
            body.outcome,
            body.reasons,
            body.changes,
            body.statement,
            body.records,
        )
    )
