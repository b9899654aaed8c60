"""Shared fixtures.

Fixture policy: tests build their data inline with the factories in ``tests/factories.py``
(small, memorable, realistic). The only shared dataset is the built-in ``cn`` pack, loaded
once per session. Tests build a ``Settings(...)`` and pass it; none reads the environment.

Databases: the ``engine`` fixture runs a test on SQLite and on PostgreSQL. PostgreSQL needs
``XINYONG_TEST_DATABASE_URL`` (a database the tests may wipe). Without it the PostgreSQL
variants skip, unless ``XINYONG_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), which turns the
skip into a failure, and a run that executed no PostgreSQL test into a failed session.

Parallel runs (``make test`` runs ``pytest -n auto``, pytest-xdist): each worker gets its own
PostgreSQL database, ``<name>_<worker>``, created on first use next to the given one; tests of
one file run in one worker (``--dist loadfile``), so module fixtures are built once. The
"no PostgreSQL test ran" check adds up what every worker ran (``required_runs``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.required_runs import POSTGRES_RUNS, REQUIRED
from xinyong.ledger import RecordValidator, make_engine, upgrade
from xinyong.schemes import Pack, load_pack
from xinyong.settings import Settings


def _worker_url(base: str, worker: str) -> str:
    """This worker's database: the given one, suffixed with the worker's name in a parallel
    run (a ``dbname`` in the query would override it)."""
    if not (base and worker):
        return base
    url = sa.make_url(base)
    url = url.difference_update_query(["dbname"]).set(database=f"{url.database}_{worker}")
    return url.render_as_string(hide_password=False)


_BASE_POSTGRES_URL = os.environ.get("XINYONG_TEST_DATABASE_URL", "")
POSTGRES_URL = _worker_url(_BASE_POSTGRES_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
REQUIRE_POSTGRES = POSTGRES_RUNS.required


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


@functools.cache
def _create_database(url: str) -> None:
    """A parallel worker's database, created beside the given one if it does not exist (once
    per worker)."""
    name = sa.make_url(url).database
    admin = make_engine(_BASE_POSTGRES_URL)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": name}
            ).first()
            if exists is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        pytest.fail(f"XINYONG_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}")
    except sa.exc.ProgrammingError as exc:
        pytest.fail(
            f"a parallel run creates {name} beside XINYONG_TEST_DATABASE_URL's database and "
            f"cannot ({exc.orig}); grant the role CREATEDB or run make test TEST_WORKERS=0"
        )
    finally:
        admin.dispose()


def _reset_postgres(url: str) -> sa.Engine:
    if url != _BASE_POSTGRES_URL:
        _create_database(url)
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
    POSTGRES_RUNS.count()
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
    for required in REQUIRED:
        required.finish(session, exitstatus)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:  # noqa: ARG001 (hook signature)
    """A parallel worker finished: add what it ran to the controller's counts."""
    for required in REQUIRED:
        required.add_worker(node)


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
