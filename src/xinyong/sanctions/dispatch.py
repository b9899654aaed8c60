"""Initiate → respond → feedback (发起–响应–反馈): list entries become notices to the
responding agencies the memoranda name; they acknowledge and report what they did.

:func:`dispatch` compares the entries in force (of lists some memorandum targets) with what
was already dispatched, and writes notices:

- ``entry`` to each implementing agency of each memorandum row for a newly active entry;
- ``extension`` to the same agencies when the entry's end date changed;
- ``exit`` (the lift) to **every agency that received the entry**, when the entry is no
  longer in force — whatever the reason (term over, revoked, repaired, early exit).

Notice ids are content hashes, so dispatching twice writes nothing twice; a crash between
batches is made good by the next run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median
from typing import Any

import sqlalchemy as sa

from ..clock import business_date
from ..errors import FieldError, Forbidden, InvalidData, NotFound
from ..ledger.model import content_id
from ..schemes import Pack
from ..schemes.measure_terms import FEEDBACK, NOTICE_EVENTS, measure_terms
from ..workdays import is_provisional, working_days_between
from .standing import derived_listings, materialised_listings
from .tables import dispatch_notices


@dataclass(frozen=True)
class DispatchRun:
    entries: int
    exits: int
    extensions: int


def _measures_for(pack: Pack, list_id: str, day: date) -> dict[str, list[dict[str, Any]]]:
    """Implementing agency → the memorandum rows it applies for entries of ``list_id``."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in measure_terms(pack, list_id, day):
        found[row["implementing_agency"]].append(row)
    return found


def dispatch(
    engine: sa.Engine, pack: Pack, evaluation: str | None, day: date, *, now: datetime
) -> DispatchRun:
    """Write the notices that bring responders up to date with ``evaluation`` on ``day``."""
    with engine.begin() as conn:
        listings = materialised_listings(conn, pack, evaluation, day)
        return _bring_up_to_date(conn, pack, listings, day, now, subjects=None)


def dispatch_subjects(
    engine: sa.Engine, pack: Pack, subjects: Iterable[str], day: date, *, now: datetime
) -> DispatchRun:
    """The same for a few subjects, from their entries derived afresh: after a decision
    (revocation, upheld objection, repair, early exit) the lift notices go out at once,
    without waiting for the next evaluation."""
    wanted = sorted(set(subjects))
    listings = derived_listings(engine, pack, wanted, day)
    with engine.begin() as conn:
        return _bring_up_to_date(conn, pack, listings, day, now, subjects=wanted)


def _bring_up_to_date(
    conn: sa.Connection,
    pack: Pack,
    listings: Mapping[str, list[Any]],
    day: date,
    now: datetime,
    *,
    subjects: list[str] | None,
) -> DispatchRun:
    d = dispatch_notices.c
    active = {
        (
            listing.subject_id,
            listing.list_id,
            listing.source_agency,
            listing.source_record_id,
        ): listing
        for found in listings.values()
        for listing in found
    }
    # the latest notice per (responder, entry): what each responder currently holds
    held: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    query = sa.select(dispatch_notices).order_by(d.seq)
    if subjects is not None:
        query = query.where(d.subject_id.in_(subjects))
    for row in conn.execute(query).mappings():
        key = (row["subject_id"], row["list_id"], row["source_agency"], row["source_record_id"])
        held.setdefault(key, {})[row["responder"]] = dict(row)
    rows: list[dict[str, Any]] = []
    counts = dict.fromkeys(NOTICE_EVENTS, 0)

    def notice(event: str, key: tuple[str, str, str, str], responder: str, **values: Any) -> None:
        subject_id, list_id, source_agency, source_record_id = key
        rows.append(
            {
                "notice_id": content_id(
                    "notice",
                    event,
                    responder,
                    *key,
                    values["effective_on"],
                    values["expires_on"],
                ),
                "created_at": now,
                "responder": responder,
                "event": event,
                "subject_id": subject_id,
                "list_id": list_id,
                "source_agency": source_agency,
                "source_record_id": source_record_id,
                **values,
            }
        )
        counts[event] += 1

    for key, listing in active.items():
        holders = held.get(key, {})
        for responder, measures in _measures_for(pack, listing.list_id, day).items():
            last = holders.get(responder)
            if last is None or last["event"] == "exit":
                notice(
                    "entry",
                    key,
                    responder,
                    effective_on=listing.active_from,
                    expires_on=listing.expires_on,
                    measures=measures,
                )
            elif last["expires_on"] != listing.expires_on:
                notice(
                    "extension",
                    key,
                    responder,
                    effective_on=day,
                    expires_on=listing.expires_on,
                    measures=measures,
                )
    for key, holders in held.items():
        if key in active:
            continue
        for responder, last in holders.items():
            if last["event"] != "exit":
                notice(
                    "exit",
                    key,
                    responder,
                    effective_on=day,
                    expires_on=None,
                    measures=last["measures"],
                )
    existing = (
        {
            r[0]
            for r in conn.execute(
                sa.select(d.notice_id).where(d.notice_id.in_([r["notice_id"] for r in rows]))
            )
        }
        if rows
        else set()
    )
    fresh = [r for r in rows if r["notice_id"] not in existing]
    if fresh:
        conn.execute(dispatch_notices.insert(), fresh)
    return DispatchRun(counts["entry"], counts["exit"], counts["extension"])


def pull(conn: sa.Connection, responder: str, cursor: int, limit: int) -> dict[str, Any]:
    """The responder's notices after ``cursor`` (resumable), oldest first."""
    d = dispatch_notices.c
    rows = conn.execute(
        sa.select(dispatch_notices)
        .where(d.responder == responder, d.seq > cursor)
        .order_by(d.seq)
        .limit(limit)
    ).mappings()
    items = [dict(r) for r in rows]
    return {"items": items, "next_cursor": items[-1]["seq"] if items else cursor}


def _own(conn: sa.Connection, notice_id: str, responder: str) -> dict[str, Any]:
    row = (
        conn.execute(sa.select(dispatch_notices).where(dispatch_notices.c.notice_id == notice_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no notice {notice_id}", code="unknown-notice")
    if row["responder"] != responder:
        raise Forbidden("the notice was sent to another agency", code="not-own-notice")
    return dict(row)


def acknowledge(
    conn: sa.Connection, notice_id: str, responder: str, *, now: datetime
) -> dict[str, Any]:
    """Record receipt (idempotent: the first acknowledgement's time stands)."""
    row = _own(conn, notice_id, responder)
    if row["acknowledged_at"] is None:
        conn.execute(
            dispatch_notices.update()
            .where(dispatch_notices.c.notice_id == notice_id)
            .values(acknowledged_at=now)
        )
        row["acknowledged_at"] = now
    return row


def feedback(
    conn: sa.Connection,
    notice_id: str,
    responder: str,
    *,
    outcome: str,
    reason: str | None,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """Record what the responder did; ``overridden`` and ``not_applicable`` need a reason."""
    if outcome not in FEEDBACK:
        raise InvalidData(
            f"outcome {outcome[:40]!r} is not one of {', '.join(FEEDBACK)}",
            code="bad-feedback",
            errors=[FieldError("outcome", "is not a known outcome", f"use {', '.join(FEEDBACK)}")],
        )
    if outcome != "applied" and not (reason or "").strip():
        raise InvalidData(
            f"{outcome} needs a written reason",
            code="reason-required",
            errors=[FieldError("reason", "is missing", "say why the measure was not applied")],
        )
    row = _own(conn, notice_id, responder)
    values = {
        "feedback": outcome,
        "feedback_reason": reason,
        "feedback_at": now,
        "feedback_by": actor,
        "acknowledged_at": row["acknowledged_at"] or now,
    }
    conn.execute(
        dispatch_notices.update().where(dispatch_notices.c.notice_id == notice_id).values(**values)
    )
    return {**row, **values}


def acknowledgement_days(pack: Pack, day: date) -> int:
    """Working days a responder has to acknowledge a notice (the pack's
    ``dispatch_acknowledge``; one if the pack sets none)."""
    return pack.procedure("dispatch_acknowledge", day) or 1


def metrics(conn: sa.Connection, *, today: date, ack_working_days: int) -> dict[str, Any]:
    """Per responder: notices, acknowledged, answered (coverage), median hours to
    acknowledge, and notices unacknowledged after ``ack_working_days`` (overdue);
    ``provisional`` when an unacknowledged notice is counted on a provisional calendar year."""
    provisional = False
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"notices": 0, "acknowledged": 0, "answered": 0, "overdue": 0, "hours": []}
    )
    for row in conn.execute(sa.select(dispatch_notices)).mappings():
        m = per[row["responder"]]
        m["notices"] += 1
        if row["feedback"] is not None:
            m["answered"] += 1
        if row["acknowledged_at"] is not None:
            m["acknowledged"] += 1
            m["hours"].append((row["acknowledged_at"] - row["created_at"]).total_seconds() / 3600)
        else:
            sent_on = business_date(row["created_at"])
            provisional = provisional or is_provisional(sent_on, today)
            if working_days_between(sent_on, today) > ack_working_days:
                m["overdue"] += 1
    out = {}
    for responder, m in sorted(per.items()):
        hours = m.pop("hours")
        out[responder] = {
            **m,
            "coverage": round(m["answered"] / m["notices"], 4) if m["notices"] else None,
            "median_hours_to_acknowledge": round(median(hours), 2) if hours else None,
        }
    total = sum(m["notices"] for m in out.values())
    answered = sum(m["answered"] for m in out.values())
    return {
        "responders": out,
        "notices": total,
        "coverage": round(answered / total, 4) if total else None,
        "overdue": sum(m["overdue"] for m in out.values()),
        "provisional": provisional,
    }
