"""Writing small deliveries for tests, in any of the four formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from xinyong.ingest.format import COLUMNS, Content

#: A valid record row in the standard delivery format (samr, market.penalty).
GOOD_ROW: dict[str, Any] = {
    "source_record_id": "XMSJ-2025-0042",
    "version": "1",
    "item_code": "market.penalty",
    "subject_kind": "legal_person",
    "subject_code": "91350200776049653A",
    "subject_name": "厦门鹭江海鲜贸易有限公司",
    "instrument_type": "penalty_decision",
    "instrument_number": "厦市监罚〔2025〕42号",
    "instrument_issuer": "厦门市市场监督管理局",
    "instrument_date": "2025-03-14",
    "decided_on": "2025-03-14",
    "published_on": "2025-03-20",
    "occurred_on": "2025-01-08",
    "severity": "general",
    "region": "350200",
    "attributes": json.dumps(
        {
            "violation": "发布虚假广告",
            "penalty_types": "罚款",
            "fine_yuan": 50000,
            "procedure": "general",
        },
        ensure_ascii=False,
    ),
}


def row(**changes: Any) -> dict[str, Any]:
    return {**GOOD_ROW, **changes}


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    columns = columns or list(COLUMNS[Content.RECORDS])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def convert(csv_path: Path, fmt: str) -> Path:
    """The same rows as ``csv_path`` in ``jsonl``, ``parquet`` or ``xlsx``."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    out = csv_path.with_suffix(f".{fmt}")
    if fmt == "jsonl":
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({c: [r[c] for r in rows] for c in columns}), out)
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(columns)
        for r in rows:
            sheet.append([r[c] for c in columns])
        book.save(out)
    return out


def debtor_row(**changes: Any) -> dict[str, Any]:
    """A court listing of a dishonest judgment debtor (a Beijing resident by default)."""
    attributes = {
        "ground": "evades_enforcement",
        "case_number": "（2025）京0105执1号",
        "basis_document": "京0105民初1号",
        "performance": "none",
    }
    attributes.update(changes.pop("attributes", {}))
    fields: dict[str, Any] = {
        "item_code": "court.dishonest_debtor",
        "subject_kind": "natural_person",
        "subject_code": "11010519491231002X",
        "subject_name": "王秀英",
        "instrument_type": "listing_decision",
        "instrument_number": "（2025）京0105执1号",
        "instrument_issuer": "北京市朝阳区人民法院",
        "severity": "serious",
        "attributes": json.dumps(attributes, ensure_ascii=False),
    }
    return row(**{**fields, **changes})


def deliver(
    engine: Any,
    pack: Any,
    path: Any,
    rows: list[dict[str, Any]],
    *,
    options: Any,
    source: str = "samr",
    columns: list[str] | None = None,
) -> Any:
    """Write ``rows`` to ``path`` and ingest it from ``source``; the delivery's outcome."""
    from xinyong.ingest.service import ingest_file

    return ingest_file(engine, pack, write_csv(path, rows, columns), source=source, options=options)
