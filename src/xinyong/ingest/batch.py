"""The batch path of a records delivery: whole Arrow batches checked at once.

The file is read as Arrow batches that end on the commit boundaries (``batch_size`` rows),
so the journal, resume and crash-safety are those of the row path. Each batch's cells are
the delivered text (``vector_checks`` says why that is what the row path sees); the rows
the vectorised checks accept are queued whole, every other row goes through the row path
(``DeliveryLoad.take_row``) in its place, so reasons, quarantine and the order the ledger
sees rows in are the row path's.

Where the batch path does not apply and the row path takes over:

- a whole batch: a column name the text rule refuses, a flat ``attributes.<field>``
  column, two columns renamed to one field, a malformed JSON line, or (JSON Lines, xlsx,
  Parquet) a value that is neither text, a whole number, a date nor an attributes object;
- the rest of a CSV file pyarrow cannot parse as the csv module would (a row with more or
  fewer cells than the header): from the last row taken, the row reader reads on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any

import pyarrow as pa

from ..errors import InvalidData
from ..text import storable, text_errors
from .commit import DeliveryLoad
from .format import renamed_columns
from .readers import BAD_LINE, DeliveryFile
from .vector_checks import check_records

_DATE_COLUMNS = frozenset({"decided_on", "published_on", "occurred_on", "instrument_date"})


@dataclass(frozen=True)
class _Chunk:
    """Rows of one commit batch: their cells as text (``None``: take them one by one) and
    each row as the row reader gives it."""

    table: pa.Table | None
    #: the rows at the given positions, as the row reader gives them
    rows: Callable[[list[int]], list[dict[str, Any]]]
    size: int


class _Unparsed(Exception):
    """pyarrow stopped reading a CSV file the csv module reads on."""


def load_in_batches(load: DeliveryLoad, file: DeliveryFile) -> None:
    """Load the rest of a records delivery (from ``load.row_number``) batch by batch."""
    try:
        for chunk in _chunks(file, load.row_number, load.options.batch_size):
            _take_chunk(load, chunk)
    except _Unparsed:
        load.take_rows(file.rows(skip=load.row_number))


def _take_chunk(load: DeliveryLoad, chunk: _Chunk) -> None:
    table = _renamed(chunk.table, load) if chunk.table is not None else None
    if table is None:
        load.take_rows(chunk.rows(list(range(chunk.size))))
        return
    checked = check_records(
        table, load.ctx, stamp=load.writer.stamp, dates_as_text=load.writer.dates_as_text
    )
    refused = [i for i, accepted in enumerate(checked.accepted) if not accepted]
    by_row = iter(chunk.rows(refused)) if refused else iter(())
    rows, taken, run = checked.rows, 0, 0
    for i, accepted in enumerate([*checked.accepted, False]):
        if accepted:
            run += 1
            continue
        if run:  # the accepted rows before this one, queued whole
            load.accept_records(rows[taken : taken + run])
            taken, run = taken + run, 0
        if i < chunk.size:
            load.take_row(next(by_row))


def _renamed(table: pa.Table, load: DeliveryLoad) -> pa.Table | None:
    """The table under delivery-format names, or ``None`` if its columns are for the row
    path (see the module's docstring)."""
    names = list(table.column_names)
    for name in names:
        if text_errors(storable(name), name, identifier=True) or name.startswith("attributes."):
            return None
    try:
        renamed = renamed_columns(load.ctx.declaration.columns, names, "the row")
    except InvalidData:
        return None
    if any(r.startswith("attributes.") for r in renamed):
        return None
    return table.rename_columns(renamed)


def _chunks(file: DeliveryFile, skip: int, size: int) -> Iterator[_Chunk]:
    if file.format == "csv":
        yield from _csv_chunks(file, skip, size)
    elif file.format == "parquet":
        yield from _parquet_chunks(file, skip, size)
    else:
        yield from _row_chunks(file, skip, size)


def _aligned(batches: Iterator[pa.RecordBatch], skip: int, size: int) -> Iterator[pa.Table]:
    """Tables of the rows after ``skip``, each ending on a multiple of ``size`` rows."""
    done, pending, held = 0, list[pa.RecordBatch](), 0
    for batch in batches:
        if done + batch.num_rows <= skip:
            done += batch.num_rows
            continue
        if done < skip:
            batch = batch.slice(skip - done)
            done = skip
        while batch.num_rows:
            room = size - (done + held) % size
            take = batch.slice(0, room)
            pending.append(take)
            held += take.num_rows
            batch = batch.slice(take.num_rows)
            if (done + held) % size == 0:
                yield pa.Table.from_batches(pending)
                done, pending, held = done + held, [], 0
    if held:
        yield pa.Table.from_batches(pending)


def _csv_chunks(file: DeliveryFile, skip: int, size: int) -> Iterator[_Chunk]:
    import pyarrow.csv as pcsv

    columns = file.header()
    try:
        reader = pcsv.open_csv(
            file.path,
            read_options=pcsv.ReadOptions(block_size=1 << 24),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError):
        raise _Unparsed from None
    if list(reader.schema.names) != columns:
        raise _Unparsed

    def batches() -> Iterator[pa.RecordBatch]:
        while True:
            try:
                yield reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid:
                raise _Unparsed from None

    for table in _aligned(batches(), skip, size):
        yield _Chunk(table, _table_rows(table), table.num_rows)


def _table_rows(table: pa.Table) -> Callable[[list[int]], list[dict[str, Any]]]:
    def rows(positions: list[int]) -> list[dict[str, Any]]:
        return table.take(pa.array(positions, pa.int64())).to_pylist()  # type: ignore[no-any-return]

    return rows


def _parquet_chunks(file: DeliveryFile, skip: int, size: int) -> Iterator[_Chunk]:
    import pyarrow.parquet as pq

    batches = pq.ParquetFile(file.path).iter_batches(batch_size=size)
    for table in _aligned(iter(batches), skip, size):
        yield _Chunk(_as_text(table), _table_rows(table), table.num_rows)


def _as_text(table: pa.Table) -> pa.Table | None:
    """Every column as the text the row path reads from it, or ``None``."""
    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            columns.append(column.cast(pa.string()))
        elif pa.types.is_integer(kind) or pa.types.is_date32(kind):
            columns.append(column.cast(pa.string()))
        else:
            return None
    return pa.table(columns, names=table.column_names)


def _row_chunks(file: DeliveryFile, skip: int, size: int) -> Iterator[_Chunk]:
    rows = file.rows(skip=skip)
    first = size - skip % size
    while chunk := list(islice(rows, first)):
        first = size
        yield _Chunk(_rows_as_text(chunk), _picker(chunk), len(chunk))


def _picker(rows: list[dict[str, Any]]) -> Callable[[list[int]], list[dict[str, Any]]]:
    return lambda positions: [rows[i] for i in positions]


def _cell(column: str, value: Any) -> str | None:
    """A typed cell as the text the row path reads from it; ``None`` if it has no such."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if value.isprintable() or _encodable(value) else UNENCODABLE
    if isinstance(value, bool) or isinstance(value, float):
        return None
    if isinstance(value, int):
        return str(value)
    if column in _DATE_COLUMNS and isinstance(value, datetime):
        return value.date().isoformat()
    if column in _DATE_COLUMNS and isinstance(value, date):
        return value.isoformat()
    if column == "attributes" and isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return None


#: what stands in a batch for a cell Arrow cannot hold (a lone surrogate): a control
#: character, so that the row's checks fail and the row path takes it as delivered
UNENCODABLE = "\x00"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _rows_as_text(rows: list[dict[str, Any]]) -> pa.Table | None:
    names: dict[str, None] = {}
    for row in rows:
        if BAD_LINE in row:
            return None
        names.update(dict.fromkeys(row))
    cells: dict[str, list[str]] = {name: [] for name in names}
    for row in rows:
        for name in names:
            text = _cell(name, row.get(name))
            if text is None:
                return None
            cells[name].append(text)
    if any(not isinstance(name, str) for name in names):
        return None
    return pa.table({name: pa.array(values, pa.string()) for name, values in cells.items()})
