"""Locks that keep two runs of the same job apart, across processes and hosts.

PostgreSQL: a session advisory lock, keyed by the job's name (any host connected to the same
database sees it). SQLite: an exclusive ``flock`` on a lock file beside the database (one
host, as SQLite itself requires).
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from ..errors import ConflictError
from .db import sqlite_file

#: the lock of the daily run (``xinyong run daily``), also held by a restore
DAILY = "xinyong run daily"


def lock_key(name: str) -> int:
    """The advisory lock key of ``name``: a signed 64-bit integer."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


def _held(name: str) -> ConflictError:
    return ConflictError(
        f"another `{name}` is running on this ledger (it holds the lock); wait for it to "
        "finish, or check that no stuck process holds it",
        code="locked",
    )


@contextmanager
def exclusive(engine: sa.Engine, name: str) -> Iterator[None]:
    """Hold the lock called ``name`` for the ``with`` block; refuse at once if it is held.

    Raises:
        ConflictError: another process holds it.
    """
    path = sqlite_file(engine)
    if path is not None:
        with open(f"{path}.{name.replace(' ', '-')}.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _held(name) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    key = lock_key(name)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            raise _held(name)
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
