"""Signed checkpoints of the audit log, and verification against copies published earlier.

The hash chain alone cannot stop an insider who writes the database: changing an entry and
recomputing every later hash and the head, or cutting the tail and moving the head, leaves a
chain that verifies. So, at a fixed interval (``XINYONG_AUDIT_CHECKPOINT_ENTRIES`` entries or
``XINYONG_AUDIT_CHECKPOINT_MINUTES`` minutes), the node signs its head with an Ed25519 key kept
outside the database (``XINYONG_AUDIT_SIGNING_KEY_FILE``) as a C2SP checkpoint
(:mod:`.notes`): origin, tree size, and the hash of entry number *size* as the root. Anyone
holding a checkpoint published earlier detects a rewrite of any entry up to its size (that
entry's hash changes) and a cut tail (the log is shorter than the size).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..errors import InvalidData
from ..settings import Settings
from . import audit
from . import tables as t
from .notes import Checkpoint, NoteSigner, NoteVerifier

log = logging.getLogger("xinyong.audit")
FORMAT = "xinyong-audit-checkpoints/1"


def _head(conn: sa.Connection) -> tuple[int, str]:
    head = conn.execute(
        sa.select(t.audit_head.c.seq, t.audit_head.c.entry_hash).where(t.audit_head.c.id == 1)
    ).first()
    return (int(head[0]), str(head[1])) if head is not None else (0, audit.GENESIS)


def latest(conn: sa.Connection) -> dict[str, Any] | None:
    c = t.audit_checkpoints.c
    row = conn.execute(sa.select(t.audit_checkpoints).order_by(c.size.desc()).limit(1)).first()
    return dict(row._mapping) if row is not None else None


def due(conn: sa.Connection, now: datetime, *, every_entries: int, every_minutes: int) -> bool:
    """Whether the head moved ``every_entries`` entries past the last checkpoint, or moved at
    all and the last checkpoint is ``every_minutes`` old (or there is none)."""
    size, _ = _head(conn)
    last = latest(conn)
    if last is None:
        return size > 0
    grown = size - int(last["size"])
    aged = now - last["signed_at"] >= timedelta(minutes=every_minutes)
    return grown > 0 and (grown >= every_entries or aged)


def sign_head(conn: sa.Connection, signer: NoteSigner, now: datetime) -> Checkpoint | None:
    """Sign and store a checkpoint of the current head (``None``: empty log, or already
    signed at this size)."""
    size, root = _head(conn)
    if size == 0:
        return None
    checkpoint = Checkpoint(signer.name, size, root)
    try:
        with conn.begin_nested():
            conn.execute(
                t.audit_checkpoints.insert().values(
                    size=size, root_hash=root, signed_at=now, note=signer.sign(checkpoint.text())
                )
            )
    except sa.exc.IntegrityError:
        return None  # another worker signed this size first
    return checkpoint


def published(conn: sa.Connection, verifier: NoteVerifier) -> dict[str, Any]:
    """Every checkpoint with the public key that checks them: the exportable document."""
    c = t.audit_checkpoints.c
    rows = conn.execute(sa.select(c.size, c.signed_at, c.note).order_by(c.size)).mappings()
    return {
        "format": FORMAT,
        "origin": verifier.name,
        "key": verifier.vkey,
        "checkpoints": [
            {"size": r["size"], "signed_at": r["signed_at"].isoformat(), "note": r["note"]}
            for r in rows
        ],
    }


def _notes(document: Any) -> list[str]:
    try:
        notes = [str(c["note"]) for c in document["checkpoints"]]
    except (TypeError, KeyError):
        raise InvalidData(
            "the checkpoints file is not an export of `xinyong audit checkpoints`",
            code="bad-checkpoints-file",
        ) from None
    return notes


def verify_against(
    conn: sa.Connection, document: Any, verifier: NoteVerifier
) -> audit.Verification:
    """The chain checked by :func:`audit.verify`, then against every checkpoint in
    ``document`` (an export of :func:`published`), each signature checked with ``verifier``.

    Raises:
        InvalidData: the document is malformed or a checkpoint's signature does not verify
            (it was not published by this node's key).
    """
    result = audit.verify(conn)
    if not result.ok:
        return result
    hashes = t.audit_log.c
    for note in _notes(document):
        checkpoint = Checkpoint.parse(verifier.open(note))
        if checkpoint.size > result.entries:
            return audit.Verification(
                result.entries,
                f"the log has {result.entries} entries but a checkpoint signed {checkpoint.size}:"
                " entries were removed from the end and the head moved",
                result.entries + 1,
            )
        found = conn.execute(
            sa.select(hashes.entry_hash).where(hashes.seq == checkpoint.size)
        ).scalar()
        if found != checkpoint.root:
            return audit.Verification(
                result.entries,
                f"entry {checkpoint.size} does not hash to the root of its signed checkpoint: "
                f"an entry up to {checkpoint.size} was changed and the chain recomputed",
                checkpoint.size,
            )
    return result


def verify_node(conn: sa.Connection, verifier: NoteVerifier | None) -> audit.Verification:
    """What ``xinyong audit verify`` and ``GET /api/audit/verify`` report: the chain, and,
    on a node that signs checkpoints, the chain against its own stored checkpoints."""
    if verifier is None:
        return audit.verify(conn)
    return verify_against(conn, published(conn, verifier), verifier)


class Checkpointer:
    """Signs a checkpoint whenever one is :func:`due`, checking every ``tick`` seconds."""

    def __init__(
        self,
        engine: sa.Engine,
        signer: NoteSigner,
        clock: Callable[[], datetime],
        *,
        every_entries: int,
        every_minutes: int,
        tick: float = 5.0,
    ) -> None:
        self.engine, self.signer, self.clock, self.tick = engine, signer, clock, tick
        self.every_entries, self.every_minutes = every_entries, every_minutes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> Checkpoint | None:
        now = self.clock().replace(microsecond=0)
        with self.engine.begin() as conn:
            if not due(
                conn, now, every_entries=self.every_entries, every_minutes=self.every_minutes
            ):
                return None
            return sign_head(conn, self.signer, now)

    @classmethod
    def from_settings(
        cls, settings: Settings, engine: sa.Engine, clock: Callable[[], datetime]
    ) -> Checkpointer | None:
        """The node's checkpointer; ``None`` when no signing key is set."""
        if settings.audit_signing_key_file is None:
            return None
        return cls(
            engine,
            NoteSigner.from_file(settings.audit_signing_key_file, settings.audit_log_name),
            clock,
            every_entries=settings.audit_checkpoint_entries,
            every_minutes=settings.audit_checkpoint_minutes,
        )

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.tick):
                try:
                    self.run_once()
                except Exception:  # retried at the next tick
                    log.exception("signing an audit checkpoint failed")

        self._thread = threading.Thread(target=loop, name="audit-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop checking, after signing a last checkpoint if one is due."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self.run_once()
        except Exception:  # shutting down: the next start signs it
            log.exception("signing the last audit checkpoint failed")
