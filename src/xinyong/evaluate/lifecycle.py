"""A list entry's state on a date, derived from its records and their events, nothing else.

One entry per list and source record (a subject with two court cases has two entries). For a
date ``as_of`` an entry is:

- ``candidate``: its record meets the list's criteria, the list requires prior notice, and
  none has been served;
- ``noticed``: notice was served and the period to answer has not run out;
- ``active``: in force (after the notice period, or from the decision where no notice is
  required, and never before the list itself took effect), until its term ends or an exit;
- ``exited``: its term ended, the decision was revoked, the record repaired, or a later
  version of the record no longer meets the criteria (e.g. the debt was paid).

Entries are derived by compiled queries (``compiled_lists``); ``oracle.derive_entry`` is the
same rules in plain Python, kept only to hold the queries to them in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ..schemes import Pack, Reference
from ..schemes.lists import ListType


class EntryStatus(StrEnum):
    CANDIDATE = "candidate"  # meets the criteria; prior notice not yet served
    NOTICED = "noticed"  # notice served; the period to answer is running
    ACTIVE = "active"  # on the list
    EXITED = "exited"  # left the list: expired, revoked, repaired or no longer meets criteria


class ExitReason(StrEnum):
    EXPIRED = "expired"  # the term ran out
    EARLY_EXIT = "early_exit"  # early removal granted after the minimum time
    REVOKED = "revoked"  # the underlying decision was annulled
    REPAIRED = "repaired"  # credit repair granted
    REMOVED_ON_OBJECTION = "removed_on_objection"  # an upheld objection found the listing wrong
    CRITERIA_NO_LONGER_MET = "criteria_no_longer_met"  # a later version no longer qualifies


@dataclass(frozen=True)
class ListEntry:
    """A subject's entry on a list on a date, with everything that explains it."""

    list_id: str
    subject_id: str
    source_agency: str
    source_record_id: str
    status: EntryStatus
    #: decision date of the first version that met the criteria
    listed_on: date
    noticed_on: date | None
    active_from: date | None
    expires_on: date | None
    exited_on: date | None
    exit_reason: ExitReason | None
    #: every version of the source record up to ``as_of``, oldest first
    record_ids: tuple[str, ...]
    #: rule, pack version, legal basis in words, parameter values with their references
    explanation: dict[str, Any] = field(compare=False)


def citations(pack: Pack, list_type: ListType) -> dict[Reference, str]:
    """Every reference of ``list_type`` in words, computed once per evaluation."""
    refs = [*list_type.legal_basis]
    refs += [v.reference for p in list_type.parameters.values() for v in p.values.values()]
    return {r: pack.cite(r) + ("" if r.verified else " (unverified)") for r in refs}


def parameter_used(
    list_type: ListType, cited: dict[Reference, str], name: str, on: date
) -> tuple[int | None, dict[str, Any]]:
    found = list_type.parameters[name].at(on)
    if found is None:
        return None, {"value": None, "note": f"no value in force on {on}"}
    value, since, reference = found
    return value, {"value": value, "since": since.isoformat(), "reference": cited[reference]}


def entry_explanation(
    pack: Pack,
    list_type: ListType,
    cited: dict[Reference, str],
    triggering: Sequence[dict[str, Any]],
    parameters: dict[str, Any],
) -> dict[str, Any]:
    """What every entry says about itself: rule, pack, basis, records, parameters, remedies."""
    return {
        "rule": list_type.id,
        "pack": f"{pack.id} {pack.meta.version}",
        "list": f"{list_type.name_zh} / {list_type.name_en}",
        "legal_basis": [cited[r] for r in list_type.legal_basis],
        "triggering_records": [r["record_id"] for r in triggering],
        "parameters": parameters,
        "exit_conditions": list_type.exit_conditions,
        "remedies": list_type.remedies,
    }
