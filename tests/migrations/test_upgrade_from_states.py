"""A database created at any historical state of the migrations upgrades to today's head:
the same catalog as a fresh database, no drift from the declared tables, its rows intact.

The states are copies in ``tests/migrations/states/`` (see its README); today's revisions,
including any added later, are picked up by ``upgrade()`` itself, so every new migration is
covered from every state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.migrations.states import (
    STATES,
    build_at_state,
    catalog,
    insert_representative_rows,
    read_back,
)
from xinyong.errors import ConfigError
from xinyong.ledger import current_revision, make_engine, upgrade
from xinyong.migrations import alembic_config, head_revision, status

_fresh_catalogs: dict[str, dict[str, dict[str, Any]]] = {}


def fresh_catalog(db_url: str, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The catalog of a database created at today's head (once per engine)."""
    dialect = sa.make_url(db_url).get_backend_name()
    if dialect not in _fresh_catalogs:
        url = f"sqlite:///{tmp_path / 'fresh.db'}" if dialect == "sqlite" else db_url
        engine = make_engine(url)
        upgrade(engine)
        _fresh_catalogs[dialect] = catalog(engine)
        engine.dispose()
        if dialect == "postgresql":
            _reset_postgres(POSTGRES_URL).dispose()
    return _fresh_catalogs[dialect]


@pytest.mark.parametrize("state", STATES)
def test_a_database_created_at_any_state_upgrades_to_head(
    state: str, db_url: str, tmp_path: Path
) -> None:
    expected = fresh_catalog(db_url, tmp_path)
    engine = make_engine(db_url)
    build_at_state(engine, state)
    rows = insert_representative_rows(engine)

    assert upgrade(engine) == head_revision() == current_revision(engine)

    differences = {
        table: (found, expected.get(table))
        for table, found in catalog(engine).items()
        if found != expected.get(table)
    }
    assert differences == {}
    assert sorted(catalog(engine)) == sorted(expected)
    assert status(engine).drift == []
    assert read_back(engine, rows) == rows
    engine.dispose()


def test_the_audit_chains_head_row_is_restored_from_the_chain(db_url: str) -> None:
    # at 6d39e1d revision 0005 made no head row: the first appender created it
    engine = make_engine(db_url)
    build_at_state(engine, "6d39e1d")
    rows = insert_representative_rows(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_head")).scalar_one() == 0
    upgrade(engine)
    with engine.connect() as conn:
        head = conn.execute(sa.text("SELECT id, seq, entry_hash FROM audit_head")).all()
    entry = rows["audit_log"]
    assert [tuple(h) for h in head] == [(1, entry["seq"], entry["entry_hash"])]
    engine.dispose()


def test_the_repair_is_a_no_op_on_a_fresh_database(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        head = conn.execute(sa.text("SELECT id, seq, entry_hash FROM audit_head")).all()
    assert [tuple(h) for h in head] == [(1, 0, "0" * 64)]
    assert status(engine).drift == []
    engine.dispose()


@pytest.mark.parametrize(
    ("state", "missing"),
    [
        ("bb8b9db", {"webhooks", "screening_subjects", "dispatch_notices.webhook_attempts"}),
        ("0916f07", {"screening_subjects"}),
        ("74692a5", {"repairs", "credit_reports"}),
        ("6d9edf1", {"credit_reports"}),
        ("df67539", {"objections.checked_on", "objections.checked_by", "objections.check_note"}),
    ],
)
def test_the_edited_states_lacked_what_the_issue_found(
    state: str, missing: set[str], db_url: str
) -> None:
    # without 0010 these states reach revision 0009 with pieces missing (the issue)
    engine = make_engine(db_url)
    build_at_state(engine, state)
    config = alembic_config(engine)
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009")
        conn.commit()
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    present = tables | {f"{t}.{c['name']}" for t in tables for c in inspector.get_columns(t)}
    assert missing - present == missing
    assert current_revision(engine) == "0009"
    engine.dispose()


def test_a_failing_upgrade_applies_nothing_and_says_so(db_url: str) -> None:
    engine = make_engine(db_url)
    build_at_state(engine, "53a8ce8")  # at 0006
    with engine.begin() as conn:  # made by hand, in the way of 0008
        conn.execute(sa.text("CREATE TABLE objections (objection_id VARCHAR(32))"))
    with pytest.raises(ConfigError) as failed:
        upgrade(engine)
    assert failed.value.code == "upgrade-failed"
    assert "from revision 0006 failed" in failed.value.detail
    assert "nothing was applied, it is still at revision 0006" in failed.value.detail
    assert current_revision(engine) == "0006"
    assert "dispatch_notices" not in sa.inspect(engine).get_table_names()  # 0007's, undone
    engine.dispose()
