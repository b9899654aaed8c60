"""Subject-level list entries in plain Python: a streak of qualifying records (e.g. A grade
three years running) or the absence of negative records (e.g. the green lane). Pure
functions of one subject's rows, events and the date, like ``oracle.derive_entry``: the test
oracle of ``compiled_subject_lists``; evaluation never calls them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ..ledger import EventKind
from ..schemes import Pack, Reference
from ..schemes.lists import ListType
from ..workdays import add_months
from .lifecycle import (
    EntryStatus,
    ExitReason,
    ListEntry,
    citations,
    entry_explanation,
    parameter_used,
)


def derive_streak_entry(
    pack: Pack,
    list_type: ListType,
    rows: Sequence[dict[str, Any]],
    events: Sequence[dict[str, Any]],
    _as_of: date,  # rows and events are already cut at the date; kept to match derive_entry
    cited: dict[Reference, str] | None = None,
) -> ListEntry | None:
    """A subject-level entry (``entry.streak``): the subject's latest ``count`` consecutive
    values of the streak field all meet the criteria. ``rows`` are one subject's trigger rows.

    Only the standing version of each record counts, and revoked or repaired records do not.
    When a newer value breaks a streak that held, the entry is ``exited`` on that record's date.
    """
    streak = list_type.entry.streak
    assert streak is not None
    cited = cited if cited is not None else citations(pack, list_type)
    ended = {e["record_id"] for e in events if e["kind"] in (EventKind.REVOKED, EventKind.REPAIRED)}
    standing: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["source_agency"], row["source_record_id"])
        if key not in standing or row["version"] > standing[key]["version"]:
            standing[key] = row
    by_value: dict[int, dict[str, Any]] = {}
    for row in standing.values():
        value = row.get("streak_value")
        if not isinstance(value, int) or row["record_id"] in ended:
            continue
        if value not in by_value or row["decided_on"] > by_value[value]["decided_on"]:
            by_value[value] = row
    if not by_value:
        return None

    def run_ending(at: int) -> list[dict[str, Any]]:
        run = []
        while at in by_value and by_value[at]["matches"]:
            run.append(by_value[at])
            at -= 1
        return run

    latest = max(by_value)
    run = run_ending(latest)
    exited_on, exit_reason = None, None
    if len(run) < streak.count:
        run = run_ending(latest - 1)
        if len(run) < streak.count:
            return None
        exited_on, exit_reason = by_value[latest]["decided_on"], ExitReason.CRITERIA_NO_LONGER_MET
    qualifying = run[: streak.count]
    completing = max(qualifying, key=lambda r: r["decided_on"])
    active_from = max(completing["decided_on"], list_type.effective_from)
    explanation = entry_explanation(pack, list_type, cited, qualifying, {})
    explanation["streak"] = {
        "field": streak.field,
        "values": sorted(r["streak_value"] for r in qualifying),
    }
    return ListEntry(
        list_id=list_type.id,
        subject_id=completing["subject_id"],
        source_agency=completing["source_agency"],
        source_record_id=completing["source_record_id"],
        status=EntryStatus.EXITED if exited_on else EntryStatus.ACTIVE,
        listed_on=active_from,
        noticed_on=None,
        active_from=active_from,
        expires_on=None,
        exited_on=exited_on,
        exit_reason=exit_reason,
        record_ids=tuple(
            r["record_id"] for r in sorted(qualifying, key=lambda r: r["streak_value"])
        ),
        explanation=explanation,
    )


def derive_absence_entry(
    pack: Pack,
    list_type: ListType,
    rows: Sequence[dict[str, Any]],
    last_negative: date | None,
    as_of: date,
    cited: dict[Reference, str] | None = None,
) -> ListEntry | None:
    """A subject-level entry (``entry.absence``): on the list once the subject has existed
    for the period and its last negative record is at least that old. ``rows``: the
    subject's matching candidates, each record in its standing version only (a record
    corrected to name another subject counts for that one)."""
    absence = list_type.entry.absence
    assert absence is not None
    cited = cited if cited is not None else citations(pack, list_type)
    # a since value that is no date (``engines.iso_date``: with a time, malformed) does not
    # qualify; a date older than any list counts by its date, as the queries' 0 does
    matching = [r for r in rows if r["matches"] and not isinstance(r.get("since_value"), str)]
    if not matching:
        return None
    first = min(matching, key=lambda r: (r.get("since_value") or r["decided_on"], r["version"]))
    since: date = first.get("since_value") or first["decided_on"]
    months, used = parameter_used(list_type, cited, absence.months, as_of)
    if months is None:
        return None
    starts = [add_months(since, months), list_type.effective_from]
    if last_negative is not None:
        starts.append(add_months(last_negative, months))
    active_from = max(starts)
    if active_from > as_of:
        return None
    explanation = entry_explanation(pack, list_type, cited, [first], {absence.months: used})
    explanation["absence"] = {
        "since": since.isoformat(),
        "last_negative_record": last_negative.isoformat() if last_negative else None,
    }
    return ListEntry(
        list_id=list_type.id,
        subject_id=first["subject_id"],
        source_agency=first["source_agency"],
        source_record_id=first["source_record_id"],
        status=EntryStatus.ACTIVE,
        listed_on=active_from,
        noticed_on=None,
        active_from=active_from,
        expires_on=None,
        exited_on=None,
        exit_reason=None,
        record_ids=(first["record_id"],),
        explanation=explanation,
    )
