"""Incremental evaluation against a full one, on the ledger (SQLite, or PostgreSQL).

Generates a deterministic ledger with DuckDB (``hash(i)`` over ``range(n)``: court defaulters,
tax grades and arrears, serious violations with prior notices, penalties, registrations for
the green lane), evaluates D0 in full and stores it, then changes ``--changed`` subjects
(a new penalty each, a revocation for every third, a notice for every fifth, all recorded
after the base) and evaluates D1 = D0 + 1 day both ways. Prints both times, the ratio (goal
>= 50x at 1M subjects, 10M records, 10,000 changed) and whether the digests match.

    uv run python benchmarks/bench_incremental.py --subjects 20000 --records 200000 --changed 200
    uv run python benchmarks/bench_incremental.py ... --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import sqlalchemy as sa

from xinyong.evaluate import SqlEngine
from xinyong.evaluate.digest import differences, of_stored
from xinyong.evaluate.incremental import evaluate_full, evaluate_incremental
from xinyong.ledger import make_engine, upgrade
from xinyong.schemes import load_pack

D0 = date(2026, 9, 30)
LOADED = datetime(2026, 10, 1, tzinfo=UTC)

RECORDS = """
WITH base AS (SELECT i, hash(i) AS h, hash(i + 7919) AS h2 FROM range({records}) t(i)),
typed AS (SELECT *, CASE
    WHEN h % 1000 < 20 THEN 'court.dishonest_debtor'
    WHEN h % 1000 < 120 THEN 'tax.credit_grade'
    WHEN h % 1000 < 170 THEN 'tax.arrears'
    WHEN h % 1000 < 180 THEN 'market.serious_violation'
    WHEN h % 1000 < 380 THEN 'market.penalty'
    WHEN h % 1000 < 480 THEN 'market.registration'
    ELSE 'admin.licence' END AS item_code FROM base)
SELECT md5(i::VARCHAR) AS record_id, item_code,
  'S' || lpad((h2 % {subjects})::VARCHAR, 9, '0') AS subject_id,
  CASE WHEN item_code LIKE 'court.%' THEN 'court' WHEN item_code LIKE 'tax.%' THEN 'tax'
       ELSE 'samr' END AS source_agency,
  'R' || i AS source_record_id, 1 AS version,
  (DATE '{d0}' - (h2 % 1500)::INTEGER)::VARCHAR AS decided_on,
  CASE WHEN item_code IN ('court.dishonest_debtor', 'market.serious_violation') THEN 'serious'
       WHEN item_code = 'market.penalty' THEN ['minor', 'general', 'serious'][(1 + h % 3)::BIGINT]
       WHEN item_code = 'tax.arrears' THEN 'general' ELSE 'not_applicable' END AS severity,
  CASE WHEN item_code = 'court.dishonest_debtor' THEN
         '{{"ground":"able_but_refuses","performance":"'
         || ['none', 'partial', 'full'][(1 + (h // 11) % 3)::BIGINT] || '"}}'
       WHEN item_code = 'market.penalty' THEN '{{"procedure":"general"}}'
       WHEN item_code = 'tax.credit_grade' THEN
         '{{"grade":"' || ['A', 'B', 'M', 'C', 'D'][(1 + (h // 13) % 5)::BIGINT]
         || '","year":' || (2021 + (h // 17) % 5)::VARCHAR || '}}'
       WHEN item_code = 'market.registration' THEN
         '{{"established_on":"' || (DATE '{d0}' - (h2 % 3000)::INTEGER)::VARCHAR || '"}}'
       ELSE '{{}}' END AS attributes
FROM typed
"""


def load(url: str, subjects: int, records: int) -> None:
    """The generated ledger, loaded with plain INSERTs (not timed)."""
    engine = make_engine(url)
    upgrade(engine)
    con = duckdb.connect()
    subject_rows = con.execute(
        f"SELECT 'S' || lpad(i::VARCHAR, 9, '0'), CASE WHEN i % 5 < 3 THEN 'legal_person' "
        f"ELSE 'natural_person' END FROM range({subjects}) t(i)"
    ).fetchall()
    cursor = con.execute(RECORDS.format(records=records, subjects=subjects, d0=D0))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO subjects (subject_id, kind, name, source_agency, recorded_at) "
                "VALUES (:s, :k, 'x', 'bench', :at)"
            ),
            [{"s": s, "k": k, "at": LOADED} for s, k in subject_rows],
        )
        insert = sa.text(
            "INSERT INTO records (record_id, item_code, subject_id, source_agency, "
            "source_record_id, version, decided_on, severity, attributes, region, "
            "instrument_type, instrument_number, instrument_issuer, instrument_date, "
            "recorded_at) VALUES (:id, :item, :s, :agency, :src, :v, :d, :sev, :attrs, "
            "'350203', 'decision', 'N', 'x', :d, :at)"
        )
        while batch := cursor.fetchmany(50_000):
            conn.execute(insert, [_record(row) for row in batch])
        # prior notice served on two serious violations in three, one in three just now
        conn.execute(
            sa.text(
                "INSERT INTO record_events (event_id, record_id, kind, effective_on, actor, "
                "attributes, recorded_at) SELECT record_id, record_id, 'notice_served', "
                "CASE WHEN length(record_id) % 2 = 0 THEN decided_on ELSE :late END, 'samr', "
                "'{}', :at FROM records WHERE item_code = 'market.serious_violation'"
            ),
            {"late": D0 - timedelta(days=3), "at": LOADED},
        )
    engine.dispose()


def _record(row: tuple[object, ...]) -> dict[str, object]:
    keys = ("id", "item", "s", "agency", "src", "v", "d", "sev", "attrs")
    values = dict(zip(keys, row, strict=True))
    values["d"] = date.fromisoformat(str(values["d"]))
    return values | {"at": LOADED}


def change(url: str, changed: int, at: datetime) -> None:
    """``changed`` subjects get a new penalty; some a revocation or a notice."""
    engine = make_engine(url)
    with engine.begin() as conn:
        picked = conn.execute(
            sa.text(
                "SELECT subject_id, min(record_id) FROM records GROUP BY subject_id "
                "ORDER BY subject_id LIMIT :n"
            ),
            {"n": changed},
        ).all()
        for n, (subject_id, record_id) in enumerate(picked):
            conn.execute(
                sa.text(
                    "INSERT INTO records (record_id, item_code, subject_id, source_agency, "
                    "source_record_id, version, decided_on, severity, attributes, region, "
                    "instrument_type, instrument_number, instrument_issuer, instrument_date, "
                    "recorded_at) VALUES (:id, 'market.penalty', :s, 'samr', :id, 1, :d, "
                    "'serious', '{\"procedure\":\"general\"}', '350203', 'decision', 'N', "
                    "'x', :d, :at)"
                ),
                {"id": f"NEW{n:09d}", "s": subject_id, "d": D0 + timedelta(days=1), "at": at},
            )
            kind = "revoked" if n % 3 == 0 else "notice_served" if n % 5 == 0 else None
            if kind is not None:
                conn.execute(
                    sa.text(
                        "INSERT INTO record_events (event_id, record_id, kind, effective_on, "
                        "actor, attributes, recorded_at) VALUES (:e, :r, :k, :d, 'bench', "
                        "'{}', :at)"
                    ),
                    {"e": f"EV{n:09d}", "r": record_id, "k": kind, "d": D0, "at": at},
                )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()
    pack = load_pack("cn")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'ledger.db'}"
        start = time.perf_counter()
        load(url, args.subjects, args.records)
        print(
            f"loaded {args.subjects:,} subjects, {args.records:,} records into "
            f"{url.split(':')[0]} in {time.perf_counter() - start:.1f} s (not counted)"
        )
        engine = make_engine(url)
        start = time.perf_counter()
        evaluate_full(engine, SqlEngine(engine), pack, D0, recorded_at=LOADED + timedelta(hours=1))
        print(f"full evaluation of {D0} (the base)   {time.perf_counter() - start:8.2f} s")
        change(url, args.changed, LOADED + timedelta(hours=2))
        d1 = D0 + timedelta(days=1)
        start = time.perf_counter()
        run = evaluate_incremental(engine, pack, d1, recorded_at=LOADED + timedelta(hours=3))
        incremental = time.perf_counter() - start
        assert run.base_id is not None, run.fallback
        print(
            f"incremental evaluation of {d1}      {incremental:8.2f} s  "
            f"({run.rederived:,} subjects re-derived: {run.reasons})"
        )
        start = time.perf_counter()
        whole = evaluate_full(engine, SqlEngine(engine), pack, d1, recorded_at=LOADED)
        full = time.perf_counter() - start
        print(f"full evaluation of {d1}             {full:8.2f} s")
        assert whole.full is not None
        with engine.connect() as conn:
            stored = of_stored(conn, run.evaluation_id)
        same = stored.digest == whole.full.digest
        print(
            f"ratio full / incremental {full / incremental:.1f}x (goal >= 50x at 1M/10M, 10,000 "
            f"changed); digests {'match' if same else 'DIFFER'}: {stored.digest[:16]}"
        )
        if not same:
            raise SystemExit("\n".join(differences(stored, whole.full)))


if __name__ == "__main__":
    main()
