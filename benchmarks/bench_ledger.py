"""Bulk-load throughput of the ledger against a bare insert of the same rows, in one run.

For each chunk of records (prepared before any clock starts), the baseline inserts the final
row tuples with a bare ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) into one freshly
migrated ledger; the measured path feeds the same ``Record`` objects through ``BulkWriter``
(catalogue validation, content hashing, JSON serialisation, insert-or-ignore) into another.
Prints rows/s for each and their ratio (goal: >= 0.5).

    uv run python benchmarks/bench_ledger.py --records 1000000
    XINYONG_BENCH_DATABASE_URL=postgresql+psycopg://… uv run python benchmarks/bench_ledger.py
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from xinyong.ids import generate_uscc
from xinyong.ledger import (
    BulkWriter,
    EffectiveInstrument,
    Record,
    RecordValidator,
    make_engine,
    upgrade,
)
from xinyong.ledger.bulk import RECORD_COLUMNS
from xinyong.ledger.model import Subject
from xinyong.schemes import load_pack
from xinyong.types import SubjectKind

TODAY = date(2026, 9, 30)
STAMP = datetime(2026, 9, 30, 12, 0)
CHUNK = 50_000


def make_subjects(n: int) -> list[Subject]:
    import random

    rng = random.Random(1)
    return [
        Subject(
            generate_uscc(rng, authority="9", entity_type="1", division="350203"),
            SubjectKind.LEGAL_PERSON,
            f"厦门测试{i}有限公司",
            "350203",
            None,
            "samr",
        )
        for i in range(n)
    ]


def make_records(chunk: int, size: int, subjects: list[Subject]) -> list[Record]:
    out = []
    for i in range(size):
        n = chunk * size + i
        decided = TODAY - timedelta(days=n % 1500 + 10)
        out.append(
            Record(
                item_code="market.penalty",
                subject_id=subjects[n % len(subjects)].subject_id,
                source_agency="samr",
                source_record_id=f"SAMR-{n:012d}",
                version=1,
                instrument=EffectiveInstrument(
                    "penalty_decision",
                    f"厦市监罚〔{decided.year}〕{n}号",
                    "厦门市思明区市场监督管理局",
                    decided,
                ),
                decided_on=decided,
                severity=("minor", "general", "serious")[n % 3],
                attributes={
                    "violation": "发布虚假广告",
                    "penalty_types": "罚款",
                    "fine_yuan": float(1000 + n % 90000),
                    "procedure": "general",
                },
                published_on=decided + timedelta(days=5),
                occurred_on=decided - timedelta(days=30),
                region="350203",
            )
        )
    return out


def row_tuple(r: Record, postgres: bool) -> tuple[object, ...]:
    d = (lambda v: v) if postgres else (lambda v: v.isoformat() if v else None)
    return (
        r.record_id,
        r.item_code,
        r.subject_id,
        r.source_agency,
        r.source_record_id,
        r.version,
        r.instrument.type,
        r.instrument.number,
        r.instrument.issuer,
        d(r.instrument.issued_on),
        d(r.decided_on),
        d(r.published_on),
        d(r.occurred_on),
        r.severity,
        json.dumps(r.attributes, ensure_ascii=False, separators=(",", ":")),
        r.region,
        None,
        STAMP if postgres else STAMP.strftime("%Y-%m-%d %H:%M:%S.%f"),
    )


def bare_insert(engine: sa.Engine, rows: list[tuple[object, ...]]) -> None:
    names = ", ".join(RECORD_COLUMNS)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            marks = ", ".join("?" * len(RECORD_COLUMNS))
            conn.exec_driver_sql(f"INSERT INTO records ({names}) VALUES ({marks})", rows)
        else:
            raw = conn.connection.driver_connection
            with raw.cursor() as cursor:  # type: ignore[union-attr]
                with cursor.copy(f"COPY records ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)


def fresh(url: str, subjects: list[Subject], validator: RecordValidator) -> sa.Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    upgrade(engine)
    with BulkWriter(engine, validator, today=TODAY, recorded_at=STAMP) as w:
        for s in subjects:
            w.add_subject(s)
    return engine


def run(label: str, base_url: str, ours_url: str, records: int, subjects: list[Subject]) -> None:
    validator = RecordValidator(load_pack("cn").catalogue)
    base = fresh(base_url, subjects, validator)
    base_seconds = ours_seconds = 0.0
    chunks = (records + CHUNK - 1) // CHUNK
    postgres = base.dialect.name == "postgresql"
    for chunk in range(chunks):
        batch = make_records(chunk, min(CHUNK, records - chunk * CHUNK), subjects)
        rows = [row_tuple(r, postgres) for r in batch]
        start = time.perf_counter()
        bare_insert(base, rows)
        base_seconds += time.perf_counter() - start
    base.dispose()
    ours = fresh(ours_url, subjects, validator)
    writer = BulkWriter(ours, validator, today=TODAY, recorded_at=STAMP, batch_size=CHUNK)
    for chunk in range(chunks):
        batch = make_records(chunk, min(CHUNK, records - chunk * CHUNK), subjects)
        start = time.perf_counter()
        for record in batch:
            writer.add_record(record, SubjectKind.LEGAL_PERSON)
        writer.flush()
        ours_seconds += time.perf_counter() - start
    assert writer.stats.records_new == records, writer.stats
    ours.dispose()
    base_rate, our_rate = records / base_seconds, records / ours_seconds
    print(
        f"{label:10} {records:>12,} records | bare insert {base_rate:>12,.0f} rows/s | "
        f"BulkWriter {our_rate:>12,.0f} rows/s | ratio {our_rate / base_rate:.2f} (goal >= 0.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    subjects = make_subjects(max(1, min(100_000, args.records // 10)))
    with tempfile.TemporaryDirectory() as tmp:
        run(
            "sqlite",
            f"sqlite:///{Path(tmp) / 'base.db'}",
            f"sqlite:///{Path(tmp) / 'ours.db'}",
            args.records,
            subjects,
        )
    postgres = os.environ.get("XINYONG_BENCH_DATABASE_URL")
    if postgres:
        run("postgresql", postgres, postgres, args.records, subjects)
    else:
        print("postgresql: skipped (set XINYONG_BENCH_DATABASE_URL to a database it may wipe)")


if __name__ == "__main__":
    main()
