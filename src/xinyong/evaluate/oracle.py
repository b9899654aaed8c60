"""The list lifecycle in plain Python, one source record at a time: the test oracle the
compiled queries (``compiled_lists``) are held to. Nothing in evaluation calls it.

The function is pure: the same inputs give the same entry, on any engine, on any day.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from ..ledger import EventKind
from ..schemes import Pack, Reference
from ..schemes.lists import ListType
from ..workdays import add_months, add_working_days, is_provisional
from .casts import whole_months_of
from .criteria import events_query, last_record_query, trigger_query
from .engines import QueryEngine
from .lifecycle import (
    EntryStatus,
    ExitReason,
    ListEntry,
    citations,
    entry_explanation,
    parameter_used,
)


def _attributes(event: dict[str, Any]) -> dict[str, Any]:
    attributes = event.get("attributes") or {}
    return json.loads(attributes) if isinstance(attributes, str) else dict(attributes)


def _months(event: dict[str, Any]) -> int:
    return whole_months_of(_attributes(event).get("months")) or 0


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
        own = whole_months_of(first.get("term_months"))
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


def oracle_entries(
    engine: QueryEngine, pack: Pack, list_type: ListType, as_of: date
) -> list[ListEntry]:
    """The entries of ``list_type`` on ``as_of`` derived one source record (or, for streak and
    absence lists, one subject) at a time in Python from its trigger rows and events: what
    the compiled queries must equal. Rows are taken in source-key order, which settles ties
    (two records of a streak value decided the same day) as the queries do."""
    from .subject_level import derive_absence_entry, derive_streak_entry

    per_subject = list_type.subject_level
    rows = engine.rows(trigger_query(list_type, as_of))
    rows.sort(key=lambda r: (r["source_agency"], r["source_record_id"], r["version"]))
    if per_subject:  # a record counts for its latest version's subject
        latest = {(r["source_agency"], r["source_record_id"]): r["version"] for r in rows}
        rows = [
            r for r in rows if latest[(r["source_agency"], r["source_record_id"])] == r["version"]
        ]
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        key = (
            (row["subject_id"],) if per_subject else (row["source_agency"], row["source_record_id"])
        )
        groups[key].append(row)
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in engine.rows(events_query(list_type, as_of)):
        events[event["record_id"]].append(event)
    cited = citations(pack, list_type)
    last: dict[str, date] = {}
    if list_type.entry.absence is not None:
        negative = sorted(i.code for i in pack.catalogue if i.polarity == "negative")
        query = last_record_query(negative, as_of)
        last = {r["subject_id"]: r["last_on"] for r in engine.rows(query)}
    found: list[ListEntry | None] = []
    for group, versions in groups.items():
        evs = [e for v in versions for e in events.get(v["record_id"], [])]
        if list_type.entry.absence is not None:
            found.append(
                derive_absence_entry(pack, list_type, versions, last.get(group[0]), as_of, cited)
            )
        elif per_subject:
            found.append(derive_streak_entry(pack, list_type, versions, evs, as_of, cited))
        else:
            found.append(derive_entry(pack, list_type, versions, evs, as_of, cited))
    entries = [e for e in found if e is not None]
    return sorted(entries, key=lambda e: (e.subject_id, e.source_agency, e.source_record_id))
