"""Grading schemes as pack data: transparent indicators over catalogue records, weights as
dated parameters with references, and score bands.

A subject's score starts from ``start_score`` and moves by each indicator's points per
qualifying record in the window (capped per indicator). An indicator with a ``direct_grade``
sets the grade outright (e.g. tax credit D for a major tax violation). Indicators can only
count catalogue items, so no factor unrelated to credit can enter (Shenzhen Art 29).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from ..types import PublicAttribute, SubjectKind
from .lists import Condition, Parameter
from .model import Code, Reference, Strict


class Indicator(Strict):
    id: Code
    description: str
    items: tuple[Code, ...] = Field(min_length=1)
    where: tuple[Condition, ...] = ()
    #: parameter: points per qualifying record (negative for deductions)
    points: Code
    #: parameter: the most this indicator may move the score, in either direction
    cap: Code | None = None
    #: a grade given outright when the indicator counts at least one record
    direct_grade: str | None = None
    #: the direct grade applies only from this score up (e.g. M for new enterprises ≥ 70)
    direct_grade_min_score: int | None = None


class Band(Strict):
    grade: str
    #: lowest score for this grade; ``null`` for the last, lowest band
    min_score: int | None


class GradingScheme(Strict):
    id: Code
    name_zh: str
    name_en: str
    legal_basis: tuple[Reference, ...] = Field(min_length=1)
    subject_kinds: tuple[SubjectKind, ...] = Field(min_length=1)
    #: who may see a subject's grade
    public: PublicAttribute
    #: the agency that answers for the grade: it decides objections to it and serves the
    #: notice of an adverse grade (an agency code); ``null``: grade objections are refused
    authority: Code | None = None
    #: grades that are adverse evaluations (不良信用评价): shown to no one but the subject
    #: until the authority has served written notice of them (Shenzhen Art 39)
    adverse_grades: tuple[str, ...] = ()
    #: off-by-default pilots (a points scheme) must be switched on explicitly
    enabled: bool = True
    pilot: bool = False
    #: parameter: months of records before the evaluation date that count
    window_months: Code
    #: parameter: the score every subject starts from
    start_score: Code
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    bands: tuple[Band, ...] = Field(min_length=2)
    parameters: dict[Code, Parameter]
    effective_from: date
    effective_to: date | None = None

    def in_force(self, day: date) -> bool:
        """Whether the scheme grades on ``day`` (``effective_to`` inclusive)."""
        ends = self.effective_to
        return self.effective_from <= day and (ends is None or day <= ends)

    @model_validator(mode="after")
    def _consistent(self) -> GradingScheme:
        names = [self.window_months, self.start_score]
        for indicator in self.indicators:
            names += [indicator.points, *([indicator.cap] if indicator.cap else [])]
        for name in names:
            if name not in self.parameters:
                raise ValueError(f"parameter {name!r} is used but not defined under `parameters`")
        mins = [b.min_score for b in self.bands]
        if mins[-1] is not None or None in mins[:-1]:
            raise ValueError("only the last band has `min_score: null`")
        scores = [m for m in mins[:-1] if m is not None]  # all, after the check above
        if scores != sorted(scores, reverse=True):
            raise ValueError("bands go from the highest score down")
        unknown = (
            set(self.adverse_grades)
            - {b.grade for b in self.bands}
            - {i.direct_grade for i in self.indicators if i.direct_grade}
        )
        if unknown:
            raise ValueError(f"adverse_grades {sorted(unknown)} are not grades of this scheme")
        if self.pilot and self.enabled:
            raise ValueError("a pilot scheme is off by default: set `enabled: false`")
        return self
