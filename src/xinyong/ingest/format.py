"""The delivery format source agencies (and ``xinyong synth``) write and ingest reads.

A delivery set is a directory with a ``manifest.json`` and CSV files (UTF-8, header row,
``\\n`` line ends). Each file holds one kind of content from one source agency:

- ``subjects``: the registry of a registering authority (who exists);
- ``links``: who is whose legal representative, operator or employee;
- ``records``: credit records, each about one subject, of one catalogue item;
- ``decisions``: later decisions about records already delivered (a revocation when the
  underlying decision was annulled on reconsideration or in court).

Resident identity numbers appear raw in source files; ingest pseudonymises them on read.
"""

from __future__ import annotations

from enum import StrEnum

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "xinyong-delivery/1"


class Content(StrEnum):
    """What one delivery file holds."""

    SUBJECTS = "subjects"  # registry rows: kind, code, name
    LINKS = "links"  # organisation → person links
    RECORDS = "records"  # credit records
    DECISIONS = "decisions"  # decisions about delivered records (revocations)


COLUMNS: dict[Content, tuple[str, ...]] = {
    Content.SUBJECTS: ("subject_kind", "subject_code", "subject_name"),
    Content.LINKS: (
        "from_kind",
        "from_code",
        "role",
        "to_kind",
        "to_code",
        "to_name",
        "valid_from",
    ),
    Content.RECORDS: (
        "source_record_id",
        "version",
        "item_code",
        "subject_kind",
        "subject_code",
        "subject_name",
        "instrument_type",
        "instrument_number",
        "instrument_issuer",
        "instrument_date",
        "decided_on",
        "published_on",
        "occurred_on",
        "severity",
        "region",
        # JSON object of the catalogue item's fields
        "attributes",
    ),
    Content.DECISIONS: (
        "source_record_id",
        # what was decided: `revoked`
        "decision",
        "effective_on",
        "instrument_number",
        "reason",
    ),
}

#: Columns a row may lack (empty); every other column of its content is required.
OPTIONAL_FIELDS = frozenset({"published_on", "occurred_on", "region", "attributes", "reason"})

#: Load order: subjects before the links and records that refer to them, decisions last.
CONTENT_ORDER = (Content.SUBJECTS, Content.LINKS, Content.RECORDS, Content.DECISIONS)


def is_delivery_field(name: str) -> bool:
    """Whether ``name`` is a field of the delivery format (``attributes.x`` included)."""
    if name.startswith("attributes.") and len(name) > len("attributes."):
        return True
    return any(name in columns for columns in COLUMNS.values())
