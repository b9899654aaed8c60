"""Exports, snapshots and extracts are written atomically: a failure leaves no partial
file, and a file that was there stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from tests.factories import make_company, make_penalty
from xinyong.evaluate.snapshot import export_snapshot
from xinyong.files import atomic_file, write_text
from xinyong.ledger import make_engine, register_subject, upgrade
from xinyong.ledger import tables as lt
from xinyong.ledger.store import record_row

NOW = datetime(2026, 6, 30, 9, 0, tzinfo=UTC)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "full.jsonl"
    write_text(target, "old\n")
    with pytest.raises(RuntimeError), atomic_file(target) as handle:
        handle.write(b"new and half")
        raise RuntimeError("the disk filled up")
    assert target.read_text("utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full.jsonl"]
    write_text(target, "new\n")
    assert target.read_text("utf-8") == "new\n"
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_a_private_file_is_created_private(tmp_path: Path) -> None:
    with atomic_file(tmp_path / "key.pem", private=True) as handle:
        handle.write(b"secret")
    assert oct((tmp_path / "key.pem").stat().st_mode & 0o777) == "0o600"


def test_a_snapshot_that_fails_midway_leaves_no_partial_parquet(tmp_path: Path) -> None:
    # a record that holds a lone surrogate, stored before ingest refused them: SQLite keeps
    # the JSON escape, and the Parquet writer fails on it after the first batch
    engine = make_engine(f"sqlite:///{tmp_path / 'l.db'}")
    upgrade(engine)
    company = make_company()
    good = make_penalty(company.subject_id, source_record_id="GOOD")
    bad = make_penalty(
        company.subject_id,
        source_record_id="BAD",
        attributes={"violation": "\ud800", "penalty_types": "罚款", "procedure": "general"},
    )
    with engine.begin() as conn:
        register_subject(conn, company, recorded_at=NOW)
    out = tmp_path / "snap"
    assert export_snapshot(engine, out)["records"] == 0  # an earlier snapshot, complete
    with engine.begin() as conn:
        conn.execute(sa.insert(lt.records), [record_row(good, NOW, None)])
        conn.execute(sa.insert(lt.records), [record_row(bad, NOW, None)])
    with pytest.raises(UnicodeEncodeError):
        export_snapshot(engine, out, batch_size=1)
    # the earlier file is whole and unchanged; nothing half-written lies beside it
    assert pq.read_table(out / "records").num_rows == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "record_events.parquet",
        "records",
        "subjects.parquet",
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
