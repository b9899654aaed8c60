"""Screening for responders (联合奖惩 at the counter): one subject, a bulk of them, a name;
and the override that serves a subject despite a deny, with a reason.

Subjects are given by USCC or resident identity number (turned into its pseudonym at once,
never echoed) or by pseudonym. Every screening answer is logged with caller and purpose, in
batches, and shows in the subject's access log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Body, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from ..access import Principal, Purpose, stated_purpose
from ..errors import FieldError, InvalidData
from ..sanctions.decide import Decision
from ..services import screening
from .answers import api_router
from .answers.screening import BulkScreening, NameScreening, Override
from .answers.screening import Decision as DecisionAnswer
from .deps import Overrider, Screener
from .metrics import SCREENING
from .platform import Platform, PlatformDep

router = api_router()


BULK_LIMIT = 10_000
#: lines of ``POST /api/screen/lines`` answered per chunk of the streamed answer
LINES_CHUNK = 2_000
#: NDJSON lines are written without spaces, all alike
COMPACT = (",", ":")


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


@router.post(
    "/screen",
    tags=["screening"],
    response_class=JSONResponse,
    responses={200: {"model": DecisionAnswer}},
)
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
def screen_bulk(p: PlatformDep, who: Screener, body: BulkScreenRequest) -> BulkScreening:
    """Up to 10,000 subjects for one action. ``outcomes`` is in request order (``allow``,
    ``deny``, ``advise`` or ``invalid``); ``details`` gives, by position, the full decision of
    every subject not simply allowed (with its subject key: a person's pseudonym, never the
    number sent) and the error of every invalid code. The call is one audit entry, linked to
    each subject's access log."""
    action = _action(p, body.action)
    found = screening.screen_bulk(p, who, body.subjects, action, _purpose(who, body.purpose))
    return BulkScreening.model_validate(_counted(found))


@router.post(
    "/screen/lines",
    tags=["screening"],
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "one JSON object per line (NDJSON): the call's summary, then one "
            "line per identifier in order",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
def screen_lines(
    request: Request,
    p: PlatformDep,
    who: Screener,
    action: Annotated[str, Query(min_length=1, max_length=64, examples=["aviation.ticket"])],
    body: Annotated[
        str,
        Body(
            media_type="text/plain",
            description=f"one identifier per line (USCC, resident ID number or pseudonym), "
            f"at most {BULK_LIMIT:,} lines",
        ),
    ],
    purpose: Annotated[str | None, Query(max_length=40)] = None,
) -> StreamingResponse:
    """The bulk check with a columnar body: identifiers one per line (``\\n`` or ``\\r\\n``,
    UTF-8, ``Content-Type: text/plain``), answered as NDJSON, sent in chunks once the call
    is judged and audited. The first line is the summary (``action``, ``as_of``, ``counts``,
    ``subjects``); then one line per identifier, in order: ``{"position": n, "outcome": …}``
    (``n`` counts the body's lines from 0), with ``decision`` for a subject not simply allowed
    and ``error`` for an invalid code (naming its field ``lines.n``).
    Judged and audited exactly as ``POST /api/screen/bulk``."""
    codes = _identifiers(request, body)
    if not codes or len(codes) > BULK_LIMIT:
        raise InvalidData(
            f"the body has {len(codes)} lines",
            code="invalid-lines",
            errors=[FieldError("body", f"has {len(codes)} lines", f"send 1 to {BULK_LIMIT:,}")],
        )
    answer = screening.screen_bulk(
        p, who, codes, _action(p, action), _purpose(who, purpose), "lines"
    )
    return StreamingResponse(_lines(_counted(answer)), media_type="application/x-ndjson")


def _identifiers(request: Request, body: str) -> list[str]:
    """The body's lines: split at line feeds only (a stray form feed or U+2028 inside a line
    must not shift every later position), a carriage return before one dropped, a leading
    byte-order mark and one final empty line too.

    Raises:
        InvalidData: the body is not plain text in UTF-8.
    """
    kind, _, parameters = request.headers.get("content-type", "").partition(";")
    charset = parameters.strip().lower().removeprefix("charset=").strip('"') or "utf-8"
    if kind.strip().lower() != "text/plain" or charset not in ("utf-8", "utf8"):
        raise InvalidData(
            "the body must be plain text in UTF-8",
            code="invalid-content-type",
            errors=[
                FieldError(
                    "content-type",
                    f"is {request.headers.get('content-type', 'missing')[:60]!r}",
                    "send Content-Type: text/plain; charset=utf-8, one identifier per line",
                )
            ],
        )
    lines = body.removeprefix("\ufeff").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _counted(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` (a bulk screening's), its outcomes counted in the screening metric."""
    for outcome, count in answer["counts"].items():
        SCREENING.labels(outcome).inc(count)
    return answer


def _lines(answer: dict[str, Any]) -> Iterator[bytes]:
    """The bulk answer as NDJSON: the summary, then one line per identifier."""
    outcomes, details = answer.pop("outcomes"), answer.pop("details")
    answer["subjects"] = len(outcomes)
    yield json.dumps(answer, ensure_ascii=False, separators=COMPACT, default=str).encode() + b"\n"
    for start in range(0, len(outcomes), LINES_CHUNK):
        chunk = []
        for n in range(start, min(start + LINES_CHUNK, len(outcomes))):
            detail = details.get(n)
            if detail is None:
                chunk.append(f'{{"position":{n},"outcome":"{outcomes[n]}"}}')
            else:
                key = "error" if "error" in detail else "decision"
                found = detail.get("error", detail)
                line = {"position": n, "outcome": outcomes[n], key: found}
                chunk.append(json.dumps(line, ensure_ascii=False, separators=COMPACT))
        yield ("\n".join(chunk) + "\n").encode()


@router.post("/screen/name", tags=["screening"])
def screen_name(p: PlatformDep, who: Screener, body: NameScreenRequest) -> NameScreening:
    """For callers without an identifier: scored, explained candidates among the subjects
    measures apply to. Never a deny: a name is not an identity; verify before acting."""
    purpose = _purpose(who, body.purpose)
    found = screening.screen_name(p, who, body.name, _action(p, body.action), body.limit, purpose)
    return NameScreening.model_validate(found)


@router.post("/screen/override", tags=["screening"], status_code=201)
def override(
    p: PlatformDep,
    who: Overrider,
    body: OverrideRequest,
) -> Override:
    """Serve a subject despite a deny, with a written reason: recorded and audited."""
    found = screening.override(p, who, body.subject, _action(p, body.action), body.reason)
    return Override.model_validate(found)
