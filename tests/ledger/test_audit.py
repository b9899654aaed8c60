"""The hash-chained audit log: appends chain, and any change, removal, insertion or
reordering is found and located — on SQLite and PostgreSQL, and by ``xinyong audit verify``."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from xinyong.ledger import audit, make_engine, upgrade
from xinyong.ledger import tables as t

T0 = datetime(2026, 6, 30, 9, 0, tzinfo=UTC)


def event(n: int, subject: str | None = "91350200776049653A") -> audit.AuditEvent:
    return audit.AuditEvent(
        actor=f"token:{n:012x}",
        role="responding_agency",
        action="read_file",
        at=T0 + timedelta(seconds=n),
        agency="civil_aviation",
        subject_id=subject,
        purpose="supervision",
        detail={"n": n, "note": "读取"},
    )


def fill(engine: sa.Engine, count: int = 5) -> None:
    for n in range(1, count + 1):
        audit.record(engine, [event(n)])


def test_entries_chain_from_genesis_and_verify(engine: sa.Engine) -> None:
    fill(engine)
    audit.record(engine, [event(6), event(7, subject=None)])
    with engine.connect() as conn:
        rows = audit.entries(conn)
        result = audit.verify(conn)
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert all(b["prev_hash"] == a["entry_hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert result.ok and result.entries == 7


def test_a_changed_entry_is_found(engine: sa.Engine) -> None:
    fill(engine)
    with engine.begin() as conn:
        conn.execute(t.audit_log.update().where(t.audit_log.c.seq == 3).values(purpose="credit"))
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and result.seq == 3 and "changed" in (result.problem or "")


def test_a_changed_detail_is_found(engine: sa.Engine) -> None:
    fill(engine)
    with engine.begin() as conn:
        conn.execute(t.audit_log.update().where(t.audit_log.c.seq == 2).values(detail={"n": 99}))
    with engine.connect() as conn:
        assert audit.verify(conn).seq == 2


def test_a_removed_entry_is_found(engine: sa.Engine) -> None:
    fill(engine)
    with engine.begin() as conn:
        conn.execute(t.audit_log.delete().where(t.audit_log.c.seq == 4))
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and result.seq == 4 and "missing" in (result.problem or "")


def test_reordered_entries_are_found(engine: sa.Engine) -> None:
    fill(engine)
    with engine.begin() as conn:
        log = t.audit_log.c
        conn.execute(t.audit_log.update().where(log.seq == 2).values(seq=-2))
        conn.execute(t.audit_log.update().where(log.seq == 3).values(seq=2))
        conn.execute(t.audit_log.update().where(log.seq == -2).values(seq=3))
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and result.seq == 2


def test_a_rewritten_chain_tail_is_found_by_the_head(engine: sa.Engine) -> None:
    fill(engine)
    with engine.begin() as conn:
        conn.execute(t.audit_log.delete().where(t.audit_log.c.seq == 5))
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and "removed from the end" in (result.problem or "")


def test_concurrent_appenders_never_fork_the_chain(engine: sa.Engine) -> None:
    failures: list[BaseException] = []

    def append_many(offset: int) -> None:
        try:
            for n in range(10):
                audit.record(engine, [event(offset + n)])
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=append_many, args=(k * 100,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert result.ok and result.entries == 40


def test_the_command_says_where_the_chain_breaks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine, 3)
    intact = xinyong("audit", "verify", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert intact.returncode == 0 and "intact: 3 entries" in intact.stdout
    with engine.begin() as conn:
        conn.execute(t.audit_log.update().where(t.audit_log.c.seq == 2).values(actor="nobody"))
    engine.dispose()
    broken = xinyong("audit", "verify", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert broken.returncode == 1 and "entry 2" in broken.stderr
