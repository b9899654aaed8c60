"""How subjects and records are shown in public: a subject by its code, or a person by
name and masked identity number only (the raw number is never held), with its region; a
record with its publicity window; and one page of results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..ids.divisions import divisions
from ..ledger import FileEntry, Subject
from ..schemes import Pack

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page:
    """One page of results."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
        }


def region_name(code: str | None) -> str | None:
    """``350200`` → ``福建省 厦门市``; ``None`` for an unknown or missing code."""
    if not code:
        return None
    table = divisions()
    code = code.ljust(6, "0")
    return table.full_name(code) if code in table else None


def subject_summary(subject: Subject) -> dict[str, Any]:
    """How a subject is named in public: code for organisations, masked number for persons."""
    return {
        "subject_id": subject.subject_id,
        "kind": str(subject.kind),
        "name": subject.name,
        "region": subject.region,
        "region_name": region_name(subject.region),
        "code": subject.id_masked if subject.kind.is_person else subject.subject_id,
    }


def record_view(pack: Pack, entry: FileEntry) -> dict[str, Any]:
    record = entry.record
    item = pack.catalogue.get(record.item_code)
    return {
        "record_id": entry.record_id,
        "item_code": record.item_code,
        "item_name_zh": item.name_zh,
        "item_name_en": item.name_en,
        "sector": item.sector,
        "polarity": str(item.polarity),
        "source_agency": record.source_agency,
        "instrument_type": record.instrument.type,
        "instrument_number": record.instrument.number,
        "instrument_issuer": record.instrument.issuer,
        "decided_on": record.decided_on,
        "published_on": record.published_on,
        "severity": record.severity,
        "status": str(entry.status),
        "disputed": entry.disputed,
    }


LICENCE_INSTRUMENTS = frozenset({"licence_decision"})


PERSON_KINDS = ("natural_person", "civil_servant")
