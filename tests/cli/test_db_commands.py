"""``xinyong init`` and ``xinyong db``: a real process, its output and its exit status."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.test_commands import xinyong
from tests.migrations.states import build_at_state
from xinyong.ledger import current_revision, make_engine
from xinyong.migrations import head_revision, pending_revisions


def test_status_of_a_new_database_lists_every_migration_as_pending(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    run = xinyong("db", "status", "--json", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert run.returncode == 1, run.stderr
    shown = json.loads(run.stdout)
    assert (shown["revision"], shown["head"]) == (None, head_revision())
    assert shown["pending"][:2] == ["0001", "0002"] and shown["pending"][-1] == head_revision()
    assert {"where": "subjects", "what": "declared, missing from the database"} in shown["drift"]


def test_a_database_created_at_an_edited_state_shows_its_drift_until_init_repairs_it(
    tmp_path: Path,
) -> None:
    # the issue: created at df67539, it reports revision 0009 but lacks the check columns
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    build_at_state(engine, "df67539")
    engine.dispose()

    before = xinyong("db", "status", "--json", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert before.returncode == 1
    shown = json.loads(before.stdout)
    assert (shown["revision"], shown["pending"]) == ("0009", pending_revisions("0009"))
    assert shown["pending"][0] == "0010"
    # the columns the edited 0009 left out; the rest is what later revisions add
    assert sorted(d["where"] for d in shown["drift"] if d["where"].startswith("objections.")) == [
        "objections.check_note",
        "objections.checked_by",
        "objections.checked_on",
    ]
    later = [d["what"] for d in shown["drift"] if not d["where"].startswith("objections.")]
    assert later and all(w.endswith("declared, missing from the database") for w in later)

    init = xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert init.returncode == 0, init.stderr
    assert f"is at revision {head_revision()}" in init.stdout
    after = xinyong("db", "status", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert after.returncode == 0, after.stdout
    assert "drift     none: the schema is the declared one" in after.stdout


def test_init_refuses_to_report_success_while_drift_remains(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    url = f"sqlite:///{path}"
    assert xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url).returncode == 0
    with sqlite3.connect(path) as conn:  # changed by hand, outside the migrations
        conn.execute("ALTER TABLE subjects ADD COLUMN religion TEXT")
        conn.execute("DROP INDEX ix_records_decided_on")

    for command in (["init"], ["db", "upgrade"]):
        run = xinyong(*command, cwd=tmp_path, XINYONG_DATABASE_URL=url)
        assert run.returncode == 2
        assert "is at revision" not in run.stdout
        assert "error (schema-drift)" in run.stderr
        assert "  - subjects.religion: in the database, not declared (fix: " in run.stderr
        assert "  - records: index ix_records_decided_on declared, missing" in run.stderr
    status = xinyong("db", "status", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert status.returncode == 1
    assert "  - subjects.religion: in the database, not declared" in status.stdout


def test_upgrade_sql_prints_the_sql_and_leaves_the_database_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    build_at_state(engine, "0916f07")  # 0007 with webhooks, before screening_subjects
    run = xinyong("db", "upgrade", "--sql", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert run.returncode == 0, run.stderr
    assert "CREATE TABLE screening_subjects" in run.stdout
    assert "CREATE TABLE webhooks" not in run.stdout
    assert "UPDATE alembic_version SET version_num='0010'" in run.stdout
    assert current_revision(engine) == "0007"
    engine.dispose()


def test_upgrade_sql_of_a_new_database_says_to_upgrade_online(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    run = xinyong("db", "upgrade", "--sql", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert run.returncode == 2
    assert "error (upgrade-needs-connection)" in run.stderr
    assert "--sql: revision 0005 fills subjects.name_key" in run.stderr


def test_dispatch_works_on_a_ledger_created_before_webhooks_once_init_ran(
    tmp_path: Path,
) -> None:
    # the issue: created at bb8b9db, upgraded, `dispatch` failed with UndefinedColumn
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    build_at_state(engine, "bb8b9db")
    engine.dispose()
    assert xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url).returncode == 0
    run = xinyong("dispatch", "deliver", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert run.returncode == 0, run.stderr
    assert "delivered 0 notice(s); 0 failed, to retry" in run.stdout


def test_upgrade_sql_at_head_prints_no_sql_and_says_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url).returncode == 0
    run = xinyong("db", "upgrade", "--sql", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert (run.returncode, run.stdout) == (0, "")
    assert "nothing to upgrade: the database is at the newest revision" in run.stderr
