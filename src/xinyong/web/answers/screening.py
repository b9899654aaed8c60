"""Answer models of the joint rewards and penalties routes (联合奖惩): screening a subject, a
bulk of them or a name, the override, the dispatch feed of notices with its acknowledgements,
feedback and responder metrics, and the source agencies' decisions.

Each model is the body one route of ``sanctions_api`` or ``dispatch_api`` answers with on
success. Dates are ISO dates (``date``: the
views hold ``datetime.date`` or its ``isoformat()``, the body carries ``YYYY-MM-DD``); moments
are ``Timestamp``. A field with a default is one a view sometimes leaves out; a field without
one is always present, ``null`` where its type allows. Actions, measure ids, list ids and
agency codes come from the scheme pack, so they are ``str``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from ...sanctions.decide import Outcome
from ...schemes.measure_terms import FEEDBACK, NOTICE_EVENTS
from ...schemes.measures import Category, Effect
from ...types import LinkRole, SubjectKind
from .base import Answer, Citation, OneOf, Timestamp

# -- vocabularies, from the code that defines them ------------------------------------------

#: an outcome in a bulk answer: ``invalid`` for a code that is no subject key
BulkOutcome = Outcome | Literal["invalid"]
#: what a notice tells a responder about a list entry
NoticeEvent = Annotated[str, OneOf(NOTICE_EVENTS)]
#: what a responder reports it did with a notice
Feedback = Annotated[str, OneOf(FEEDBACK)]


# -- decisions --------------------------------------------------------------------------------


class FieldProblem(Answer):
    """One problem with one field of an input (``errors.FieldError``)."""

    field: str = Field(description="dotted name of the field, e.g. ``subjects.3``")
    message: str = Field(description="what is wrong, including the value received")
    fix: str = Field(description="what to do about it (may be empty)")


class Ground(Answer):
    """A ground of a decision: one measure that applies to the subject for the action, with
    the list entry or restriction order it rests on, its memorandum, legal basis,
    implementing agency, dates, the link it reached through, and the remedy
    (``sanctions.decide.Ground``)."""

    kind: Literal["list", "order"] = Field(
        description="``list``: a list entry in force; ``order``: a consumption-restriction order"
    )
    effect: Literal["deny", "advise"]
    measure_id: str
    measure_zh: str = Field(description="the measure's content in Chinese")
    measure_en: str = Field(description="the measure's content in English")
    category: Category
    implementing_agency: str = Field(description="the responding agency that applies it")
    legal_basis: list[Citation]
    list_id: str | None = Field(description="the target list (``null`` for an order)")
    memorandum: str | None = Field(
        description="title and number of the memorandum (``null`` for an order)"
    )
    order_case: str | None = Field(
        description="the order's case number, court and signatory (``null`` for a list entry)"
    )
    since: date | None = Field(description="the entry's start, or the order's issue date")
    until: date | None = Field(description="the entry's end, or the order's term")
    via_role: LinkRole | None = Field(
        description="set when the measure reached the subject through an organisation it "
        "stands for: the subject's role there"
    )
    via_subject: str | None = Field(description="that organisation's subject key")
    via_name: str | None = Field(description="that organisation's name")
    remedy: str = Field(description="how the subject gets the measure lifted, in words")


class Reward(Ground):
    """A reward: an incentive (联合激励) the subject's red-list entries earn, as a ground."""

    effect: Literal["reward"]  # type: ignore[assignment]


class Decision(Answer):
    """A decision: may this subject be served for this action on this date, and on what
    grounds (``sanctions.decide.Decision.to_dict``)."""

    subject_id: str = Field(
        description="the subject key: a USCC or a person's pseudonym, never the number sent"
    )
    action: str
    as_of: date = Field(description="the date decided for")
    outcome: Outcome = Field(
        description="``deny`` if any ground denies, else ``advise`` if any advises, else ``allow``"
    )
    grounds: list[Ground] = Field(description="every applying penalty measure")
    rewards: list[Reward] = Field(description="incentives; they never change the outcome")


class InvalidSubject(Answer):
    """The refusal of one code of a bulk screening that is no subject key."""

    error: FieldProblem = Field(description="naming the field ``subjects.{position}``")


class BulkScreening(Answer):
    """Decisions for many subjects and one action, in request order."""

    action: str
    as_of: date = Field(description="the date decided for (the screening index's day)")
    counts: dict[BulkOutcome, int] = Field(description="subjects per outcome (only those seen)")
    outcomes: list[BulkOutcome] = Field(description="one per subject sent, in order")
    details: dict[int, Decision | InvalidSubject] = Field(
        description="by position (from 0; a string key in JSON): the full decision of each "
        "subject not simply allowed, the error of each invalid code",
        json_schema_extra={"propertyNames": {"pattern": "^[0-9]+$"}},
    )


class NameCandidate(Answer):
    """A name candidate: an indexed subject whose name is like the one asked about, scored
    and explained, with the outcome it would have if confirmed (``sanctions.names``)."""

    subject_id: str
    name: str
    kind: SubjectKind
    code: str | None = Field(
        description="the USCC, or a person's masked identity number (``null`` if none)"
    )
    score: float = Field(ge=0, le=100, description="rapidfuzz WRatio, one decimal")
    matched_on: Literal["name", "pinyin"] = Field(description="which form matched best")
    outcome_if_confirmed: Outcome
    grounds: list[Ground] = Field(description="the grounds of that outcome (no rewards)")


class NameScreening(Answer):
    """Candidates for a name: never a decision, since a name is not an identity."""

    action: str
    outcome: Literal["allow", "advise"] = Field(
        description="``advise`` if any candidate would not simply be allowed; never ``deny``"
    )
    note: str = Field(description="that candidates must be confirmed by identifier")
    candidates: list[NameCandidate] = Field(description="best first")


class Override(Answer):
    """An override: a subject served despite the caller's agency's measures, with a written
    reason, recorded and audited."""

    ok: Literal[True]
    override_id: str
    outcome: Literal["overridden"]
    measures: list[str] = Field(description="ids of the caller's agency's measures overridden")


# -- dispatch ---------------------------------------------------------------------------------


class NoticeMeasure(Answer):
    """A measure a dispatch notice asks its responder to apply (or, on ``exit``, lift),
    with its memorandum and legal basis (``schemes.measure_terms``)."""

    measure: str = Field(description="the measure's id")
    content_zh: str
    content_en: str
    effect: Effect
    category: Category
    actions: list[str]
    implementing_agency: str
    memorandum: str = Field(description="title and number of the memorandum")
    legal_basis: list[Citation]


class DispatchNotice(Answer):
    """A dispatch notice: one responding agency told of one list entry's start, extension or
    end (exit), with its acknowledgement, feedback and webhook delivery (a row of
    ``dispatch_notices``)."""

    seq: int = Field(ge=1, description="the feed's order: pass the last as ``cursor``")
    notice_id: str = Field(description="a content hash (32 hex digits)")
    created_at: Timestamp
    responder: str = Field(description="the responding agency notified")
    event: NoticeEvent
    subject_id: str
    list_id: str
    source_agency: str
    source_record_id: str
    effective_on: date
    expires_on: date | None = Field(description="the entry's end (``null`` on exit or open)")
    measures: list[NoticeMeasure]
    acknowledged_at: Timestamp | None
    feedback: Feedback | None
    feedback_reason: str | None
    feedback_at: Timestamp | None
    feedback_by: str | None = Field(description="the responder's actor who gave the feedback")
    webhook_attempts: int = Field(ge=0)
    webhook_next_at: Timestamp | None = Field(description="when delivery is retried")
    webhook_delivered_at: Timestamp | None
    webhook_error: str | None = Field(description="the last delivery's failure")


class DispatchFeed(Answer):
    """The calling agency's dispatch notices after a cursor, oldest first."""

    items: list[DispatchNotice]
    next_cursor: int = Field(ge=0, description="pass back as ``cursor`` to resume")


class Acknowledgement(Answer):
    """An acknowledgement of a dispatch notice (idempotent: the first one's time stands)."""

    ok: Literal[True]
    notice_id: str
    acknowledged_at: Timestamp


class FeedbackGiven(Answer):
    """The feedback a responder gave on a dispatch notice: what it did."""

    ok: Literal[True]
    notice_id: str
    feedback: Feedback


class ResponderMetrics(Answer):
    """Responder metrics: one responding agency's notices and how it answered them."""

    notices: int = Field(ge=0)
    acknowledged: int = Field(ge=0)
    answered: int = Field(ge=0, description="notices with feedback")
    overdue: int = Field(ge=0, description="unacknowledged after the pack's working-day deadline")
    coverage: float | None = Field(ge=0, le=1, description="answered / notices")
    median_hours_to_acknowledge: float | None = Field(ge=0)


class DispatchMetrics(Answer):
    """Responder metrics of the dispatch loop, per responder and overall."""

    responders: dict[str, ResponderMetrics] = Field(description="by responding agency")
    notices: int = Field(ge=0)
    coverage: float | None = Field(ge=0, le=1, description="answered / notices, overall")
    overdue: int = Field(ge=0)
    provisional: bool = Field(
        description="an overdue count rests on a provisional (unpublished) working-day calendar"
    )


# -- source agencies' decisions -----------------------------------------------------------------


class SubmittedDecision(Answer):
    """A source agency's decision about one of its records, accepted (revocation, early exit,
    lift, exception permit, extension, notice served); the subject is re-derived."""

    ok: Literal[True]
    subject_id: str = Field(description="the subject of the record decided about")
    new: bool = Field(description="``false`` when the same decision was already in the ledger")
