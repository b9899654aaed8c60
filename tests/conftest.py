"""Shared fixtures.

Fixture policy: tests build their data inline with the factories in ``tests/factories.py``
(small, memorable, realistic). The only shared dataset is the built-in ``cn`` pack, loaded
once per session. Tests build a ``Settings(...)`` and pass it; none reads the environment.

Databases: the ``engine`` fixture runs a test on SQLite and on PostgreSQL. PostgreSQL needs
``XINYONG_TEST_DATABASE_URL`` (a database the tests may wipe). Without it the PostgreSQL
variants skip, unless ``XINYONG_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), which turns the
skip into a failure, and a run that executed no PostgreSQL test into a failed session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from xinyong.ledger import RecordValidator, make_engine, upgrade
from xinyong.schemes import Pack, load_pack
from xinyong.settings import Settings

POSTGRES_URL = os.environ.get("XINYONG_TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("XINYONG_REQUIRE_POSTGRES") == "1"
_postgres_tests_run = 0


@pytest.fixture(scope="session")
def cn_pack() -> Pack:
    return load_pack("cn")


@pytest.fixture(scope="session")
def validator(cn_pack: Pack) -> RecordValidator:
    return RecordValidator(cn_pack.catalogue)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'ledger.db'}",
        pseudonym_key="test-secret-for-pseudonyms",  # type: ignore[arg-type]
    )


def _reset_postgres(url: str) -> sa.Engine:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.fail(f"XINYONG_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}")
    return engine


def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL for the current parameter (``sqlite`` or ``postgresql``)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("XINYONG_REQUIRE_POSTGRES=1 but XINYONG_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need XINYONG_TEST_DATABASE_URL")
    global _postgres_tests_run
    _postgres_tests_run += 1
    _reset_postgres(POSTGRES_URL).dispose()
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each engine (not migrated)."""
    return database_url(request, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """A migrated, empty ledger on each engine. Whatever the test stored, no raw resident
    number may be left in it (every column of every table read as text)."""
    from tests.privacy import raw_ids_in_database

    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    found = raw_ids_in_database(engine)
    engine.dispose()
    assert found == [], f"raw resident numbers stored: {found[:3]}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if REQUIRE_POSTGRES and exitstatus == 0 and _postgres_tests_run == 0:
        if session.config.option.collectonly or session.testscollected == 0:
            return
        print("\nXINYONG_REQUIRE_POSTGRES=1 but no PostgreSQL test ran")  # noqa: T201
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack) -> Path:
    """The small world of ``tests/web/conftest.py`` (deliveries ingested, lists evaluated,
    notices dispatched), built once; copy it before changing it."""
    from tests.privacy import raw_ids_in_sqlite_file
    from tests.web.conftest import build_world

    path = tmp_path_factory.mktemp("world") / "world.db"
    build_world(path, cn_pack)
    assert raw_ids_in_sqlite_file(path) == []  # persons were ingested: none left raw
    return path
