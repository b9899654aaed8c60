"""Streaming readers for delivery files: CSV, JSON Lines, Parquet and Excel (xlsx).

Each reader yields rows as ``{column: value}`` without loading the file into memory. A file
that cannot be read at all (wrong encoding, not a Parquet or xlsx file, no header) raises
``UnreadableFile``, which fails the delivery; a single malformed JSON line is a bad row, not
a bad file, and comes back as ``{"_line": text}`` for the quarantine.

Nothing delivered changes silently: two columns of the same name (or a JSON line with a key
twice) refuse the delivery, naming both, instead of the last value winning; a UTF-8 byte
order mark is read as one, not as part of the first column's name; and a last row cut off
(the file ends inside it, without a line end) is reported by :meth:`DeliveryFile.scan` as
``truncated`` so the delivery is held.
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


class DuplicateName(ValueError):
    """A JSON object with a key twice (raised while a line is parsed)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateName(key)
        seen[key] = value
    return seen


def parse_json_line(line: str) -> Any:
    """A JSON value; ``DuplicateName`` for an object with a key twice (the last would win)."""
    return json.loads(line, object_pairs_hook=_unique_keys)


def duplicate_columns(names: list[str], what: str = "columns") -> str | None:
    """Why ``names`` cannot be a header (two of the same name), or ``None``.

    >>> duplicate_columns(["a", "severity", "b", "severity"])
    "columns 2 and 4 are both named 'severity'"
    """
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in first:
            return f"{what} {first[name]} and {position} are both named {name!r}"
        first[name] = position
    return None


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
        #: after :meth:`scan`: why the last row looks cut off, or ``None``
        self.truncated: str | None = None

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
                self._refuse_duplicates(list(meta.schema_arrow.names))
                return list(meta.schema_arrow.names), meta.metadata.num_rows
            if self.format in ("csv", "xlsx"):
                header = self._header()
                self._refuse_duplicates(header)
            last: dict[str, Any] = {}
            if self.format == "csv":
                count, last = self._count_csv(header)
            else:
                for row in self._rows():
                    count += 1
                    if self.format == "jsonl":
                        columns.update(dict.fromkeys(k for k in row if k != BAD_LINE))
                    last = row
            if self.format in ("csv", "xlsx"):
                columns = dict.fromkeys(header)
            if count and self.format in ("csv", "jsonl"):
                self.truncated = self._cut_off(last, len(columns))
        except UnreadableFile:
            raise
        except DuplicateName as exc:
            raise UnreadableFile(
                f"{self.path.name}: row {count + 1} has the key {exc.args[0]!r} twice; the "
                "last value would silently win. Deliver each key once per line",
                code="duplicate-columns",
            ) from None
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

    def _count_csv(self, header: list[str]) -> tuple[int, dict[str, Any]]:
        """The rows ``csv.DictReader`` gives (it skips empty lines), and the last as it gives
        it, counted with the plain reader (faster: no dictionary per row)."""
        count, last = 0, list[str]()
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for values in reader:
                if values:
                    count += 1
                    last = values
        row: dict[str, Any] = dict.fromkeys(header)
        row.update(zip(header, last, strict=False))
        return count, row

    def _refuse_duplicates(self, header: list[str]) -> None:
        found = duplicate_columns(header)
        if found is not None:
            raise UnreadableFile(
                f"{self.path.name}: {found}; the last would silently win. Deliver each column once",
                code="duplicate-columns",
            )

    def _cut_off(self, last: dict[str, Any], width: int) -> str | None:
        """Why the last row looks truncated: the file ends inside it, without a line end,
        and it lacks columns (CSV), is not whole JSON (JSON Lines) or ends in a quote."""
        with self.path.open("rb") as handle:
            handle.seek(0, 2)
            if handle.tell() == 0:
                return None
            handle.seek(-1, 2)
            if handle.read(1) in (b"\n", b"\r"):
                return None
        if self.format == "jsonl":
            if BAD_LINE not in last:
                return None
            return "the last line is not a whole JSON object and has no line end"
        present = sum(v is not None for k, v in last.items() if k is not None)
        if present < width:
            return f"the last row has {present} of {width} columns and no line end"
        if self._unclosed_quote():
            return "the last row ends inside a quoted value, without a line end"
        return None

    def _unclosed_quote(self) -> bool:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            try:
                for _ in csv.reader(handle, strict=True):
                    pass
            except csv.Error as exc:
                return "unexpected end of data" in str(exc)
        return False

    def rows(self, skip: int = 0) -> Iterator[dict[str, Any]]:
        """Rows after the first ``skip`` (for resuming), in file order."""
        for index, row in enumerate(self._rows()):
            if index >= skip:
                yield row

    def header(self) -> list[str]:
        """The column names of a CSV or xlsx file's header row (not checked)."""
        return self._header()

    def _header(self) -> list[str]:
        if self.format == "csv":
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
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
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                yield from csv.DictReader(handle)
        elif self.format == "jsonl":
            with self.path.open(encoding="utf-8-sig") as handle:
                for line in handle:
                    if not line.strip():
                        continue
                    try:
                        value = parse_json_line(line)
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
