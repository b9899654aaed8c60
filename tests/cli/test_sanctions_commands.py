"""``xinyong screen``, ``dispatch`` and ``extract`` on the web tests' small world."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.test_commands import xinyong
from tests.factories import KEY, XIAMEN_USCC
from tests.web.conftest import LONELY_RESIDENT


def world(tmp_path: Path, template: Path) -> dict[str, str]:
    shutil.copy(template, tmp_path / "w.db")
    return {
        "XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "XINYONG_PSEUDONYM_KEY": KEY.decode(),
    }


def test_screen_explains_and_exits_by_outcome(tmp_path: Path, world_template: Path) -> None:
    env = world(tmp_path, world_template)
    run = xinyong(
        "screen",
        LONELY_RESIDENT,
        "--action",
        "aviation.ticket",
        "--as-of",
        "2026-06-30",
        cwd=tmp_path,
        **env,
    )
    assert run.returncode == 1, run.stderr
    assert "deny" in run.stdout and "legal_representative" in run.stdout
    assert LONELY_RESIDENT not in run.stdout  # the number never comes back out
    allowed = xinyong(
        "screen",
        XIAMEN_USCC,
        "--action",
        "rail.g_train",
        "--as-of",
        "2025-01-01",
        "--json",
        cwd=tmp_path,
        **env,
    )
    assert allowed.returncode == 0 and json.loads(allowed.stdout)["outcome"] == "allow"


def test_dispatch_run_is_idempotent_and_status_counts(tmp_path: Path, world_template: Path) -> None:
    env = world(tmp_path, world_template)
    first = xinyong("dispatch", "run", "--as-of", "2026-06-30", cwd=tmp_path, **env)
    assert first.returncode == 0 and "0 entry" in first.stdout  # the world already dispatched
    status = json.loads(xinyong("dispatch", "status", "--json", cwd=tmp_path, **env).stdout)
    assert status["responders"]["civil_aviation"]["notices"] == 2


def test_extracts_are_signed_and_tampering_is_found(tmp_path: Path, world_template: Path) -> None:
    env = world(tmp_path, world_template)
    assert xinyong("extract", "keygen", "--out", "keys", cwd=tmp_path, **env).returncode == 0
    full = tmp_path / "full.jsonl"
    wrote = xinyong(
        "extract",
        "write",
        "--out",
        str(full),
        "--key",
        "keys/extract-key.pem",
        "--as-of",
        "2026-06-30",
        cwd=tmp_path,
        **env,
    )
    assert wrote.returncode == 0, wrote.stderr
    lines = [json.loads(x) for x in full.read_text("utf-8").splitlines()]
    flights = [
        x for x in lines if x["subject_id"] == XIAMEN_USCC and x["action"] == "aviation.ticket"
    ]
    assert [x["outcome"] for x in flights] == ["deny"] and flights[0]["measures"] == [
        "cn.m.no_flights"
    ]
    verified = xinyong(
        "extract",
        "verify",
        str(full),
        "--public-key",
        "keys/extract-key.pub.pem",
        cwd=tmp_path,
        **env,
    )
    assert verified.returncode == 0 and "signature valid" in verified.stdout
    delta = tmp_path / "delta.jsonl"
    later = xinyong(
        "extract",
        "write",
        "--out",
        str(delta),
        "--key",
        "keys/extract-key.pem",
        "--base",
        str(full),
        "--as-of",
        "2026-06-30",
        cwd=tmp_path,
        **env,
    )
    assert later.returncode == 0 and "wrote 0 lines" in later.stdout
    full.write_text(full.read_text("utf-8").replace("deny", "allow", 1), "utf-8")
    tampered = xinyong(
        "extract",
        "verify",
        str(full),
        "--public-key",
        "keys/extract-key.pub.pem",
        cwd=tmp_path,
        **env,
    )
    assert tampered.returncode == 2 and "changed after signing" in tampered.stderr
    xinyong("extract", "keygen", "--out", "other", cwd=tmp_path, **env)
    wrong_key = xinyong(
        "extract",
        "verify",
        str(delta),
        "--public-key",
        "other/extract-key.pub.pem",
        cwd=tmp_path,
        **env,
    )
    assert wrong_key.returncode == 2 and "signature does not verify" in wrong_key.stderr


def test_screen_refuses_a_wrong_code_with_exit_two(tmp_path: Path, world_template: Path) -> None:
    env = world(tmp_path, world_template)
    run = xinyong(
        "screen", "91350200776049653B", "--action", "aviation.ticket", cwd=tmp_path, **env
    )
    assert run.returncode == 2, run.stdout
    assert "check character is 'B', expected 'A' (position 18)" in run.stderr
    assert "allow" not in run.stdout and "Traceback" not in run.stderr
