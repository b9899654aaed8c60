"""Spark gives the same answers as the other engines, including on attributes that are not
numbers where a number is expected, and attribute keys in Chinese; snapshots are partitioned
by province and catalogue item, and DuckDB reads both snapshot layouts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlglot import exp

from tests.evaluate.conftest import SparkFactory
from xinyong.evaluate import DuckDBEngine, SqlEngine
from xinyong.evaluate.criteria import condition_sql, to_sql
from xinyong.evaluate.snapshot import export_snapshot
from xinyong.ingest.service import IngestOptions, ingest_directory
from xinyong.ledger import make_engine, upgrade
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack
from xinyong.schemes.lists import Condition
from xinyong.synth import SynthConfig, write_delivery

NOW = datetime(2026, 10, 1, tzinfo=UTC)
#: attribute text → the number every engine reads from it (None: not a number)
AMOUNTS: dict[Any, float | None] = {
    "12": 12.0,
    12.5: 12.5,
    "-3": -3.0,
    "1e3": 1000.0,
    " 7 ": 7.0,
    "n/a": None,
    "": None,
    "12abc": None,
    "1,000": None,
    "012": None,
    ".5": None,
    "+1": None,
    "NaN": None,
    "1" * 201: None,
    "1e100": None,
    None: None,
}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack) -> Path:
    out = tmp_path_factory.mktemp("spark") / "delivery"
    write_delivery(SynthConfig(subjects=3_000, seed=405), cn_pack, out)
    return out


def _malformed_copies(engine: sa.Engine) -> None:
    """New records (as if stored before validation tightened) whose numeric attributes are
    not numbers: a procurement ban's own term and a tax grade's year."""
    with engine.begin() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(lt.records).where(
                    lt.records.c.item_code.in_(["procurement.bidding_ban", "tax.credit_grade"])
                )
            ).all()
        ]
        copies = []
        for n, row in enumerate(sorted(rows, key=lambda r: r["record_id"])[:40]):
            bad = list(AMOUNTS)[n % len(AMOUNTS)]
            attributes = dict(row["attributes"])
            attributes.update({"ban_months": bad, "year": bad, "金额": bad})
            copies.append(
                row
                | {
                    "record_id": f"malformed-{n:03}",
                    "source_record_id": f"{row['source_record_id']}-M{n}",
                    "attributes": attributes,
                    "region": None if n % 4 == 0 else row["region"],
                }
            )
        conn.execute(sa.insert(lt.records), copies)


def _stored(engine: sa.Engine) -> dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """engine name → (its evaluation's list entries, its grades), without the evaluation id."""
    from xinyong.evaluate.tables import evaluations, grades, list_entries

    found = {}
    with engine.connect() as conn:
        for evaluation_id, name in conn.execute(
            sa.select(evaluations.c.evaluation_id, evaluations.c.engine)
        ).all():
            entries, scores = (
                sorted(
                    tuple(str(v) for k, v in r._mapping.items() if k != "evaluation_id")
                    for r in conn.execute(sa.select(t).where(t.c.evaluation_id == evaluation_id))
                )
                for t in (list_entries, grades)
            )
            found[name] = (entries, scores)
    return found


@pytest.mark.usefixtures("spark_engine_factory")
def test_spark_duckdb_and_the_ledger_store_the_same_evaluation(
    tmp_path: Path,
    cn_pack: Pack,
    delivery: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``xinyong evaluate --engine sql|duckdb|spark`` (in-process, so Spark runs in the shared
    session) on a ledger with malformed numbers: the same entries (every field, explanation
    included) and the same grades (contributions included)."""
    from xinyong.cli.evaluate import evaluate

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    monkeypatch.setenv("XINYONG_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    options = IngestOptions(key=b"spark", delivered_on=date(2026, 9, 30), recorded_at=NOW)
    ingest_directory(engine, cn_pack, delivery, options=options)
    _malformed_copies(engine)
    export_snapshot(engine, tmp_path / "snapshot")
    for name in ("sql", "duckdb", "spark"):
        evaluate(
            "2026-09-30",
            engine_name=name,
            snapshot=str(tmp_path / "snapshot"),
            include_pilots=True,
            as_json=True,
        )
        assert json.loads(capsys.readouterr().out)["engine"] == {"sql": "sqlite"}.get(name, name)
    stored = _stored(engine)
    assert stored["spark"] == stored["sql"]
    assert stored["duckdb"] == stored["sql"]
    entries, scores = stored["sql"]
    assert {e[0] for e in entries} == set(cn_pack.lists)  # list_id first
    assert len(scores) > len(entries) > 100


def _amount_ledger(engine: sa.Engine) -> None:
    from tests.factories import make_company, make_penalty
    from xinyong.ledger import register_subject
    from xinyong.ledger.store import record_row

    upgrade(engine)
    company = make_company()
    with engine.begin() as conn:
        register_subject(conn, company, recorded_at=NOW)
        for n, value in enumerate(AMOUNTS):
            record = make_penalty(company.subject_id, source_record_id=f"A{n:02}")
            row = record_row(record, NOW, None)
            row["record_id"] = f"amount-{n:02}"
            row["attributes"] = {"金额": value, "罚款.种类": "罚款"}
            row["region"] = None if n == 0 else row["region"]
            conn.execute(sa.insert(lt.records), [row])


def _numbers(query_engine: Any) -> dict[str, float | None]:
    amount = Condition(field="attributes.金额", op="gte", value=0)
    kind = Condition(field="attributes.罚款.种类", op="eq", value="罚款")
    query = exp.select(
        "record_id",
        exp.alias_(condition_sql(amount).this, "amount"),  # the safely cast number
        exp.alias_(
            exp.Case()
            .when(condition_sql(kind), exp.Literal.number(1))
            .else_(exp.Literal.number(0)),
            "kind_matches",
        ),
    ).from_("records")
    rows = query_engine.rows(query)
    assert {r["kind_matches"] for r in rows} == {1}  # a key with a dot and Chinese characters
    return {r["record_id"]: r["amount"] for r in rows}


def test_a_malformed_number_is_null_and_chinese_keys_work_on_every_engine(
    engine: sa.Engine, tmp_path: Path, spark_engine_factory: SparkFactory
) -> None:
    _amount_ledger(engine)
    expected = {f"amount-{n:02}": number for n, number in enumerate(AMOUNTS.values())}
    export_snapshot(engine, tmp_path / "snapshot")
    assert _numbers(SqlEngine(engine)) == expected
    assert _numbers(DuckDBEngine(tmp_path / "snapshot", threads=1, memory_limit="1GB")) == expected
    assert _numbers(spark_engine_factory(tmp_path / "snapshot")) == expected


def test_spark_sql_has_explicit_safe_casts_and_no_not_in() -> None:
    from xinyong.evaluate.criteria import last_record_query

    amount = Condition(field="attributes.金额", op="gte", value=100)
    sql = to_sql(exp.select("record_id").from_("records").where(condition_sql(amount)), "spark")
    assert "TRY_CAST(TRIM(GET_JSON_OBJECT(attributes, '$[\\'金额\\']')) AS DOUBLE)" in sql
    assert " RLIKE " in sql
    postgres = to_sql(last_record_query(["court.x"], date(2026, 9, 30)), "postgres")
    assert "NOT IN" not in postgres and postgres.count("NOT EXISTS") == 2


def test_records_are_partitioned_by_province_and_item(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'l.db'}")
    _amount_ledger(engine)
    counts = export_snapshot(engine, tmp_path / "snap")
    assert counts["records"] == len(AMOUNTS)
    layout = sorted(
        str(p.parent.relative_to(tmp_path / "snap" / "records"))
        for p in (tmp_path / "snap" / "records").rglob("*.parquet")
    )
    assert layout == [
        "province=35/item_code=market.penalty",
        "province=unknown/item_code=market.penalty",
    ]
    duck = DuckDBEngine(tmp_path / "snap", threads=1, memory_limit="1GB")
    rows = duck.rows(exp.select("record_id", "province", "item_code").from_("records"))
    assert {(r["province"], r["item_code"]) for r in rows if r["record_id"] == "amount-00"} == {
        ("unknown", "market.penalty")
    }


def test_duckdb_still_reads_a_plain_records_file(tmp_path: Path) -> None:
    pq.write_table(
        pa.table({"record_id": ["r1"], "item_code": ["x"], "attributes": [json.dumps({})]}),
        tmp_path / "records.parquet",
    )
    pq.write_table(
        pa.table({"subject_id": ["s"], "kind": ["company"]}), tmp_path / "subjects.parquet"
    )
    pq.write_table(
        pa.table({"record_id": ["r1"], "kind": ["revoked"]}), tmp_path / "record_events.parquet"
    )
    duck = DuckDBEngine(tmp_path, threads=1, memory_limit="1GB")
    assert duck.rows(exp.select("record_id").from_("records")) == [{"record_id": "r1"}]


def test_evaluate_engine_spark_needs_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from xinyong.cli.evaluate import evaluate

    monkeypatch.setenv("XINYONG_DATABASE_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    upgrade(make_engine(f"sqlite:///{tmp_path / 'ledger.db'}"))
    with pytest.raises(typer.BadParameter, match="--engine spark needs --snapshot DIR"):
        evaluate("2026-09-30", engine_name="spark", snapshot=None)


def test_a_snapshot_in_object_storage_is_read_in_the_exported_layout() -> None:
    from xinyong.evaluate.spark import _sources

    assert _sources("s3a://credit/snapshots/2026-09-30/") == {
        "records": "s3a://credit/snapshots/2026-09-30/records",
        "subjects": "s3a://credit/snapshots/2026-09-30/subjects.parquet",
        "record_events": "s3a://credit/snapshots/2026-09-30/record_events.parquet",
    }


def test_without_java_the_spark_engine_names_the_installs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyspark")
    from xinyong.errors import ConfigError
    from xinyong.evaluate.spark import spark_session

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no `java` on it
    with pytest.raises(ConfigError, match="openjdk-17-jre-headless") as raised:
        spark_session("local[1]")
    assert "uv sync --extra spark" in str(raised.value)


def test_an_export_replaces_a_snapshot_but_not_a_directory_of_other_files(tmp_path: Path) -> None:
    from xinyong.errors import ConfigError

    engine = make_engine(f"sqlite:///{tmp_path / 'l.db'}")
    _amount_ledger(engine)
    out = tmp_path / "out"
    export_snapshot(engine, out)
    assert export_snapshot(engine, out)["records"] == len(AMOUNTS)  # replaced whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="notes.txt, not only a snapshot"):
        export_snapshot(engine, out)
    assert (out / "notes.txt").read_text() == "mine"
