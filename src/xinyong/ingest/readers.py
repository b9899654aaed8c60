"""Streaming readers for delivery files: CSV, JSON Lines, Parquet and Excel (xlsx).

Each reader yields rows as ``{column: value}`` without loading the file into memory. A file
that cannot be read at all (wrong encoding, not a Parquet or xlsx file, no header) raises
``UnreadableFile``, which fails the delivery; a single malformed JSON line is a bad row, not
a bad file, and comes back as ``{"_line": text}`` for the quarantine.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InvalidData

FORMATS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
#: key under which a JSON line that is not an object is kept
BAD_LINE = "_line"


class UnreadableFile(InvalidData):
    """A delivery file that cannot be read; nothing of it is loaded."""

    default_code = "unreadable-file"


def file_format(path: Path) -> str:
    """``csv``, ``jsonl``, ``parquet`` or ``xlsx`` from the file name."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise UnreadableFile(
            f"{path.name}: unknown file type {path.suffix!r}; deliveries are "
            f"{', '.join(sorted(FORMATS))}",
        )
    return found


class DeliveryFile:
    """One delivery file: its columns, its row count, and its rows from an offset."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise UnreadableFile(f"{path} does not exist or is not a file")
        self.path = path
        self.format = file_format(path)

    def scan(self) -> tuple[list[str], int]:
        """Read the whole file once: its columns (in order) and its number of rows.

        Raises:
            UnreadableFile: the file cannot be read; the message says why and how to fix it.
        """
        columns: dict[str, None] = {}
        count = 0
        try:
            if self.format == "parquet":
                import pyarrow.parquet as pq

                meta = pq.ParquetFile(self.path)
                return list(meta.schema_arrow.names), meta.metadata.num_rows
            for row in self._rows():
                count += 1
                if self.format == "jsonl":
                    columns.update(dict.fromkeys(k for k in row if k != BAD_LINE))
                elif count == 1:
                    columns.update(dict.fromkeys(row))
            if self.format in ("csv", "xlsx"):
                columns = dict.fromkeys(self._header())
        except UnreadableFile:
            raise
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"{self.path.name} is not UTF-8 (byte {exc.object[exc.start]:#04x} at offset "
                f"{exc.start} of a block); export it as UTF-8",
            ) from None
        except Exception as exc:  # the parsers' own errors: csv.Error, zipfile, pyarrow …
            raise UnreadableFile(
                f"{self.path.name} cannot be read as {self.format}: {exc}"
            ) from None
        if not columns:
            raise UnreadableFile(f"{self.path.name} has no header row or no columns")
        return list(columns), count

    def rows(self, skip: int = 0) -> Iterator[dict[str, Any]]:
        """Rows after the first ``skip`` (for resuming), in file order."""
        for index, row in enumerate(self._rows()):
            if index >= skip:
                yield row

    def _header(self) -> list[str]:
        if self.format == "csv":
            with self.path.open(encoding="utf-8", newline="") as handle:
                return next(csv.reader(handle), [])
        import openpyxl

        book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            return [str(c) for c in first if c is not None]
        finally:
            book.close()

    def _rows(self) -> Iterator[dict[str, Any]]:
        if self.format == "csv":
            with self.path.open(encoding="utf-8", newline="") as handle:
                yield from csv.DictReader(handle)
        elif self.format == "jsonl":
            with self.path.open(encoding="utf-8") as handle:
                for line in handle:
                    if not line.strip():
                        continue
                    try:
                        value = json.loads(line)
                    except json.JSONDecodeError:
                        value = None
                    yield value if isinstance(value, dict) else {BAD_LINE: line.rstrip("\n")}
        elif self.format == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=10_000):
                yield from batch.to_pylist()
        else:
            import openpyxl

            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0].iter_rows(values_only=True)
                header = [str(c) if c is not None else "" for c in next(sheet, ())]
                for values in sheet:
                    if any(v is not None for v in values):
                        yield dict(zip(header, values, strict=False))
            finally:
                book.close()
