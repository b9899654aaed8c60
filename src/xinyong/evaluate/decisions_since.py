"""The decisions recorded about list entries since their evaluation, fetched for the
Python form of the in-force answer (``in_force.in_force``): revocations, repairs, removals,
early exits and extensions of the entries' records, and later versions of their source
records that no longer meet the list's criteria."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..ledger import EventKind
from ..ledger import tables as t
from ..schemes import Pack
from .casts import whole_months_of
from .in_force import (
    NO_LONGER_MET,
    READ_EVENTS,
    UNKNOWN,
    Decision,
    Evaluated,
    ended_by_decision,
    in_force,
    record_ids,
    subject_level,
)
from .in_force_sql import latest_no_longer_met
from .tables import evaluations


def _events(conn: sa.Connection, where: sa.ColumnElement[bool], on: date) -> list[Decision]:
    r, e = t.records.c, t.record_events.c
    query = (
        sa.select(
            e.record_id,
            r.source_agency,
            r.source_record_id,
            e.kind,
            e.effective_on,
            e.attributes,
            e.recorded_at,
            e.event_id,
        )
        .select_from(t.record_events.join(t.records, r.record_id == e.record_id))
        .where(
            where,
            r.decided_on <= on,
            e.kind.in_([str(k) for k in READ_EVENTS]),
            e.effective_on <= on,
        )
    )
    found = []
    for row in conn.execute(query):
        attributes = row.attributes
        attributes = (json.loads(attributes) if isinstance(attributes, str) else attributes) or {}
        list_id = attributes.get("list_id")
        months = whole_months_of(attributes.get("months")) if row.kind == EventKind.EXTENDED else 0
        found.append(
            Decision(
                row.record_id,
                row.source_agency,
                row.source_record_id,
                row.kind,
                row.effective_on,
                str(list_id) if list_id else None,
                months or 0,
                row.recorded_at,
                row.event_id,
            )
        )
    return found


def _streaks(pack: Pack) -> frozenset[str]:
    return frozenset(lt.id for lt in pack.lists.values() if lt.entry.streak is not None)


def decisions_about(
    conn: sa.Connection, pack: Pack, rows: Sequence[Mapping[str, Any]], on: date
) -> list[Decision]:
    """The decisions effective by ``on`` that may end or extend the entries ``rows``."""
    r, e = t.records.c, t.record_events.c
    keys = sorted({(row["source_agency"], row["source_record_id"]) for row in rows})
    # a streak entry's records are several source records; a record-level entry's
    # record ids are its own source record's versions, found by its key above
    streaks = _streaks(pack)
    ids = sorted({i for row in rows if row["list_id"] in streaks for i in record_ids(row)})
    found: list[Decision] = []
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        found += _events(conn, sa.tuple_(r.source_agency, r.source_record_id).in_(chunk), on)
    for start in range(0, len(ids), 1000):
        found += _events(conn, e.record_id.in_(ids[start : start + 1000]), on)
    by_list: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        by_list[row["list_id"]].add((row["source_agency"], row["source_record_id"]))
    for list_id, of_list in sorted(by_list.items()):
        list_type = pack.lists.get(list_id)
        if list_type is None or subject_level(list_type) or not list_type.entry.where:
            continue
        for record, agency, source, decided_on in conn.execute(
            latest_no_longer_met(list_type, sorted(of_list), on)
        ):
            found.append(Decision(record, agency, source, NO_LONGER_MET, decided_on, list_id))
    return sorted(set(found), key=lambda d: (d.effective_on, d.record_id, d.kind))


def in_force_rows(
    conn: sa.Connection, pack: Pack, rows: Sequence[Mapping[str, Any]], on: date
) -> list[tuple[Mapping[str, Any], bool, bool]]:
    """Each of the fetched entries ``rows`` with (in force, ended by a decision) on ``on``."""
    decisions = decisions_about(conn, pack, rows, on)
    streaks = _streaks(pack)
    wanted = sorted({row["evaluation_id"] for row in rows})
    ev = evaluations.c
    query = sa.select(ev.evaluation_id, ev.as_of, ev.recorded_at).where(
        ev.evaluation_id.in_(wanted)
    )
    evaluated = {
        row.evaluation_id: Evaluated(row.as_of, row.recorded_at) for row in conn.execute(query)
    }
    by_source: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    by_record: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        by_source[(d.source_agency, d.source_record_id)].append(d)
        by_record[d.record_id].append(d)
    found = []
    for row in rows:
        # a streak is ended through any of its records, a record-level entry through any
        # version of its source record (an absence entry by no decision)
        own = (
            [d for i in record_ids(row) for d in by_record.get(i, [])]
            if row["list_id"] in streaks
            else by_source.get((row["source_agency"], row["source_record_id"]), [])
        )
        seen_by = evaluated.get(row["evaluation_id"], UNKNOWN)
        found.append(
            (row, in_force(pack, row, own, seen_by, on), ended_by_decision(pack, row, own, on))
        )
    return found
