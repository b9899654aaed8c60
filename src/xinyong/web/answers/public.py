"""Answer models of what is public about subjects: list entries in force, double publicity,
statistics, subject search and the public subject view.

A field without a default is always present, ``null`` where its type allows.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .base import Answer, Citation, Paged
from .vocabulary import (
    ListPolarity,
    MeasureCategory,
    MeasureEffect,
    Polarity,
    PublicityKind,
    RecordStatus,
    SubjectKind,
)


class SubjectSummary(Answer):
    """How a subject is named in public: by code, or a person by masked identity number."""

    subject_id: str = Field(description="USCC, or a person's pseudonym (P + 32 hex digits)")
    kind: SubjectKind
    name: str
    region: str | None = Field(description="GB/T 2260 division code")
    region_name: str | None
    code: str | None = Field(description="USCC, or a person's masked identity number")


class ListEntryView(Answer):
    """A list entry as shown in public: the list, its dates, basis, exit and remedies."""

    list_id: str
    list_name_zh: str
    list_name_en: str
    polarity: ListPolarity | None = Field(description="``null``: a list the pack no longer has")
    source_agency: str
    listed_on: date
    active_from: date | None
    expires_on: date | None
    legal_basis: list[Citation]
    exit_conditions: str | None
    remedies: str | None


class ListEntry(ListEntryView):
    """A list entry in force today, with its subject."""

    subject: SubjectSummary


# -- records and double publicity --------------------------------------------------------------


class RecordView(Answer):
    """A record as shown: its catalogue item, instrument, dates, status and dispute mark."""

    record_id: str
    item_code: str
    item_name_zh: str
    item_name_en: str
    sector: str
    polarity: Polarity
    source_agency: str
    instrument_type: str
    instrument_number: str
    instrument_issuer: str
    decided_on: date
    published_on: date | None
    severity: str = Field(description="a severity class of the catalogue item")
    status: RecordStatus
    disputed: bool = Field(description="an objection to it is open")


class PublicityEntry(RecordView):
    """A publicity entry (双公示): a licensing or penalty decision shown in its window."""

    subject: SubjectSummary
    publicity: str = Field(description="why it is shown, in words")


class PublicityFilterAnswer(Answer):
    """The filter a double-publicity page was asked for."""

    kind: PublicityKind | None
    agency: str | None
    sector: str | None
    region: str | None
    decided_from: date | None
    decided_to: date | None


class PublicityFacets(Answer):
    """Counts of candidate decisions by agency, sector and province (30 at most each)."""

    agency: list[tuple[str, int]] = Field(description="[agency code, decisions]")
    sector: list[tuple[str, int]] = Field(description="[sector, decisions]")
    region: list[tuple[str, int, str]] = Field(
        description="[province code, decisions, province name]"
    )


class PublicityAnswer(Paged[PublicityEntry]):
    """A page of double publicity (双公示), newest decision first, with facets. ``total``
    counts candidates: an upper bound of what the pages hold."""

    as_of: date
    filter: PublicityFilterAnswer
    facets: PublicityFacets


# -- statistics --------------------------------------------------------------------------------


class RecordsBySector(Answer):
    """Records decided per year, one series per sector."""

    years: list[int]
    series: dict[str, list[int]] = Field(description="sector → records per year of ``years``")


class ListSizes(Answer):
    """Entries in force on public lists, per evaluation date."""

    dates: list[date]
    series: dict[str, list[int]] = Field(description="list name (zh) → entries per date")
    names_en: dict[str, str] = Field(description="list name (zh) → list name (en)")


class GradeDistribution(Answer):
    """Subjects per grade under one grading scheme, newest evaluation."""

    name_zh: str
    name_en: str
    bands: dict[str, int] = Field(description="grade → subjects")


class StatisticsAnswer(Answer):
    """Statistics of the whole ledger: records by sector and year, list sizes over time,
    grade distributions, list entries in force per province."""

    as_of: date
    records_by_sector: RecordsBySector
    list_sizes: ListSizes
    grades: dict[str, GradeDistribution] = Field(description="scheme id → distribution")
    regions: list[tuple[str, str, int]] = Field(
        description="[province code, province name, entries in force on public lists]"
    )


# -- subjects ----------------------------------------------------------------------------------


class Measure(Answer):
    """A joint measure a memorandum in force attaches to entries of the list."""

    measure: str = Field(description="measure id")
    content_zh: str
    content_en: str
    effect: MeasureEffect
    category: MeasureCategory
    actions: list[str] = Field(description="actions it covers, e.g. ``aviation.ticket``")
    implementing_agency: str
    memorandum: str = Field(description="memorandum title and number")
    legal_basis: list[Citation]


class PublicRecord(RecordView):
    """A record of a public subject page, inside its publicity window."""

    publicity: str = Field(description="why it is shown, in words")
    publicity_ends: date | None = Field(
        description="first day it is no longer shown; ``null``: no automatic stop"
    )


class PublicListing(ListEntryView):
    """A public subject's entry in force on a public list, with the measures it brings."""

    measures: list[Measure]


class PublicGrade(Answer):
    """A public subject's grade under a public grading scheme."""

    scheme_id: str
    name_zh: str
    name_en: str
    grade: str


class PublicSubjectAnswer(Answer):
    """A public subject: what is public about it today (records in their window, public list
    entries with basis and measures, public grades, dispute marks)."""

    as_of: date
    subject: SubjectSummary
    records: list[PublicRecord]
    lists: list[PublicListing]
    grades: list[PublicGrade]
    disputed: int = Field(ge=0, description="records shown with an open objection")
