"""Ledger domain objects: subjects, links, records and the events that refer to records.

Dates are kept apart on purpose: ``decided_on`` is when the deciding body
took the decision, ``published_on`` when it was made public, ``occurred_on`` when the
conduct happened, ``instrument.issued_on`` the date on the legally effective instrument.
``recorded_at`` (set by the service that appends) is when xinyong observed the row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ..clock import utc_naive
from ..types import LinkRole, SubjectKind


def content_id(*parts: object) -> str:
    """A 128-bit hex content hash of ``parts`` (joined with a unit separator). A moment is
    hashed in UTC without an offset, the form ids were made from when timestamps were naive
    UTC, so an id is the same whichever way its moment was held."""
    joined = "\x1f".join(_part(p) for p in parts)
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()


def _part(part: object) -> str:
    if part is None:
        return ""
    if isinstance(part, datetime) and part.tzinfo is not None:
        return str(utc_naive(part))
    return str(part)


@dataclass(frozen=True)
class Subject:
    """A credit subject: an organisation keyed by USCC, or a person keyed by pseudonym."""

    subject_id: str
    kind: SubjectKind
    name: str
    region: str | None = None
    #: persons only: masked resident number for display
    id_masked: str | None = None
    #: agency that registered or first reported the subject
    source_agency: str = ""

    @classmethod
    def from_row(cls, row: Any) -> Subject:
        """The subject of a ``subjects`` row (a mapping; ``source_agency`` if selected)."""
        return cls(
            subject_id=row["subject_id"],
            kind=SubjectKind(row["kind"]),
            name=row["name"],
            region=row["region"],
            id_masked=row["id_masked"],
            source_agency=row.get("source_agency") or "",
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Subject) and other.subject_id == self.subject_id

    def __hash__(self) -> int:
        return hash(self.subject_id)


@dataclass(frozen=True)
class SubjectLink:
    """``to_subject`` stands in ``role`` to ``from_subject`` from ``valid_from``."""

    from_subject: str
    to_subject: str
    role: LinkRole
    valid_from: date
    valid_to: date | None = None
    source_agency: str = ""

    @property
    def link_id(self) -> str:
        return content_id(self.from_subject, self.to_subject, self.role, self.valid_from)


@dataclass(frozen=True)
class EffectiveInstrument:
    """The legally effective instrument a record rests on (penalty decision, judgment …)."""

    #: kind of instrument, one of the catalogue item's ``instrument_types``
    type: str
    #: its document number, e.g. ``深市监罚〔2025〕123号``
    number: str
    issuer: str
    issued_on: date


@dataclass(frozen=True)
class Record:
    """One credit record, as a source agency submitted it. Immutable once in the ledger."""

    item_code: str
    subject_id: str
    source_agency: str
    source_record_id: str
    version: int
    instrument: EffectiveInstrument
    decided_on: date
    severity: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    published_on: date | None = None
    occurred_on: date | None = None
    region: str | None = None

    @property
    def record_id(self) -> str:
        """Content hash of (source agency, source record id, version)."""
        return content_id(self.source_agency, self.source_record_id, self.version)


class EventKind(StrEnum):
    """Decisions and status changes appended to the ledger about a record."""

    DISPUTED = "disputed"  # an objection was filed: the record is marked disputed at once
    DISPUTE_RESOLVED = "dispute_resolved"  # the objection was decided; the mark is lifted
    CORRECTED = "corrected"  # attributes corrected by decision; `attributes.changes` holds them
    REVOKED = "revoked"  # the underlying decision was annulled (reconsideration, court)
    REPAIRED = "repaired"  # credit repair granted: publicity stops, lists exit
    NOTICE_SERVED = "notice_served"  # a written prior notice was served on the subject
    STATEMENT_ATTACHED = "statement_attached"  # the subject's own statement is attached
    EXTENDED = "extended"  # a listing's term was extended by decision; `attributes.months`
    EARLY_EXIT = "early_exit"  # the listing authority granted early removal from a list
    #: an upheld objection found the listing wrong: the record stands but no longer puts the
    #: subject on the list ``attributes.list_id``
    DELISTED = "delisted"
    LIFTED = "lifted"  # a consumption-restriction order lifted (security, consent, performance)
    PUBLICITY_STOPPED = "publicity_stopped"  # no longer published (the record still counts)
    #: the court permits one restricted consumption (living or business need); attributes
    #: ``action`` and ``until``
    EXCEPTION_PERMITTED = "exception_permitted"


@dataclass(frozen=True)
class RecordEvent:
    """A decision or status change about one record, effective on a date."""

    record_id: str
    kind: EventKind
    effective_on: date
    actor: str
    instrument_number: str | None = None
    reason: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def event_id(self) -> str:
        return content_id(
            self.record_id,
            self.kind,
            self.effective_on,
            self.actor,
            self.instrument_number,
            self.reason,
            sorted(self.attributes.items()),
        )


class RecordStatus(StrEnum):
    """What a record counts for on a given date."""

    ACTIVE = "active"  # in force: counts for lists and grades
    REVOKED = "revoked"  # its underlying decision was annulled: counts for nothing
    REPAIRED = "repaired"  # credit repair granted: no longer published or counted
    #: publicity stopped by decision (e.g. on an objection): still counts, no longer shown
    UNPUBLISHED = "unpublished"


@dataclass(frozen=True)
class FileEntry:
    """A record as it stands in its subject's file on a date."""

    record: Record
    record_id: str
    status: RecordStatus
    disputed: bool
    #: attributes after any corrections effective by the date
    attributes: Mapping[str, Any]
    events: tuple[RecordEvent, ...]
    #: earlier versions of the same source record, superseded by this one
    superseded_versions: tuple[int, ...] = ()


@dataclass(frozen=True)
class SubjectFile:
    """Everything the ledger holds about a subject, as of a date."""

    subject: Subject
    as_of: date
    entries: tuple[FileEntry, ...]
    links: tuple[SubjectLink, ...]
