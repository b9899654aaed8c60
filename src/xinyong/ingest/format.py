"""The delivery format source agencies (and ``xinyong synth``) write and ingest reads.

A delivery set is a directory with a ``manifest.json`` and CSV files (UTF-8, header row,
``\\n`` line ends). Each file holds one kind of content from one source agency:

- ``subjects``: the registry of a registering authority (who exists);
- ``links``: who is whose legal representative, operator or employee;
- ``records``: credit records, each about one subject, of one catalogue item.

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
}

#: Load order: subjects before the links and records that refer to them.
CONTENT_ORDER = (Content.SUBJECTS, Content.LINKS, Content.RECORDS)
