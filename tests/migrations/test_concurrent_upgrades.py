"""Concurrent upgrades are serialised: two starts on a new database both succeed and the
schema is built once (PostgreSQL: an advisory lock; SQLite: ``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from xinyong.errors import ConfigError
from xinyong.ledger import current_revision, make_engine, upgrade
from xinyong.migrations import MIGRATION_LOCK_KEY, head_revision, status

# each start is its own process (as two servers or two `xinyong init`s are); they begin
# together once the test creates the ``go`` file
START = """
import pathlib, sys, time
from xinyong.errors import ConfigError
from xinyong.ledger import current_revision, make_engine, upgrade
go = pathlib.Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
print(upgrade(make_engine(sys.argv[1])))
"""


def _race(db_url: str, starts: int, tmp_path: Path) -> list[tuple[int, str, str]]:
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", START, db_url, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(starts)
    ]
    go.touch()
    results = []
    for process in processes:
        out, err = process.communicate()
        results.append((process.returncode, out.strip(), err.strip()[-2000:]))
    return results


def test_two_upgrades_racing_on_a_new_database_both_succeed(db_url: str, tmp_path: Path) -> None:
    assert _race(db_url, 2, tmp_path) == [(0, head_revision(), "")] * 2
    engine = make_engine(db_url)
    with engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    assert [v[0] for v in versions] == [head_revision()]
    assert status(engine).drift == []
    engine.dispose()


def test_an_upgrade_waits_for_the_lock_on_postgresql(db_url: str) -> None:
    engine = make_engine(db_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        return  # SQLite's lock is the database's own write lock (BEGIN IMMEDIATE)
    holder = engine.connect()
    holder.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
    other = make_engine(db_url)
    waiting = threading.Thread(target=upgrade, args=(other,))
    waiting.start()
    with engine.connect() as conn:
        blocked = sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND classid = :high AND objid = :low"
        )
        key = {"high": MIGRATION_LOCK_KEY >> 32, "low": MIGRATION_LOCK_KEY & 0xFFFFFFFF}
        while not conn.execute(blocked, key).scalar_one():
            conn.rollback()
        conn.rollback()
        assert "alembic_version" not in sa.inspect(conn).get_table_names()
    holder.rollback()
    holder.close()
    waiting.join()
    other.dispose()
    assert status(engine).revision == head_revision()
    engine.dispose()


def test_an_upgrade_refused_by_a_busy_sqlite_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    writer = sqlite3.connect(path)
    writer.execute("BEGIN IMMEDIATE")  # another process's write transaction, never ending
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(ConfigError) as busy:
            upgrade(engine)
        assert busy.value.code == "database-busy"
        assert "stayed locked by another writer" in busy.value.detail
        assert "nothing was applied" in busy.value.detail
    finally:
        writer.rollback()
        writer.close()
        engine.dispose()
    after = make_engine(f"sqlite:///{path}")
    assert current_revision(after) is None
    after.dispose()
