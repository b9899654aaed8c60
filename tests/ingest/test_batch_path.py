"""The batch path and the row path give identical ledgers and identical quarantine reasons,
on SQLite and PostgreSQL, for CSV, JSON Lines, Parquet and xlsx, on deliveries with a
defect of every kind (and rows the batch path must accept, normalised)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.ingest.helpers import GOOD_ROW, convert, debtor_row, row, write_csv
from tests.ingest.ledger_state import fresh_engine, ledger_state
from xinyong.ids import Mode
from xinyong.ingest import tables as it
from xinyong.ingest.commit import DeliveryLoad
from xinyong.ingest.format import COLUMNS, Content
from xinyong.ingest.service import IngestOptions, ingest_directory, ingest_file
from xinyong.schemes import Pack
from xinyong.synth import SynthConfig, write_delivery

#: rows of SAMR_ROWS the row path quarantines
QUARANTINED_SAMR = 33
OPTIONS = IngestOptions(
    key=b"test-secret-for-pseudonyms",
    delivered_on=date(2026, 9, 30),
    recorded_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
    batch_size=7,
)
ATTRIBUTES = json.loads(GOOD_ROW["attributes"])
PERSON = "350203198005047817"
MINOR = "110105201205047843"
LEAP_DAY = "11010519880229002X"


def attrs(**changes: Any) -> str:
    values = {**ATTRIBUTES, **changes}
    return json.dumps({k: v for k, v in values.items() if v is not None}, ensure_ascii=False)


#: records rows from samr: good ones, ones valid only once normalised, and every defect
SAMR_ROWS: list[dict[str, Any]] = [
    row(source_record_id="good-1"),
    row(source_record_id="good-2", subject_code="913502034JURQ28305", subject_name="甲公司"),
    row(source_record_id="good-2", subject_code="913502034JURQ28305", subject_name="甲公司"),
    row(source_record_id="good-2", version="2", severity="serious"),
    row(
        source_record_id="person-1",
        subject_kind="natural_person",
        subject_code=PERSON,
        subject_name="林志强",
    ),
    row(
        source_record_id="person-2",
        subject_kind="natural_person",
        subject_code=PERSON,
        subject_name="林志强",
    ),
    row(source_record_id="wide", subject_code="９１３５０２００７７６０４９６５３ａ"),
    row(source_record_id="spaced-code", subject_code=" 91350200776049653A\u3000"),
    row(source_record_id="lower", subject_code="91350203fqeflcr614", subject_name="乙公司"),
    row(source_record_id="spaced-name", subject_name=" 厦门鹭江海鲜贸易有限公司 "),
    row(source_record_id="tab-name", subject_name="厦门鹭江\t海鲜贸易有限公司"),
    row(source_record_id="bad-check", subject_code="91350200776049653B"),
    row(
        source_record_id="bad-check-person",
        subject_kind="natural_person",
        subject_code=PERSON[:-1] + "0",
        subject_name="林志强",
    ),
    row(source_record_id="zero-width-code", subject_code="9135020077\u200b6049653A"),
    row(
        source_record_id="pseudonym",
        subject_kind="natural_person",
        subject_code="P" + "0" * 32,
        subject_name="某人",
    ),
    row(
        source_record_id="fifteen",
        subject_kind="natural_person",
        subject_code="350203800504781",
        subject_name="林某",
    ),
    row(source_record_id="unknown-item", item_code="market.unknown"),
    row(source_record_id="undeclared-item", item_code="court.dishonest_debtor"),
    row(source_record_id="kind-unknown", subject_kind="company"),
    row(source_record_id="kind-not-allowed", subject_kind="public_institution"),
    row(source_record_id="attr-missing", attributes=attrs(violation=None)),
    row(source_record_id="attr-type", attributes=attrs(fine_yuan="abc")),
    row(source_record_id="attr-enum", attributes=attrs(procedure="fast")),
    row(source_record_id="attr-unknown", attributes=attrs(colour="red")),
    row(source_record_id="attr-nul", attributes=attrs(violation="虚假\u0000广告")),
    row(source_record_id="attr-json", attributes="{not json"),
    row(source_record_id="attr-array", attributes="[1, 2]"),
    row(source_record_id="attr-empty", attributes=""),
    row(source_record_id="bad-date", decided_on="2025-13-01"),
    row(source_record_id="compact-date", decided_on="20250314", instrument_date="20250314"),
    row(source_record_id="future", published_on="2027-01-01"),
    row(source_record_id="published-early", published_on="2025-03-01"),
    row(source_record_id="occurred-late", occurred_on="2025-04-01"),
    row(source_record_id="no-decided", decided_on=""),
    row(source_record_id="no-optional-dates", published_on="", occurred_on="", region=""),
    row(source_record_id="severity", severity="catastrophic"),
    row(source_record_id="instrument-type", instrument_type="court_judgment"),
    row(source_record_id="no-instrument", instrument_number=""),
    row(source_record_id="no-issuer", instrument_issuer="  "),
    row(source_record_id="no-name", subject_name="", subject_code="91350203FQEFLCR614"),
    row(source_record_id="nul-issuer", instrument_issuer="厦门市\x00市场监督管理局"),
    row(source_record_id="zero-width-number", instrument_number="厦市监罚\u200b〔2025〕42号"),
    row(source_record_id="bidi-name", subject_name="厦门\u202e公司"),
    row(source_record_id="version-0", version="0"),
    row(source_record_id="version-x", version="x"),
    row(source_record_id="version-02", version="02"),
    row(source_record_id="version-missing", version=""),
    row(source_record_id="region-bad", region="999999"),
    row(source_record_id="", item_code=""),
    row(source_record_id="late-name", subject_code="91350203FQEFLCR614", subject_name="丙公司"),
    row(source_record_id="middle-dot", subject_name="阿卜杜·热合曼商行"),
]
#: records rows from court: adults, a minor, a person born on 29 February
COURT_ROWS = [
    debtor_row(source_record_id="debtor-1"),
    debtor_row(source_record_id="debtor-minor", subject_code=MINOR, subject_name="小明"),
    debtor_row(
        source_record_id="debtor-leap",
        subject_code=LEAP_DAY,
        subject_name="李四",
        decided_on="2006-02-28",
        instrument_date="2006-02-28",
        published_on="2006-03-01",
        occurred_on="2006-01-01",
    ),
    debtor_row(
        source_record_id="debtor-leap-adult",
        subject_code=LEAP_DAY,
        subject_name="李四",
        decided_on="2006-03-01",
        instrument_date="2006-03-01",
        published_on="2006-03-02",
        occurred_on="2006-01-01",
    ),
    debtor_row(source_record_id="debtor-bad-ground", attributes={"ground": "unknown"}),
]


#: valid rows (the row path puts them in the ledger) that the batch path leaves to the row
#: path, so none of them is accepted whole: a name with surrounding spaces, with a tab, with
#: a bidirectional override (not printable); a first-generation fifteen-digit resident
#: number; a person born on 29 February under an item with a minimum age (both court rows)
FALL_BACK = {"spaced-name", "tab-name", "bidi-name", "fifteen", "debtor-leap", "debtor-leap-adult"}


@pytest.fixture
def batch_accepted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source record ids of the rows the batch path accepts whole (not handed to the
    row path), in the order it accepts them."""
    accepted: list[str] = []
    original = DeliveryLoad.accept_records

    def counting(self: DeliveryLoad, rows: list[Any]) -> None:
        accepted.extend(record[4] for record, _ in rows)  # RECORD_COLUMNS: source_record_id
        original(self, rows)

    monkeypatch.setattr(DeliveryLoad, "accept_records", counting)
    return accepted


def _valid_rows(engine: Any, files: list[tuple[Path, str]], fmt: str) -> list[str]:
    """The source record ids of the delivered rows the row path did not quarantine (read
    from its quarantine's row numbers), in file order."""
    with engine.connect() as conn:
        quarantined = set(
            conn.execute(sa.select(it.quarantine.c.source_agency, it.quarantine.c.row_number))
        )
    delivered = {"samr": _samr_rows(fmt), "court": COURT_ROWS}
    return [
        r["source_record_id"]
        for _, source in files
        for number, r in enumerate(delivered[source], start=1)
        if (source, number) not in quarantined
    ]


def _samr_rows(fmt: str, again: bool = False) -> list[dict[str, Any]]:
    samr_rows = [{**r, "备注": "无"} for r in SAMR_ROWS + SAMR_ROWS[:again]]
    if fmt == "xlsx":  # a worksheet cannot hold a control character
        samr_rows = [r for r in samr_rows if "\x00" not in "".join(r.values())]
    return samr_rows


def _paths(tmp_path: Path, fmt: str, *, again: bool = False) -> list[tuple[Path, str]]:
    columns = [*COLUMNS[Content.RECORDS], "备注"]
    samr = write_csv(tmp_path / "records-samr.csv", _samr_rows(fmt, again), columns)
    court = write_csv(tmp_path / "records-court.csv", COURT_ROWS + COURT_ROWS[:again])
    if fmt != "csv":
        samr, court = convert(samr, fmt), convert(court, fmt)
    return [(samr, "samr"), (court, "court")]


def _ingest(engine: Any, pack: Pack, files: list[tuple[Path, str]], options: IngestOptions) -> Any:
    outcomes = [ingest_file(engine, pack, p, source=s, options=options) for p, s in files]
    return [(o.accepted, o.duplicates, o.quarantined, dict(o.reasons)) for o in outcomes]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
@pytest.mark.parametrize("mode", [Mode.STRICT, Mode.LENIENT])
def test_batch_and_row_paths_give_the_same_ledger_and_quarantine(
    db_url: str, tmp_path: Path, cn_pack: Pack, fmt: str, mode: Mode, batch_accepted: list[str]
) -> None:
    files = _paths(tmp_path, fmt)
    row_options = dataclasses.replace(OPTIONS, row_path=True, mode=mode)
    engine = fresh_engine(db_url, tmp_path, "row")
    row_outcomes = _ingest(engine, cn_pack, files, row_options)
    expected = ledger_state(engine)
    valid = _valid_rows(engine, files, fmt)
    engine.dispose()
    assert batch_accepted == []  # the row path accepts nothing whole
    engine = fresh_engine(db_url, tmp_path, "batch")
    batch_outcomes = _ingest(
        engine, cn_pack, files, dataclasses.replace(row_options, row_path=False)
    )
    assert ledger_state(engine) == expected
    assert batch_outcomes == row_outcomes
    # the batch path ran: it accepted whole every valid row but those it leaves to the row
    # path (FALL_BACK), in file order (15 in strict mode; the wrong USCC check more in lenient)
    assert batch_accepted == [r for r in valid if r not in FALL_BACK]
    assert len(batch_accepted) == len(valid) - len(FALL_BACK) == 15 + (mode is Mode.LENIENT)
    # the deliveries are not trivial: rows of both fates, and the normalised ones accepted
    records = {r[4] for r in expected["records"]}
    assert {
        "wide",
        "spaced-code",
        "lower",
        "compact-date",
        "version-02",
        "debtor-leap-adult",
    } <= records
    assert ("bad-check" in records) is (mode is Mode.LENIENT)  # a wrong USCC check only
    assert "bad-check-person" not in records and "debtor-minor" not in records
    assert [o[2] for o in row_outcomes] == [
        QUARANTINED_SAMR - (fmt == "xlsx") - (mode is Mode.LENIENT),
        2,
    ]
    # delivered again, in new files (one row more, so not known by their hash): nothing new
    (tmp_path / "again").mkdir()
    files = _paths(tmp_path / "again", fmt, again=True)
    again = _ingest(engine, cn_pack, files, dataclasses.replace(row_options, row_path=False))
    assert [a[0] for a in again] == [0, 0]
    state = ledger_state(engine)
    assert {t: state[t] for t in ("records", "subjects")} == {
        t: expected[t] for t in ("records", "subjects")
    }
    engine.dispose()


def test_a_synthetic_delivery_set_loads_the_same_on_both_paths(
    db_url: str, tmp_path: Path, cn_pack: Pack, batch_accepted: list[str]
) -> None:
    config = SynthConfig(
        subjects=400,
        seed=13,
        bad_check_share=0.05,
        unknown_item_share=0.03,
        missing_instrument_share=0.03,
        duplicate_share=0.05,
        correction_share=0.05,
        revocation_share=0.05,
    )
    write_delivery(config, cn_pack, tmp_path / "delivery")
    states, valid = [], []
    for name, row_path in (("row", True), ("batch", False)):
        engine = fresh_engine(db_url, tmp_path, name)
        outcomes = ingest_directory(
            engine,
            cn_pack,
            tmp_path / "delivery",
            options=dataclasses.replace(OPTIONS, batch_size=50, row_path=row_path),
        )
        states.append(ledger_state(engine))
        engine.dispose()
        records = [o for o in outcomes if o.content is Content.RECORDS]
        valid.append(sum(o.rows_total - o.quarantined for o in records))
    assert states[0] == states[1]
    assert len(states[0]["quarantine"]) > 10 and len(states[0]["records"]) > 100
    # the batch path ran: it accepted whole every records row the row path did not
    # quarantine (valid ones and exact duplicates), as the generator writes none of the
    # rows the batch path leaves to the row path (no surrounding spaces, no character
    # outside the printable classes, no fifteen-digit number, no 29 February birthday)
    expected = json.loads((tmp_path / "delivery" / "manifest.json").read_text("utf-8"))
    assert valid == [len(batch_accepted)] * 2
    assert len(batch_accepted) == (
        expected["expected"]["records_valid"] + expected["expected"]["duplicate_rows"]
    )


def _typed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as a JSON or Parquet writer types them: whole numbers, dates, an object."""
    typed = []
    for r in rows:
        t: dict[str, Any] = dict(r)
        if str(t["version"]).isdigit():
            t["version"] = int(t["version"])
        for name in ("decided_on", "published_on", "occurred_on", "instrument_date"):
            try:
                t[name] = date.fromisoformat(t[name]) if t[name] else None
            except ValueError:
                pass
        try:
            t["attributes"] = json.loads(t["attributes"])
        except ValueError:
            pass
        typed.append(t)
    return typed


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_typed_values_give_the_same_ledger_on_both_paths(
    db_url: str, tmp_path: Path, cn_pack: Pack, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    accepted: list[int] = []  # rows the batch path accepted whole (not handed to the row path)
    original = DeliveryLoad.accept_records

    def counting(self: DeliveryLoad, rows: list[Any]) -> None:
        accepted.append(len(rows))
        original(self, rows)

    monkeypatch.setattr(DeliveryLoad, "accept_records", counting)
    rows = _typed(SAMR_ROWS)
    path = tmp_path / f"records-samr.{fmt}"
    if fmt == "jsonl":
        lines = [json.dumps(r, ensure_ascii=False, default=str) for r in rows]
        path.write_text("".join(line + "\n" for line in lines), "utf-8")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = {c: [r.get(c) for r in rows] for c in COLUMNS[Content.RECORDS]}
        columns["version"] = [v if isinstance(v, int) else None for v in columns["version"]]
        columns["attributes"] = [
            a if isinstance(a, str) else json.dumps(a, ensure_ascii=False)
            for a in columns["attributes"]
        ]
        for name in ("decided_on", "published_on", "occurred_on", "instrument_date"):
            columns[name] = [d if isinstance(d, date) else None for d in columns[name]]
        pq.write_table(pa.table(columns), path)
    states = []
    for name, row_path in (("row", True), ("batch", False)):
        engine = fresh_engine(db_url, tmp_path, name)
        outcome = ingest_file(
            engine,
            cn_pack,
            path,
            source="samr",
            options=dataclasses.replace(OPTIONS, row_path=row_path),
        )
        states.append((ledger_state(engine), dict(outcome.reasons)))
        engine.dispose()
    assert states[0] == states[1]
    assert len(states[0][0]["records"]) == 17
    assert sum(accepted) == 14  # the others need the row path: normalised, or invalid


def test_csv_quirks_read_the_same_on_both_paths(db_url: str, tmp_path: Path, cn_pack: Pack) -> None:
    """A byte order mark, quoted cells with commas, quotes and line breaks, an empty line,
    and a row with a cell too many (pyarrow stops; the row reader reads on)."""
    plain = write_csv(tmp_path / "plain.csv", SAMR_ROWS[:12])
    lines = plain.read_text("utf-8").splitlines(keepends=True)
    quoted = row(source_record_id="quoted", subject_name='厦门"鹭江",\n海鲜公司')
    write_csv(tmp_path / "one.csv", [quoted])
    extra = lines[1].rstrip("\n") + ",surplus\n"
    body = [
        lines[0],
        *lines[1:6],
        "\n",
        (tmp_path / "one.csv").read_text("utf-8").split("\n", 1)[1],
    ]
    variants = {
        "bom": "\ufeff" + "".join(body + lines[6:]),
        "extra": "".join(body + [extra] + lines[6:]),
    }
    for name, text in variants.items():
        path = tmp_path / name / "records-samr.csv"
        path.parent.mkdir()
        path.write_text(text, "utf-8")
        states = []
        for label, row_path in (("row", True), ("batch", False)):
            engine = fresh_engine(db_url, tmp_path / name, label)
            outcome = ingest_file(
                engine,
                cn_pack,
                path,
                source="samr",
                options=dataclasses.replace(OPTIONS, row_path=row_path),
            )
            states.append((ledger_state(engine), dict(outcome.reasons), outcome.rows_total))
            engine.dispose()
        assert states[0] == states[1], name
        surplus = "row: has 17 cells, the header 16"
        assert (surplus in states[0][1]) is (name == "extra")
        assert "quoted" in {r[4] for r in states[0][0]["records"]}
