"""``upgrade_sql``: the SQL an upgrade would run, rendered without changing the database;
applied by hand it brings the database where ``upgrade()`` would."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.migrations.states import build_at_state
from xinyong.errors import ConfigError
from xinyong.ledger import current_revision, make_engine, upgrade
from xinyong.migrations import head_revision, status, upgrade_sql


def _run_script(engine: sa.Engine, script: str) -> None:
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            raw.driver_connection.executescript(script)  # type: ignore[union-attr]
        else:
            raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            raw.cursor().execute(script)
    finally:
        raw.close()


def test_the_sql_repairs_an_edited_state_without_touching_the_database(db_url: str) -> None:
    engine = make_engine(db_url)
    build_at_state(engine, "bb8b9db")  # 0007 before webhooks and screening_subjects
    before = sorted(sa.inspect(engine).get_table_names())

    script = upgrade_sql(engine)

    assert "CREATE TABLE webhooks" in script and "CREATE TABLE screening_subjects" in script
    assert "ALTER TABLE dispatch_notices ADD COLUMN webhook_attempts" in script
    assert "CREATE TABLE repairs" in script  # by 0008, once, not again by 0010
    assert script.count("CREATE TABLE repairs") == 1
    assert current_revision(engine) == "0007"
    assert sorted(sa.inspect(engine).get_table_names()) == before

    _run_script(engine, script)
    after = status(engine)
    assert (after.revision, after.pending, after.drift) == (head_revision(), [], [])
    engine.dispose()


def test_nothing_to_print_at_head(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    assert upgrade_sql(engine) == ""
    engine.dispose()


def test_revisions_computed_in_python_are_refused_with_the_fix(db_url: str) -> None:
    engine = make_engine(db_url)
    with pytest.raises(ConfigError) as refused:
        upgrade_sql(engine)
    assert refused.value.code == "upgrade-needs-connection"
    assert [(e.field, e.message[:13]) for e in refused.value.errors] == [("--sql", "revision 0005")]
    assert "without --sql" in refused.value.errors[0].fix
    assert current_revision(engine) is None
    engine.dispose()
