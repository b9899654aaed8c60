"""Is a list entry in force on a date? The one answer every reader uses.

The answer is the newest materialised evaluation on or before the date (its as-of day ``E``)
plus the decisions recorded since it. An entry is in force on ``on`` when its status is
``active`` (or ``noticed`` with its notice period over by ``on``), it took effect by ``on``,
it has not exited by ``on``, its term (extended as below) has not ended, and no decision
effective by ``on`` ended it. Which decisions end it depends on the kind of list, as the
lifecycle (``lifecycle.derive_entry``, ``subject_level``) says:

- a record-level list (one entry per source record): a decision about any version of the
  entry's source record decided by ``on`` — a revocation if the list has
  ``exit_on_revocation``, a repair if ``exit_on_repair``, a removal on an upheld objection
  (``delisted``) naming this list, an early exit once the list's minimum time (the dated
  parameter in force when the entry took effect) has passed; or the latest version of the
  source record decided by ``on`` no longer meets the list's criteria (the debt was paid).
  An ``extended`` decision the evaluation did not see (in effect after ``E``, or received
  after the evaluation ran), in effect by ``on`` and before the stored expiry, adds its
  months (all together at most the list's dated maximum in force at that expiry);
- a streak list (``entry.streak``): a revocation or a repair of any record the streak is
  made of (``record_ids``), whatever the list's exit flags (the lifecycle drops such records
  from every year); no removal, early exit or extension applies;
- an absence list (``entry.absence``): no decision ends it; only its dates.

Approximations, each exact again at the next evaluation: a streak whose record is revoked is
ended even where earlier years would still make a (different) streak entry; a new streak
year or version that breaks the streak, and a new negative record that interrupts an
absence, are seen only by the next evaluation; an entry already extended at ``E`` has its
later extensions capped on their own, within its extended term.

Which path answers when: the pages, search, statistics (``in_force_since_clause``: the same
answer, looked up only for the subjects decided about since the oldest retained evaluation),
own file, reports, dispatch and extracts answer from this module. Screening (``/api/screen``,
bulk) answers from the screening index (``sanctions.index``): when built, from this module
(``sanctions.standing.materialised_listings``); once it has followed the ledger, the subjects
received about since re-derived with ``evaluate_lists`` (the lifecycle itself). The two agree
but for the approximations above (``tests/test_in_force_scenario.py`` checks both after each
kind of decision).

It comes in two forms that a test holds equal: :func:`xinyong.evaluate.in_force_sql.
in_force_clause`, a SQL condition correlated on a ``list_entries`` row, and :func:`in_force`,
the same over a fetched row and its :class:`Decision` s (fetched by
:func:`xinyong.evaluate.decisions_since.decisions_about`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..ledger import EventKind
from ..schemes import Pack
from ..schemes.lists import ListType
from ..workdays import add_months

#: decisions that end a list entry at once, before the next evaluation is materialised
ENDING_EVENTS = (EventKind.REVOKED, EventKind.REPAIRED, EventKind.EARLY_EXIT, EventKind.DELISTED)
#: decisions read about an entry's records: the ending ones and extensions of its term
READ_EVENTS = (*ENDING_EVENTS, EventKind.EXTENDED)
#: the decision a later version of the source record that no longer qualifies stands for
NO_LONGER_MET = "criteria_no_longer_met"
#: statuses an entry can be in force in (a noticed entry once its notice period is over)
LIVE_STATUSES = ("active", "noticed")


@dataclass(frozen=True)
class Decision:
    """A decision about one version of a record (an event of it), or (``NO_LONGER_MET``) the
    source record's latest version no longer meeting ``list_id``'s criteria."""

    record_id: str
    source_agency: str
    source_record_id: str
    kind: str
    effective_on: date
    #: the list a ``delisted`` event removes the record from, or whose criteria fail
    list_id: str | None = None
    #: the months an ``extended`` event adds
    months: int = 0
    #: when the ledger received it
    recorded_at: datetime | None = None
    #: the event's id (two alike events both count)
    event_id: str = ""


@dataclass(frozen=True)
class Evaluated:
    """The evaluation an entry row comes from: its date and when it read the ledger."""

    as_of: date
    recorded_at: datetime

    def saw(self, decision: Decision) -> bool:
        """Whether the evaluation took ``decision`` into account (in effect by its date and
        received before it ran)."""
        return decision.effective_on <= self.as_of and (
            decision.recorded_at is not None and decision.recorded_at <= self.recorded_at
        )


#: for a row whose evaluation is not stored: it saw nothing
UNKNOWN = Evaluated(date.min, datetime.min.replace(tzinfo=UTC))


def record_ids(row: Mapping[str, Any]) -> list[str]:
    found = row["record_ids"]
    return list(json.loads(found) if isinstance(found, str) else found or [])


def subject_level(list_type: ListType | None) -> bool:
    """A known list with one entry per subject (``ListType.subject_level``)."""
    return list_type is not None and list_type.subject_level


def dated(list_type: ListType, name: str, day: date) -> int:
    """The value of the parameter ``name`` in force on ``day`` (0 when none is)."""
    found = list_type.parameters[name].at(day)
    return int(found[0]) if found is not None and found[0] is not None else 0


def ends_list(pack: Pack, kind: str, list_id: str) -> bool:
    """Whether a revocation or a repair (``kind``) ends entries of the record-level list
    ``list_id``: as the list type says (``exit_on_revocation`` / ``exit_on_repair``); a list
    the pack does not know follows the defaults (both end it)."""
    list_type = pack.lists.get(list_id)
    if kind == EventKind.REVOKED:
        return list_type is None or list_type.exit_on_revocation
    if kind == EventKind.REPAIRED:
        return list_type is None or list_type.exit_on_repair
    return False


def ends(pack: Pack, row: Mapping[str, Any], decision: Decision) -> bool:
    """Whether ``decision`` ends the entry ``row`` (whatever its date)."""
    list_type = pack.lists.get(row["list_id"])
    kind = decision.kind
    if list_type is not None and list_type.entry.absence is not None:
        return False
    if list_type is not None and list_type.entry.streak is not None:
        return kind in (EventKind.REVOKED, EventKind.REPAIRED) and (
            decision.record_id in record_ids(row)
        )
    if (decision.source_agency, decision.source_record_id) != (
        row["source_agency"],
        row["source_record_id"],
    ):
        return False
    if kind in (EventKind.REVOKED, EventKind.REPAIRED):
        return ends_list(pack, kind, row["list_id"])
    if kind in (EventKind.DELISTED, NO_LONGER_MET):
        return decision.list_id is not None and decision.list_id == str(row["list_id"])
    if kind == EventKind.EARLY_EXIT:
        start = row["active_from"]
        if list_type is None or list_type.early_exit is None or start is None:
            return False
        minimum = dated(list_type, list_type.early_exit.after_months, start)
        return decision.effective_on >= add_months(start, minimum)
    return False


def expiry(
    pack: Pack,
    row: Mapping[str, Any],
    decisions: Iterable[Decision],
    evaluated: Evaluated,
    on: date,
) -> date | None:
    """The entry's expiry on ``on``: as stored, plus the extensions its evaluation did not
    see, in effect by ``on`` and before it, within the list's maximum."""
    stored: date | None = row["expires_on"]
    list_type = pack.lists.get(row["list_id"])
    if stored is None or list_type is None or list_type.extension is None:
        return stored
    key = (row["source_agency"], row["source_record_id"])
    added = sum(
        d.months
        for d in decisions
        if d.kind == EventKind.EXTENDED
        and (d.source_agency, d.source_record_id) == key
        and not evaluated.saw(d)
        and d.effective_on <= on
        and d.effective_on < stored
    )
    if not added:
        return stored
    return add_months(stored, min(added, dated(list_type, list_type.extension.max_months, stored)))


def in_force_by_dates(row: Mapping[str, Any], on: date, expires_on: date | None) -> bool:
    """Whether the materialised entry ``row`` is in force on ``on`` by its own dates."""
    return (
        row["status"] in LIVE_STATUSES
        and row["active_from"] is not None
        and row["active_from"] <= on
        and (expires_on is None or expires_on > on)
        and (row["exited_on"] is None or row["exited_on"] > on)
    )


def ended_by_decision(
    pack: Pack, row: Mapping[str, Any], decisions: Iterable[Decision], on: date
) -> bool:
    """Whether a decision effective by ``on`` ended ``row`` (``decisions``: any that may be
    about its records; others are ignored)."""
    return any(d.effective_on <= on and ends(pack, row, d) for d in decisions)


def in_force(
    pack: Pack,
    row: Mapping[str, Any],
    decisions: Sequence[Decision],
    evaluated: Evaluated,
    on: date,
) -> bool:
    """Whether the materialised entry ``row`` of the evaluation ``evaluated`` is in force on
    ``on``, given the decisions about its records (``decisions_since.decisions_about``)."""
    expires_on = expiry(pack, row, decisions, evaluated, on)
    return in_force_by_dates(row, on, expires_on) and not ended_by_decision(
        pack, row, decisions, on
    )
