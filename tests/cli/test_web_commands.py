"""``xinyong token``, ``account``, ``serve`` as an operator uses them."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from tests.factories import BEIJING_RESIDENT, KEY
from tests.privacy import assert_no_raw_id, raw_ids_in_sqlite_file
from xinyong.access import Role
from xinyong.errors import InvalidData
from xinyong.ids import pseudonymise
from xinyong.web.credentials import add_account


def test_tokens_are_issued_once_listed_without_secret_and_revoked(tmp_path: Path) -> None:
    env = {"XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    assert xinyong("init", cwd=tmp_path, **env).returncode == 0
    issued = xinyong(
        "token",
        "issue",
        "--role",
        "source_agency",
        "--agency",
        "samr",
        "--label",
        "SAMR system",
        "--items",
        "market.penalty,admin.licence",
        cwd=tmp_path,
        **env,
    )
    assert issued.returncode == 0, issued.stderr
    token = re.search(r"xy_([0-9a-f]{12})_\S+", issued.stdout)
    assert token is not None
    listed = xinyong("token", "list", cwd=tmp_path, **env).stdout
    assert token.group(1) in listed and token.group(0) not in listed and "SAMR system" in listed
    assert xinyong("token", "revoke", token.group(1), cwd=tmp_path, **env).returncode == 0
    assert "revoked" in xinyong("token", "list", cwd=tmp_path, **env).stdout
    again = xinyong("token", "revoke", token.group(1), cwd=tmp_path, **env)
    assert again.returncode == 2 and "no live token" in again.stderr
    # issuing and revoking are in the audit log; the failed revocation is not
    verified = xinyong("audit", "verify", cwd=tmp_path, **env)
    assert "intact: 2 entries" in verified.stdout


def test_an_agency_token_without_its_agency_is_refused_with_the_fix(tmp_path: Path) -> None:
    env = {"XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    xinyong("init", cwd=tmp_path, **env)
    run = xinyong("token", "issue", "--role", "credit_service", "--label", "x", cwd=tmp_path, **env)
    assert run.returncode == 2 and "agency" in run.stderr and "--agency" in run.stderr


def test_an_account_asks_for_its_password_and_refuses_a_short_one(tmp_path: Path) -> None:
    env = {"XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}", "PATH": ""}
    xinyong("init", cwd=tmp_path, **env)

    def add(password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "xinyong", "account", "add", "alice", "--role", "operator"],
            input=f"{password}\n{password}\n",
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    short = add("short")
    assert short.returncode == 2 and "password" in short.stderr
    assert add("a long enough password").returncode == 0


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    run = xinyong("serve", cwd=tmp_path, XINYONG_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert run.returncode == 2 and "xinyong init" in run.stderr


def test_a_password_is_changed_from_stdin_and_the_accounts_sessions_end(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from xinyong.web.credentials import authenticate
    from xinyong.web.sessions import open_session

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {"XINYONG_DATABASE_URL": url}
    xinyong("init", cwd=tmp_path, **env)

    def account(*args: str, password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "xinyong", "account", *args],
            input=f"{password}\n{password}\n",
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert (
        account("add", "alice", "--role", "operator", password="the first password").returncode == 0
    )
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for _ in range(2):
            open_session(conn, "alice", now=datetime.now(UTC).replace(microsecond=0))
    short = account("password", "alice", "--password-stdin", password="short")
    assert short.returncode == 2 and "password" in short.stderr
    changed = account("password", "alice", "--password-stdin", password="the second password")
    assert changed.returncode == 0, changed.stderr
    assert "password of alice changed; 2 open session(s) ended" in changed.stdout
    with engine.connect() as conn:
        assert authenticate(conn, "alice", "the first password") is None
        assert authenticate(conn, "alice", "the second password") is not None
        open_count = conn.execute(
            sa.text("SELECT count(*) FROM sessions WHERE ended_at IS NULL")
        ).scalar_one()
    engine.dispose()
    assert open_count == 0
    unknown = account("password", "bob", "--password-stdin", password="the second password")
    assert unknown.returncode == 2 and "no enabled account 'bob'" in unknown.stderr
    verified = xinyong("audit", "verify", cwd=tmp_path, **env)
    assert "intact: 2 entries" in verified.stdout  # account_add, account_password


def test_a_subjects_token_and_account_keep_the_pseudonym_not_the_number(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    env = {"XINYONG_DATABASE_URL": f"sqlite:///{db}", "XINYONG_PSEUDONYM_KEY": KEY.decode()}
    xinyong("init", cwd=tmp_path, **env)
    person = pseudonymise(BEIJING_RESIDENT, key=KEY)
    issued = xinyong(
        "token", "issue", "--role", "subject", "--subject", BEIJING_RESIDENT, "--label", "王秀英",
        cwd=tmp_path, **env,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    assert person in xinyong("token", "list", cwd=tmp_path, **env).stdout
    wrong = xinyong(
        "token", "issue", "--role", "subject", "--subject", BEIJING_RESIDENT[:17] + "1",
        "--label", "x", cwd=tmp_path, **env,
    )  # fmt: skip
    assert wrong.returncode == 2 and "--subject is not a valid identifier: " in wrong.stderr
    added = subprocess.run(
        [sys.executable, "-m", "xinyong", "account", "add", "wang", "--role", "subject",
         "--subject", BEIJING_RESIDENT],
        input="a long enough password\n" * 2, cwd=tmp_path, env={**os.environ, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert_no_raw_id(added.stdout + added.stderr, "account add")
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT subject_id FROM accounts WHERE username = 'wang'").fetchone()
    assert stored == (person,)
    assert raw_ids_in_sqlite_file(db) == []


def test_credentials_refuse_a_raw_number_from_any_caller(engine: sa.Engine) -> None:
    with engine.begin() as conn, pytest.raises(InvalidData) as exc:
        add_account(
            conn,
            username="wang",
            password="a long enough password",
            role=Role.SUBJECT,
            now=datetime(2026, 9, 30, tzinfo=UTC),
            subject_id=BEIJING_RESIDENT,
        )
    assert [(e.field, e.message) for e in exc.value.errors] == [
        ("subject", "is a raw resident identity number, which is never stored")
    ]


def test_an_account_is_scripted_with_its_password_on_stdin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    added = subprocess.run(
        [sys.executable, "-m", "xinyong", "account", "add", "ops", "--role", "operator",
         "--password-stdin"],
        input="a scripted long password\n", cwd=tmp_path,
        env={**os.environ, "XINYONG_DATABASE_URL": url}, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "account ops (operator) created" in added.stdout
    from xinyong.web.credentials import authenticate

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert authenticate(conn, "ops", "a scripted long password") is not None
    engine.dispose()
