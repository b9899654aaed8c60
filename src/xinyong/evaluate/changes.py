"""Which subjects can derive differently on ``as_of`` than in a base evaluation of ``base_on``.

Each reason is one set-based query over the ledger and the base evaluation's entries; only the
subjects found are read back. Every reason is a superset of what can change for it, and
together they cover every way a derivation depends on its inputs and its date (given that no
list, scheme, parameter value, pack or calendar changed in between: ``incremental`` falls back
to a full evaluation then):

- what was recorded since the base (records, their events, subjects; subject links feed no
  list or grade), with a few minutes' grace (``RECORDING_GRACE``);
- what takes effect in (base_on, as_of]: records decided, events effective (notices, exits,
  revocations, repairs, objections upheld, extensions, early exits granted);
- transitions of base entries: a notice period ending (``noticed`` → ``active``), a term
  ending (``expires_on``);
- entries that appear with no new input: a ``waits`` list's wait completing, an absence list's
  clean period completing (subjects with no entry in the base);
- grades whose window start moves past records (records leaving the window, by decision date
  or by an ``in_window`` field).

A source record's versions all count: a change to one re-derives the subject of every version.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..ledger.tables import record_events, records, subjects
from ..schemes import Pack
from ..schemes.lists import Condition
from ..workdays import add_months
from .criteria import Dialect, condition_sql, to_sql
from .grading import _window_start
from .tables import list_entries

r, ev = records.c, record_events.c

#: rows are taken as recorded since the base from this long before its ``recorded_at``: a
#: write that committed after the base read the ledger, or a writer whose clock runs behind
RECORDING_GRACE = timedelta(minutes=5)


def _of_source_records(touched: sa.Select[tuple[str, str]]) -> sa.Select[tuple[str]]:
    """The subjects of every version of the source records ``touched`` names (a few: read
    first, materialised, so the planner does not scan every record to join them)."""
    src = touched.cte().prefix_with("MATERIALIZED")
    return (
        sa.select(r.subject_id)
        .join(
            src,
            sa.and_(
                r.source_agency == src.c.source_agency,
                r.source_record_id == src.c.source_record_id,
            ),
        )
        .distinct()
    )


def with_source_records(conn: sa.Connection, found: set[str]) -> set[str]:
    """``found`` and the subjects of every version of every source record they have a version
    of: a record corrected to another subject re-derives both."""
    out = set(found)
    ordered = sorted(found)
    same = records.alias("same")
    for start in range(0, len(ordered), 1_000):
        query = (
            sa.select(same.c.subject_id)
            .join(
                records,
                sa.and_(
                    records.c.source_agency == same.c.source_agency,
                    records.c.source_record_id == same.c.source_record_id,
                ),
            )
            .where(records.c.subject_id.in_(ordered[start : start + 1_000]))
            .distinct()
        )
        out.update(str(s) for s in conn.execute(query).scalars())
    return out


def _sources() -> sa.Select[tuple[str, str]]:
    return sa.select(r.source_agency, r.source_record_id)


def _union(parts: list[sa.Select[tuple[str]]]) -> sa.Select[tuple[str]]:
    if len(parts) == 1:
        return parts[0].distinct()
    union = sa.union(*parts).subquery()
    return sa.select(union.c.subject_id)


def _ending(after: date, until: date, longest: int, shortest: int) -> tuple[date, date]:
    """Dates ``d`` with ``add_months(d, m)`` in (after, until] for some ``m`` between
    ``shortest`` and ``longest`` lie in the returned (low, high]: add_months is monotone, and
    clamping to a month's end moves a date back by at most three days."""
    return add_months(after, -longest), add_months(until, -shortest) + timedelta(days=3)


def _between(column: sa.ColumnElement[date], after: date, until: date) -> sa.ColumnElement[bool]:
    return sa.and_(column > after, column <= until)


def _field_in(
    condition_field: str, after: date, until: date, dialect: Dialect
) -> sa.ColumnElement[bool]:
    """An attribute or column holding an ISO date, in (after, until] (as text: ISO dates sort)."""
    low = condition_sql(Condition(field=condition_field, op="gte", value=str(after + timedelta(1))))
    high = condition_sql(Condition(field=condition_field, op="lte", value=until.isoformat()))
    return sa.and_(sa.text(to_sql(low, dialect)), sa.text(to_sql(high, dialect)))


def reasons(
    pack: Pack,
    base_id: str,
    base_on: date,
    base_recorded_at: datetime,
    as_of: date,
    dialect: Dialect,
    *,
    include_pilots: bool,
) -> dict[str, sa.Select[tuple[str]]]:
    """Reason → the query of the subject ids it re-derives."""
    since = base_recorded_at - RECORDING_GRACE
    le = list_entries.c
    base = le.evaluation_id == base_id
    found: dict[str, sa.Select[tuple[str]]] = {
        "records recorded since the base": _of_source_records(
            _sources().where(r.recorded_at >= since)
        ),
        "events recorded since the base": _of_source_records(
            _sources()
            .join(record_events, ev.record_id == r.record_id)
            .where(ev.recorded_at >= since)
        ),
        "subjects registered since the base": sa.select(subjects.c.subject_id).where(
            subjects.c.recorded_at >= since
        ),
    }
    if as_of == base_on:
        return found
    found |= {
        "records decided in the new days": _of_source_records(
            _sources().where(_between(r.decided_on, base_on, as_of))
        ),
        "events effective in the new days": _of_source_records(
            _sources()
            .join(record_events, ev.record_id == r.record_id)
            .where(_between(ev.effective_on, base_on, as_of))
        ),
        "notice periods ending": sa.select(le.subject_id)
        .where(base, le.status == "noticed", le.active_from <= as_of)
        .distinct(),
        "terms ending": sa.select(le.subject_id)
        .where(base, le.status.in_(("noticed", "active")), le.expires_on <= as_of)
        .distinct(),
    }
    for list_type in sorted(pack.lists.values(), key=lambda lt: lt.id):
        items = r.item_code.in_(list_type.entry.items)
        if list_type.waits is not None:
            values = [v.value for v in list_type.parameters[list_type.waits].values.values()]
            waits = [w for w in values if w is not None] or [0]
            low, high = _ending(base_on, as_of, max(waits), min(waits))
            found[f"waits completing ({list_type.id})"] = (
                sa.select(r.subject_id).where(items, _between(r.decided_on, low, high)).distinct()
            )
        absence = list_type.entry.absence
        if absence is not None:
            months = list_type.parameters[absence.months].at(as_of)
            if months is None or months[0] is None:
                continue
            low, high = _ending(base_on, as_of, months[0], months[0])
            started = _between(r.decided_on, low, high)
            if absence.since is not None:
                started = sa.or_(started, _field_in(absence.since, low, high, dialect))
            negative = [i.code for i in pack.catalogue if i.polarity == "negative"]
            found[f"absence periods completing ({list_type.id})"] = _union(
                [
                    sa.select(r.subject_id).where(items, started),
                    sa.select(r.subject_id).where(
                        r.item_code.in_(negative), _between(r.decided_on, low, high)
                    ),
                ]
            )
    for scheme in sorted(pack.grades.values(), key=lambda s: s.id):
        if not (scheme.enabled or (scheme.pilot and include_pilots)):
            continue
        if not scheme.in_force(as_of):
            continue
        start0, start1 = _window_start(scheme, pack, base_on), _window_start(scheme, pack, as_of)
        leaving = [
            sa.select(r.subject_id).where(
                r.item_code.in_([i for ind in scheme.indicators for i in ind.items]),
                r.decided_on >= start0,
                r.decided_on < start1,
            )
        ]
        for indicator in scheme.indicators:
            for condition in indicator.where:
                if condition.op != "in_window":
                    continue
                was = to_sql(condition_sql(condition, start0), dialect)
                stays = to_sql(condition_sql(condition, start1), dialect)
                leaving.append(
                    sa.select(r.subject_id).where(
                        r.item_code.in_(indicator.items), sa.text(f"({was}) AND NOT ({stays})")
                    )
                )
        found[f"grade windows sliding ({scheme.id})"] = _union(leaving)
    return found
