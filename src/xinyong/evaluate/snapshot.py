"""Parquet snapshots of the ledger for DuckDB and Spark, written in batches.

Layout of a snapshot directory (docs/scale.md)::

    records/province=11/item_code=court.dishonest_judgment_debtor/part-0.parquet
    records/province=unknown/item_code=.../part-0.parquet
    subjects.parquet
    record_events.parquet

``records`` is a hive-partitioned dataset: by province (the first two digits of the record's
``region``, a GB/T 2260 division code; ``unknown`` when it has none) and by catalogue item,
so that a cluster reads only the partitions a list's items name, and a province can be
evaluated or shipped on its own. Partition values are strings (read them as such). Engines
also accept a plain ``records.parquet`` in place of the ``records`` directory.

The snapshot is written whole into a temporary directory beside ``out`` and then renamed to
``out``: a failure leaves the earlier snapshot as it was and nothing half-written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import sqlalchemy as sa

from ..errors import ConfigError
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
#: the partition columns of ``records``, in directory order
PARTITIONS = pa.schema([("province", pa.string()), ("item_code", pa.string())])
UNKNOWN_PROVINCE = "unknown"
#: what a snapshot directory may hold (an export replaces only such a directory)
ENTRIES = {"records", "records.parquet", "subjects.parquet", "record_events.parquet"}


def province(region: str | None) -> str:
    """The partition of a record from ``region``: its first two digits, or ``unknown``."""
    if region is None or len(region) < 2 or not region[:2].isascii() or not region[:2].isdigit():
        return UNKNOWN_PROVINCE
    return region[:2]


def _value(name: str, value: Any) -> Any:
    if name == "attributes" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _batches(
    engine: sa.Engine, name: str, schema: pa.Schema, batch_size: int, counts: dict[str, int]
) -> Iterator[pa.RecordBatch]:
    table = {"records": t.records, "subjects": t.subjects}.get(name, t.record_events)
    columns = [table.c[f] for f in schema.names]
    counts[name] = 0
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch_size).execute(sa.select(*columns))
        for batch in result.partitions():
            data = {f: [_value(f, r[i]) for r in batch] for i, f in enumerate(schema.names)}
            if name == "records":
                data["province"] = [province(r) for r in data["region"]]
            counts[name] += len(batch)
            yield pa.RecordBatch.from_pydict(data, schema=_written(name))


def _written(name: str) -> pa.Schema:
    schema = SCHEMAS[name]
    return schema.append(PARTITIONS.field("province")) if name == "records" else schema


def _write(engine: sa.Engine, into: Path, batch_size: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, schema in SCHEMAS.items():
        batches = _batches(engine, name, schema, batch_size, counts)
        if name != "records":
            with pq.ParquetWriter(into / f"{name}.parquet", schema) as writer:
                for batch in batches:
                    writer.write_batch(batch)
            continue
        ds.write_dataset(
            batches,
            into / "records",
            schema=_written(name),
            format="parquet",
            partitioning=ds.partitioning(PARTITIONS, flavor="hive"),
            basename_template="part-{i}.parquet",
            max_rows_per_group=batch_size,
            min_rows_per_group=min(batch_size, 10_000),
        )
        if not counts["records"]:  # an empty ledger: one empty file, so readers find a table
            (into / "records").mkdir(exist_ok=True)
            pq.write_table(_written(name).empty_table(), into / "records" / "part-0.parquet")
    return counts


def export_snapshot(engine: sa.Engine, out: Path, *, batch_size: int = 100_000) -> dict[str, int]:
    """Write ``records`` (partitioned), ``subjects`` and ``record_events`` to ``out``, replacing
    an earlier snapshot there; returns row counts. A failure leaves ``out`` as it was."""
    if out.is_dir() and (stray := sorted(p.name for p in out.iterdir() if p.name not in ENTRIES)):
        raise ConfigError(
            f"{out} holds {', '.join(stray[:3])}, not only a snapshot; give --out an empty or "
            "new directory (a snapshot export replaces the directory whole)",
            code="snapshot-directory",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:12]
    partial = out.parent / f".{out.name}.partial-{tag}"
    partial.mkdir()
    try:
        counts = _write(engine, partial, batch_size)
        if out.exists():
            old = out.parent / f".{out.name}.old-{tag}"
            os.rename(out, old)
            try:
                os.rename(partial, out)
            except BaseException:
                os.rename(old, out)
                raise
            shutil.rmtree(old)
        else:
            os.rename(partial, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(partial)
        raise
    return counts
