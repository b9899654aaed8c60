"""``xinyong quarantine show | reveal | scrub`` keep raw resident numbers out of sight, but
for a reviewer's audited reveal."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from tests.factories import BEIJING_RESIDENT
from tests.ingest.helpers import row, write_csv
from tests.privacy import raw_ids_in_sqlite_file
from xinyong.ingest import tables as it
from xinyong.ledger import make_engine
from xinyong.ledger import tables as lt

WRONG_CHECK = BEIJING_RESIDENT[:17] + "1"
PERSON = {"subject_kind": "natural_person", "subject_name": "王秀英", "region": "110105"}


def test_show_masks_reveal_is_audited_and_init_scrubs_old_rows(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    env = {
        "XINYONG_DATABASE_URL": f"sqlite:///{db}",
        "XINYONG_QUARANTINE_KEY": "a-quarantine-key-for-this-test",
    }
    assert xinyong("init", cwd=tmp_path, **env).returncode == 0
    rows = [
        row(source_record_id="A", subject_code=BEIJING_RESIDENT, severity="x", **PERSON),
        row(source_record_id="B", subject_code=WRONG_CHECK, **PERSON),
    ]
    path = write_csv(tmp_path / "records-samr.csv", rows)
    ingest = xinyong(
        "ingest", str(path), "--source", "samr", "--delivered-on", "2026-09-30", cwd=tmp_path, **env
    )
    assert ingest.returncode == 0, ingest.stderr
    listed = json.loads(xinyong("quarantine", "list", "--json", cwd=tmp_path, **env).stdout)
    valid, invalid = (e["quarantine_id"] for e in listed["data"])
    assert listed["data"][1]["identities"]["subject_code"]["sealed"] == "(sealed)"

    shown = xinyong("quarantine", "show", invalid[:10], cwd=tmp_path, **env).stdout
    assert "subject_code = '110105********0021' (sealed: `xinyong quarantine reveal`)" in shown
    shown = xinyong("quarantine", "show", valid[:10], cwd=tmp_path, **env).stdout
    assert "subject_code = '110105********002X' (pseudonym kept)" in shown

    no_reason = xinyong(
        "quarantine",
        "reveal",
        invalid[:10],
        "--actor",
        "李审核",
        "--reason",
        " ",
        cwd=tmp_path,
        **env,
    )
    assert no_reason.returncode == 2 and "reason: is empty" in no_reason.stderr
    wrong_key = xinyong(
        "quarantine",
        "reveal",
        invalid[:10],
        "--actor",
        "李审核",
        "--reason",
        "check with the source",
        cwd=tmp_path,
        **{**env, "XINYONG_QUARANTINE_KEY": "another-key"},
    )
    assert wrong_key.returncode == 2 and "sealed under another key" in wrong_key.stderr
    revealed = xinyong(
        "quarantine",
        "reveal",
        invalid[:10],
        "--actor",
        "李审核",
        "--reason",
        "check with the source",
        cwd=tmp_path,
        allow_raw_ids=True,
        **env,
    )
    assert revealed.returncode == 0, revealed.stderr
    assert revealed.stdout.strip() == f"subject_code = '{WRONG_CHECK}'"
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        audits = conn.execute(
            sa.select(lt.audit_log.c.action, lt.audit_log.c.detail).order_by(lt.audit_log.c.seq)
        ).all()
    assert audits[-1] == (
        "quarantine_reveal",
        {
            "quarantine_id": invalid,
            "reviewer": "李审核",
            "reason": "check with the source",
            "columns": ["subject_code"],
        },
    )
    assert [a for a, _ in audits].count("quarantine_reveal") == 1  # the refused ones: none

    # a ledger from before the upgrade: the rows as ingest wrote them then
    with engine.begin() as conn:
        for qid, raw in ((valid, rows[0]), (invalid, rows[1])):
            conn.execute(
                it.quarantine.update()
                .where(it.quarantine.c.quarantine_id == qid)
                .values(raw=raw, identities=sa.null())
            )
    engine.dispose()
    old = xinyong("quarantine", "show", valid[:10], cwd=tmp_path, allow_raw_ids=True, **env)
    assert "not scrubbed" in old.stdout
    upgraded = xinyong("init", cwd=tmp_path, **env)  # after an upgrade: init scrubs them
    assert (
        "scrubbed 2 quarantined rows of raw resident numbers (2 values masked)" in upgraded.stdout
    )
    again = xinyong("quarantine", "scrub", cwd=tmp_path, **env)
    assert again.stdout.strip() == "scrubbed 0 quarantined rows (0 values masked)"
    assert xinyong("audit", "verify", cwd=tmp_path, **env).returncode == 0
    assert raw_ids_in_sqlite_file(db) == []  # the file's bytes, free pages included


def test_an_error_never_echoes_a_number_given_in_the_wrong_place(tmp_path: Path) -> None:
    env = {"XINYONG_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.db"}
    assert xinyong("init", cwd=tmp_path, **env).returncode == 0
    run = xinyong("quarantine", "show", BEIJING_RESIDENT, cwd=tmp_path, **env)
    assert run.returncode == 2
    assert "no quarantined row '110105********002X'" in run.stderr
