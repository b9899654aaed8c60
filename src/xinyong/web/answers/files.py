"""Answer models of a subject's own file (``GET /api/subjects/{id}/file``, and the body of a
credit report), its explanation, and one record.

A field with a default is one a view sometimes leaves out (the optional parts of an entry's
explanation); a field without one is always present, ``null`` where its type allows.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from .base import Answer, Citation
from .public import ListEntryView, Measure, RecordView, SubjectSummary
from .vocabulary import (
    EntryStatus,
    EventKind,
    ExitReason,
    LinkRole,
    ProvisionalDeadline,
)


class RecordEventView(Answer):
    """A decision or status change about a record."""

    kind: EventKind
    effective_on: date
    actor: str
    instrument_number: str | None
    reason: str | None


class FileRecord(RecordView):
    """A record of the own file, public or not, with its attributes and events."""

    attributes: dict[str, Any] = Field(
        description="the record's attributes after corrections: their names and types are "
        "the catalogue item's ``fields`` in the pack"
    )
    public: bool = Field(description="shown on the public portal today")
    publicity: str = Field(description="why it is (not) shown, in words")
    superseded_versions: list[int]
    events: list[RecordEventView]


class Link(Answer):
    """How one subject stands to another (``from_subject``: the organisation or body)."""

    role: LinkRole
    from_subject: str
    to_subject: str
    valid_from: date
    valid_to: date | None


class FileListEntry(ListEntryView):
    """A list entry of the own file, in whatever state, with the measures it brings."""

    source_record_id: str
    status: EntryStatus
    ended_by_decision: bool = Field(
        description="ended by a revocation, repair or removal since the evaluation"
    )
    in_force: bool
    measures: list[Measure] = Field(description="empty unless in force")


class Contribution(Answer):
    """What one indicator added to a grade's score."""

    count: int = Field(description="records counted")
    points: int = Field(description="points added (negative: deducted), after its cap")
    description: str
    reference: Citation


class FileGrade(Answer):
    """A grade in the own file: score, indicator contributions and the records behind them."""

    scheme_id: str
    name_zh: str
    name_en: str
    grade: str
    score: int
    direct: str | None = Field(description="the indicator that set the grade outright")
    contributions: dict[str, Contribution] = Field(description="indicator id → contribution")
    records: dict[str, list[str]] = Field(description="indicator id → record ids counted")
    legal_basis: list[Citation]
    authority: str | None = Field(description="agency answering for the grade")
    adverse: bool = Field(description="an adverse grade (不良信用评价)")
    notice_served_on: date | None
    disputed: bool = Field(description="an objection to the grade is open")


class WithheldGrade(Answer):
    """An adverse grade withheld from all but the subject until its notice is served."""

    scheme_id: str
    name_zh: str
    name_en: str
    withheld: str = Field(description="why it is withheld, in words")


class OwnFileAnswer(Answer):
    """The own file of a subject: every record with its events, its links, its list entries
    in every state and its grades (adverse ones withheld from others before notice)."""

    as_of: date
    subject: SubjectSummary
    records: list[FileRecord]
    links: list[Link]
    lists: list[FileListEntry]
    grades: list[FileGrade | WithheldGrade]


class ParameterInForce(Answer):
    """A list parameter's value used for an entry, with its reference."""

    value: int | None
    since: date
    reference: Citation


class ParameterNotInForce(Answer):
    """A list parameter with no value in force on the day it was needed."""

    value: None
    note: str


class TermFromRecord(Answer):
    """The entry's term taken from a field of its record (``term_from_record``)."""

    value: int = Field(description="months")
    field: str | None


class StreakFound(Answer):
    """The values of the streak field a subject-level entry rests on."""

    field: str
    values: list[int]


class AbsenceFound(Answer):
    """The dates an absence entry rests on."""

    since: date
    last_negative_record: date | None


#: (a field named ``list`` shadows the builtin in the class body below)
_Citations = list[Citation]
_RecordIds = list[str]
_Deadlines = list[ProvisionalDeadline]


class EntryExplanation(Answer):
    """Why a list entry exists: rule, pack, basis, records, parameters, exit and remedies."""

    rule: str = Field(description="list type id")
    pack: str = Field(description="pack id and version")
    list: str = Field(description="list name, zh / en")
    legal_basis: _Citations
    triggering_records: _RecordIds
    parameters: dict[str, ParameterInForce | ParameterNotInForce | TermFromRecord] = Field(
        description="parameter name (or ``term_from_record``) → value used"
    )
    exit_conditions: str
    remedies: str
    remove_by: date | None = Field(default=None, description="take-down deadline after exit")
    provisional: bool | None = None
    provisional_deadlines: _Deadlines | None = None
    streak: StreakFound | None = None
    absence: AbsenceFound | None = None


class ExplainedEntry(Answer):
    """A list entry as the evaluation derives it today, with its explanation."""

    list_id: str
    subject_id: str
    source_agency: str
    source_record_id: str
    status: EntryStatus
    listed_on: date
    noticed_on: date | None
    active_from: date | None
    expires_on: date | None
    exited_on: date | None
    exit_reason: ExitReason | None
    record_ids: list[str] = Field(description="every version of the source record, oldest first")
    explanation: EntryExplanation


class ExplainAnswer(Answer):
    """Why the subject is on each list and has each grade (``xinyong explain``)."""

    subject_id: str
    as_of: date
    lists: list[ExplainedEntry]
    grades: list[FileGrade | WithheldGrade]


# -- records -----------------------------------------------------------------------------------


class RecordSubmitted(Answer):
    """A record accepted from a source agency."""

    ok: Literal[True]
    record_id: str
    new: bool = Field(description="``false``: the same record was already in the ledger")


class RecordAnswer(Answer):
    """One record as it stands today, with its events, and its subject."""

    subject: SubjectSummary
    record: FileRecord
