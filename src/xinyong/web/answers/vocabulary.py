"""The vocabularies answers use, taken from the code that defines each one (an enum, a
``Literal`` or a tuple of the domain's), so a value added there shows in the OpenAPI
document's ``enum`` without a second list to keep in step.

Only the few vocabularies no domain module names are spelled here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from ...access import Purpose, Role
from ...evaluate.lifecycle import EntryStatus, ExitReason
from ...ledger.model import EventKind, RecordStatus
from ...rights import commitments, evidence, objections, repair
from ...schemes.lists import ListPolarity, Operator
from ...schemes.measures import Category as MeasureCategory
from ...schemes.measures import Effect as MeasureEffect
from ...schemes.model import FieldType, InstrumentKind
from ...types import Area, LinkRole, Polarity, PublicAttribute, SubjectKind
from .base import OneOf

#: what an objection contests
TargetKind = Annotated[str, OneOf(objections.TARGET_KINDS)]
#: how an objection is decided
ObjectionOutcome = Annotated[str, OneOf(objections.OUTCOMES)]
#: how a repair application is decided
RepairOutcome = Annotated[str, OneOf(repair.OUTCOMES)]
#: the type of an evidence file, sniffed from its content
MediaType = Annotated[str, OneOf(evidence.SIGNATURES)]
#: an authority's finding on a commitment
Finding = Annotated[str, OneOf(commitments.FINDINGS)]
#: an objection or repair application: ``open`` until its one decision
CaseStatus = Literal["open", "decided"]
#: ``public_credit``: the pack's working-day deadlines; ``credit_reporting``: 20 calendar days
#: (征信业管理条例 Art 25), for an objection to a credit report
Regime = Literal["public_credit", "credit_reporting"]
#: the two kinds of decision the double publicity publishes (双公示)
PublicityKind = Literal["licensing", "penalty"]
#: deadlines of an entry computed on a year without the State Council's holiday notice
ProvisionalDeadline = Literal["notice_period", "remove_by"]

__all__ = [
    "Area",
    "CaseStatus",
    "EntryStatus",
    "EventKind",
    "ExitReason",
    "FieldType",
    "Finding",
    "InstrumentKind",
    "LinkRole",
    "ListPolarity",
    "MeasureCategory",
    "MeasureEffect",
    "MediaType",
    "ObjectionOutcome",
    "Operator",
    "Polarity",
    "ProvisionalDeadline",
    "PublicAttribute",
    "PublicityKind",
    "Purpose",
    "RecordStatus",
    "Regime",
    "RepairOutcome",
    "Role",
    "SubjectKind",
    "TargetKind",
]
