"""Joint rewards and penalties as pack data: responding agencies, the measures catalogue
(the national basic list of disciplinary measures and the incentives), and memoranda.

A **measure** is one thing a responding agency does about a listed subject for some
*actions* (``aviation.ticket``, ``procurement.bid`` …): refuse it (``deny``), warn about it
and leave the decision to the agency or market actor (``advise``), or grant an incentive
(``reward``). Its ``category`` is the national list's: rights-reducing measures by public
bodies, management within a body's own duties, or market actors' own decisions — market
actors only ever receive advice. A measure reaches persons linked to the subject (legal
representative, principal person, directly responsible persons) only where its own legal
basis says so (``reaches`` with ``reach_basis``).

A **memorandum** (合作备忘录) binds measures to target lists: initiator, signatories, and
rows of (measure, legal basis, implementing agency), in force between two dates.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from ..types import LinkRole
from .model import Code, Reference, Strict

Category = Literal["rights_reducing", "own_duties", "market_autonomous"]
Effect = Literal["deny", "advise", "reward"]


class Responder(Strict):
    """A responding agency (实施/响应部门): applies measures and answers notices."""

    name_zh: str
    name_en: str
    #: public bodies apply measures; market actors (banks, associations) receive advice
    kind: Literal["public_body", "market_actor"]


class RespondersFile(Strict):
    responders: dict[Code, Responder]


class Measure(Strict):
    id: Code
    content_zh: str
    content_en: str
    category: Category
    effect: Effect
    #: what the implementing agency is asked about, e.g. ``aviation.ticket``
    actions: tuple[Code, ...] = Field(min_length=1)
    legal_basis: tuple[Reference, ...] = Field(min_length=1)
    #: the responder that implements it (``responders.yaml``)
    implementing_agency: Code
    #: linked persons it reaches besides the subject; needs ``reach_basis``
    reaches: tuple[LinkRole, ...] = ()
    reach_basis: Reference | None = None
    #: also applied to consumption-restriction orders (限制消费令) covering its actions, not
    #: only to list entries: the court order is its own legal basis
    applies_to_orders: bool = False
    #: how the subject gets the measure lifted, in words
    remedy: str
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _reach_has_basis(self) -> Measure:
        if self.reaches and self.reach_basis is None:
            raise ValueError(
                "a measure that reaches linked persons needs `reach_basis`: the article that "
                "extends it to them"
            )
        if self.category == "market_autonomous" and self.effect == "deny":
            raise ValueError("a market actor's measure can only `advise` (or `reward`), never deny")
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


class MeasuresFile(Strict):
    measures: tuple[Measure, ...]


class MemorandumRow(Strict):
    measure: Code
    legal_basis: tuple[Reference, ...] = Field(min_length=1)
    implementing_agency: Code


class Memorandum(Strict):
    id: Code
    title_zh: str
    title_en: str
    #: the document number, e.g. 发改财金〔2016〕141号
    number: str
    legal_basis: tuple[Reference, ...] = Field(min_length=1)
    #: the initiating department (发起部门): the list's keeper
    initiator: Code
    signatories: tuple[Code, ...] = Field(min_length=1)
    target_lists: tuple[Code, ...] = Field(min_length=1)
    rows: tuple[MemorandumRow, ...] = Field(min_length=1)
    effective_from: date
    effective_to: date | None = None

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


class CommitmentMatter(Strict):
    """A matter where the credit-commitment route (信用承诺) applies: the subject may commit
    instead of proving in advance. Optional, always: the ordinary route stays open."""

    id: Code
    name_zh: str
    name_en: str
    #: the agency that accepts the commitment and checks its performance (an agency code)
    authority: Code
    legal_basis: tuple[Reference, ...] = Field(min_length=1)
    template_zh: str
    template_en: str


class CommitmentsFile(Strict):
    matters: tuple[CommitmentMatter, ...]
