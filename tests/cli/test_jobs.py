"""``xinyong run daily``: every step in order, under one lock, refusing stale predecessors."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from xinyong.ingest import tables as it
from xinyong.ledger import make_engine
from xinyong.ledger.locks import exclusive
from xinyong.services.daily import LOCK


def platform(tmp_path: Path) -> dict[str, str]:
    env = {
        "XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}",
        "XINYONG_PSEUDONYM_KEY": "a-test-key-that-is-long-enough-to-be-real-0123",
    }
    assert xinyong("init", cwd=tmp_path, **env).returncode == 0
    synth = xinyong("synth", "--subjects", "150", "--out", "inbox/set-1", cwd=tmp_path, **env)
    assert synth.returncode == 0, synth.stderr
    keys = xinyong("extract", "keygen", "--out", "keys", cwd=tmp_path, **env)
    assert keys.returncode == 0, keys.stderr
    return env


def steps(stdout: str) -> list[tuple[str, str]]:
    return [tuple(line.split()[:2]) for line in stdout.splitlines()[1:]]  # type: ignore[misc]


def test_a_daily_run_does_every_step_in_order_and_reruns_cleanly(tmp_path: Path) -> None:
    env = platform(tmp_path)
    args = ["run", "daily", "--as-of", "2026-09-30", "--inbox", "inbox", "--no-deliver"]
    first = xinyong(
        *args, "--extract-dir", "out", "--key", "keys/extract-key.pem", cwd=tmp_path, **env
    )
    assert first.returncode == 0, first.stderr
    assert steps(first.stdout) == [
        ("ingest", "done"),
        ("evaluate", "done"),
        ("verify", "skipped"),
        ("dispatch", "done"),
        ("deliver", "skipped"),
        ("extract", "done"),
        ("prune", "done"),
    ]
    assert "1 delivery set(s) loaded" in first.stdout
    assert (tmp_path / "inbox" / "loaded" / "set-1" / "manifest.json").is_file()
    assert (tmp_path / "out" / "extract-2026-09-30.jsonl").is_file()
    again = xinyong(*args, cwd=tmp_path, **env)
    assert again.returncode == 0, again.stderr
    assert "0 delivery set(s) loaded" in again.stdout
    assert "evaluate  done     incremental, " in again.stdout
    # the rerun's evaluation supersedes the first one of the same date
    assert "1 stored evaluation(s) pruned" in again.stdout
    assert ("extract", "skipped") in steps(again.stdout)
    audit = xinyong("audit", "verify", cwd=tmp_path, **env)
    assert audit.returncode == 0, audit.stdout


def test_a_daily_run_refuses_while_another_holds_the_lock(tmp_path: Path) -> None:
    env = platform(tmp_path)
    engine = make_engine(env["XINYONG_DATABASE_URL"])
    with exclusive(engine, LOCK):
        run = xinyong("run", "daily", "--as-of", "2026-09-30", cwd=tmp_path, **env)
    assert run.returncode == 2
    assert "another `xinyong run daily` is running on this ledger" in run.stderr
    engine.dispose()


def test_evaluation_waits_for_an_unfinished_delivery_and_names_it(tmp_path: Path) -> None:
    env = platform(tmp_path)
    assert xinyong("ingest", "inbox/set-1", cwd=tmp_path, **env).returncode in (0, 1)
    engine = make_engine(env["XINYONG_DATABASE_URL"])
    with engine.begin() as conn:  # what a killed ingest leaves behind
        name = conn.execute(sa.select(it.deliveries.c.file_name).limit(1)).scalar_one()
        conn.execute(
            it.deliveries.update().where(it.deliveries.c.file_name == name).values(status="loading")
        )
    engine.dispose()
    run = xinyong("run", "daily", "--as-of", "2026-09-30", "--no-deliver", cwd=tmp_path, **env)
    assert run.returncode == 2
    assert ("ingest", "skipped") in steps(run.stdout) and "evaluate" not in run.stdout
    assert f"1 delivery(ies) are unfinished ({name})" in run.stderr


def test_dispatch_refuses_a_date_without_its_own_evaluation(tmp_path: Path) -> None:
    env = platform(tmp_path)
    xinyong("ingest", "inbox/set-1", cwd=tmp_path, **env)
    assert xinyong("evaluate", "--as-of", "2026-09-30", cwd=tmp_path, **env).returncode == 0
    run = xinyong("dispatch", "run", "--as-of", "2026-10-01", cwd=tmp_path, **env)
    assert run.returncode == 2
    assert "no evaluation of 2026-10-01" in run.stderr and "newest is of 2026-09-30" in run.stderr
    dispatched = xinyong("dispatch", "run", "--as-of", "2026-09-30", cwd=tmp_path, **env)
    assert dispatched.returncode == 0 and "from the evaluation of 2026-09-30" in dispatched.stdout
