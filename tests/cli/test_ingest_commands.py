"""``xinyong ingest`` and ``xinyong quarantine`` as a user runs them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.cli.test_commands import xinyong
from tests.ingest.helpers import debtor_row, row, write_csv


@pytest.fixture
def ledger(tmp_path: Path) -> dict[str, str]:
    env = {"XINYONG_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.db"}
    assert xinyong("init", cwd=tmp_path, **env).returncode == 0
    return env


def test_ingest_loads_reports_and_the_quarantine_is_reviewed(
    tmp_path: Path, ledger: dict[str, str]
) -> None:
    path = write_csv(
        tmp_path / "records-samr.csv", [row(), row(source_record_id="BAD", severity="catastrophic")]
    )
    run = xinyong(
        "ingest",
        str(path),
        "--source",
        "samr",
        "--delivered-on",
        "2026-09-30",
        "--json",
        cwd=tmp_path,
        **ledger,
    )
    assert run.returncode == 0, run.stderr
    (outcome,) = json.loads(run.stdout)
    assert (outcome["status"], outcome["accepted"], outcome["quarantined"]) == ("loaded", 1, 1)

    listed = json.loads(xinyong("quarantine", "list", "--json", cwd=tmp_path, **ledger).stdout)
    assert listed["count"] == 1
    qid = listed["data"][0]["quarantine_id"]
    shown = xinyong("quarantine", "show", qid[:10], cwd=tmp_path, **ledger).stdout
    assert "severity: is 'catastrophic'" in shown and "fix: use one of" in shown

    bad = xinyong(
        "quarantine",
        "release",
        qid[:10],
        "--actor",
        "李审核",
        "--set",
        "severity=worse",
        cwd=tmp_path,
        **ledger,
    )
    assert bad.returncode == 2 and "severity" in bad.stderr
    good = xinyong(
        "quarantine",
        "release",
        qid[:10],
        "--actor",
        "李审核",
        "--set",
        "severity=serious",
        "--reason",
        "confirmed with the source",
        cwd=tmp_path,
        **ledger,
    )
    assert good.returncode == 0 and "released" in good.stdout

    report = json.loads(xinyong("ingest", "report", "--json", cwd=tmp_path, **ledger).stdout)
    assert [(r["source_agency"], r["accepted"], r["quarantined"]) for r in report] == [
        ("samr", 1, 1)
    ]


def test_a_held_delivery_exits_one_and_an_unreadable_file_two(
    tmp_path: Path, ledger: dict[str, str]
) -> None:
    packs = tmp_path / "packs" / "cn-testcity"
    packs.mkdir(parents=True)
    (packs / "pack.yaml").write_text(
        "id: cn-testcity\nname_zh: 测试市\nname_en: Test City\nversion: '1'\nparent: cn\n", "utf-8"
    )
    (packs / "sources.yaml").write_text(
        "sources:\n  samr:\n    items: [market.penalty]\n    volume: {min_rows: 5, max_rows: 9}\n",
        "utf-8",
    )
    env = {
        **ledger,
        "XINYONG_PACKS_PATH": str(tmp_path / "packs"),
        "XINYONG_JURISDICTION": "cn-testcity",
    }
    path = write_csv(tmp_path / "records-samr.csv", [row()])
    held = xinyong(
        "ingest", str(path), "--source", "samr", "--delivered-on", "2026-09-30", cwd=tmp_path, **env
    )
    assert held.returncode == 1 and "outside the expected 5–9" in held.stdout

    gbk = tmp_path / "records-samr-gbk.csv"
    gbk.write_bytes("source_record_id\n厦门".encode("gbk"))
    unreadable = xinyong("ingest", str(gbk), "--source", "samr", cwd=tmp_path, **env)
    assert unreadable.returncode == 2 and "is not UTF-8" in unreadable.stderr


def test_files_need_a_source(tmp_path: Path, ledger: dict[str, str]) -> None:
    path = write_csv(tmp_path / "records-samr.csv", [row()])
    run = xinyong("ingest", str(path), cwd=tmp_path, **ledger)
    assert run.returncode == 2 and "--source" in run.stderr


def test_evaluate_and_explain(tmp_path: Path, ledger: dict[str, str]) -> None:
    rows = [debtor_row(source_record_id="L-1")]
    path = write_csv(tmp_path / "records-court.csv", rows)
    assert (
        xinyong(
            "ingest",
            str(path),
            "--source",
            "court",
            "--delivered-on",
            "2026-09-30",
            cwd=tmp_path,
            **ledger,
        ).returncode
        == 0
    )
    run = xinyong("evaluate", "--as-of", "2026-09-30", "--json", cwd=tmp_path, **ledger)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["lists"]["cn.court.dishonest_debtors"] == {
        "candidate": 0,
        "noticed": 0,
        "active": 1,
        "exited": 0,
    }
    assert "cn.pilot.points_rongcheng" not in result["grades"]
    explained = xinyong(
        "explain", "11010519491231002X", "--as-of", "2026-09-30", cwd=tmp_path, **ledger
    )
    assert "失信被执行人名单" in explained.stdout and "active from 2025-03-14" in explained.stdout
    assert "until 2027-03-14" in explained.stdout
    assert "11010519491231002X" not in explained.stdout

    snapshot = xinyong("snapshot", "export", "--out", "snap", cwd=tmp_path, **ledger)
    assert snapshot.returncode == 0
    duck = xinyong(
        "evaluate",
        "--as-of",
        "2026-09-30",
        "--engine",
        "duckdb",
        "--snapshot",
        "snap",
        "--json",
        cwd=tmp_path,
        **ledger,
    )
    assert json.loads(duck.stdout)["lists"] == result["lists"]


def test_with_the_platform_date_pinned_an_ingest_is_delivered_and_recorded_on_it(
    tmp_path: Path, ledger: dict[str, str]
) -> None:
    """The CLI uses the platform's one clock: ``XINYONG_AS_OF`` when set. Moments are stored
    in UTC; their business date (Asia/Shanghai) is the pinned one at any time of day (in UTC
    it is the day before from 16:00)."""
    import sqlalchemy as sa

    from xinyong.clock import business_date

    path = write_csv(tmp_path / "records-samr.csv", [row()])
    env = {**ledger, "XINYONG_AS_OF": "2026-06-30"}
    run = xinyong("ingest", str(path), "--source", "samr", cwd=tmp_path, **env)
    assert run.returncode == 0, run.stderr
    engine = sa.create_engine(ledger["XINYONG_DATABASE_URL"])
    with engine.connect() as conn:
        delivered, started = conn.exec_driver_sql(
            "SELECT delivered_on, started_at FROM deliveries"
        ).one()
        recorded = conn.exec_driver_sql("SELECT recorded_at FROM records").scalar_one()
    engine.dispose()
    assert str(delivered) == "2026-06-30"
    moments = [datetime.fromisoformat(str(m)).replace(tzinfo=UTC) for m in (started, recorded)]
    assert [business_date(m) for m in moments] == [date(2026, 6, 30)] * 2
