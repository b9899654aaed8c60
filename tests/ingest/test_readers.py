from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.helpers import GOOD_ROW, convert, row, write_csv
from xinyong.ingest.readers import BAD_LINE, DeliveryFile, UnreadableFile


@pytest.fixture
def rows_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "records-samr.csv", [row(source_record_id=f"R-{i}") for i in range(5)]
    )


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "xlsx"])
def test_every_format_reads_the_same_rows(rows_csv: Path, fmt: str) -> None:
    expected = list(DeliveryFile(rows_csv).rows())
    other = DeliveryFile(convert(rows_csv, fmt))
    assert other.scan() == (list(GOOD_ROW), 5)
    assert [{k: str(v) for k, v in r.items()} for r in other.rows()] == expected


def test_rows_resume_after_an_offset(rows_csv: Path) -> None:
    ids = [r["source_record_id"] for r in DeliveryFile(rows_csv).rows(skip=3)]
    assert ids == ["R-3", "R-4"]


def test_a_file_not_in_utf8_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "records-samr.csv"
    path.write_bytes("source_record_id,subject_name\nA,厦门鹭江\n".encode("gbk"))
    with pytest.raises(UnreadableFile, match="is not UTF-8 .*export it as UTF-8"):
        DeliveryFile(path).scan()


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_a_corrupt_binary_file_is_unreadable(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"records-samr{suffix}"
    path.write_bytes(b"this is not what the name says")
    with pytest.raises(UnreadableFile, match="cannot be read as"):
        DeliveryFile(path).scan()


def test_an_unknown_file_type(tmp_path: Path) -> None:
    path = tmp_path / "records-samr.dbf"
    path.write_bytes(b"x")
    with pytest.raises(UnreadableFile, match="unknown file type '.dbf'"):
        DeliveryFile(path)


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "records-samr.csv"
    path.write_text("", "utf-8")
    with pytest.raises(UnreadableFile, match="no header row"):
        DeliveryFile(path).scan()


def test_a_malformed_json_line_is_a_bad_row_not_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "records-samr.jsonl"
    path.write_text('{"source_record_id": "A"}\n{"source_record_id": \n[1, 2]\n', "utf-8")
    rows = list(DeliveryFile(path).rows())
    assert rows == [
        {"source_record_id": "A"},
        {BAD_LINE: '{"source_record_id": '},
        {BAD_LINE: "[1, 2]"},
    ]
