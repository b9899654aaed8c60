"""The deployment artifacts in ``deploy/`` are valid as their tools read them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_the_systemd_units_verify(tmp_path: Path) -> None:
    installed = Path(sys.executable).parent / "xinyong"  # where the units expect the wheel's
    assert installed.exists()
    for unit in UNITS:
        text = unit.read_text("utf-8").replace("/opt/xinyong/bin/xinyong", str(installed))
        (tmp_path / unit.name).write_text(text, "utf-8")
    run = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (run.returncode, run.stderr) == (0, "")


def test_every_timer_starts_a_unit_that_exists_and_runs_in_beijing_time() -> None:
    timers = [u for u in UNITS if u.suffix == ".timer"]
    assert [t.name for t in timers] == ["xinyong-backup.timer", "xinyong-daily.timer"]
    for timer in timers:
        text = timer.read_text("utf-8")
        assert f"Unit={timer.stem}.service" in text
        assert (DEPLOY / "systemd" / f"{timer.stem}.service").is_file()
        assert "Asia/Shanghai" in text.split("OnCalendar=")[1].splitlines()[0]


def test_the_proxy_example_never_forwards_metrics_and_replaces_forwarded_for() -> None:
    text = (DEPLOY / "nginx" / "xinyong.conf").read_text("utf-8")
    assert "location = /metrics { return 404; }" in text
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "proxy_add_x_forwarded_for" not in text
