"""Ingest throughput of one CSV delivery into SQLite, against a bare load of the same file.

Writes a records file of N rows (valid market-regulation penalties about a pool of companies,
with 1% of rows defective), then in a fresh process each: ingests it with the full pipeline
(parsing, identification, catalogue validation, quarantine, journal, batched commits) on the
batch path (the default: whole Arrow batches) and on the row path (``--row-path``, the
oracle), and, as the baseline, loads the same file with ``csv.reader`` and a bare
``executemany`` into a table of text columns (no index; the ledger's journal settings).
Prints validated rows/s, the ratio to the bare load, and each process's peak memory, at
N/5 and N rows so that memory growth shows.

With ``--database-url`` (a scratch PostgreSQL database: its ``public`` schema is dropped
first) the batch path is measured into PostgreSQL too (``COPY`` into staging tables),
against a bare ``COPY`` of the file into a table of text columns.

    uv run python benchmarks/bench_ingest.py --rows 1000000 [--skip-row-path]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from xinyong.ids import generate_uscc
from xinyong.ingest.format import COLUMNS, Content

DELIVERED = date(2026, 9, 30)


def write_file(path: Path, rows: int) -> None:
    rng = random.Random(5)
    companies = [
        generate_uscc(rng, authority="9", entity_type="1", division="350203")
        for _ in range(min(100_000, max(1, rows // 10)))
    ]
    attributes = json.dumps(
        {
            "violation": "发布虚假广告",
            "penalty_types": "罚款",
            "fine_yuan": 50000,
            "procedure": "general",
        },
        ensure_ascii=False,
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS[Content.RECORDS])
        for n in range(rows):
            decided = DELIVERED - timedelta(days=n % 1500 + 10)
            code = companies[n % len(companies)]
            severity = "catastrophic" if n % 100 == 0 else ("minor", "general", "serious")[n % 3]
            writer.writerow(
                [
                    f"SAMR-{n:012d}",
                    1,
                    "market.penalty",
                    "legal_person",
                    code,
                    f"厦门测试{n % 997}有限公司",
                    "penalty_decision",
                    f"厦市监罚〔{decided.year}〕{n}号",
                    "厦门市思明区市场监督管理局",
                    decided,
                    decided,
                    decided + timedelta(days=3),
                    decided - timedelta(days=30),
                    severity,
                    "350203",
                    attributes,
                ]
            )


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def _bare_postgres(url: str, path: Path) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    columns = COLUMNS[Content.RECORDS]
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE raw ({', '.join(c + ' text' for c in columns)})")
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, path.open("rb") as handle:
            with cursor.copy("COPY raw FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        rows = int(conn.exec_driver_sql("SELECT count(*) FROM raw").scalar_one())
    engine.dispose()
    return rows


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, path: Path, db: str) -> None:
    start, cpu = time.perf_counter(), _cpu()
    if mode == "bare-postgresql":
        _reset_postgres(db)
        start, cpu = time.perf_counter(), _cpu()
        rows = _bare_postgres(db, path)
    elif mode == "bare":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=WAL")  # as the ledger's engine (ledger/db.py)
        conn.execute("PRAGMA synchronous=NORMAL")
        columns = COLUMNS[Content.RECORDS]
        conn.execute(f"CREATE TABLE raw ({', '.join(columns)})")
        marks = ", ".join("?" * len(columns))
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            batch = []
            for row in reader:
                batch.append(row)
                if len(batch) == 20_000:
                    conn.executemany(f"INSERT INTO raw VALUES ({marks})", batch)
                    conn.commit()
                    batch = []
            conn.executemany(f"INSERT INTO raw VALUES ({marks})", batch)
            conn.commit()
        rows = conn.execute("SELECT count(*) FROM raw").fetchone()[0]
    else:
        from xinyong.ingest.service import IngestOptions, ingest_file
        from xinyong.ledger import make_engine, upgrade
        from xinyong.schemes import load_pack

        if mode.endswith("postgresql"):
            _reset_postgres(db)
            engine = make_engine(db)
        else:
            engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        pack = load_pack("cn")
        start, cpu = time.perf_counter(), _cpu()
        options = IngestOptions(
            key=b"bench",
            delivered_on=DELIVERED,
            recorded_at=datetime(2026, 10, 1, tzinfo=UTC),
            batch_size=20_000,
            row_path=mode == "row",
        )
        outcome = ingest_file(engine, pack, path, source="samr", options=options)
        rows = outcome.accepted + outcome.quarantined + outcome.duplicates
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak}))


def measure(mode: str, path: Path, db: Path | str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def _line(label: str, rows: int, ours: dict[str, float], bare: dict[str, float]) -> str:
    assert ours["rows"] == bare["rows"] == rows, (ours, bare)
    ours_rate, bare_rate = rows / ours["seconds"], rows / bare["seconds"]
    # the process's own CPU time (a shared machine's load moves the wall clock more)
    ours_cpu, bare_cpu = rows / ours["cpu_seconds"], rows / bare["cpu_seconds"]
    return (
        f"{label:<22} {rows:>11,} rows | validated {ours_rate:>9,.0f} rows/s "
        f"| bare load {bare_rate:>9,.0f} rows/s | ratio {ours_rate / bare_rate:.2f} "
        f"| by CPU time {ours_cpu:>9,.0f} vs {bare_cpu:>9,.0f} rows/s, ratio "
        f"{ours_cpu / bare_cpu:.2f} | peak memory {ours['peak_mib']:,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-row-path", action="store_true", help="measure the batch path only")
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (emptied first)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.child[2])
        return
    print("goals (issue 13): >= 200,000 validated rows/s into SQLite, ratio >= 0.3 of bare")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (max(1, args.rows // 5), args.rows):
            path = Path(tmp) / f"records-samr-{rows}.csv"
            write_file(path, rows)
            bare = measure("bare", path, Path(tmp) / f"bare-{rows}.db")
            batch = measure("batch", path, Path(tmp) / f"batch-{rows}.db")
            print(_line("sqlite, batch path", rows, batch, bare))
            if not args.skip_row_path:
                row = measure("row", path, Path(tmp) / f"row-{rows}.db")
                print(_line("sqlite, row path", rows, row, bare))
            if args.database_url:
                bare_pg = measure("bare-postgresql", path, args.database_url)
                batch_pg = measure("batch-postgresql", path, args.database_url)
                print(_line("postgresql, batch path", rows, batch_pg, bare_pg))
            path.unlink()


if __name__ == "__main__":
    main()
