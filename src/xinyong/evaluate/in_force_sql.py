"""``in_force`` as one SQL condition correlated on a ``list_entries`` row (the rules are in
``in_force``'s docstring; a test holds both forms equal).

Index-friendly: a record-level entry's decisions are found through ``ix_records_source`` and
the events' record index; a streak's through the events' record index, for each id of the
entry's ``record_ids`` (a JSON array: ``json_each`` on SQLite, ``jsonb_array_elements_text``
on PostgreSQL); the extension sum and the criteria test are read only for the entries they
can change (an expired entry of a list with extensions; an entry of a list with criteria).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..ledger import EventKind
from ..ledger import tables as t
from ..schemes import Pack
from ..schemes.lists import ListType
from .casts import OWN_MONTHS_MAX
from .in_force import (
    ENDING_EVENTS,
    LIVE_STATUSES,
    READ_EVENTS,
    UNKNOWN,
    ends_list,
    subject_level,
)
from .portable_sql import InJsonArray, ListCriteria, dated_value, months_reached
from .tables import evaluations, list_entries

Day = date | sa.ColumnElement[Any]


def _no_longer_met(list_type: ListType, record: Any, on: Day) -> sa.ColumnElement[bool]:
    """The version ``record`` is the latest of its source record (of the list's items, as
    ``criteria.trigger_query`` reads them) by ``on`` and fails the criteria of ``list_type``
    (a missing field fails, as there)."""
    r, later = record.c, t.records.alias("later_version").c
    items = list(list_type.entry.items)
    newer = sa.exists().where(
        later.source_agency == r.source_agency,
        later.source_record_id == r.source_record_id,
        later.version > r.version,
        later.item_code.in_(items),
        later.decided_on <= on,
    )
    return sa.and_(
        r.item_code.in_(items),
        r.decided_on <= on,
        sa.case((ListCriteria(list_type, record.name), 0), else_=1) == 1,
        ~newer,
    )


def latest_no_longer_met(
    list_type: ListType, keys: Sequence[tuple[str, str]], on: date
) -> sa.Select[Any]:
    """Of the source records ``keys``, those whose latest version by ``on`` fails the
    criteria of ``list_type``: (record id, agency, source record id, decided on)."""
    latest = t.records.alias("latest")
    r = latest.c
    return sa.select(r.record_id, r.source_agency, r.source_record_id, r.decided_on).where(
        sa.tuple_(r.source_agency, r.source_record_id).in_(list(keys)),
        _no_longer_met(list_type, latest, on),
    )


def _ends_sql(pack: Pack, entry: sa.FromClause, event: sa.FromClause) -> sa.ColumnElement[bool]:
    """``in_force.ends`` for the events of a record-level entry's source record."""
    le, e = entry.c, event.c
    lists = list(pack.lists.values())
    early = [
        sa.and_(
            le.list_id == lt.id,
            months_reached(
                le.active_from,
                dated_value(lt, lt.early_exit.after_months, le.active_from),
                e.effective_on,
            ),
        )
        for lt in lists
        if lt.early_exit is not None and not subject_level(lt)
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


def _whole_months(value: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    """An extension's ``months`` by the one rule (``casts.whole_months``): an integer from 0 to
    ``OWN_MONTHS_MAX``, else nothing (the ledger's writers accept only positive integers)."""
    number = value.as_float()
    whole = sa.and_(number >= 0, number <= OWN_MONTHS_MAX, number == sa.func.floor(number))
    return sa.case((whole, sa.cast(number, sa.Integer)), else_=0)


def _extended_term_over(pack: Pack, entry: sa.FromClause, on: Day) -> sa.ColumnElement[bool]:
    """The stored term of ``entry`` (over by ``on``) is still over with the extensions
    decided after its evaluation (``in_force.expiry``)."""
    le = entry.c
    extendable = [lt for lt in pack.lists.values() if lt.extension is not None]
    if not extendable:
        return sa.true()
    r, e = t.records.c, t.record_events.c
    evaluation = evaluations.alias("entry_evaluation")

    def evaluated(column: str, unknown: Any) -> Any:
        seen = (
            sa.select(evaluation.c[column])
            .where(evaluation.c.evaluation_id == le.evaluation_id)
            .scalar_subquery()
            .correlate_except(evaluation)
        )
        # an entry whose evaluation is not stored: it saw nothing
        return sa.func.coalesce(seen, unknown)

    added = (
        sa.select(sa.func.coalesce(sa.func.sum(_whole_months(e.attributes["months"])), 0))
        .select_from(t.record_events.join(t.records, r.record_id == e.record_id))
        .where(
            r.source_agency == le.source_agency,
            r.source_record_id == le.source_record_id,
            r.decided_on <= on,
            e.kind == str(EventKind.EXTENDED),
            e.effective_on <= on,
            e.effective_on < le.expires_on,
            # what the evaluation did not see (``in_force.Evaluated.saw``)
            sa.or_(
                e.effective_on > evaluated("as_of", UNKNOWN.as_of),
                e.recorded_at > evaluated("recorded_at", UNKNOWN.recorded_at),
            ),
        )
        .scalar_subquery()
        .correlate_except(t.records, t.record_events)
    )
    cap = sa.case(
        *(
            (le.list_id == lt.id, dated_value(lt, lt.extension.max_months, le.expires_on))
            for lt in extendable
            if lt.extension is not None
        ),
        else_=0,
    )
    months = sa.case((added < cap, added), else_=cap)
    return sa.or_(
        le.list_id.not_in([lt.id for lt in extendable]), months_reached(le.expires_on, months, on)
    )


def _by_dates(entry: sa.FromClause, on: Day) -> sa.ColumnElement[bool]:
    """The dates of ``entry`` but its expiry put it in force on ``on``."""
    le = entry.c
    return sa.and_(
        le.status.in_(LIVE_STATUSES),
        le.active_from.is_not(None),
        le.active_from <= on,
        sa.or_(le.exited_on.is_(None), le.exited_on > on),
    )


def in_force_since_clause(
    pack: Pack, on: Day, since: date, received: datetime, entry: sa.FromClause = list_entries
) -> sa.ColumnElement[bool]:
    """:func:`in_force_clause` for the entries of evaluations of ``since`` or later that ran
    at ``received`` or later, cheap over many: the decisions are looked up only for the
    subjects with a decision (or a later version) in effect after ``since`` or received
    after ``received`` — a few, found once; the other entries are in force by their dates
    alone (what their evaluation saw is in them)."""
    le = entry.c
    r, e = t.records.c, t.record_events.c
    decided = sa.exists().where(
        e.record_id == r.record_id,
        e.kind.in_([str(k) for k in READ_EVENTS]),
        sa.or_(e.effective_on > since, e.recorded_at > received),
    )
    versioned = sa.and_(r.version > 1, sa.or_(r.decided_on > since, r.recorded_at > received))
    touched = sa.select(r.subject_id).where(sa.or_(versioned, decided))
    return sa.or_(
        sa.and_(
            le.subject_id.not_in(touched),
            _by_dates(entry, on),
            sa.or_(le.expires_on.is_(None), le.expires_on > on),
        ),
        sa.and_(le.subject_id.in_(touched), in_force_clause(pack, on, entry)),
    )


def in_force_clause(
    pack: Pack, on: Day, entry: sa.FromClause = list_entries
) -> sa.ColumnElement[bool]:
    """``in_force.in_force`` as SQL, correlated on the row ``entry`` (``list_entries`` or an
    alias of it). ``on`` is a date or a date column (e.g. each evaluation's own date)."""
    le = entry.c
    r, e = t.records.c, t.record_events.c
    streaks = [lt.id for lt in pack.lists.values() if lt.entry.streak is not None]
    levels = [lt.id for lt in pack.lists.values() if subject_level(lt)]
    record_level = le.list_id.not_in(levels) if levels else sa.true()
    ended_record = (
        sa.exists()
        .where(
            r.source_agency == le.source_agency,
            r.source_record_id == le.source_record_id,
            r.decided_on <= on,
            e.record_id == r.record_id,
            e.kind.in_([str(k) for k in ENDING_EVENTS]),
            e.effective_on <= on,
            _ends_sql(pack, entry, t.record_events),
        )
        # the entry row, and whatever ``on`` reads (e.g. its evaluation), come from outside
        .correlate_except(t.records, t.record_events)
    )
    ended_streak = (
        sa.exists()
        .where(
            InJsonArray(e.record_id, le.record_ids),
            e.kind.in_([str(EventKind.REVOKED), str(EventKind.REPAIRED)]),
            e.effective_on <= on,
        )
        .correlate_except(t.record_events)
    )
    latest = t.records.alias("latest")
    criteria = [lt for lt in pack.lists.values() if lt.entry.where and not subject_level(lt)]
    no_longer_met = (
        sa.exists()
        .where(
            latest.c.source_agency == le.source_agency,
            latest.c.source_record_id == le.source_record_id,
            sa.or_(
                *(sa.and_(le.list_id == lt.id, _no_longer_met(lt, latest, on)) for lt in criteria)
            ),
        )
        .correlate_except(latest)
        if criteria
        else sa.false()
    )
    return sa.and_(
        _by_dates(entry, on),
        sa.or_(
            le.expires_on.is_(None),
            le.expires_on > on,
            ~_extended_term_over(pack, entry, on),
        ),
        ~sa.and_(record_level, sa.or_(ended_record, no_longer_met)),
        ~sa.and_(le.list_id.in_(streaks), ended_streak) if streaks else sa.true(),
    )
