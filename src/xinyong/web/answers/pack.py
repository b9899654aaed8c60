"""Answer models of the jurisdiction pack as the API shows it: the packs, the catalogue with
each item's legal basis, list types with their rules, grading schemes.

A field with a default is one a view sometimes leaves out (the catalogue's and the list
rules' ``model_dump(exclude_none=True)``); a field without one is always present, ``null``
where its type allows.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .base import Answer, Citation
from .vocabulary import (
    Area,
    FieldType,
    InstrumentKind,
    ListPolarity,
    Operator,
    Polarity,
    PublicAttribute,
    SubjectKind,
)

# -- the jurisdiction pack ---------------------------------------------------------------------


class DatedValue(Answer):
    """One value of a pack parameter from a date on, with the reference that sets it."""

    value: int | None = Field(description="``null``: repealed from this date")
    reference: Citation


#: a parameter's values keyed by the ISO date each takes effect
DatedValues = dict[str, DatedValue]


class Law(Answer):
    """A legal instrument the scheme pack cites."""

    title_zh: str
    title_en: str
    kind: InstrumentKind


class SchemesAnswer(Answer):
    """The jurisdiction scheme pack this node runs, with what it contains."""

    id: str = Field(description="pack id, e.g. ``cn`` or ``cn-sz``")
    version: str
    name_zh: str
    name_en: str
    parents: list[str] = Field(description="the packs it layers on, national first")
    catalogue_items: int = Field(ge=0, description="number of catalogue items")
    lists: list[str] = Field(description="list type ids, sorted")
    grading_schemes: list[str] = Field(description="grading scheme ids, sorted")
    laws: dict[str, Law] = Field(description="instrument code → instrument")
    procedures: dict[str, DatedValues] = Field(
        description="due-process deadline → its values by effective date"
    )


# -- the catalogue -----------------------------------------------------------------------------


class Reference(Answer):
    """A legal basis as the pack states it: an instrument and an article or a section."""

    instrument: str = Field(description="instrument code (``/api/schemes`` ``laws``)")
    article: int | None = None
    section: str | None = Field(
        default=None, description="a policy document's part or heading, instead of an article"
    )
    paragraph: str | None = None
    quote: str | None = None
    verified: bool = Field(description="checked against the instrument's shipped text")
    note: str | None = None


class FieldSpec(Answer):
    """One attribute a record of the catalogue item carries."""

    type: FieldType
    required: bool
    description: str
    values: list[str] | None = Field(default=None, description="allowed values of an ``enum``")
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    quotes_instrument: bool = Field(
        description="a string copied from the instrument the record rests on"
    )


class PublicityDeadline(Answer):
    """Working days within which a decision of the catalogue item must be published."""

    working_days: int
    reference: Reference


class CatalogueItem(Answer):
    """A catalogue item: a kind of public credit record that may exist, its fields and basis."""

    code: str
    name_zh: str
    name_en: str
    area: Area
    sector: str = Field(description="key sector code, e.g. ``tax``")
    providers: list[str] = Field(description="agency codes that provide these records")
    legal_basis: list[Reference]
    public: PublicAttribute
    polarity: Polarity
    subject_kinds: list[SubjectKind]
    severity_classes: list[str]
    retention_years: int
    instrument_types: list[str]
    fields: dict[str, FieldSpec] = Field(description="attribute name → its spec")
    effective_from: date
    effective_to: date | None = None
    description: str | None = None
    publicity_deadline: PublicityDeadline | None = None
    min_subject_age: int | None = None
    min_age_reference: Reference | None = None
    legal_basis_cited: list[Citation] = Field(description="``legal_basis`` in words")


# -- list types and their entries ---------------------------------------------------------------


class Condition(Answer):
    """A test on one field of a record (a column or ``attributes.<name>``)."""

    field: str
    op: Operator
    value: str | int | float | list[str] | list[int]


class Streak(Answer):
    """Entry per subject: its records for the latest ``count`` consecutive values of ``field``
    all qualify."""

    field: str
    count: int


class Absence(Answer):
    """Entry per subject: it has stood for ``months`` with no standing negative record."""

    months: str = Field(description="parameter name (months)")
    since: str | None = Field(default=None, description="date field saying since when it exists")


class EntryCriteria(Answer):
    """Which records put their subject on the list type."""

    items: list[str] = Field(description="catalogue item codes")
    where: list[Condition]
    streak: Streak | None = None
    absence: Absence | None = None


class NoticeSpec(Answer):
    """Prior written notice before a list entry takes effect."""

    required: bool
    period: str | None = Field(default=None, description="parameter name (working days)")


class TermSpec(Answer):
    """How long a list entry lasts once in effect."""

    months: str = Field(description="parameter name (months): the term, or its cap")
    months_field: str | None = Field(
        default=None, description="a record field giving its own term in months"
    )
    applies_when: list[Condition]


class ListTypeAnswer(Answer):
    """A list type with its entry and exit rules, remedies and legal basis (Shanghai Art 25)."""

    id: str
    name_zh: str
    name_en: str
    polarity: ListPolarity
    serious: bool = Field(description="a serious list (严重失信主体名单)")
    public: PublicAttribute
    subject_kinds: list[SubjectKind]
    legal_basis: list[Citation]
    entry: EntryCriteria
    notice: NoticeSpec
    term: TermSpec | None = Field(description="``null``: until an exit")
    exit_conditions: str
    remedies: str
    parameters: dict[str, DatedValues] = Field(
        description="parameter name → its values by effective date"
    )
    effective_from: date
    effective_to: date | None


class ListsAnswer(Answer):
    """The list types the caller may see (the public: public lists; public bodies: all)."""

    items: list[ListTypeAnswer]
    total: int = Field(ge=0)


# -- grades ------------------------------------------------------------------------------------


class Band(Answer):
    """A grade band of a grading scheme."""

    grade: str
    min_score: int | None = Field(description="lowest score for the grade; ``null``: the last band")


class GradingSchemeAnswer(Answer):
    """A grading scheme with its bands, basis and today's distribution of grades."""

    id: str
    name_zh: str
    name_en: str
    public: PublicAttribute
    enabled: bool
    pilot: bool
    legal_basis: list[Citation]
    bands: list[Band]
    distribution: dict[str, int] = Field(description="grade → subjects, newest evaluation")


class GradesAnswer(Answer):
    """Every grading scheme of the pack."""

    items: list[GradingSchemeAnswer]
