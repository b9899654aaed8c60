"""Publicity regimes for administrative penalty information (docs/sources.md §7.1), as pack data.

A regime says, per severity class, whether a penalty is shown at all, after how many months
its subject may apply for repair (the minimum publicity period) and after how many months
publicity stops by itself (the maximum). Regimes succeed each other by date; a regulator's own
regime (SAMR Order 107) governs the records it provides. Periods run from the day the
information was disclosed, under the regime in force that day.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from .model import Code, Reference, Strict


class SeverityRule(Strict):
    displayed: bool = True
    #: months after disclosure from which repair may be sought; ``null``: any time
    min_months: int | None = Field(default=None, ge=0)
    #: months after disclosure when publicity stops by itself; ``null``: no automatic stop
    max_months: int | None = Field(default=None, ge=1)


class PublicityRegime(Strict):
    id: Code
    name: str
    reference: Reference
    #: ``null`` only for the earliest regime, whose start is not checked
    effective_from: date | None
    #: providers it governs (a regulator's own regime); empty: every provider
    providers: tuple[Code, ...] = ()
    #: whether penalties on natural persons are shown
    individuals_displayed: bool
    #: whether penalties decided by the simplified procedure are shown
    simplified_displayed: bool
    severities: dict[Code, SeverityRule] = Field(min_length=1)


class PublicityFile(Strict):
    regimes: tuple[PublicityRegime, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_undated(self) -> PublicityFile:
        undated = [r.id for r in self.regimes if r.effective_from is None]
        if len(undated) > 1:
            raise ValueError(f"only one regime may lack `effective_from`; these do: {undated}")
        return self
