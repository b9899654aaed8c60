"""Result rows of the compiled lifecycle turned into ``ListEntry`` objects: day numbers to
dates, parameter slots to the explanation's parameters with their references in words.
No rule is decided here; the query has decided them all."""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import workdays
from ..schemes import Pack, Reference
from ..schemes.lists import ListType
from ..workdays import CalendarError
from .lifecycle import EntryStatus, ExitReason, ListEntry, entry_explanation


def _day(value: Any) -> date | None:
    return None if value is None else date.fromordinal(int(value))


def _ids(joined: str | None) -> tuple[str, ...]:
    """``"2:b,1:a"`` (version:record id, in any order) → record ids, oldest version first."""
    pairs = [part.split(":", 1) for part in (joined or "").split(",") if part]
    return tuple(record_id for _, record_id in sorted(pairs, key=lambda p: int(p[0])))


def slot_parameters(list_type: ListType) -> dict[str, str | None]:
    """Which parameter each slot of ``compiled_lists.lifecycle_query`` reads."""
    return {
        "w": list_type.waits,
        "n": list_type.notice.period if list_type.notice.required else None,
        "t": list_type.term.months if list_type.term else None,
        "x": list_type.extension.max_months if list_type.extension else None,
        "e": list_type.early_exit.after_months if list_type.early_exit else None,
        "r": list_type.removal_working_days,
    }


def _used(
    list_type: ListType, cited: dict[Reference, str], name: str, slot: str, row: dict[str, Any]
) -> dict[str, Any]:
    since = _day(row[f"{slot}_since"])
    if since is None:
        return {"value": None, "note": f"no value in force on {_day(row[f'{slot}_on'])}"}
    value = row[f"{slot}_val"]
    reference = list_type.parameters[name].values[since].reference
    return {
        "value": None if value is None else int(value),
        "since": since.isoformat(),
        "reference": cited[reference],
    }


def _off_calendar(list_type: ListType, row: dict[str, Any]) -> None:
    slot, start = ("n", row["noticed"]) if row["off_calendar"] == "n" else ("r", row["exited_on"])
    workdays.add_working_days(date.fromordinal(int(start)), int(row[f"{slot}_val"]))
    raise CalendarError(  # the calendar table lacked a year workdays knows: still no answer
        f"{list_type.id} {row['source_agency']} {row['source_record_id']}: a working-day "
        "period outside the working-day calendar",
        code="beyond-calendar",
    )


def entry_from_row(
    pack: Pack, list_type: ListType, cited: dict[Reference, str], row: dict[str, Any]
) -> ListEntry:
    """One row of ``lifecycle_query`` as a ``ListEntry`` with its explanation. Raises
    ``CalendarError`` for a working-day period outside the calendar, as the oracle does."""
    if row["off_calendar"] is not None:
        _off_calendar(list_type, row)
    used: dict[str, Any] = {}
    for slot, name in slot_parameters(list_type).items():
        if name is not None and row[f"{slot}_used"]:
            used[name] = _used(list_type, cited, name, slot, row)
        if slot == "t" and row["t_record"] and list_type.term is not None:
            own = {"value": int(row["own"]), "field": list_type.term.months_field}
            used["term_from_record"] = own
    triggering = [{"record_id": r} for r in _ids(row["match_ids"])]
    explanation = entry_explanation(pack, list_type, cited, triggering, used)
    remove_by = _day(row["remove_by"])
    if remove_by is not None:
        explanation["remove_by"] = remove_by.isoformat()
    provisional = [
        name
        for name, flag in (("notice_period", row["n_prov"]), ("remove_by", row["r_prov"]))
        if flag
    ]
    if provisional:
        explanation["provisional"] = True
        explanation["provisional_deadlines"] = provisional
    listed_on = _day(row["first_d"])
    assert listed_on is not None
    return ListEntry(
        list_id=list_type.id,
        subject_id=row["subject_id"],
        source_agency=row["source_agency"],
        source_record_id=row["source_record_id"],
        status=EntryStatus(row["status"]),
        listed_on=listed_on,
        noticed_on=_day(row["noticed"]),
        active_from=_day(row["af"]),
        expires_on=_day(row["expires"]),
        exited_on=_day(row["exited_on"]),
        exit_reason=ExitReason(row["exit_reason"]) if row["exit_reason"] else None,
        record_ids=_ids(row["all_ids"]),
        explanation=explanation,
    )


def streak_entry_from_row(
    pack: Pack, list_type: ListType, cited: dict[Reference, str], row: dict[str, Any]
) -> ListEntry:
    """One row of ``compiled_subject_lists.streak_query`` as a ``ListEntry``."""
    assert list_type.entry.streak is not None
    pairs = sorted(
        (int(value), record_id)
        for value, record_id in (p.split(":", 1) for p in row["ids"].split(","))
    )
    # the qualifying records, newest value first (the order the streak is read in)
    triggering = [{"record_id": record_id} for _, record_id in reversed(pairs)]
    explanation = entry_explanation(pack, list_type, cited, triggering, {})
    explanation["streak"] = {
        "field": list_type.entry.streak.field,
        "values": [value for value, _ in pairs],
    }
    active_from, exited_on = _day(row["af"]), _day(row["exited_on"])
    assert active_from is not None
    return ListEntry(
        list_id=list_type.id,
        subject_id=row["subject_id"],
        source_agency=row["source_agency"],
        source_record_id=row["source_record_id"],
        status=EntryStatus.EXITED if exited_on else EntryStatus.ACTIVE,
        listed_on=active_from,
        noticed_on=None,
        active_from=active_from,
        expires_on=None,
        exited_on=exited_on,
        exit_reason=ExitReason.CRITERIA_NO_LONGER_MET if exited_on else None,
        record_ids=tuple(record_id for _, record_id in pairs),
        explanation=explanation,
    )


def absence_entry_from_row(
    pack: Pack,
    list_type: ListType,
    cited: dict[Reference, str],
    used: dict[str, Any],
    row: dict[str, Any],
) -> ListEntry:
    """One row of ``compiled_subject_lists.absence_query`` as a ``ListEntry`` (``used``: the
    months parameter as the explanation gives it)."""
    absence = list_type.entry.absence
    assert absence is not None
    explanation = entry_explanation(
        pack, list_type, cited, [{"record_id": row["record_id"]}], {absence.months: used}
    )
    since: date | None = row["since_value"] or _day(row["s"])
    last = _day(row["last_d"])
    assert since is not None
    explanation["absence"] = {
        "since": since.isoformat(),
        "last_negative_record": last.isoformat() if last else None,
    }
    active_from = _day(row["af"])
    assert active_from is not None
    return ListEntry(
        list_id=list_type.id,
        subject_id=row["subject_id"],
        source_agency=row["source_agency"],
        source_record_id=row["source_record_id"],
        status=EntryStatus.ACTIVE,
        listed_on=active_from,
        noticed_on=None,
        active_from=active_from,
        expires_on=None,
        exited_on=None,
        exit_reason=None,
        record_ids=(row["record_id"],),
        explanation=explanation,
    )
