"""Backups and restores that prove themselves, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import RECORDED_AT, TODAY, make_company, make_penalty, make_person
from xinyong.errors import ConflictError, InvalidData
from xinyong.ledger import (
    RecordValidator,
    append_record,
    audit,
    make_engine,
    register_subject,
    upgrade,
)
from xinyong.ledger import tables as t
from xinyong.ledger.backup import backup, ledger_state, read_manifest, restore


def fill(engine: sa.Engine, validator: RecordValidator, n: int = 3) -> str:
    """Two subjects, ``n`` penalties of the company and four audit entries; the company's id."""
    company, person = make_company(), make_person()
    with engine.begin() as conn:
        register_subject(conn, company, recorded_at=RECORDED_AT)
        register_subject(conn, person, recorded_at=RECORDED_AT)
        for i in range(n):
            record = make_penalty(company.subject_id, source_record_id=f"pen-{i}")
            append_record(conn, record, validator, recorded_at=RECORDED_AT, today=TODAY)
        audit.append(
            conn,
            [
                audit.AuditEvent(
                    actor="cli:test",
                    role="operator",
                    action=f"act-{i}",
                    at=datetime(2026, 9, 1, tzinfo=UTC),
                )
                for i in range(4)
            ],
        )
    return company.subject_id


def rows(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_backup_restores_the_ledger_and_its_audit_chain_exactly(
    engine: sa.Engine, validator: RecordValidator, tmp_path: Path
) -> None:
    company = fill(engine, validator)
    with engine.connect() as conn:
        before = ledger_state(conn)
    manifest = backup(engine, tmp_path / "ledger.xybak")
    assert manifest.counts == {"subjects": 2, "subject_links": 0, "records": 3, "record_events": 0}
    assert (manifest.ledger_digest, manifest.audit_entries) == (before[0], 4)
    # a change after the backup is undone by restoring it over the live database
    with engine.begin() as conn:
        extra = make_penalty(company, source_record_id="after-backup")
        append_record(conn, extra, validator, recorded_at=RECORDED_AT, today=TODAY)
    assert rows(engine, t.records) == 4
    with pytest.raises(ConflictError) as refused:
        restore(engine, tmp_path / "ledger.xybak")
    assert refused.value.code == "ledger-exists" and "--replace" in refused.value.detail
    restored = restore(engine, tmp_path / "ledger.xybak", replace=True)
    assert restored == manifest
    with engine.connect() as conn:
        assert ledger_state(conn) == before
        assert audit.verify(conn).entries == 4 and audit.verify(conn).ok


def test_a_damaged_backup_is_refused_and_the_live_sqlite_file_kept(
    validator: RecordValidator, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    upgrade(engine)
    fill(engine, validator)
    backup(engine, tmp_path / "good.xybak")
    # the same archive with one record fewer claimed in its manifest
    with tarfile.open(tmp_path / "good.xybak") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        payload = tar.extractfile("ledger.sqlite").read()  # type: ignore[union-attr]
    manifest["counts"]["records"] = 2
    with tarfile.open(tmp_path / "bad.xybak", "w") as tar:
        forged = json.dumps(manifest).encode()
        for name, body in (("manifest.json", forged), ("ledger.sqlite", payload)):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    with pytest.raises(ConflictError) as damaged:
        restore(engine, tmp_path / "bad.xybak", replace=True)
    assert damaged.value.code == "restore-mismatch"
    assert rows(engine, t.records) == 3  # the live ledger was not touched
    engine.dispose()


def test_a_backup_goes_back_only_onto_its_own_kind_of_database(
    engine: sa.Engine, validator: RecordValidator, tmp_path: Path
) -> None:
    fill(engine, validator, n=1)
    backup(engine, tmp_path / "b.xybak")
    assert read_manifest(tmp_path / "b.xybak").engine == engine.dialect.name
    if engine.dialect.name == "sqlite":  # refused before any connection is made
        other = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    else:
        other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with pytest.raises(InvalidData) as wrong:
        restore(other, tmp_path / "b.xybak")
    assert wrong.value.code == "wrong-engine"
    assert not (tmp_path / "other.db").exists()


def test_a_file_that_is_not_a_backup_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InvalidData) as exc:
        read_manifest(tmp_path / "notes.txt")
    assert exc.value.code == "not-a-backup" and "xinyong backup --out" in exc.value.detail


def test_a_backup_restores_onto_a_new_sqlite_file(
    validator: RecordValidator, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    fill(engine, validator)
    manifest = backup(engine, tmp_path / "a.xybak")
    fresh = make_engine(f"sqlite:///{tmp_path / 'restored' / 'b.db'}")
    assert restore(fresh, tmp_path / "a.xybak") == manifest
    with fresh.connect() as conn:
        assert ledger_state(conn)[0] == manifest.ledger_digest
    engine.dispose()
    fresh.dispose()
