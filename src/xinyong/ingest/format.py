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

from collections.abc import Mapping
from enum import StrEnum

from ..errors import FieldError, InvalidData
from ..text import storable

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
        # what was decided: revoked, notice_served, extended, early_exit, lifted or
        # exception_permitted
        "decision",
        "effective_on",
        "instrument_number",
        "reason",
        # JSON object; `{"months": n}` for an extension
        "attributes",
    ),
}

#: Columns a row may lack (empty); every other column of its content is required.
OPTIONAL_FIELDS = frozenset({"published_on", "occurred_on", "region", "attributes", "reason"})

#: Columns that hold identifiers or codes: no invisible characters in them (``text.py``).
#: Subject codes are checked by ``ids.classify``; every other column is free text.
IDENTIFIER_FIELDS = frozenset(
    {
        "source_record_id",
        "version",
        "item_code",
        "subject_kind",
        "from_kind",
        "to_kind",
        "role",
        "instrument_type",
        "instrument_number",
        "severity",
        "region",
        "decision",
    }
)
#: Columns ``ids.classify`` checks (the same text rule, with the code's own faults).
CODE_FIELDS = frozenset({"subject_code", "from_code", "to_code"})


def renamed_columns(renames: Mapping[str, str], columns: list[str], where: str) -> list[str]:
    """``columns`` under delivery-format names (a source's declared renames applied).

    Raises:
        InvalidData: two columns give one field (``处罚等级`` renamed to ``severity`` beside
            a ``severity`` column), naming both: the last value would silently win.
    """
    renamed = [renames.get(c, c) for c in columns]
    if len(set(renamed)) == len(renamed):
        return renamed
    first: dict[str, str] = {}
    for column, name in zip(columns, renamed, strict=True):
        if name in first:
            raise InvalidData(
                f"{where}: the columns {first[name]!r} and {column!r} both give {name}; the "
                "last would silently win. Deliver one of them (or change the source's "
                "`columns` renames)",
                code="duplicate-columns",
                errors=[
                    FieldError(
                        storable(name),
                        f"is given by both {first[name]!r} and {column!r}",
                        "deliver one of the two columns",
                    )
                ],
            )
        first[name] = column
    return renamed


#: Load order: subjects before the links and records that refer to them, decisions last.
CONTENT_ORDER = (Content.SUBJECTS, Content.LINKS, Content.RECORDS, Content.DECISIONS)


def is_delivery_field(name: str) -> bool:
    """Whether ``name`` is a field of the delivery format (``attributes.x`` included)."""
    if name.startswith("attributes.") and len(name) > len("attributes."):
        return True
    return any(name in columns for columns in COLUMNS.values())


#: What each column means, for the generated delivery-format document.
DESCRIPTIONS: dict[str, str] = {
    "subject_kind": "kind of subject: "
    + ", ".join(
        (
            "legal_person",
            "individual_business",
            "social_organisation",
            "public_institution",
            "government_body",
            "civil_servant",
            "natural_person",
        )
    ),
    "subject_code": "USCC for organisations; resident identity number for persons "
    "(pseudonymised on read, never stored)",
    "subject_name": "registered name of the organisation, or the person's name",
    "from_kind": "kind of the organisation the link starts from",
    "from_code": "USCC of that organisation",
    "role": "legal_representative, principal_person, directly_responsible_person or employer",
    "to_kind": "kind of the person (natural_person or civil_servant)",
    "to_code": "the person's resident identity number",
    "to_name": "the person's name",
    "valid_from": "date the link began, YYYY-MM-DD",
    "source_record_id": "the source's own id of the record; stable across versions",
    "version": "1 for a new record; a correction is the next version of the same id",
    "item_code": "catalogue item, e.g. market.penalty",
    "instrument_type": "kind of legally effective instrument (per item, below)",
    "instrument_number": "document number of the instrument, e.g. 厦市监罚〔2025〕42号",
    "instrument_issuer": "body that issued the instrument",
    "instrument_date": "date on the instrument, YYYY-MM-DD",
    "decided_on": "date of the decision, YYYY-MM-DD",
    "published_on": "date it was made public, YYYY-MM-DD (optional)",
    "occurred_on": "date of the conduct, YYYY-MM-DD (optional)",
    "severity": "severity class (per item, below)",
    "region": "GB/T 2260 code of the deciding body's division (optional)",
    "attributes": "JSON object of the item's fields (records; or one column "
    "`attributes.<field>` each), or of the decision's details (decisions)",
    "decision": "`revoked` (the underlying decision was annulled), `notice_served` (prior "
    "notice before listing), `extended` (a listing extended; needs attributes.months), "
    "`early_exit` (early removal granted), `lifted` (a consumption-restriction order lifted) "
    "or `exception_permitted` (one restricted consumption permitted; needs attributes.action "
    "and attributes.until)",
    "effective_on": "date the decision took effect, YYYY-MM-DD",
    "reason": "why (optional)",
}
