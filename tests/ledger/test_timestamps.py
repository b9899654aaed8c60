"""Every timestamp column holds a moment: aware UTC in Python, UTC in the database, a naive
datetime refused on write; and what was hashed when timestamps were naive UTC (audit entries,
content ids) hashes the same now — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.factories import RECORDED_AT, make_company
from xinyong.clock import NaiveTimestampError
from xinyong.ledger import audit, backup, content_id
from xinyong.ledger import tables as t
from xinyong.ledger.store import register_subject

SHANGHAI = timezone(timedelta(hours=8))


def checkpoint(signed_at: datetime) -> dict[str, object]:
    return {"size": 1, "root_hash": "0" * 64, "signed_at": signed_at, "note": "n"}


def test_a_naive_datetime_is_refused_on_write_and_nothing_is_written(engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.StatementError) as refused, engine.begin() as conn:
        conn.execute(t.audit_checkpoints.insert().values(checkpoint(datetime(2026, 12, 1, 9))))
    assert isinstance(refused.value.orig, NaiveTimestampError)
    assert "naive datetime 2026-12-01T09:00:00" in str(refused.value.orig)
    with engine.connect() as conn:
        count = sa.select(sa.func.count()).select_from(t.audit_checkpoints)
        assert conn.execute(count).scalar() == 0


def test_a_moment_is_stored_in_utc_and_read_back_aware_utc(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            t.audit_checkpoints.insert().values(
                checkpoint(datetime(2026, 12, 2, 1, 30, tzinfo=SHANGHAI))
            )
        )
    with engine.connect() as conn:
        read = conn.execute(sa.select(t.audit_checkpoints.c.signed_at)).scalar_one()
        raw = conn.execute(sa.text("SELECT signed_at FROM audit_checkpoints")).scalar_one()
        # a comparison with an aware bound value is in UTC too
        later = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.audit_checkpoints)
            .where(t.audit_checkpoints.c.signed_at > datetime(2026, 12, 1, 17, 29, tzinfo=UTC))
        ).scalar()
    assert read == datetime(2026, 12, 1, 17, 30, tzinfo=UTC) and read.tzinfo is UTC
    assert str(raw).startswith("2026-12-01 17:30:00")
    assert later == 1


def old_entry_hash(seq: int, fields: dict[str, object], prev_hash: str) -> str:
    """``entry_hash`` as it was when ``at`` was a naive UTC datetime."""
    body = {**fields, "seq": seq, "prev_hash": prev_hash}
    body["at"] = fields["at"].isoformat(timespec="microseconds")  # type: ignore[attr-defined]
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_a_chain_written_with_naive_utc_times_still_verifies(engine: sa.Engine) -> None:
    postgres = engine.dialect.name == "postgresql"
    prev, rows = audit.GENESIS, []
    for seq in (1, 2):
        fields: dict[str, object] = {
            "at": datetime(2026, 6, 30, 9, 0, seq, 250),
            "actor": "cli:old",
            "role": "operator",
            "agency": None,
            "action": "ingest",
            "subject_id": None,
            "purpose": None,
            "detail": {"n": seq},
        }
        digest = old_entry_hash(seq, fields, prev)
        # the value as 0012 stored it; on PostgreSQL 0013 made the column timestamptz (UTC)
        at = fields["at"].replace(tzinfo=UTC) if postgres else fields["at"]  # type: ignore[attr-defined]
        rows.append({**fields, "at": at, "seq": seq, "prev_hash": prev, "entry_hash": digest})
        prev = digest
    with engine.begin() as conn:
        # written as the old code wrote them: naive values, beneath the column type
        table = sa.Table("audit_log", sa.MetaData(), autoload_with=conn)
        conn.execute(table.insert(), rows)
        conn.execute(t.audit_head.update().values(seq=2, entry_hash=prev))
    with engine.connect() as conn:
        assert audit.verify(conn).ok and audit.verify(conn).entries == 2
    audit.record(
        engine,
        [audit.AuditEvent("cli:new", "operator", "ingest", datetime(2026, 12, 1, 9, tzinfo=UTC))],
    )
    with engine.connect() as conn:
        verified = audit.verify(conn)
    assert (verified.ok, verified.entries) == (True, 3)


def test_content_ids_of_a_moment_are_those_of_its_naive_utc_form() -> None:
    aware = datetime(2026, 12, 2, 1, 30, tzinfo=SHANGHAI)
    assert content_id("q", aware) == content_id("q", datetime(2026, 12, 1, 17, 30))


def test_a_backups_ledger_digest_is_the_one_made_while_times_were_naive(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        register_subject(conn, make_company(), recorded_at=RECORDED_AT)
    with engine.connect() as conn:
        digest, counts = backup.ledger_state(conn)
        # read beneath the column type, as the old code read them: naive UTC values
        reflected = sa.MetaData()
        reflected.reflect(conn, only=[table.name for table, _ in backup.LEDGER_TABLES])
        old = hashlib.sha256()
        for table, key in backup.LEDGER_TABLES:
            rows = conn.execute(sa.select(reflected.tables[table.name]).order_by(key)).mappings()
            n = 0
            for row in rows:
                line = {k: old_form(v) for k, v in row.items()}
                old.update(json.dumps(line, sort_keys=True, ensure_ascii=False).encode() + b"\n")
                n += 1
            old.update(f"-- {table.name} {n}\n".encode())
    assert counts["subjects"] == 1
    assert digest == old.hexdigest()


def old_form(value: object) -> object:
    """A value as the digest had it at 0012: a timestamp naive UTC (timestamptz on PostgreSQL
    since 0013), a date ISO."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() if isinstance(value, date) else value
