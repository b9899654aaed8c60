"""The CLI as a user runs it: a real process, its output and its exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.privacy import assert_no_raw_id
from xinyong.migrations import head_revision


def xinyong(
    *args: str, cwd: Path, allow_raw_ids: bool = False, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the CLI; fail the test if its output holds a raw resident number (unless
    ``allow_raw_ids``: a reviewer's ``quarantine reveal``)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    environment.update(env)
    run = subprocess.run(
        [sys.executable, "-m", "xinyong", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if not allow_raw_ids:
        assert_no_raw_id(run.stdout + run.stderr, f"the output of xinyong {' '.join(args[:2])}")
    return run


class TestIdCheck:
    def test_one_line_per_code_and_exit_zero_when_all_valid(self, tmp_path: Path) -> None:
        run = xinyong("id", "check", "91350200776049653A", "11010519491231002X", cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert lines[0].split("\t")[:3] == ["91350200776049653A", "uscc", "valid"]
        assert lines[1].split("\t")[:3] == ["110105********002X", "resident_id", "valid"]
        assert "11010519491231002X" not in run.stdout

    def test_exit_one_and_the_reason_when_a_code_is_invalid(self, tmp_path: Path) -> None:
        run = xinyong("id", "check", "91350200776049653A", "91350200776049653B", cwd=tmp_path)
        assert run.returncode == 1
        assert run.stdout.splitlines()[1].split("\t")[2:] == [
            "invalid",
            "check character is 'B', expected 'A' (position 18) "
            "(strict mode; the code is not on the exception list)",
        ]

    def test_lenient_accepts_with_a_warning(self, tmp_path: Path) -> None:
        run = xinyong("id", "check", "--lenient", "91350200776049653B", cwd=tmp_path)
        assert run.returncode == 0
        assert "accepted in lenient mode" in run.stdout

    def test_lenient_mode_from_settings(self, tmp_path: Path) -> None:
        run = xinyong(
            "id", "check", "91350200776049653B", cwd=tmp_path, XINYONG_USCC_MODE="lenient"
        )
        assert run.returncode == 0 and "accepted in lenient mode" in run.stdout

    def test_json_output(self, tmp_path: Path) -> None:
        run = xinyong("id", "check", "--json", "91350211M0000XUF46", cwd=tmp_path)
        (result,) = json.loads(run.stdout)
        assert (result["kind"], result["valid"]) == ("uscc", True)
        assert "exception list" in result["warnings"][0]

    def test_invisible_characters_and_full_width_digits(self, tmp_path: Path) -> None:
        wide = "".join(chr(ord(c) + 0xFEE0) for c in "91350200776049653A")
        run = xinyong("id", "check", wide, "9135\u200b0200776049653A", cwd=tmp_path)
        assert run.returncode == 1
        first, second = (line.split("\t") for line in run.stdout.splitlines())
        assert first[:3] == ["91350200776049653A", "uscc", "valid"]
        assert second[1:] == [
            "invalid",
            "invalid",
            "position 5 is U+200B ZERO WIDTH SPACE: a code holds no invisible or control "
            "characters",
        ]


class TestLedgerCommands:
    def test_stats_refuses_an_uninitialised_database_with_the_fix(self, tmp_path: Path) -> None:
        run = xinyong("stats", cwd=tmp_path, XINYONG_DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
        assert run.returncode == 2
        assert "run `xinyong init`" in run.stderr
        assert "Traceback" not in run.stderr

    def test_init_synth_demo_and_stats(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path}/demo/xinyong-demo.db"
        demo = xinyong("demo", "--subjects", "400", "--seed", "5", "--no-serve", cwd=tmp_path)
        assert demo.returncode == 0, demo.stderr
        assert "Deliveries" in demo.stdout and "credit file as of 2026-09-30" in demo.stdout
        assert "Quarantined rows by reason" in demo.stdout
        assert "Lists on 2026-09-30" in demo.stdout and "Grades on 2026-09-30" in demo.stdout
        keys = tmp_path / "demo" / "demo-keys.env"
        assert keys.stat().st_mode & 0o777 == 0o600
        assert "XINYONG_PSEUDONYM_KEY=" in keys.read_text() and "demo/demo-keys.env" in demo.stdout
        stats = json.loads(
            xinyong("stats", "--json", cwd=tmp_path, XINYONG_DATABASE_URL=url).stdout
        )
        manifest = json.loads((tmp_path / "demo/delivery/manifest.json").read_text("utf-8"))
        assert stats["records_total"] == manifest["expected"]["records_valid"]
        defective = sum(manifest["expected"]["records_defective"].values())
        assert stats["ingest"]["quarantine_open"] == defective
        assert stats["ingest"]["deliveries_loaded"] == len(manifest["files"])
        assert set(stats["records_by_area"]) == {
            "commercial",
            "government_affairs",
            "judicial",
            "social",
        }

    def test_init_is_idempotent(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path}/ledger.db"
        for _ in range(2):
            run = xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url)
            assert run.returncode == 0 and f"is at revision {head_revision()}" in run.stdout

    def test_synth_writes_a_delivery(self, tmp_path: Path) -> None:
        run = xinyong("synth", "--subjects", "50", "--out", "d", cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / "d" / "manifest.json").is_file()
        again = xinyong("synth", "--subjects", "50", "--out", "d", cwd=tmp_path)
        assert again.returncode == 2 and "exists and is not empty" in again.stderr


class TestCatalogueCommands:
    def test_list_json(self, tmp_path: Path) -> None:
        run = xinyong("catalogue", "list", "--json", "--area", "judicial", cwd=tmp_path)
        codes = [item["code"] for item in json.loads(run.stdout)]
        assert codes == [
            "court.dishonest_debtor",
            "court.consumption_restriction",
            "court.enforcement_case",
        ]

    def test_show_unknown_item_names_near_matches(self, tmp_path: Path) -> None:
        run = xinyong("catalogue", "show", "court.dishonest", cwd=tmp_path)
        assert run.returncode == 2
        assert "court.dishonest_debtor" in run.stderr


@pytest.mark.parametrize("secret", ["", "changeme", "development-only-secret"])
def test_production_refuses_a_placeholder_secret(tmp_path: Path, secret: str) -> None:
    run = xinyong(
        "init",
        cwd=tmp_path,
        XINYONG_ENV="production",
        XINYONG_PSEUDONYM_KEY=secret,
        XINYONG_DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
    )
    assert run.returncode == 2
    assert "XINYONG_PSEUDONYM_KEY is a placeholder" in run.stderr
