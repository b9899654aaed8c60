"""No silent change to delivered data (SQLite and PostgreSQL): a column or key given twice
refuses the delivery, naming both; a UTF-8 byte order mark is read as one; a truncated last
row holds the delivery."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.ingest.helpers import GOOD_ROW, convert, row, write_csv
from tests.ingest.test_ingest import local_pack
from xinyong.errors import InvalidData
from xinyong.ingest import tables as it
from xinyong.ingest.readers import UnreadableFile
from xinyong.ingest.service import IngestOptions, ingest_file
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack

OPTIONS = IngestOptions(
    key=b"test-secret-for-pseudonyms",
    delivered_on=date(2026, 9, 30),
    recorded_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
)
COLUMNS = list(GOOD_ROW)


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def with_second_severity(path: Path) -> Path:
    """Records whose header names ``severity`` twice: general, then serious."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*COLUMNS, "severity"])
        for i in range(3):
            writer.writerow([*row(source_record_id=f"R-{i}").values(), "serious"])
    return path


class TestTwice:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_two_columns_of_one_name_refuse_the_delivery_naming_both(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path, fmt: str
    ) -> None:
        path = with_second_severity(tmp_path / "records-samr.csv")
        if fmt == "xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            with path.open(encoding="utf-8", newline="") as handle:
                for values in csv.reader(handle):
                    book.active.append(values)  # type: ignore[union-attr]
            book.save(path := path.with_suffix(".xlsx"))
        with pytest.raises(UnreadableFile) as refused:
            ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert refused.value.code == "duplicate-columns"
        assert f"columns 14 and {len(COLUMNS) + 1} are both named 'severity'" in (
            refused.value.detail
        )
        assert count(engine, it.deliveries) == 0 and count(engine, lt.records) == 0

    def test_a_json_line_with_a_key_twice_refuses_the_delivery(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        good = json.dumps(row(source_record_id="R-0"), ensure_ascii=False)
        twice = json.dumps(row(source_record_id="R-1"), ensure_ascii=False)[:-1]
        path = tmp_path / "records-samr.jsonl"
        path.write_text(f'{good}\n{twice}, "severity": "serious"}}\n', "utf-8")
        with pytest.raises(UnreadableFile) as refused:
            ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert refused.value.detail.startswith(
            "records-samr.jsonl: row 2 has the key 'severity' twice"
        )
        assert count(engine, lt.records) == 0

    def test_a_renamed_column_beside_the_standard_one_is_refused(
        self, engine: sa.Engine, tmp_path: Path
    ) -> None:
        pack = local_pack(
            tmp_path / "packs",
            (
                "sources:\n  samr:\n    items: [market.penalty]\n"
                "    volume: {min_rows: 1, max_rows: 100}\n"
                "    columns: {处罚等级: severity}\n"
            ),
        )
        path = write_csv(
            tmp_path / "records-samr.csv",
            [{**row(), "处罚等级": "serious"}],
            [*COLUMNS, "处罚等级"],
        )
        with pytest.raises(InvalidData) as refused:
            ingest_file(engine, pack, path, source="samr", options=OPTIONS)
        assert refused.value.code == "duplicate-columns"
        assert "the columns 'severity' and '处罚等级' both give severity" in refused.value.detail
        assert count(engine, lt.records) == 0


class TestByteOrderMark:
    @pytest.mark.parametrize("fmt", ["csv", "jsonl"])
    def test_a_bom_is_read_as_a_bom(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path, fmt: str
    ) -> None:
        path = write_csv(tmp_path / "records-samr.csv", [row()])
        if fmt == "jsonl":
            path = convert(path, "jsonl")
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert (outcome.status, outcome.accepted, outcome.quarantined) == ("loaded", 1, 0)
        assert outcome.unconsumed_columns == []


class TestTruncation:
    def cut(self, path: Path, characters: int) -> Path:
        """``path`` without its last ``characters``: it ends inside the last row."""
        text = path.read_text("utf-8").rstrip("\n")
        path.write_text(text[:-characters], "utf-8")
        return path

    @pytest.mark.parametrize(
        ("fmt", "cut", "why"),
        [
            ("csv", 120, "the last row has 14 of 16 columns"),
            ("csv", 5, "the last row ends inside a quoted value"),
            ("jsonl", 5, "the last line is not a whole JSON object"),
        ],
    )
    def test_a_truncated_last_row_holds_the_delivery(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path, fmt: str, cut: int, why: str
    ) -> None:
        rows = [row(source_record_id=f"R-{i}") for i in range(3)]
        path = write_csv(tmp_path / "records-samr.csv", rows)
        if fmt == "jsonl":
            path = convert(path, "jsonl")
        self.cut(path, cut)
        outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert outcome.status == "held"
        assert outcome.status_reason is not None
        assert outcome.status_reason.startswith(f"{path.name} looks truncated: {why}")
        assert count(engine, lt.records) == 0
        # a reviewer's --accept-volume does not load a cut-off file
        accepted = IngestOptions(**{**OPTIONS.__dict__, "accept_volume": True})
        assert ingest_file(engine, cn_pack, path, source="samr", options=accepted).status == "held"
        assert count(engine, lt.records) == 0

    def test_a_whole_last_row_without_a_line_end_is_not_truncation(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        path = write_csv(tmp_path / "records-samr.csv", [row()])
        path.write_bytes(path.read_bytes().rstrip(b"\n"))
        outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert (outcome.status, outcome.accepted) == ("loaded", 1)
