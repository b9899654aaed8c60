"""Applying the migrations: under a lock, online or as SQL, and reporting where a database is.

Concurrent upgrades are serialised. On PostgreSQL the upgrade's transaction first takes the
transaction-level advisory lock ``pg_advisory_xact_lock(MIGRATION_LOCK_KEY)`` (the
transaction-scoped form of ``pg_advisory_lock``: released at commit or rollback, so a crash
cannot leave it held); a second upgrade waits, then finds the schema at head and does nothing.
On SQLite the upgrade's transaction is opened with ``BEGIN IMMEDIATE``, which takes the
database's write lock at once; a second upgrade waits for it (the busy timeout). Either way
the scripts run in one transaction (both engines have transactional DDL): a failing upgrade
leaves nothing half-applied.
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

from ..errors import ConfigError, FieldError
from .drift import Difference, drift

#: the advisory-lock key upgrades hold on PostgreSQL (the bytes of "xinyong" as an integer)
MIGRATION_LOCK_KEY = int.from_bytes(b"xinyong", "big")


#: revisions that compute data in Python and so cannot be rendered as SQL, with what they do
ONLINE_ONLY = {"0005": "fills subjects.name_key and name_core, computed in Python"}


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
        ConfigError: the database cannot be reached (``database-unreachable``), or a script
            failed (``upgrade-failed``: nothing was applied, the revision is unchanged).
    """
    config = alembic_config(engine)
    try:
        conn = engine.connect()
    except sa.exc.OperationalError as exc:
        raise _unreachable(engine, exc) from None
    with conn:
        try:
            _take_migration_lock(conn)
        except sa.exc.OperationalError as exc:  # SQLite: still locked after the busy timeout
            raise ConfigError(
                f"the ledger database at {engine.url!r} stayed locked by another writer "
                f"({exc.orig}); nothing was applied. Run the upgrade again when the other "
                "process (an ingest, another upgrade) has finished",
                code="database-busy",
            ) from None
        before = _revision(conn) or "none"
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, "head")
            conn.commit()
        except sa.exc.DBAPIError as exc:
            conn.rollback()
            raise ConfigError(
                f"upgrading the ledger database at {engine.url!r} from revision {before} "
                f"failed: {exc.orig}; nothing was applied, it is still at revision {before}. "
                "Compare its schema with `xinyong db status`",
                code="upgrade-failed",
            ) from None
    return head_revision()


def upgrade_sql(engine: sa.Engine) -> str:
    """The SQL an upgrade of this database would run (Alembic's offline mode), from its
    revision to head; the database is read (its revision and schema), never changed.

    Raises:
        ConfigError: the database cannot be reached, or a pending revision cannot be
            rendered as SQL (``upgrade-needs-connection``).
    """
    output = io.StringIO()
    config = alembic_config(engine, output=output)
    try:
        with engine.connect() as conn:
            revision = _revision(conn)
            online = [r for r in pending_revisions(revision) if r in ONLINE_ONLY]
            if online:
                raise ConfigError(
                    f"the ledger database at {engine.url!r} is at revision "
                    f"{revision or 'none'}; the upgrade includes revisions that cannot be "
                    "printed as SQL",
                    code="upgrade-needs-connection",
                    errors=[
                        FieldError(
                            "--sql",
                            f"revision {r} {ONLINE_ONLY[r]}",
                            "run `xinyong db upgrade` without --sql (or `xinyong init`); "
                            "--sql works once the database is past this revision",
                        )
                        for r in online
                    ],
                )
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
    #: how the live schema differs from the declared tables (expected while ``pending``)
    drift: list[Difference]

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


def migrate(engine: sa.Engine) -> Status:
    """Upgrade to head, then check the schema is the declared one (``xinyong init``).

    Raises:
        ConfigError: the database cannot be reached (``database-unreachable``), or its
            schema still differs from the declared tables after upgrading
            (``schema-drift``, one error per difference).
    """
    upgrade(engine)
    after = status(engine)
    if after.drift:
        raise ConfigError(
            f"the ledger database at {engine.url!r} is at revision {after.revision} but its "
            f"schema differs from the declared tables in {len(after.drift)} ways; it was "
            "changed outside the migrations, or a schema change lacks its migration",
            code="schema-drift",
            errors=[
                FieldError(
                    d.where,
                    d.what,
                    "write a new migration that makes the database match the declared "
                    "tables (never edit a released one), or restore the database from a "
                    "backup; `xinyong db status` lists the differences",
                )
                for d in after.drift
            ],
        )
    return after


def require_current(engine: sa.Engine) -> None:
    """Raise ``ConfigError`` unless the database is migrated to the newest revision.

    An SQLite file that does not exist is named, not created: only ``xinyong init`` creates a
    ledger, so a command run in the wrong directory leaves no empty ``xinyong.db`` behind.
    """
    from ..ledger.db import sqlite_file

    path = sqlite_file(engine)
    if path is not None and not path.exists():
        raise ConfigError(
            f"there is no ledger database at {path} (XINYONG_DATABASE_URL="
            f"{engine.url.render_as_string(hide_password=True)}); run `xinyong init` to create "
            "one, or set XINYONG_DATABASE_URL to an existing ledger",
            code="database-missing",
        )
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
