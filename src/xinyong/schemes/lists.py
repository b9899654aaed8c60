"""List types (red, black, key-attention lists) as pack data, with dated parameters.

A list type says who may enter (criteria over ledger records), on what legal basis, after
what notice, for how long, and how an entry ends. Numbers that change with the law (terms,
notice periods) are *parameters*: values keyed by the date they take effect, each with the
reference that sets it (the OpenFisca pattern, stricter: no value without a reference).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from ..types import PublicAttribute, SubjectKind
from .model import Code, Reference, Strict


class DatedValue(Strict):
    """One value of a parameter from a date on; ``null`` repeals it."""

    value: int | None
    reference: Reference


class Parameter(Strict):
    """A number the law fixes and may change, keyed by effective date."""

    description: str
    unit: Literal["month", "working_day", "day", "year", "count"]
    values: dict[date, DatedValue] = Field(min_length=1)

    def at(self, as_of: date) -> tuple[int | None, date, Reference] | None:
        """The value in force on ``as_of`` with its start date and reference, or ``None``
        before the first value. A repealed parameter gives ``(None, …)``."""
        started = [d for d in self.values if d <= as_of]
        if not started:
            return None
        since = max(started)
        value = self.values[since]
        return value.value, since, value.reference


#: ``in_window``: a date field on or after the start of a grading scheme's window (its value
#: is ignored; grading schemes only)
Operator = Literal["eq", "ne", "in", "not_in", "gte", "lte", "in_window"]
#: black: sanctions; red: incentives; key_attention: supervision intensity only
ListPolarity = Literal["black", "red", "key_attention"]


class Condition(Strict):
    """A test on one field of a record: a column (``severity``) or ``attributes.<name>``."""

    field: str
    op: Operator
    value: str | int | float | list[str] | list[int]

    @model_validator(mode="after")
    def _list_for_membership(self) -> Condition:
        if (self.op in ("in", "not_in")) != isinstance(self.value, list):
            raise ValueError("`in` and `not_in` take a list; the other operators one value")
        return self


class Streak(Strict):
    """A subject-level test: the subject's records for the latest ``count`` consecutive
    values of ``field`` (e.g. evaluation years) all meet the entry conditions."""

    field: str
    count: int = Field(ge=2, le=20)


class Absence(Strict):
    """A subject-level test: the subject has stood for ``months`` since its record of the
    entry items (``since``: a date field, else the decision date) and has had no standing,
    unrevoked negative record in the last ``months``."""

    #: parameter (months)
    months: str
    #: date field of the entry record that says since when the subject exists
    since: str | None = None


class EntryCriteria(Strict):
    """Which records put their subject on the list: an item, and every condition true.

    With a ``streak`` the entry is per subject (e.g. A grade three years running) rather than
    per record.
    """

    items: tuple[Code, ...] = Field(min_length=1)
    where: tuple[Condition, ...] = ()
    streak: Streak | None = None
    absence: Absence | None = None

    @model_validator(mode="after")
    def _one_subject_test(self) -> EntryCriteria:
        if self.streak is not None and self.absence is not None:
            raise ValueError("give `streak` or `absence`, not both")
        return self


class NoticeSpec(Strict):
    """Prior written notice before an entry takes effect."""

    #: ``False`` where the listing decision is itself served and effective when made
    required: bool
    #: parameter (working days) the subject has to answer after notice is served
    period: str | None = None


class TermSpec(Strict):
    """How long an entry lasts from the day it takes effect: a parameter, or a field of the
    record (e.g. the ban period a procurement decision sets), capped by the parameter."""

    #: parameter (months): the term, or the most a record's own term may be
    months: str
    #: a field of the record giving its own term in months (``attributes.ban_months``); only
    #: a whole number from 0 to 1200 (``6``, ``"6.0"``) counts, any other value (``1.5``,
    #: ``-3``, ``1e50``, ``"x"``) is ignored and the parameter applies (``casts.whole_months``)
    months_field: str | None = None
    #: the term applies only to records meeting these conditions (else: until exit)
    applies_when: tuple[Condition, ...] = ()


class ExtensionSpec(Strict):
    """A term may be extended by decision (an ``extended`` event, its ``months`` a whole
    number from 0 to 1200, else it adds nothing), up to a maximum."""

    #: parameter (months): the most all extensions together may add
    max_months: str


class EarlyExitSpec(Strict):
    """The listing authority may grant early removal (an ``early_exit`` event) once the entry
    has been active for a minimum time."""

    #: parameter (months) the entry must have been active before an early exit takes effect
    after_months: str


class ListType(Strict):
    """A red, black or key-attention list."""

    id: Code
    name_zh: str
    name_en: str
    #: black: sanctions; red: incentives; key_attention: supervision intensity only
    polarity: ListPolarity
    #: a serious list (严重失信主体名单); only these may carry rights-reducing measures
    serious: bool
    #: whether the list's entries are published on the portal (a key-attention list for
    #: supervisors is ``shared``: public bodies see it for their duties, the public does not)
    public: PublicAttribute = PublicAttribute.PUBLIC
    legal_basis: tuple[Reference, ...] = Field(min_length=1)
    subject_kinds: tuple[SubjectKind, ...] = Field(min_length=1)
    entry: EntryCriteria
    notice: NoticeSpec
    term: TermSpec | None = None
    extension: ExtensionSpec | None = None
    early_exit: EarlyExitSpec | None = None
    #: parameter (working days): how soon an entry must be taken down after it ends
    removal_working_days: str | None = None
    #: parameter (months): the entry takes effect only once its record has stood this long
    #: (e.g. three years on the abnormal operations list moves an enterprise to the serious list)
    waits: str | None = None
    #: an entry ends when the triggering decision is revoked / the record is repaired
    exit_on_revocation: bool = True
    exit_on_repair: bool = True
    #: exit and remedies, in words, published with the list (Shanghai Art 25)
    exit_conditions: str
    remedies: str
    parameters: dict[Code, Parameter] = Field(default_factory=dict)
    effective_from: date
    effective_to: date | None = None

    @property
    def subject_level(self) -> bool:
        """One entry per subject (a streak or an absence criterion), not per source record."""
        return self.entry.streak is not None or self.entry.absence is not None

    @model_validator(mode="after")
    def _parameters_exist(self) -> ListType:
        named = [
            self.notice.period,
            self.term.months if self.term else None,
            self.extension.max_months if self.extension else None,
            self.waits,
            self.entry.absence.months if self.entry.absence else None,
            self.early_exit.after_months if self.early_exit else None,
            self.removal_working_days,
        ]
        for name in filter(None, named):
            if name not in self.parameters:
                raise ValueError(f"parameter {name!r} is used but not defined under `parameters`")
        if self.polarity != "black" and self.serious:
            raise ValueError("only a black list can be a serious list")
        return self


class RepairBar(Strict):
    """A legal bar to credit repair: while a record of one of ``items`` about the subject is
    younger than the procedure parameter ``years``, none of its records is repaired (e.g.
    Shenzhen Art 83: three years after seriously obstructing a bankruptcy procedure)."""

    id: Code
    description: str
    items: tuple[Code, ...] = Field(min_length=1)
    #: the name of a parameter under ``parameters`` (this pack's or a parent's), in years
    years: Code
    legal_basis: tuple[Reference, ...] = Field(min_length=1)


class ProceduresFile(Strict):
    """``procedures.yaml``: deadlines of due process (objections, repair, notices) as
    parameters, and the legal bars to repair. A local pack may narrow a national deadline
    (shorter), never widen it."""

    parameters: dict[Code, Parameter] = Field(default_factory=dict)
    repair_bars: tuple[RepairBar, ...] = ()
