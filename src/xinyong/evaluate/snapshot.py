"""Parquet snapshots of the ledger for DuckDB (and later Spark): written in batches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from ..files import atomic_file
from ..ledger import tables as t

SCHEMAS = {
    "records": pa.schema(
        [
            ("record_id", pa.string()),
            ("item_code", pa.string()),
            ("subject_id", pa.string()),
            ("source_agency", pa.string()),
            ("source_record_id", pa.string()),
            ("version", pa.int32()),
            ("decided_on", pa.date32()),
            ("published_on", pa.date32()),
            ("severity", pa.string()),
            ("region", pa.string()),
            ("instrument_type", pa.string()),
            ("attributes", pa.string()),
        ]
    ),
    "subjects": pa.schema([("subject_id", pa.string()), ("kind", pa.string())]),
    "record_events": pa.schema(
        [
            ("record_id", pa.string()),
            ("kind", pa.string()),
            ("effective_on", pa.date32()),
            ("attributes", pa.string()),
        ]
    ),
}


def _value(name: str, value: Any) -> Any:
    if name == "attributes" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def export_snapshot(engine: sa.Engine, out: Path, *, batch_size: int = 100_000) -> dict[str, int]:
    """Write ``records``, ``subjects`` and ``record_events`` as Parquet to ``out``; returns
    row counts. Each file is written atomically: a failure leaves no partial file."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, schema in SCHEMAS.items():
        table = {"records": t.records, "subjects": t.subjects}.get(name, t.record_events)
        columns = [table.c[f] for f in schema.names]
        rows = 0
        with (
            engine.connect() as conn,
            atomic_file(out / f"{name}.parquet") as handle,
            pq.ParquetWriter(handle, schema) as writer,
        ):
            result = conn.execution_options(yield_per=batch_size).execute(sa.select(*columns))
            for batch in result.partitions():
                data = {f: [_value(f, r[i]) for r in batch] for i, f in enumerate(schema.names)}
                writer.write_table(pa.table(data, schema=schema))
                rows += len(batch)
        counts[name] = rows
    return counts
