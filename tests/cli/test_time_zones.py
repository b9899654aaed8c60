"""One time policy, whatever the server's ``TZ``: the same delivery, evaluation and screening
as real processes under ``TZ=America/Los_Angeles`` and ``TZ=UTC`` store the same UTC moments
and give the same decisions on the same business date (Asia/Shanghai)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_commands import xinyong
from tests.factories import KEY
from tests.ingest.helpers import debtor_row, write_csv
from xinyong.clock import business_date

RESIDENT = "11010519491231002X"

#: the API as a real process: ``/api/screen`` through the app under the process's ``TZ``
API = """
import json, sys
from fastapi.testclient import TestClient
from xinyong.settings import Settings
from xinyong.web.app import create_app

with TestClient(create_app(Settings())) as client:
    answer = client.post(
        "/api/screen",
        json={"subject": sys.argv[1], "action": "aviation.ticket"},
        headers={"Authorization": "Bearer " + sys.argv[2]},
    )
print(json.dumps({"status": answer.status_code, "body": answer.json()}))
"""


def scenario(tmp_path: Path, tz: str, day: str) -> dict[str, Any]:
    """init → ingest a court listing → evaluate → screen by the CLI and by the API."""
    home = tmp_path / tz.replace("/", "-")
    home.mkdir()
    env = {
        "XINYONG_DATABASE_URL": f"sqlite:///{home / 'ledger.db'}",
        "XINYONG_PSEUDONYM_KEY": KEY.decode(),
        "TZ": tz,
    }
    assert xinyong("init", cwd=home, **env).returncode == 0
    delivery = write_csv(home / "records-court.csv", [debtor_row(source_record_id="L-1")])
    ingested = xinyong(
        "ingest", str(delivery), "--source", "court", "--delivered-on", "2026-09-30",
        cwd=home, **env,
    )  # fmt: skip
    assert ingested.returncode == 0, ingested.stderr
    assert xinyong("evaluate", "--as-of", day, "--json", cwd=home, **env).returncode == 0
    cli = xinyong("screen", RESIDENT, "--action", "aviation.ticket", "--json", cwd=home, **env)
    assert cli.returncode == 1, cli.stderr  # deny
    issued = xinyong("token", "issue", "--role", "operator", "--label", "t", cwd=home, **env)
    token = issued.stdout.strip().splitlines()[-1]
    environment = {**xinyong_env(), **env}
    api = subprocess.run(
        [sys.executable, "-c", API, RESIDENT, token],
        cwd=home, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert api.returncode == 0, api.stderr
    with sqlite3.connect(home / "ledger.db") as db:
        (recorded,) = db.execute("SELECT recorded_at FROM records").fetchone()
        (evaluated,) = db.execute("SELECT recorded_at FROM evaluations").fetchone()
    return {
        "cli": json.loads(cli.stdout),
        "api": json.loads(api.stdout),
        # stored without an offset, in UTC
        "recorded_at": datetime.fromisoformat(recorded).replace(tzinfo=UTC),
        "evaluated_at": datetime.fromisoformat(evaluated).replace(tzinfo=UTC),
    }


def xinyong_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}


@pytest.mark.parametrize("tz", ["America/Los_Angeles", "UTC"])
def test_the_same_moments_decisions_and_business_date_in_any_server_zone(
    tmp_path: Path, tz: str
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    here = scenario(tmp_path, tz, business_date(before).isoformat())
    after = datetime.now(UTC)
    # the moments are the real ones in UTC (a server in Los Angeles wrote them 8 hours off)
    assert before <= here["recorded_at"] <= after
    assert before <= here["evaluated_at"] <= after
    # the business date is Shanghai's, for the CLI and the API alike
    day = here["cli"]["as_of"]
    assert day in {business_date(before).isoformat(), business_date(after).isoformat()}
    assert here["cli"]["outcome"] == "deny"
    assert here["api"] == {"status": 200, "body": here["cli"]}
