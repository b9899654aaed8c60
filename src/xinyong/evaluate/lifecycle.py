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

The function is pure: the same inputs give the same entry, on any engine, on any day.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from ..ledger import EventKind
from ..schemes import Pack, Reference
from ..schemes.lists import ListType
from ..workdays import add_months, add_working_days, is_provisional


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


def _attributes(event: dict[str, Any]) -> dict[str, Any]:
    attributes = event.get("attributes") or {}
    return json.loads(attributes) if isinstance(attributes, str) else dict(attributes)


def _months(event: dict[str, Any]) -> int:
    return int(_attributes(event).get("months", 0))


def _list_of(event: dict[str, Any]) -> str | None:
    """The list a ``delisted`` event removes the record from."""
    found = _attributes(event).get("list_id")
    return str(found) if found is not None else None


def derive_entry(
    pack: Pack,
    list_type: ListType,
    versions: Sequence[dict[str, Any]],
    events: Sequence[dict[str, Any]],
    as_of: date,
    cited: dict[Reference, str] | None = None,
) -> ListEntry | None:
    """The entry one source record gives rise to on ``as_of``; ``None`` if it never qualified.

    Args:
        versions: rows of ``trigger_query`` for one source record (any order).
        events: rows of ``events_query`` for those versions.
        cited: ``citations(pack, list_type)``, passed in when many entries are derived.
    """
    cited = cited if cited is not None else citations(pack, list_type)
    versions = sorted(versions, key=lambda v: v["version"])
    matching = [v for v in versions if v["matches"]]
    if not matching:
        return None
    first, latest = matching[0], versions[-1]
    used: dict[str, Any] = {}
    #: deadlines computed on a provisional calendar year
    provisional: list[str] = []
    kinds: dict[str, list[date]] = {}
    for event in events:
        kinds.setdefault(event["kind"], []).append(event["effective_on"])
    noticed_on = min(kinds.get(EventKind.NOTICE_SERVED, []), default=None)
    # no consequence before the rule exists: nothing takes effect before the list does
    active_from: date | None = max(first["decided_on"], list_type.effective_from)
    if list_type.waits is not None:
        waited, used[list_type.waits] = parameter_used(
            list_type, cited, list_type.waits, first["decided_on"]
        )
        if waited is None:
            return None
        active_from = max(add_months(first["decided_on"], waited), list_type.effective_from)
        if active_from > as_of:
            return None  # not yet: an entry appears only once the record has stood long enough
    if list_type.notice.required:
        active_from = None
        if noticed_on is not None:
            period = 0
            if list_type.notice.period:
                value, used[list_type.notice.period] = parameter_used(
                    list_type, cited, list_type.notice.period, noticed_on
                )
                period = value or 0
            last_day = add_working_days(noticed_on, period) if period else noticed_on
            if period and is_provisional(noticed_on, last_day):
                provisional.append("notice_period")
            active_from = max(last_day + timedelta(days=1), list_type.effective_from)
    expires_on = None
    if list_type.term and first["term_applies"] and active_from is not None:
        months, used[list_type.term.months] = parameter_used(
            list_type, cited, list_type.term.months, active_from
        )
        own = first.get("term_months")
        if list_type.term.months_field is not None and own is not None and months is not None:
            months = min(own, months)  # the record's own term, within the legal maximum
            used["term_from_record"] = {"value": own, "field": list_type.term.months_field}
        if months is not None:
            expires_on = add_months(active_from, months)
    if expires_on is not None and list_type.extension is not None:
        added = sum(
            _months(e)
            for e in events
            if e["kind"] == EventKind.EXTENDED and e["effective_on"] < expires_on
        )
        if added:
            limit, used[list_type.extension.max_months] = parameter_used(
                list_type, cited, list_type.extension.max_months, expires_on
            )
            expires_on = add_months(expires_on, min(added, limit or 0))
    exits: list[tuple[date, ExitReason]] = []
    if expires_on is not None and expires_on <= as_of:
        exits.append((expires_on, ExitReason.EXPIRED))
    if list_type.exit_on_revocation and kinds.get(EventKind.REVOKED):
        exits.append((min(kinds[EventKind.REVOKED]), ExitReason.REVOKED))
    if list_type.exit_on_repair and kinds.get(EventKind.REPAIRED):
        exits.append((min(kinds[EventKind.REPAIRED]), ExitReason.REPAIRED))
    removed = [
        e["effective_on"]
        for e in events
        if e["kind"] == EventKind.DELISTED and _list_of(e) == list_type.id
    ]
    if removed:
        exits.append((min(removed), ExitReason.REMOVED_ON_OBJECTION))
    if (
        list_type.early_exit is not None
        and active_from is not None
        and kinds.get(EventKind.EARLY_EXIT)
    ):
        minimum, used[list_type.early_exit.after_months] = parameter_used(
            list_type, cited, list_type.early_exit.after_months, active_from
        )
        earliest = add_months(active_from, minimum or 0)
        granted = [d for d in kinds[EventKind.EARLY_EXIT] if d >= earliest]
        if granted:
            exits.append((min(granted), ExitReason.EARLY_EXIT))
    if not latest["matches"]:
        exits.append((latest["decided_on"], ExitReason.CRITERIA_NO_LONGER_MET))
    exited_on, exit_reason = min(exits) if exits else (None, None)
    if list_type.waits and exited_on is not None and active_from and exited_on <= active_from:
        return None  # its record left before the wait was over: the entry never existed
    if exited_on is not None:
        status = EntryStatus.EXITED
    elif active_from is None:
        status = EntryStatus.CANDIDATE
    elif as_of < active_from:
        status = EntryStatus.NOTICED
    else:
        status = EntryStatus.ACTIVE
    explanation = entry_explanation(pack, list_type, cited, matching, used)
    if exited_on is not None and list_type.removal_working_days is not None:
        days, used[list_type.removal_working_days] = parameter_used(
            list_type, cited, list_type.removal_working_days, exited_on
        )
        if days:
            remove_by = add_working_days(exited_on, days)
            explanation["remove_by"] = remove_by.isoformat()
            if is_provisional(exited_on, remove_by):
                provisional.append("remove_by")
    if provisional:  # computed on a year with no State Council notice yet: may move
        explanation["provisional"] = True
        explanation["provisional_deadlines"] = provisional
    return ListEntry(
        list_id=list_type.id,
        subject_id=first["subject_id"],
        source_agency=first["source_agency"],
        source_record_id=first["source_record_id"],
        status=status,
        listed_on=first["decided_on"],
        noticed_on=noticed_on,
        active_from=active_from,
        expires_on=expires_on,
        exited_on=exited_on,
        exit_reason=exit_reason,
        record_ids=tuple(v["record_id"] for v in versions),
        explanation=explanation,
    )
