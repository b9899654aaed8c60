"""One semantics on every engine: the same population, the same entries, from SQLite or
PostgreSQL directly and from DuckDB over a Parquet snapshot."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from xinyong.evaluate import DuckDBEngine, EntryStatus, SqlEngine, evaluate_lists
from xinyong.evaluate.grading import evaluate_grades
from xinyong.evaluate.snapshot import export_snapshot
from xinyong.ingest.service import IngestOptions, ingest_directory
from xinyong.ledger import EventKind, RecordEvent, append_event
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack
from xinyong.synth import SynthConfig, write_delivery


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack) -> Path:
    out = tmp_path_factory.mktemp("parity") / "delivery"
    write_delivery(SynthConfig(subjects=8_000, seed=404), cn_pack, out)
    return out


def test_every_engine_gives_the_same_entries(
    engine: sa.Engine, cn_pack: Pack, delivery: Path, tmp_path: Path
) -> None:
    options = IngestOptions(
        key=b"parity", delivered_on=date(2026, 9, 30), recorded_at=datetime(2026, 10, 1, tzinfo=UTC)
    )
    ingest_directory(engine, cn_pack, delivery, options=options)
    with engine.begin() as conn:  # notices: long served, just served, or none (candidates)
        ids = conn.execute(
            sa.select(lt.records.c.record_id, lt.records.c.decided_on).where(
                lt.records.c.item_code.in_(["market.serious_violation", "tax.major_violation"])
            )
        ).all()
        for n, (record_id, decided) in enumerate(sorted(ids)):
            served = {0: decided, 1: date(2026, 9, 28)}.get(n % 3)
            if served is not None:
                event = RecordEvent(record_id, EventKind.NOTICE_SERVED, served, "samr")
                append_event(conn, event, recorded_at=options.recorded_at)
    export_snapshot(engine, tmp_path / "snapshot")
    duck = DuckDBEngine(tmp_path / "snapshot", threads=2, memory_limit="1GB")
    for as_of in (date(2024, 6, 30), date(2026, 9, 30)):
        direct = evaluate_lists(SqlEngine(engine), cn_pack, as_of)
        assert direct == evaluate_lists(duck, cn_pack, as_of)
        grades = evaluate_grades(SqlEngine(engine), cn_pack, as_of, include_pilots=True)
        assert grades == evaluate_grades(duck, cn_pack, as_of, include_pilots=True)
        assert [g.contributions for g in grades] == [
            g.contributions for g in evaluate_grades(duck, cn_pack, as_of, include_pilots=True)
        ]
    assert {g.grade for g in grades if g.scheme_id == "cn.public_credit.comprehensive"} >= {
        "B",
        "C",
        "D",
    }
    statuses = {(e.list_id, e.status) for e in direct}
    assert {s for _, s in statuses} == set(EntryStatus)
    assert {list_id for list_id, _ in statuses} == set(cn_pack.lists)
