"""Is a list entry in force on a date? The one answer every reader uses.

The answer is the newest materialised evaluation on or before the date plus the decisions
recorded since it: an entry is in force on ``on`` when

- its status is ``active`` (or ``noticed`` with its notice period over by ``on``), it took
  effect by ``on``, its term has not ended (``expires_on > on``) and it has not exited; and
- no ending event of its source record (any version, matched by ``source_agency`` and
  ``source_record_id``) effective by ``on`` ends it under its list type's rules:
  a revocation if the list has ``exit_on_revocation``, a repair if ``exit_on_repair``,
  a removal on an upheld objection (``delisted``) naming this list, an early exit once the
  list's minimum time (the dated parameter in force when the entry took effect) has passed.

It comes in two forms that a test holds equal: :func:`in_force_clause`, a SQL condition
correlated on a ``list_entries`` row (for WHERE / EXISTS, index-friendly: the ending events
are looked up through ``ix_records_source`` and the events' record index), and
:func:`in_force`, the same over a fetched row and its :func:`ending_events`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..ledger import EventKind
from ..ledger import tables as t
from ..schemes import Pack
from ..schemes.lists import ListType
from ..workdays import add_months
from .tables import list_entries

#: decisions that end a list entry at once, before the next evaluation is materialised
ENDING_EVENTS = (EventKind.REVOKED, EventKind.REPAIRED, EventKind.EARLY_EXIT, EventKind.DELISTED)
#: statuses an entry can be in force in (a noticed entry once its notice period is over)
LIVE_STATUSES = ("active", "noticed")

Day = date | sa.ColumnElement[Any]


@dataclass(frozen=True)
class EndingEvent:
    """A decision about one version of a source record that may end its entries."""

    source_agency: str
    source_record_id: str
    kind: str
    effective_on: date
    #: the list a ``delisted`` event removes the record from
    list_id: str | None = None


def early_exit_months(list_type: ListType, active_from: date) -> int:
    """The minimum months on ``list_type`` before an early exit takes effect, for an entry
    that took effect on ``active_from`` (0 when no value is in force then)."""
    assert list_type.early_exit is not None
    found = list_type.parameters[list_type.early_exit.after_months].at(active_from)
    return int(found[0]) if found is not None and found[0] is not None else 0


def ends_list(pack: Pack, kind: str, list_id: str) -> bool:
    """Whether a revocation or a repair (``kind``) ends entries of ``list_id``: as the list
    type says (``exit_on_revocation`` / ``exit_on_repair``); a list the pack does not know
    follows the defaults (both end it)."""
    list_type = pack.lists.get(list_id)
    if kind == EventKind.REVOKED:
        return list_type is None or list_type.exit_on_revocation
    if kind == EventKind.REPAIRED:
        return list_type is None or list_type.exit_on_repair
    return False


def ends(pack: Pack, row: Mapping[str, Any], event: EndingEvent) -> bool:
    """Whether ``event`` ends the entry ``row`` (whatever its date)."""
    list_type = pack.lists.get(row["list_id"])
    if event.kind in (EventKind.REVOKED, EventKind.REPAIRED):
        return ends_list(pack, event.kind, row["list_id"])
    if event.kind == EventKind.DELISTED:
        return event.list_id is not None and event.list_id == str(row["list_id"])
    if event.kind == EventKind.EARLY_EXIT:
        start = row["active_from"]
        if list_type is None or list_type.early_exit is None or start is None:
            return False
        return event.effective_on >= add_months(start, early_exit_months(list_type, start))
    return False


def in_force_by_dates(row: Mapping[str, Any], on: date) -> bool:
    """Whether the materialised entry ``row`` is in force on ``on`` by its own dates."""
    return (
        row["status"] in LIVE_STATUSES
        and row["active_from"] is not None
        and row["active_from"] <= on
        and (row["expires_on"] is None or row["expires_on"] > on)
        and (row["exited_on"] is None or row["exited_on"] > on)
    )


def ended_by_decision(
    pack: Pack, row: Mapping[str, Any], events: Iterable[EndingEvent], on: date
) -> bool:
    """Whether a decision effective by ``on`` ended ``row`` (``events``: its source record's
    ending events, or any superset: others are ignored)."""
    key = (row["source_agency"], row["source_record_id"])
    return any(
        (e.source_agency, e.source_record_id) == key and e.effective_on <= on and ends(pack, row, e)
        for e in events
    )


def in_force(pack: Pack, row: Mapping[str, Any], events: Iterable[EndingEvent], on: date) -> bool:
    """Whether the materialised entry ``row`` is in force on ``on``, given the ending events
    of its source record (:func:`ending_events`)."""
    return in_force_by_dates(row, on) and not ended_by_decision(pack, row, events, on)


def ending_events(
    conn: sa.Connection, rows: Sequence[Mapping[str, Any]], on: date
) -> dict[tuple[str, str], list[EndingEvent]]:
    """The ending events effective by ``on`` of the source records of the entries ``rows``,
    by (source agency, source record id)."""
    keys = sorted({(r["source_agency"], r["source_record_id"]) for r in rows})
    found: dict[tuple[str, str], list[EndingEvent]] = defaultdict(list)
    r, e = t.records.c, t.record_events.c
    for start in range(0, len(keys), 1000):
        query = (
            sa.select(r.source_agency, r.source_record_id, e.kind, e.effective_on, e.attributes)
            .select_from(t.record_events.join(t.records, r.record_id == e.record_id))
            .where(
                sa.tuple_(r.source_agency, r.source_record_id).in_(keys[start : start + 1000]),
                e.kind.in_([str(k) for k in ENDING_EVENTS]),
                e.effective_on <= on,
            )
        )
        for agency, record, kind, effective_on, attributes in conn.execute(query):
            if isinstance(attributes, str):
                attributes = json.loads(attributes)
            list_id = (attributes or {}).get("list_id")
            found[(agency, record)].append(
                EndingEvent(agency, record, kind, effective_on, str(list_id) if list_id else None)
            )
    return found


def in_force_rows(
    conn: sa.Connection, pack: Pack, rows: Sequence[Mapping[str, Any]], on: date
) -> list[tuple[Mapping[str, Any], bool, bool]]:
    """Each of the fetched entries ``rows`` with (in force, ended by a decision) on ``on``."""
    events = ending_events(conn, rows, on)
    found = []
    for row in rows:
        own = events.get((row["source_agency"], row["source_record_id"]), [])
        found.append((row, in_force(pack, row, own, on), ended_by_decision(pack, row, own, on)))
    return found


def _months_reached(start: Any, months: Any, day: Any) -> sa.ColumnElement[bool]:
    """``add_months(start, months) <= day`` in portable SQL: the month ``months`` after
    ``start``'s is before ``day``'s, or it is ``day``'s and ``start``'s day of the month is
    not after ``day``'s — or ``day`` is its month's last day (the end-of-month clamp)."""

    def part(name: str, value: Any) -> sa.ColumnElement[int]:
        return sa.cast(sa.extract(name, value), sa.Integer)

    def month_index(value: Any) -> sa.ColumnElement[int]:
        return part("year", value) * 12 + part("month", value)

    year, month = part("year", day), part("month", day)
    leap = sa.or_(
        sa.and_(year % 4 == 0, year % 100 != 0),
        year % 400 == 0,
    )
    last_day = sa.case(
        (month.in_([4, 6, 9, 11]), 30),
        (sa.and_(month == 2, leap), 29),
        (month == 2, 28),
        else_=31,
    )
    target = month_index(start) + months
    return sa.or_(
        target < month_index(day),
        sa.and_(
            target == month_index(day),
            sa.or_(part("day", start) <= part("day", day), part("day", day) == last_day),
        ),
    )


def _early_exit_months_sql(list_type: ListType, start: Any) -> sa.ColumnElement[int]:
    """:func:`early_exit_months` as a CASE over the dated values of the parameter."""
    assert list_type.early_exit is not None
    values = list_type.parameters[list_type.early_exit.after_months].values
    whens = [
        (start >= since, int(values[since].value or 0)) for since in sorted(values, reverse=True)
    ]
    return sa.case(*whens, else_=0)


def _ends_sql(pack: Pack, entry: sa.FromClause, event: sa.FromClause) -> sa.ColumnElement[bool]:
    """:func:`ends` compiled for every list of ``pack``."""
    le, e = entry.c, event.c
    lists = list(pack.lists.values())
    early = [
        sa.and_(
            le.list_id == lt.id,
            _months_reached(
                le.active_from, _early_exit_months_sql(lt, le.active_from), e.effective_on
            ),
        )
        for lt in lists
        if lt.early_exit is not None
    ]
    return sa.or_(
        *(
            # the lists this kind does not end are few: the rest, and lists unknown, end
            sa.and_(
                e.kind == str(kind),
                le.list_id.not_in([lt.id for lt in lists if not ends_list(pack, kind, lt.id)]),
            )
            for kind in (EventKind.REVOKED, EventKind.REPAIRED)
        ),
        sa.and_(
            e.kind == str(EventKind.DELISTED), e.attributes["list_id"].as_string() == le.list_id
        ),
        sa.and_(e.kind == str(EventKind.EARLY_EXIT), le.active_from.is_not(None), sa.or_(*early))
        if early
        else sa.false(),
    )


def in_force_clause(
    pack: Pack, on: Day, entry: sa.FromClause = list_entries
) -> sa.ColumnElement[bool]:
    """:func:`in_force` as SQL, correlated on the row ``entry`` (``list_entries`` or an alias
    of it). ``on`` is a date or a date column (e.g. each evaluation's own date)."""
    le = entry.c
    r, e = t.records.c, t.record_events.c
    ended = (
        sa.exists()
        .where(
            r.source_agency == le.source_agency,
            r.source_record_id == le.source_record_id,
            e.record_id == r.record_id,
            e.kind.in_([str(k) for k in ENDING_EVENTS]),
            e.effective_on <= on,
            _ends_sql(pack, entry, t.record_events),
        )
        # the entry row, and whatever ``on`` reads (e.g. its evaluation), come from outside
        .correlate_except(t.records, t.record_events)
    )
    return sa.and_(
        le.status.in_(LIVE_STATUSES),
        le.active_from.is_not(None),
        le.active_from <= on,
        sa.or_(le.expires_on.is_(None), le.expires_on > on),
        sa.or_(le.exited_on.is_(None), le.exited_on > on),
        ~ended,
    )
