"""Operating the platform from the shell: dates, missing ledgers, backups, the request log."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli.test_commands import xinyong

LISTED_PERSON = "11010519491231002X"


def ledger(tmp_path: Path) -> dict[str, str]:
    env = {"XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    assert xinyong("init", cwd=tmp_path, **env).returncode == 0
    return env


class TestDates:
    @pytest.mark.parametrize("bad", ["30/09/2026", "2026-13-01", "yesterday"])
    def test_a_malformed_date_is_a_clean_error_naming_the_option(
        self, tmp_path: Path, bad: str
    ) -> None:
        env = ledger(tmp_path)
        for command in (["evaluate", "--as-of", bad], ["dispatch", "run", "--as-of", bad]):
            run = xinyong(*command, cwd=tmp_path, **env)
            assert run.returncode == 2, run.stderr
            assert "Traceback" not in run.stderr
            assert f"--as-of {bad!r} is not a date" in run.stderr
            assert "YYYY-MM-DD" in run.stderr

    def test_screen_acts_on_the_platform_date(self, tmp_path: Path) -> None:
        env = ledger(tmp_path)
        run = xinyong(
            "screen",
            "91350200776049653A",
            "--action",
            "aviation.ticket",
            cwd=tmp_path,
            XINYONG_AS_OF="2026-09-30",
            **env,
        )
        assert run.returncode == 0, run.stderr
        assert "aviation.ticket on 2026-09-30: allow" in run.stdout


def test_a_bad_setting_is_one_line_naming_the_variable_and_its_values(tmp_path: Path) -> None:
    run = xinyong("stats", cwd=tmp_path, XINYONG_ENV="prod")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        "error (bad-setting): XINYONG_ENV='prod': Input should be 'development' or "
        "'production' (fix the environment or .env)"
    ]


class TestMissingLedger:
    @pytest.mark.parametrize(
        "command",
        [["stats"], ["audit", "verify"], ["quarantine", "list"], ["token", "list"]],
    )
    def test_a_read_only_command_names_the_database_and_creates_none(
        self, tmp_path: Path, command: list[str]
    ) -> None:
        run = xinyong(*command, cwd=tmp_path)
        assert run.returncode == 2
        assert f"there is no ledger database at {tmp_path / 'xinyong.db'}" in run.stderr
        assert "xinyong init" in run.stderr
        assert list(tmp_path.iterdir()) == []

    def test_explain_of_an_unknown_subject_says_it_is_not_registered(self, tmp_path: Path) -> None:
        env = ledger(tmp_path)
        run = xinyong("explain", "91350200776049653A", "--as-of", "2026-09-30", cwd=tmp_path, **env)
        assert run.returncode == 2
        assert "(unknown-subject): subject '91350200776049653A' is not registered" in run.stderr


def test_backup_and_restore_round_trip_through_the_cli(tmp_path: Path) -> None:
    env = ledger(tmp_path)
    token = xinyong("token", "issue", "--role", "operator", "--label", "ops", cwd=tmp_path, **env)
    assert token.returncode == 0
    done = xinyong("backup", "--out", str(tmp_path / "b.xybak"), cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert "audit log 1 entries" in done.stdout
    target = {"XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'restored.db'}"}
    back = xinyong("restore", str(tmp_path / "b.xybak"), cwd=tmp_path, **target)
    assert back.returncode == 0, back.stderr
    assert "ledger digest and 1 audit entries verified" in back.stdout
    # the restore itself is audited on the restored ledger, and the chain holds
    assert "intact: 2 entries" in xinyong("audit", "verify", cwd=tmp_path, **target).stdout
    again = xinyong("restore", str(tmp_path / "b.xybak"), cwd=tmp_path, **target)
    assert again.returncode == 2 and "--replace" in again.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_serve_writes_one_json_line_per_request_without_raw_numbers(tmp_path: Path) -> None:
    env = ledger(tmp_path)
    port = _free_port()
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "xinyong", "serve", "--port", str(port)],
        cwd=tmp_path,
        env={**environment, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if _get(f"{base}/api/health") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert _get(f"{base}/api/subjects/{LISTED_PERSON}") == 404
        assert _get(f"{base}/search?q={LISTED_PERSON}") == 200
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert LISTED_PERSON not in err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "xinyong.access"]
    subject = [r for r in requests if r["route"] == "/api/subjects/{subject_id}"]
    assert [(r["method"], r["status"]) for r in subject] == [("GET", 404)]
    assert subject[0]["params"] == {"subject_id": "[id]"}
    search = [r for r in requests if r["route"] == "/search"]
    # a number searched for is redirected to its pseudonym at once
    assert [(r["method"], r["status"], r["actor"]) for r in search] == [
        ("GET", 303, "anonymous"),
        ("GET", 200, "anonymous"),
    ]
    assert all(r["time"].endswith("Z") and r["duration_ms"] >= 0 for r in requests)
