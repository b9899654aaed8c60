"""The credit ledger: subjects, links, records and decisions, append-only."""

from ..migrations import current_revision, require_current, upgrade
from .bulk import BulkStats, BulkWriter
from .db import make_engine
from .model import (
    EffectiveInstrument,
    EventKind,
    FileEntry,
    Record,
    RecordEvent,
    RecordStatus,
    Subject,
    SubjectFile,
    SubjectLink,
    content_id,
)
from .query import get_subject, subject_file
from .store import add_link, append_event, append_record, register_subject
from .subject import identify, make_subject
from .validate import RecordValidator

__all__ = [
    "BulkStats",
    "BulkWriter",
    "EffectiveInstrument",
    "EventKind",
    "FileEntry",
    "Record",
    "RecordEvent",
    "RecordStatus",
    "RecordValidator",
    "Subject",
    "SubjectFile",
    "SubjectLink",
    "add_link",
    "append_event",
    "append_record",
    "content_id",
    "current_revision",
    "get_subject",
    "identify",
    "make_engine",
    "make_subject",
    "register_subject",
    "require_current",
    "subject_file",
    "upgrade",
]
