"""Evaluation of the national pack on DuckDB and SQLite, against hand-written DuckDB SQL.

Generates a deterministic synthetic snapshot (subjects, records, revocations) with DuckDB
itself (``hash(i)`` over ``range(n)``, written to Parquet), then, in the same run:

- the hand-written baseline: one DuckDB query for the active court defaulters and one for the
  tax credit grades, written by hand for this data;
- xinyong's DuckDB engine computing the same two (the court list and the tax grade), and then
  the whole national pack;
- xinyong's SQL engine over the same rows loaded into SQLite.

The results are compared (they must agree) and times printed as ratios to the baseline
(goal: the DuckDB engine within 1.5x). xinyong's times include building and rendering the
compiled queries (a fixed cost of well under a second per evaluation, which dominates at
small sizes); the working-day calendar is loaded before timing.

    uv run python benchmarks/bench_evaluate.py --subjects 1000000 --records 10000000
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from xinyong.evaluate import DuckDBEngine, EntryStatus, SqlEngine, evaluate_lists
from xinyong.evaluate.calendar_table import calendar_table
from xinyong.evaluate.grading import evaluate_grades
from xinyong.ledger import make_engine, upgrade
from xinyong.schemes import load_pack

AS_OF = date(2026, 9, 30)
GROUNDS = (
    "able_but_refuses",
    "obstructs_enforcement",
    "evades_enforcement",
    "false_property_report",
    "violates_consumption_restriction",
    "refuses_settlement",
)


def generate(out: Path, subjects: int, records: int) -> None:
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT 'S' || lpad(i::VARCHAR, 9, '0') AS subject_id,
        CASE WHEN i % 5 < 3 THEN 'legal_person' ELSE 'natural_person' END AS kind
        FROM range({subjects}) t(i)) TO '{out}/subjects.parquet' (FORMAT parquet)""")
    grounds = "[" + ", ".join(f"'{g}'" for g in GROUNDS) + "]"
    con.execute(f"""COPY (
      WITH base AS (SELECT i, hash(i) AS h, hash(i + 7919) AS h2 FROM range({records}) t(i)),
      typed AS (SELECT *, CASE
          WHEN h % 1000 < 20 THEN 'court.dishonest_debtor'
          WHEN h % 1000 < 120 THEN 'tax.credit_grade'
          WHEN h % 1000 < 170 THEN 'tax.arrears'
          WHEN h % 1000 < 175 THEN 'tax.major_violation'
          WHEN h % 1000 < 375 THEN 'market.penalty'
          ELSE 'admin.licence' END AS item_code FROM base)
      SELECT md5(i::VARCHAR) AS record_id, item_code,
        'S' || lpad((h2 % {subjects})::VARCHAR, 9, '0') AS subject_id,
        CASE WHEN item_code LIKE 'court.%' THEN 'court' WHEN item_code LIKE 'tax.%' THEN 'tax'
             ELSE 'samr' END AS source_agency,
        'R' || i AS source_record_id, 1::INTEGER AS version,
        (DATE '{AS_OF}' - (h2 % 1500)::INTEGER) AS decided_on,
        (DATE '{AS_OF}' - (h2 % 1500)::INTEGER) AS published_on,
        CASE WHEN item_code IN ('court.dishonest_debtor', 'tax.major_violation') THEN 'serious'
             WHEN item_code = 'market.penalty'
               THEN ['minor', 'general', 'serious'][(1 + h % 3)::BIGINT]
             WHEN item_code = 'tax.arrears' THEN 'general' ELSE 'not_applicable' END AS severity,
        '350203' AS region, 'decision' AS instrument_type,
        CASE WHEN item_code = 'court.dishonest_debtor' THEN
               '{{"ground":"' || {grounds}[(1 + (h // 7) % 6)::BIGINT] || '","performance":"'
               || ['none', 'partial', 'full'][(1 + (h // 11) % 3)::BIGINT] || '"}}'
             WHEN item_code = 'market.penalty' THEN '{{"procedure":"general"}}'
             ELSE '{{}}' END AS attributes
      FROM typed) TO '{out}/records.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT record_id, 'revoked' AS kind, decided_on + 30 AS effective_on,
      '{{}}' AS attributes
      FROM read_parquet('{out}/records.parquet')
      WHERE item_code = 'court.dishonest_debtor' AND hash(record_id) % 50 = 0
      ) TO '{out}/record_events.parquet' (FORMAT parquet)""")


COURT_ACTIVE = f"""
  FROM records r
  WHERE item_code = 'court.dishonest_debtor' AND decided_on <= DATE '{AS_OF}'
    AND attributes ->> '$.performance' <> 'full'
    AND NOT EXISTS (SELECT 1 FROM record_events e WHERE e.record_id = r.record_id
                    AND e.kind IN ('revoked', 'repaired') AND e.effective_on <= DATE '{AS_OF}')
    AND (attributes ->> '$.ground' = 'able_but_refuses'
         OR decided_on + INTERVAL 24 MONTH > DATE '{AS_OF}')"""
TAX_SCORED = f"""
  WITH counts AS (
    SELECT subject_id, count(*) FILTER (WHERE item_code = 'tax.arrears') AS arrears,
           count(*) FILTER (WHERE item_code = 'tax.major_violation') AS major
    FROM records r WHERE item_code IN ('tax.arrears', 'tax.major_violation')
      AND decided_on <= DATE '{AS_OF}' AND decided_on > DATE '{AS_OF}' - INTERVAL 12 MONTH
      AND record_id NOT IN (SELECT record_id FROM record_events
                            WHERE kind IN ('revoked', 'repaired'))
    GROUP BY subject_id),
  scored AS (SELECT s.subject_id, coalesce(major, 0) AS major,
                    greatest(0, 100 - 5 * coalesce(arrears, 0)) AS score
             FROM subjects s LEFT JOIN counts USING (subject_id)
             WHERE s.kind IN ('legal_person', 'individual_business')),
  graded AS (SELECT subject_id, score, CASE WHEN major > 0 THEN 'D' WHEN score >= 90 THEN 'A'
                    WHEN score >= 70 THEN 'B' WHEN score >= 40 THEN 'C' ELSE 'D' END AS grade
             FROM scored)"""


def hand_written(snapshot: Path) -> tuple[int, Counter[str], float, float]:
    """The two hand-written answers, twice: as counts only (the baseline of earlier runs) and
    as the rows a platform needs (each active defaulter's subject, record, decision date and
    end of term; each subject's score and grade) fetched into Python, as xinyong's are."""
    con = duckdb.connect()
    for t in ("records", "subjects", "record_events"):
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{snapshot}/{t}.parquet')")
    start = time.perf_counter()
    (active,) = con.execute(f"SELECT count(*) {COURT_ACTIVE}").fetchone()
    grades = con.execute(f"{TAX_SCORED} SELECT grade, count(*) FROM graded GROUP BY grade")
    counted = Counter(dict(grades.fetchall()))
    counts_only = time.perf_counter() - start
    start = time.perf_counter()
    rows = con.execute(
        "SELECT subject_id, record_id, decided_on, CASE WHEN attributes ->> '$.ground' <> "
        f"'able_but_refuses' THEN decided_on + INTERVAL 24 MONTH END AS expires {COURT_ACTIVE}"
    ).fetchall()
    graded = con.execute(f"{TAX_SCORED} SELECT subject_id, score, grade FROM graded").fetchall()
    with_rows = time.perf_counter() - start
    assert (len(rows), Counter(g for _, _, g in graded)) == (active, counted)
    return int(active), counted, counts_only, with_rows


def ours(engine, pack) -> tuple[int, Counter[str], float]:  # type: ignore[no-untyped-def]
    subset = dataclasses.replace(
        pack,
        lists={"cn.court.dishonest_debtors": pack.lists["cn.court.dishonest_debtors"]},
        grades={"cn.tax.credit_grade": pack.grades["cn.tax.credit_grade"]},
    )
    start = time.perf_counter()
    entries = evaluate_lists(engine, subset, AS_OF)
    grades = evaluate_grades(engine, subset, AS_OF)
    seconds = time.perf_counter() - start
    active = sum(e.status is EntryStatus.ACTIVE for e in entries)
    return active, Counter(g.grade for g in grades), seconds


def peak_mib() -> float:
    """This process's peak resident memory (DuckDB runs in it; Spark's JVM does not)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_sqlite(snapshot: Path, url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    stamp = datetime(2026, 10, 1).strftime("%Y-%m-%d %H:%M:%S.%f")
    with engine.begin() as conn:
        for batch in pq.ParquetFile(snapshot / "subjects.parquet").iter_batches(100_000):
            conn.exec_driver_sql(
                "INSERT INTO subjects (subject_id, kind, name, source_agency, recorded_at) "
                "VALUES (?, ?, 'x', 'bench', ?)",
                [
                    (s, k, stamp)
                    for s, k in zip(
                        batch["subject_id"].to_pylist(), batch["kind"].to_pylist(), strict=True
                    )
                ],
            )
        cols = (
            "record_id",
            "item_code",
            "subject_id",
            "source_agency",
            "source_record_id",
            "version",
            "decided_on",
            "published_on",
            "severity",
            "region",
            "instrument_type",
            "attributes",
        )
        for batch in pq.ParquetFile(snapshot / "records.parquet").iter_batches(100_000):
            data = [batch[c].to_pylist() for c in cols]
            rows = [
                (
                    *r[:6],
                    r[6].isoformat(),
                    r[7].isoformat(),
                    *r[8:],
                    "N",
                    "x",
                    r[6].isoformat(),
                    stamp,
                )
                for r in zip(*data, strict=True)
            ]
            conn.exec_driver_sql(
                f"INSERT INTO records ({', '.join(cols)}, instrument_number, instrument_issuer, "
                "instrument_date, recorded_at) VALUES (" + ", ".join("?" * 16) + ")",
                rows,
            )
        events = pq.read_table(snapshot / "record_events.parquet").to_pylist()
        conn.exec_driver_sql(
            "INSERT INTO record_events (event_id, record_id, kind, effective_on, actor, "
            "attributes, recorded_at) VALUES (?, ?, ?, ?, 'court', '{}', ?)",
            [
                (e["record_id"], e["record_id"], e["kind"], e["effective_on"].isoformat(), stamp)
                for e in events
            ],
        )


# --- Spark (--spark): the same evaluation on SparkEngine, local[2]; owned by the Spark engine


def spark_timing(  # type: ignore[no-untyped-def]
    snapshot: Path, pack, expected: tuple[int, Counter[str]], base: float, whole_pack
) -> None:
    """Time the court list and tax grade, then the whole pack, on Spark ``local[2]``; the
    results must equal DuckDB's. Prints records/s per core over the snapshot's records."""
    from xinyong.evaluate.spark import SparkEngine

    cores = 2
    start = time.perf_counter()
    spark = SparkEngine(snapshot, master=f"local[{cores}]", driver_memory="4g")
    print(f"Spark local[{cores}] session started in {time.perf_counter() - start:.1f} s")
    records = pq.ParquetFile(snapshot / "records.parquet").metadata.num_rows
    active, grades, seconds = ours(spark, pack)
    assert (active, grades) == expected, (active, grades, expected)
    print(
        f"xinyong on Spark          {seconds:8.2f} s  ratio {seconds / base:.2f}, same results; "
        f"{records / seconds / cores:,.0f} records/s/core"
    )
    start = time.perf_counter()
    entries = evaluate_lists(spark, pack, AS_OF)
    grades_all = evaluate_grades(spark, pack, AS_OF)
    full = time.perf_counter() - start
    assert (entries, grades_all) == whole_pack, "Spark and DuckDB differ on the whole pack"
    print(
        f"whole national pack, Spark {full:7.2f} s  ratio {full / base:.2f}, same as DuckDB; "
        f"{records / full / cores:,.0f} records/s/core"
    )


# --- end of Spark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--spark", action="store_true", help="also time Spark local[2]")
    parser.add_argument(
        "--skip-sqlite", action="store_true", help="no SQLite run (its load is slow at 100M)"
    )
    args = parser.parse_args()
    pack = load_pack("cn")
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / "snapshot"
        snapshot.mkdir()
        start = time.perf_counter()
        generate(snapshot, args.subjects, args.records)
        print(
            f"generated {args.subjects:,} subjects, {args.records:,} records in "
            f"{time.perf_counter() - start:.1f} s"
        )
        base_active, base_grades, base, base_rows = hand_written(snapshot)
        # the working-day calendar (pack files, provisional years) is read once per process:
        # a start-up cost, not an evaluation's, so it is paid before the clock starts
        start = time.perf_counter()
        calendar_table(date(2004, 1, 1), date(AS_OF.year + 10, 12, 31))
        print(f"working-day calendar loaded in {time.perf_counter() - start:.1f} s (not counted)")
        duck = DuckDBEngine(snapshot, threads=2, memory_limit="8GB")
        our_active, our_grades, seconds = ours(duck, pack)
        assert (our_active, our_grades) == (base_active, base_grades), (
            our_active,
            base_active,
            our_grades,
            base_grades,
        )
        print(
            f"hand-written DuckDB SQL   {base:8.2f} s  counts only (court list {base_active:,} "
            f"active; tax grades {dict(sorted(base_grades.items()))})"
        )
        print(f"hand-written, rows        {base_rows:8.2f} s  the same, rows fetched into Python")
        print(
            f"xinyong on DuckDB         {seconds:8.2f} s  ratio {seconds / base:.2f} to counts, "
            f"{seconds / base_rows:.2f} to rows (goal <= 1.5), same results"
        )
        start = time.perf_counter()
        entries = evaluate_lists(duck, pack, AS_OF)
        grades = evaluate_grades(duck, pack, AS_OF)
        full = time.perf_counter() - start
        print(
            f"whole national pack, DuckDB {full:6.2f} s  ratio {full / base:.2f} to counts, "
            f"{full / base_rows:.2f} to rows ({len(entries):,} entries, {len(grades):,} grades); "
            f"peak memory so far {peak_mib():,.0f} MiB"
        )
        if args.spark:
            spark_timing(snapshot, pack, (base_active, base_grades), base, (entries, grades))
        if args.skip_sqlite:
            return
        url = f"sqlite:///{Path(tmp) / 'ledger.db'}"
        start = time.perf_counter()
        load_sqlite(snapshot, url)
        loaded = time.perf_counter() - start
        sql_active, sql_grades, sql_seconds = ours(SqlEngine(make_engine(url)), pack)
        assert (sql_active, sql_grades) == (base_active, base_grades)
        print(
            f"xinyong on SQLite         {sql_seconds:8.2f} s  ratio {sql_seconds / base:.2f}, "
            f"same results (loading SQLite took {loaded:.0f} s, not counted)"
        )


if __name__ == "__main__":
    main()
