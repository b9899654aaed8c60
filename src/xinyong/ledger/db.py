"""Database engines and migrations for the ledger.

SQLite is the embedded default: WAL journal, foreign keys on, a busy timeout so a reader
does not fail while a writer commits. PostgreSQL is the production store. Migrations are
Alembic scripts shipped inside the package, so ``xinyong init`` works from an installed
wheel as well as from a checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..errors import ConfigError
from ..settings import Settings


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(settings_or_url: Settings | str) -> sa.Engine:
    """An engine for the ledger database.

    Raises:
        ConfigError: the URL cannot be parsed or names a driver that is not installed.
    """
    url = settings_or_url.database_url if isinstance(settings_or_url, Settings) else settings_or_url
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, ModuleNotFoundError, sa.exc.NoSuchModuleError) as exc:
        raise ConfigError(
            f"XINYONG_DATABASE_URL {url!r} cannot be used ({exc}); use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/DBNAME",
            code="bad-database-url",
        ) from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def alembic_config(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files(__package__).joinpath("migrations"))
    )
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine) -> str:
    """Create or migrate the ledger schema to the newest revision; returns that revision.

    Raises:
        ConfigError: the database cannot be reached.
    """
    try:
        command.upgrade(alembic_config(engine), "head")
    except sa.exc.OperationalError as exc:
        raise ConfigError(
            f"cannot reach the ledger database at {engine.url!r}: {exc.orig}",
            code="database-unreachable",
        ) from None
    return head_revision()


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at; ``None`` if it was never initialised."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def sqlite_file(engine: sa.Engine) -> Path | None:
    """The file of an SQLite ledger (``None`` for PostgreSQL and in-memory databases)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).resolve()


def require_current(engine: sa.Engine) -> None:
    """Raise ``ConfigError`` unless the database is migrated to the newest revision.

    An SQLite file that does not exist is named, not created: only ``xinyong init`` creates a
    ledger, so a command run in the wrong directory leaves no empty ``xinyong.db`` behind.
    """
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
        raise ConfigError(
            f"cannot reach the ledger database at {engine.url!r}: {exc.orig}",
            code="database-unreachable",
        ) from None
    if revision != head_revision():
        raise ConfigError(
            f"the ledger database at {engine.url!r} is at revision {revision or 'none'}, "
            f"expected {head_revision()}; run `xinyong init`",
            code="database-not-migrated",
        )


def refresh_statistics(engine: sa.Engine) -> None:
    """Refresh the query planner's statistics (``ANALYZE``) after a bulk load.

    Without them SQLite picks the catalogue-item index for the double-publicity pages and
    sorts a million rows instead of walking the decision-date index (seconds instead of
    milliseconds). PostgreSQL's autovacuum would get there too, later.
    """
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
