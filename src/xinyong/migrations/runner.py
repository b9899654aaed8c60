"""Applying the migrations: under a lock, online or as SQL, and reporting where a database is.

Concurrent upgrades are serialised. On PostgreSQL the upgrade's transaction first takes the
transaction-level advisory lock ``pg_advisory_xact_lock(MIGRATION_LOCK_KEY)`` (the
transaction-scoped form of ``pg_advisory_lock``: released at commit or rollback, so a crash
cannot leave it held); a second upgrade waits, then finds the schema at head and does nothing.
On SQLite the upgrade's transaction is opened with ``BEGIN IMMEDIATE``, which takes the
database's write lock at once; a second upgrade waits for it (the busy timeout). Either way
the scripts run in one transaction: a failing upgrade leaves nothing half-applied.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..errors import ConfigError
from .drift import drift

#: the advisory-lock key upgrades hold on PostgreSQL (the bytes of "xinyong" as an integer)
MIGRATION_LOCK_KEY = int.from_bytes(b"xinyong", "big")


def alembic_config(engine: sa.Engine, *, output: io.StringIO | None = None) -> Config:
    config = Config(output_buffer=output)
    config.set_main_option("script_location", str(resources.files(__package__)))
    config.attributes["url"] = engine.url
    return config


def _unreachable(engine: sa.Engine, exc: sa.exc.OperationalError) -> ConfigError:
    return ConfigError(
        f"cannot reach the ledger database at {engine.url!r}: {exc.orig}",
        code="database-unreachable",
    )


def _take_migration_lock(conn: sa.Connection) -> None:
    """Start ``conn``'s transaction holding the lock that serialises upgrades."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: sa.Engine) -> str:
    """Create or migrate the ledger schema to the newest revision; returns that revision.

    Raises:
        ConfigError: the database cannot be reached.
    """
    config = alembic_config(engine)
    try:
        with engine.connect() as conn:
            _take_migration_lock(conn)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
    except sa.exc.OperationalError as exc:
        raise _unreachable(engine, exc) from None
    return head_revision()


def upgrade_sql(engine: sa.Engine) -> str:
    """The SQL an upgrade of this database would run (Alembic's offline mode), from its
    revision to head; the database is read (its revision and schema), never changed."""
    output = io.StringIO()
    config = alembic_config(engine, output=output)
    try:
        with engine.connect() as conn:
            revision = _revision(conn)
            config.attributes["live_revision"] = revision
            config.attributes["live_inspector"] = sa.inspect(conn)
            start = f"{revision}:" if revision else ""
            if revision != head_revision():
                command.upgrade(config, f"{start}head", sql=True)
            conn.rollback()
    except sa.exc.OperationalError as exc:
        raise _unreachable(engine, exc) from None
    return output.getvalue()


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://")))


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def _revision(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at; ``None`` if it was never initialised."""
    with engine.connect() as conn:
        return _revision(conn)


def pending_revisions(revision: str | None) -> list[str]:
    """The revisions an upgrade from ``revision`` applies, oldest first."""
    scripts = _scripts()
    steps = scripts.iterate_revisions("head", revision or "base")
    return [script.revision for script in reversed(list(steps))]


@dataclass(frozen=True)
class Status:
    """Where a database stands: its revision, what an upgrade would apply, and drift."""

    revision: str | None
    head: str
    pending: list[str]
    #: how the live schema differs from the declared tables (only meaningful at head)
    drift: list[str]

    @property
    def ok(self) -> bool:
        return not self.pending and not self.drift


def status(engine: sa.Engine) -> Status:
    """The database's revision, pending revisions and drift; reads, never changes.

    Raises:
        ConfigError: the database cannot be reached.
    """
    try:
        with engine.connect() as conn:
            revision = _revision(conn)
            differences = drift(conn)
    except sa.exc.OperationalError as exc:
        raise _unreachable(engine, exc) from None
    return Status(revision, head_revision(), pending_revisions(revision), differences)


def require_current(engine: sa.Engine) -> None:
    """Raise ``ConfigError`` unless the database is migrated to the newest revision."""
    try:
        revision = current_revision(engine)
    except sa.exc.OperationalError as exc:
        raise _unreachable(engine, exc) from None
    if revision != head_revision():
        raise ConfigError(
            f"the ledger database at {engine.url!r} is at revision {revision or 'none'}, "
            f"expected {head_revision()}; run `xinyong init`",
            code="database-not-migrated",
        )
