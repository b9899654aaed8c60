"""The audit log: every write and every read of non-public data, hash-chained.

Each entry's ``entry_hash`` is the SHA-256 of its canonical JSON form, which includes the
previous entry's hash; the first entry chains to ``GENESIS``. ``audit_head`` holds the newest
sequence number and hash. Appending first bumps the head row, so appenders queue on that
row's lock (PostgreSQL) or the database write lock (SQLite) and the chain never forks.

:func:`verify` walks the chain and reports the first entry that was changed, removed,
inserted or reordered, and a tail cut off after the head was recorded.

An entry may link subjects (a bulk screening call: one entry, a ``screening_subjects`` row per
subject so the call shows in each subject's access log). Since the ``LINKS`` rule, such an
entry's detail holds the SHA-256 of its linked subjects (:func:`links_digest`), so the links are
covered by the entry's hash; entries written before the rule carry no digest and their links
cannot be checked (any links on other entries, or after the first digest, are reported).

An insider who can write the database can still recompute every later hash and the head, or
cut the tail and move the head: signed checkpoints published outside the database
(:mod:`.checkpoints`) reveal both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..clock import utc_naive
from . import tables as t

GENESIS = "0" * 64
#: the detail key of an entry's linked-subjects digest
LINKS = "linked_subjects_sha256"


@dataclass(frozen=True)
class AuditEvent:
    """What happened, before it is placed in the chain."""

    actor: str
    role: str
    action: str
    at: datetime
    agency: str | None = None
    subject_id: str | None = None
    purpose: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "actor": self.actor,
            "role": self.role,
            "agency": self.agency,
            "action": self.action,
            "subject_id": self.subject_id,
            "purpose": self.purpose,
            "detail": self.detail,
        }


def entry_hash(seq: int, event: AuditEvent, prev_hash: str) -> str:
    """SHA-256 of the entry's canonical JSON (sorted keys, the time to the microsecond, in
    UTC without an offset: the form entries were hashed in when timestamps were naive UTC, so
    the chains written then still verify)."""
    body = {**event.fields(), "seq": seq, "prev_hash": prev_hash}
    body["at"] = utc_naive(event.at).isoformat(timespec="microseconds")
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(conn: sa.Connection, events: Iterable[AuditEvent]) -> int:
    """Append ``events`` to the chain in the caller's transaction; returns the last seq."""
    events = list(events)
    if not events:
        return 0
    head = t.audit_head.c
    bump = t.audit_head.update().where(head.id == 1).values(seq=head.seq + len(events))
    if conn.execute(bump).rowcount == 0:
        # the migration creates the head row; this only mends a database without it
        try:
            with conn.begin_nested():
                conn.execute(t.audit_head.insert().values(id=1, seq=0, entry_hash=GENESIS))
        except sa.exc.IntegrityError:
            pass  # another appender created it first
        conn.execute(bump)
    last_seq, prev = conn.execute(sa.select(head.seq, head.entry_hash).where(head.id == 1)).one()
    seq = last_seq - len(events)
    rows = []
    for event in events:
        seq += 1
        digest = entry_hash(seq, event, prev)
        rows.append({**event.fields(), "seq": seq, "prev_hash": prev, "entry_hash": digest})
        prev = digest
    conn.execute(t.audit_log.insert(), rows)
    conn.execute(t.audit_head.update().where(head.id == 1).values(entry_hash=prev))
    return int(seq)


def links_digest(subject_ids: Iterable[str]) -> str:
    """SHA-256 of the distinct subject ids, sorted, one per line: what an entry's links are."""
    return hashlib.sha256("\n".join(sorted(set(subject_ids))).encode("utf-8")).hexdigest()


def append_linked(conn: sa.Connection, event: AuditEvent, subject_ids: Iterable[str]) -> int:
    """Append one entry that links ``subject_ids`` (each once), its links covered by its hash."""
    from ..sanctions.tables import screening_subjects

    linked = list(dict.fromkeys(subject_ids))
    seq = append(conn, [replace(event, detail={**event.detail, LINKS: links_digest(linked)})])
    if linked:
        conn.execute(
            screening_subjects.insert(), [{"audit_seq": seq, "subject_id": s} for s in linked]
        )
    return seq


def record(engine: sa.Engine, events: Iterable[AuditEvent]) -> int:
    """Append ``events`` in a transaction of their own."""
    with engine.begin() as conn:
        return append(conn, events)


def _event(row: Any) -> AuditEvent:
    detail = row["detail"]
    return AuditEvent(
        actor=row["actor"],
        role=row["role"],
        action=row["action"],
        at=row["at"],
        agency=row["agency"],
        subject_id=row["subject_id"],
        purpose=row["purpose"],
        detail=json.loads(detail) if isinstance(detail, str) else dict(detail),
    )


def entries(
    conn: sa.Connection, *, subject_id: str | None = None, after: int = 0, limit: int = 1000
) -> list[dict[str, Any]]:
    """Entries after ``after`` in sequence order, optionally only those about one subject —
    including bulk entries that list it (``screening_subjects``)."""
    c = t.audit_log.c
    query = sa.select(t.audit_log).where(c.seq > after).order_by(c.seq).limit(limit)
    if subject_id is not None:
        from ..sanctions.tables import screening_subjects

        listed = sa.select(screening_subjects.c.audit_seq).where(
            screening_subjects.c.subject_id == subject_id
        )
        query = query.where(sa.or_(c.subject_id == subject_id, c.seq.in_(listed)))
    return [dict(row) for row in conn.execute(query).mappings()]


@dataclass(frozen=True)
class Verification:
    entries: int
    #: ``None`` when the chain is intact; else where and how it breaks
    problem: str | None = None
    seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows(conn: sa.Connection, batch: int = 5000) -> Iterator[tuple[Any, list[str] | None]]:
    """Every entry in order, with the subjects linked to it (``None``: no link rows)."""
    from ..sanctions.tables import screening_subjects as links

    last = 0
    while True:
        rows = conn.execute(
            sa.select(t.audit_log)
            .where(t.audit_log.c.seq > last)
            .order_by(t.audit_log.c.seq)
            .limit(batch)
        ).mappings()
        got = list(rows)
        if not got:
            return
        linked: dict[int, list[str]] = {}
        for seq, subject_id in conn.execute(
            sa.select(links.c.audit_seq, links.c.subject_id).where(
                links.c.audit_seq.between(got[0]["seq"], got[-1]["seq"])
            )
        ):
            linked.setdefault(seq, []).append(subject_id)
        for row in got:
            yield row, linked.get(row["seq"])
        last = got[-1]["seq"]


def _links_problem(seq: int, event: AuditEvent, linked: list[str] | None, legacy: bool) -> str:
    """What is wrong with the links of entry ``seq`` (empty when nothing)."""
    recorded = event.detail.get(LINKS)
    if recorded is not None:
        if links_digest(linked or []) != recorded:
            return f"the subjects linked to entry {seq} were changed after it was written"
    elif linked is not None and not (legacy and event.action == "screen_bulk"):
        return f"entry {seq} has linked subjects it does not record: they were added later"
    return ""


def verify(conn: sa.Connection) -> Verification:
    """Check the whole chain and the entries' links; the first break found is reported with
    its sequence number."""
    from ..sanctions.tables import screening_subjects as links

    prev, expected_seq, count, legacy = GENESIS, 1, 0, True
    for row, linked in _rows(conn):
        seq = row["seq"]
        if seq != expected_seq:
            return Verification(
                count, f"entry {expected_seq} is missing (next entry is {seq})", expected_seq
            )
        if row["prev_hash"] != prev:
            return Verification(
                count,
                f"entry {seq} does not follow entry {seq - 1}: removed, inserted or reordered",
                seq,
            )
        event = _event(row)
        if entry_hash(seq, event, row["prev_hash"]) != row["entry_hash"]:
            return Verification(count, f"entry {seq} was changed after it was written", seq)
        legacy = legacy and LINKS not in event.detail
        if problem := _links_problem(seq, event, linked, legacy):
            return Verification(count, problem, seq)
        prev, expected_seq, count = row["entry_hash"], seq + 1, count + 1
    head = conn.execute(
        sa.select(t.audit_head.c.seq, t.audit_head.c.entry_hash).where(t.audit_head.c.id == 1)
    ).first()
    head_seq, head_hash = head if head is not None else (0, GENESIS)
    if (head_seq, head_hash) != (count, prev):
        return Verification(
            count,
            f"the log ends at entry {count} but its head records entry {head_seq}: "
            "entries were removed from the end",
            count + 1,
        )
    stray = conn.execute(
        sa.select(sa.func.min(links.c.audit_seq)).where(
            sa.or_(links.c.audit_seq > count, links.c.audit_seq < 1)
        )
    ).scalar()
    if stray is not None:
        return Verification(
            count, f"subjects are linked to entry {stray}, which the log does not hold", stray
        )
    return Verification(count)
