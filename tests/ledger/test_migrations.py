from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import xinyong.evaluate.tables  # noqa: F401  (registers the evaluation tables)
import xinyong.ingest.tables  # noqa: F401  (the ingest tables share the metadata)
import xinyong.keys.tables  # noqa: F401  (key fingerprints)
import xinyong.rights.tables  # noqa: F401  (consents)
import xinyong.sanctions.tables  # noqa: F401  (dispatch notices, overrides)
import xinyong.web.tables  # noqa: F401  (accounts and API tokens)
from xinyong.errors import ConfigError
from xinyong.ledger import current_revision, make_engine, require_current, upgrade
from xinyong.ledger.tables import metadata


def test_migrations_build_exactly_the_declared_tables(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    head = upgrade(engine)
    assert upgrade(engine) == head == current_revision(engine)
    engine.dispose()


def test_an_unmigrated_database_is_refused_with_the_fix(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        require_current(engine)
    except ConfigError as exc:
        assert "run `xinyong init`" in exc.detail
    else:  # pragma: no cover
        raise AssertionError("require_current accepted an empty database")
    finally:
        engine.dispose()


def test_sqlite_uses_wal(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    engine.dispose()


def test_a_bad_url_says_how_to_write_one() -> None:
    try:
        make_engine("mysql+nosuchdriver://x")
    except ConfigError as exc:
        assert "postgresql+psycopg://" in exc.detail
    else:  # pragma: no cover
        raise AssertionError("accepted a URL with a missing driver")
