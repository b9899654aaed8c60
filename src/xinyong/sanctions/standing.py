"""Reading what decisions rest on from the ledger: list entries, consumption-restriction
orders and the links through which measures reach persons."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from ..evaluate.in_force_sql import in_force_clause
from ..evaluate.tables import list_entries
from ..ledger import tables as t
from ..schemes import Pack
from .decide import Link, Listing, Order, Standing

ORDER_ITEM = "court.consumption_restriction"


def target_lists(pack: Pack, day: date) -> frozenset[str]:
    """Lists some memorandum in force on ``day`` attaches measures to."""
    return frozenset(
        list_id for m in pack.memoranda.values() if m.in_force(day) for list_id in m.target_lists
    )


def reach_roles(pack: Pack) -> frozenset[str]:
    return frozenset(role for m in pack.measures.values() for role in m.reaches)


def materialised_listings(
    conn: sa.Connection, pack: Pack, evaluation: str | None, day: date
) -> dict[str, list[Listing]]:
    """Entries of target lists in a materialised evaluation in force on ``day`` (with the
    decisions recorded since it: ``evaluate.in_force``), by subject."""
    found: dict[str, list[Listing]] = defaultdict(list)
    if evaluation is None:
        return found
    le = list_entries.c
    rows = conn.execute(
        sa.select(
            le.list_id,
            le.subject_id,
            le.active_from,
            le.expires_on,
            le.source_agency,
            le.source_record_id,
        ).where(
            le.evaluation_id == evaluation,
            le.list_id.in_(sorted(target_lists(pack, day))),
            in_force_clause(pack, day),
        )
    )
    for r in rows:
        found[r.subject_id].append(
            Listing(
                r.list_id,
                r.subject_id,
                r.active_from,
                r.expires_on,
                r.source_agency,
                r.source_record_id,
            )
        )
    return found


def derived_listings(
    engine: sa.Engine, pack: Pack, subjects: Collection[str], day: date
) -> dict[str, list[Listing]]:
    """Entries of target lists derived afresh for a few subjects (after a decision)."""
    from ..evaluate import SqlEngine, evaluate_lists
    from ..evaluate.lifecycle import EntryStatus

    targets = target_lists(pack, day)
    found: dict[str, list[Listing]] = defaultdict(list)
    if not subjects:
        return found
    for e in evaluate_lists(SqlEngine(engine), pack, day, subjects=subjects):
        if e.list_id in targets and e.status is EntryStatus.ACTIVE:
            found[e.subject_id].append(
                Listing(
                    e.list_id,
                    e.subject_id,
                    e.active_from,
                    e.expires_on,
                    e.source_agency,
                    e.source_record_id,
                )
            )
    return found


def _attributes(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def orders(
    conn: sa.Connection, day: date, subjects: Collection[str] | None = None
) -> dict[str, list[Order]]:
    """Consumption-restriction orders decided by ``day`` (standing versions), with their
    lifts and exception permits, by subject."""
    r, e = t.records.c, t.record_events.c
    query = sa.select(
        r.record_id,
        r.subject_id,
        r.source_agency,
        r.source_record_id,
        r.version,
        r.instrument_issuer,
        r.decided_on,
        r.attributes,
    ).where(r.item_code == ORDER_ITEM, r.decided_on <= day)
    if subjects is not None:
        query = query.where(r.subject_id.in_(sorted(subjects)))
    latest: dict[tuple[str, str], Any] = {}
    for row in conn.execute(query):
        key = (row.source_agency, row.source_record_id)
        if key not in latest or row.version > latest[key].version:
            latest[key] = row
    if not latest:
        return {}
    events: dict[str, list[Any]] = defaultdict(list)
    ids = [row.record_id for row in latest.values()]
    for start in range(0, len(ids), 5000):
        for ev in conn.execute(
            sa.select(e.record_id, e.kind, e.effective_on, e.attributes).where(
                e.record_id.in_(ids[start : start + 5000]), e.effective_on <= day
            )
        ):
            events[ev.record_id].append(ev)
    found: dict[str, list[Order]] = defaultdict(list)
    for row in latest.values():
        attributes = _attributes(row.attributes)
        lifted = [
            ev.effective_on for ev in events[row.record_id] if ev.kind in ("lifted", "revoked")
        ]
        permits: dict[str, date] = {}
        for ev in events[row.record_id]:
            if ev.kind == "exception_permitted":
                details = _attributes(ev.attributes)
                until = date.fromisoformat(str(details["until"]))
                permits[str(details["action"])] = max(until, permits.get(details["action"], until))
        restricted = attributes.get("restricted") or ""
        valid_to = attributes.get("valid_to")
        found[row.subject_id].append(
            Order(
                record_id=row.record_id,
                subject_id=row.subject_id,
                case_number=str(attributes.get("case_number", "")),
                signed_by=str(attributes.get("signed_by", "")),
                court=row.instrument_issuer,
                issued_on=row.decided_on,
                restricted=frozenset(a.strip() for a in restricted.split(",") if a.strip()),
                valid_to=date.fromisoformat(valid_to) if valid_to else None,
                lifted_on=min(lifted) if lifted else None,
                permits=permits,
            )
        )
    return found


def links_to(
    conn: sa.Connection, pack: Pack, organisations: Iterable[str], day: date
) -> dict[str, list[Link]]:
    """Persons who stand for ``organisations`` in a role some measure reaches, by person."""
    orgs = sorted(set(organisations))
    roles = sorted(reach_roles(pack))
    found: dict[str, list[Link]] = defaultdict(list)
    if not orgs or not roles:
        return found
    sl, s = t.subject_links.c, t.subjects.c
    for start in range(0, len(orgs), 5000):
        rows = conn.execute(
            sa.select(sl.from_subject, sl.to_subject, sl.role, s.name)
            .join(t.subjects, s.subject_id == sl.from_subject)
            .where(
                sl.from_subject.in_(orgs[start : start + 5000]),
                sl.role.in_(roles),
                sl.valid_from <= day,
                sa.or_(sl.valid_to.is_(None), sl.valid_to >= day),
            )
        )
        for org, person, role, name in rows:
            found[person].append(Link(org, name, role))
    return found


def organisations_of(
    conn: sa.Connection, pack: Pack, persons: Collection[str], day: date
) -> set[str]:
    """Organisations that ``persons`` stand for in a role some measure reaches."""
    sl = t.subject_links.c
    if not persons:
        return set()
    rows = conn.execute(
        sa.select(sl.from_subject).where(
            sl.to_subject.in_(sorted(persons)),
            sl.role.in_(sorted(reach_roles(pack))),
            sl.valid_from <= day,
            sa.or_(sl.valid_to.is_(None), sl.valid_to >= day),
        )
    )
    return {r[0] for r in rows}


def assemble(
    listings: dict[str, list[Listing]],
    orders_by_subject: dict[str, list[Order]],
    links: dict[str, list[Link]],
    subjects: Iterable[str],
) -> dict[str, Standing]:
    """A standing for each of ``subjects`` that has anything to rest a decision on."""
    found = {}
    for subject_id in subjects:
        through = tuple(
            (
                link,
                tuple(listings.get(link.organisation, ())),
                tuple(orders_by_subject.get(link.organisation, ())),
            )
            for link in links.get(subject_id, ())
            if listings.get(link.organisation) or orders_by_subject.get(link.organisation)
        )
        standing = Standing(
            subject_id,
            tuple(listings.get(subject_id, ())),
            tuple(orders_by_subject.get(subject_id, ())),
            through,
        )
        if not standing.empty:
            found[subject_id] = standing
    return found


def evaluated_at(conn: sa.Connection, evaluation: str) -> datetime | None:
    from ..evaluate.tables import evaluations

    found: datetime | None = conn.execute(
        sa.select(evaluations.c.recorded_at).where(evaluations.c.evaluation_id == evaluation)
    ).scalar()
    return found


def high_water(conn: sa.Connection) -> datetime | None:
    """The newest ``recorded_at`` of what the index follows."""
    marks = [
        conn.execute(sa.select(sa.func.max(table.c.recorded_at))).scalar()
        for table in (t.records, t.record_events, t.subject_links)
    ]
    return max((m for m in marks if m is not None), default=None)


def changed_since(conn: sa.Connection, seen: datetime | None) -> list[tuple[str, datetime]]:
    """(subject, recorded_at) of records, record events and links recorded after ``seen``."""
    r, e, sl = t.records.c, t.record_events.c, t.subject_links.c
    since = seen or datetime.min.replace(tzinfo=UTC)
    found: list[tuple[str, datetime]] = [
        (s, at)
        for s, at in conn.execute(
            sa.select(r.subject_id, r.recorded_at).where(r.recorded_at > since)
        )
    ]
    found += [
        (s, at)
        for s, at in conn.execute(
            sa.select(r.subject_id, e.recorded_at)
            .select_from(t.record_events)
            .join(t.records, r.record_id == e.record_id)
            .where(e.recorded_at > since)
        )
    ]
    for org, person, at in conn.execute(
        sa.select(sl.from_subject, sl.to_subject, sl.recorded_at).where(sl.recorded_at > since)
    ):
        found += [(org, at), (person, at)]
    return found
