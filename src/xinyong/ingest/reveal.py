"""Sealed quarantine values: revealed to a reviewer with a reason, and the one-off scrub of
rows quarantined before migration 0013, which still hold raw resident numbers."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..errors import FieldError, InvalidData
from ..ids import PseudonymKey
from ..schemes import Pack
from . import tables as it
from .protect import hide_text, protect_row, unseal
from .quarantine import get_entry


@dataclass(frozen=True)
class Revealed:
    quarantine_id: str
    #: column → the value as delivered
    values: dict[str, str]


def reveal(conn: sa.Connection, quarantine_id: str, *, reason: str, seal_key: bytes) -> Revealed:
    """The sealed values of a quarantined row, by column. The caller audits the reveal in
    ``conn``'s transaction before showing them.

    Raises:
        InvalidData: no reason given (field ``reason``), or the row has nothing sealed.
        ConfigError: ``seal_key`` is not the key the values were sealed under.
    """
    if not reason.strip():
        raise InvalidData(
            "a reveal needs a reason",
            code="no-reason",
            errors=[FieldError("reason", "is empty", "say why you need the value: --reason …")],
        )
    entry = get_entry(conn, quarantine_id)
    sealed = {c: kept["sealed"] for c, kept in (entry.identities or {}).items() if "sealed" in kept}
    if not sealed:
        raise InvalidData(
            f"row {entry.quarantine_id[:12]} has no sealed value; a valid resident number is "
            "kept only as its pseudonym, which cannot be reversed",
            code="nothing-sealed",
        )
    return Revealed(
        entry.quarantine_id,
        {
            column: unseal(value, key=seal_key, bound_to=f"{entry.quarantine_id}:{column}")
            for column, value in sealed.items()
        },
    )


@dataclass(frozen=True)
class Scrubbed:
    rows: int  # rows rewritten
    values: int  # values masked in them


def unscrubbed(conn: sa.Connection) -> int:
    """Quarantined rows from before migration 0013, which may hold raw resident numbers."""
    q = it.quarantine
    found = conn.execute(
        sa.select(sa.func.count()).select_from(q).where(q.c.identities.is_(None))
    ).scalar_one()
    return int(found)


def scrub(engine: sa.Engine, pack: Pack, *, key: PseudonymKey, seal_key: bytes | None) -> Scrubbed:
    """Rewrite every quarantined row from before migration 0013 as ingest now writes it:
    resident numbers pseudonymised or sealed, masked in the row, its reasons and its review
    actions' changes, and the space the old values held wiped. Idempotent: a scrubbed row is
    not touched again."""
    q, d, a = it.quarantine, it.deliveries, it.quarantine_actions
    rows = values = 0
    with engine.begin() as conn:
        pending = conn.execute(
            sa.select(q.c.quarantine_id, q.c.source_agency, q.c.raw, q.c.errors, d.c.delivered_on)
            .join(d, d.c.delivery_id == q.c.delivery_id)
            .where(q.c.identities.is_(None))
        ).all()
        for qid, source, raw, errors, day in pending:
            declaration = pack.sources.get(source)
            kept = protect_row(
                raw,
                renames=declaration.columns if declaration else {},
                key=key,
                seal_with=seal_key,
                bound_to=qid,
                today=day,
            )
            conn.execute(
                q.update()
                .where(q.c.quarantine_id == qid)
                .values(
                    raw=kept.row,
                    errors=hide_text(errors, today=day),
                    identities=kept.identities,
                )
            )
            for action_id, changes in conn.execute(
                sa.select(a.c.action_id, a.c.changes).where(a.c.quarantine_id == qid)
            ):
                hidden = hide_text(changes, today=day)
                if hidden != changes:
                    conn.execute(
                        a.update().where(a.c.action_id == action_id).values(changes=hidden)
                    )
            rows += 1
            values += len(kept.identities)
    if rows:
        _wipe_freed_space(engine)
    return Scrubbed(rows, values)


def _wipe_freed_space(engine: sa.Engine) -> None:
    """Rewrite the database so the numbers just replaced are not left in freed pages (SQLite,
    and its write-ahead log) or dead row versions (PostgreSQL)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif conn.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM FULL quarantine, quarantine_actions")
