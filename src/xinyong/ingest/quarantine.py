"""Reviewing quarantined rows: list, show, release (fixed, revalidated) or reject.

Quarantine rows and actions are append-only. A row is open until a reviewer releases or
rejects it; a release applies the reviewer's corrections to the row as delivered and puts it
through the same parsing and validation as the original delivery, in one transaction with
the action that records who did it and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from ..errors import ConflictError, FieldError, InvalidData, NotFound
from ..ids import Mode, PseudonymKey
from ..ledger import BulkWriter, content_id
from ..ledger.store import insert_ignore
from ..schemes import Pack
from ..text import TEXT_FIXES
from . import tables as it
from .format import Content
from .protect import hide_text, restore_row
from .rows import RowContext, parse_link, parse_subject, parse_valid_record


class QuarantineStatus(StrEnum):
    OPEN = "open"  # waiting for a reviewer
    RELEASED = "released"  # corrected and accepted into the ledger
    REJECTED = "rejected"  # refused for good, with a reason


@dataclass(frozen=True)
class QuarantineEntry:
    quarantine_id: str
    delivery_id: str
    file_name: str
    source_agency: str
    content: Content
    row_number: int
    raw: dict[str, Any]
    errors: list[dict[str, str]]
    item_code: str | None
    status: QuarantineStatus
    actions: list[dict[str, Any]]
    #: per masked column of ``raw``: {pseudonym, masked} or {masked, sealed} (protect.py);
    #: ``None`` for a row from before migration 0013 not yet scrubbed
    identities: dict[str, dict[str, str]] | None = None

    def shown(self) -> dict[str, Any]:
        """The entry as a reviewer may see it: sealed values only said to be sealed."""
        identities = {
            column: {k: ("(sealed)" if k == "sealed" else v) for k, v in kept.items()}
            for column, kept in (self.identities or {}).items()
        }
        return {**self.__dict__, "identities": identities}


def _query() -> sa.Select[Any]:
    q, d = it.quarantine, it.deliveries
    return sa.select(q, d.c.file_name, d.c.content, d.c.delivered_on).join(
        d, d.c.delivery_id == q.c.delivery_id
    )


def _entry(conn: sa.Connection, row: Any) -> QuarantineEntry:
    actions = [
        dict(a)
        for a in conn.execute(
            sa.select(it.quarantine_actions)
            .where(it.quarantine_actions.c.quarantine_id == row["quarantine_id"])
            .order_by(it.quarantine_actions.c.recorded_at)
        ).mappings()
    ]
    status = QuarantineStatus(actions[-1]["action"]) if actions else QuarantineStatus.OPEN
    return QuarantineEntry(
        row["quarantine_id"],
        row["delivery_id"],
        row["file_name"],
        row["source_agency"],
        Content(row["content"]),
        row["row_number"],
        dict(row["raw"]),
        list(row["errors"]),
        row["item_code"],
        status,
        actions,
        None if row["identities"] is None else dict(row["identities"]),
    )


def list_entries(
    conn: sa.Connection,
    *,
    source: str | None = None,
    delivery_id: str | None = None,
    status: QuarantineStatus | None = QuarantineStatus.OPEN,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[QuarantineEntry], int]:
    """A page of quarantined rows (oldest first) and how many match in all."""
    q, a = it.quarantine, it.quarantine_actions
    query = _query()
    if source:
        query = query.where(q.c.source_agency == source)
    if delivery_id:
        query = query.where(q.c.delivery_id.startswith(delivery_id))
    acted = sa.select(a.c.quarantine_id)
    if status is QuarantineStatus.OPEN:
        query = query.where(q.c.quarantine_id.not_in(acted))
    elif status is not None:
        query = query.where(q.c.quarantine_id.in_(acted.where(a.c.action == str(status))))
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(q.c.recorded_at, q.c.delivery_id, q.c.row_number).limit(limit).offset(offset)
    ).mappings()
    return [_entry(conn, r) for r in rows], int(total)


def get_entry(conn: sa.Connection, quarantine_id: str) -> QuarantineEntry:
    """One quarantined row by id, or by a unique prefix of at least 8 characters."""
    if len(quarantine_id) < 8:
        raise InvalidData("give at least 8 characters of the quarantine id", code="id-too-short")
    rows = (
        conn.execute(
            _query().where(it.quarantine.c.quarantine_id.startswith(quarantine_id)).limit(2)
        )
        .mappings()
        .all()
    )
    if not rows:
        raise NotFound(f"no quarantined row {quarantine_id!r}", code="unknown-quarantine")
    if len(rows) > 1:
        raise InvalidData(f"{quarantine_id!r} matches several rows; give more characters")
    return _entry(conn, rows[0])


def _act(
    conn: sa.Connection,
    entry: QuarantineEntry,
    action: QuarantineStatus,
    *,
    actor: str,
    reason: str | None,
    changes: dict[str, Any],
    result_id: str | None,
    recorded_at: datetime,
) -> None:
    if not actor.strip():
        raise InvalidData("an action needs the reviewer's name", code="no-actor")
    insert_ignore(
        conn,
        it.quarantine_actions,
        [
            {
                "action_id": content_id(entry.quarantine_id, action, recorded_at),
                "quarantine_id": entry.quarantine_id,
                "action": str(action),
                "actor": actor,
                "reason": reason,
                "changes": changes,
                "result_id": result_id,
                "recorded_at": recorded_at,
            }
        ],
    )


def _require_open(entry: QuarantineEntry) -> None:
    if entry.status is not QuarantineStatus.OPEN:
        last = entry.actions[-1]
        raise ConflictError(
            f"row {entry.quarantine_id[:12]} was already {entry.status} by {last['actor']} "
            f"on {last['recorded_at']:%Y-%m-%d}",
            code="already-reviewed",
        )


def reject(
    engine: sa.Engine, quarantine_id: str, *, actor: str, reason: str, recorded_at: datetime
) -> QuarantineEntry:
    """Refuse a quarantined row for good. ``reason`` is required and kept."""
    if not reason.strip():
        raise InvalidData(
            "a rejection needs a reason",
            code="no-reason",
            errors=[FieldError("reason", "is empty", "say why the row is refused")],
        )
    with engine.begin() as conn:
        entry = get_entry(conn, quarantine_id)
        _require_open(entry)
        _act(
            conn,
            entry,
            QuarantineStatus.REJECTED,
            actor=actor,
            reason=reason,
            changes={},
            result_id=None,
            recorded_at=recorded_at,
        )
        return get_entry(conn, entry.quarantine_id)


def _require_text_corrected(entry: QuarantineEntry, corrected: set[str]) -> None:
    """A field refused for a character no database can hold is kept in quarantine as a
    visible escape (``\\ud800``); releasing it unchanged would store the escape as text. Such
    a field must be among the reviewer's corrections (``corrected``: the columns set, under
    the source's and the delivery format's names).

    Raises:
        InvalidData: naming each such field and the character it held.
    """
    left = [
        FieldError(
            e["field"],
            f"{e['message']} as delivered; the quarantine shows it escaped",
            f"give the corrected value: --set {e['field'].split('.')[0]}=…",
        )
        for e in entry.errors
        if e.get("fix") in TEXT_FIXES
        and not any(e["field"] == c or e["field"].startswith(c + ".") for c in corrected)
    ]
    if left:
        raise InvalidData(
            "the row held characters that cannot be stored; correct "
            + ", ".join(e.field for e in left),
            code="uncorrected-text",
            errors=left,
        )


def release(
    engine: sa.Engine,
    pack: Pack,
    quarantine_id: str,
    *,
    changes: dict[str, Any],
    actor: str,
    reason: str | None,
    key: PseudonymKey,
    recorded_at: datetime,
    mode: Mode = Mode.STRICT,
    seal_key: bytes | None = None,
) -> QuarantineEntry:
    """Correct a quarantined row and accept it, if it now passes full validation.

    A person kept as a pseudonym is released as that pseudonym; a sealed value is opened
    with ``seal_key`` to be validated again. The changes are kept with resident numbers masked.

    Args:
        changes: source column → corrected value, applied to the row as delivered.

    Raises:
        InvalidData: the corrected row is still invalid (every reason listed); nothing changes.
        ConflictError: the row was already released or rejected.
    """
    with engine.begin() as conn:
        entry = get_entry(conn, quarantine_id)
        _require_open(entry)
        delivered_on = conn.execute(
            sa.select(it.deliveries.c.delivered_on).where(
                it.deliveries.c.delivery_id == entry.delivery_id
            )
        ).scalar_one()
        ctx = RowContext.for_source(
            pack, entry.source_agency, entry.content, key=key, today=delivered_on, mode=mode
        )
        if entry.identities is None:
            raise ConflictError(
                f"row {entry.quarantine_id[:12]} was quarantined before migration 0013 and still "
                "holds raw resident numbers",
                code="not-scrubbed",
                errors=[
                    FieldError("quarantine", "is not scrubbed", "run `xinyong quarantine scrub`")
                ],
            )
        ctx.known.update(
            {
                kept["pseudonym"]: kept["masked"]
                for kept in entry.identities.values()
                if "pseudonym" in kept
            }
        )
        validator = ctx.validator
        renames = ctx.declaration.columns
        _require_text_corrected(entry, {renames.get(c, c) for c in changes} | set(changes))
        row = ctx.rename(
            restore_row(
                entry.raw,
                entry.identities,
                changes=changes,
                seal_with=seal_key,
                bound_to=entry.quarantine_id,
            )
        )
        writer = BulkWriter(
            engine, validator, today=delivered_on, recorded_at=recorded_at, batch_size=None
        )
        if entry.content is Content.RECORDS:
            subject, record = parse_valid_record(row, ctx)
            writer.add_subject(subject)
            writer.add_record(record, subject.kind)
            result = record.record_id
        elif entry.content is Content.SUBJECTS:
            subject = parse_subject(row, ctx)
            writer.add_subject(subject)
            result = subject.subject_id
        elif entry.content is Content.LINKS:
            person, link = parse_link(row, ctx)
            writer.add_subject(person)
            writer.add_link(link)
            result = link.link_id
        else:
            raise InvalidData(
                "a quarantined decision is released by delivering it again once its record is in "
                "the ledger",
                code="release-not-supported",
            )
        writer.write_pending(conn)
        _act(
            conn,
            entry,
            QuarantineStatus.RELEASED,
            actor=actor,
            reason=reason,
            changes=hide_text(changes, today=delivered_on),
            result_id=result,
            recorded_at=recorded_at,
        )
        return get_entry(conn, entry.quarantine_id)
