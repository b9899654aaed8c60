"""The shapes of a jurisdiction pack's files, validated strictly (unknown keys refused)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..types import Area, Polarity, PublicAttribute, SubjectKind

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]

InstrumentKind = Literal[
    "law",  # 法律, by the NPC or its Standing Committee
    "administrative_regulation",  # 行政法规, by the State Council
    "departmental_rule",  # 部门规章
    "judicial_interpretation",  # 司法解释 of the Supreme People's Court
    "local_regulation",  # 地方性法规, by a provincial or city people's congress
    "local_rule",  # 地方政府规章
    "policy_document",  # Party Central Committee / State Council policy document
    "national_standard",  # GB standard
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Instrument(Strict):
    """A legal instrument a pack cites."""

    title_zh: str
    title_en: str
    kind: InstrumentKind
    issuer: str
    #: date promulgated or adopted; ``null`` where not checked
    promulgated: date | None
    effective: date | None = None
    #: file name of the shipped text in ``schemes/laws/``, if any
    text: str | None = None
    url: str | None = None
    #: what is not checked about this entry
    note: str | None = None


class LawsFile(Strict):
    instruments: dict[Code, Instrument]


class Reference(Strict):
    """A legal basis: an instrument, an article (or a policy document's section) and, when
    checked, a quote from it."""

    instrument: Code
    article: int | None = Field(default=None, ge=1)
    #: a policy document's part or heading, for instruments without numbered articles
    section: str | None = None
    #: paragraph or item within the article, in words (e.g. "item 3")
    paragraph: str | None = None
    #: words that appear in the article: checked against the shipped text when verified
    quote: str | None = None
    #: ``true`` only when checked against the instrument's text; else the citation is [R]/[S]
    verified: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _article_or_section(self) -> Reference:
        if (self.article is None) == (self.section is None):
            raise ValueError("give exactly one of `article` (a number) or `section` (a heading)")
        return self


class Agency(Strict):
    """A source agency: a body that provides records."""

    name_zh: str
    name_en: str
    kind: Literal[
        "court", "tax", "market_regulation", "customs", "sector_regulator", "civil_affairs",
        "establishment_office", "civil_service", "development_reform", "finance",
        "human_resources", "regional_platform",
    ]  # fmt: skip


class AgenciesFile(Strict):
    agencies: dict[Code, Agency]


#: the type of a record attribute
FieldType = Literal["string", "integer", "decimal", "date", "boolean", "enum"]


class FieldSpec(Strict):
    """One attribute of a record, as a catalogue item defines it."""

    type: FieldType
    required: bool = False
    description: str
    #: allowed values of an ``enum``
    values: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = Field(default=None, ge=1)
    #: a ``string`` whose value is copied from the instrument the record rests on (its number,
    #: the conduct or penalty in its words); the only free text an item about natural persons
    #: may have (``structure.py``)
    quotes_instrument: bool = False


class PublicityDeadline(Strict):
    """Working days within which a decision of this item must be published after it is taken."""

    working_days: int = Field(ge=1, le=60)
    reference: Reference


class CatalogueItem(Strict):
    """One item of the public credit information catalogue: a kind of record that may exist."""

    code: Code
    name_zh: str
    name_en: str
    area: Area
    #: key sector, e.g. ``tax``, ``food_drugs``, ``construction``
    sector: Code
    #: agency codes (``agencies.yaml``) that provide these records
    providers: tuple[Code, ...] = Field(min_length=1)
    legal_basis: tuple[Reference, ...] = Field(min_length=1)
    public: PublicAttribute
    polarity: Polarity
    subject_kinds: tuple[SubjectKind, ...] = Field(min_length=1)
    #: severity classes a record may carry, e.g. ``minor``, ``general``, ``serious``
    severity_classes: tuple[Code, ...] = Field(min_length=1)
    #: years a record is kept and served after the conduct ends (docs/sources.md §7.4)
    retention_years: int = Field(ge=1, le=100)
    #: the kind of legally effective instrument a record rests on, e.g. ``penalty_decision``
    instrument_types: tuple[Code, ...] = Field(min_length=1)
    fields: dict[Code, FieldSpec] = Field(default_factory=dict)
    effective_from: date
    effective_to: date | None = None
    description: str | None = None
    #: publication deadline (double publicity 双公示; enterprise publicity), if any
    publicity_deadline: PublicityDeadline | None = None
    #: persons younger than this on the decision date may not be recorded under this item
    #: (e.g. minors are never listed as dishonest judgment debtors); checked at ingest from
    #: the identity number, which is not kept
    min_subject_age: int | None = Field(default=None, ge=1, le=100)
    min_age_reference: Reference | None = None

    @model_validator(mode="after")
    def _age_has_basis(self) -> CatalogueItem:
        if (self.min_subject_age is None) != (self.min_age_reference is None):
            raise ValueError("`min_subject_age` needs a `min_age_reference`, and only with it")
        return self


class CatalogueFile(Strict):
    items: tuple[CatalogueItem, ...]


class PackFile(Strict):
    """``pack.yaml``: what a pack is and which pack it layers on."""

    id: str = Field(pattern=r"^[a-z]{2}(-[a-z0-9]+)*$")
    name_zh: str
    name_en: str
    version: str
    #: the pack this one adds to; ``null`` for the national baseline
    parent: str | None = None
    #: GB/T 2260 division code of the jurisdiction; ``null`` for national
    division: str | None = None
    description: str | None = None


FileFormat = Literal["csv", "jsonl", "parquet", "xlsx"]
ContentKind = Literal["subjects", "links", "records", "decisions"]


class VolumeBounds(Strict):
    """Rows a delivery is expected to hold; outside them it is held for review, not loaded."""

    min_rows: int = Field(ge=0)
    max_rows: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> VolumeBounds:
        if self.min_rows > self.max_rows:
            raise ValueError("min_rows must not exceed max_rows")
        return self


class SourceDeclaration(Strict):
    """What one source agency may deliver, and how its files are laid out."""

    #: catalogue items its records may be of
    items: tuple[Code, ...] = ()
    #: what its files may contain
    contents: tuple[ContentKind, ...] = ("records", "decisions")
    formats: tuple[FileFormat, ...] = ("csv", "jsonl", "parquet", "xlsx")
    volume: VolumeBounds
    #: source column → delivery field (``subject_code``, ``attributes.fine_yuan`` …) for
    #: columns not already named as the delivery format names them
    columns: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _items_for_records(self) -> SourceDeclaration:
        if "records" in self.contents and not self.items:
            raise ValueError("a source that delivers records must declare its items")
        return self


class SourcesFile(Strict):
    sources: dict[Code, SourceDeclaration]
