"""The ledger rows of the records a batch accepted (``vector_checks``), built column-wise.

Record ids are computed as ``ledger.content_id`` computes them (the agency, the source's
record id and the version joined by the unit separator, BLAKE2b-128), so the same row gives
the same record on either path; subject rows take each row's own name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..ledger.bulk import RECORD_COLUMNS, SUBJECT_COLUMNS
from ..ledger.names import name_core, name_key


@dataclass(frozen=True)
class CheckedBatch:
    """Per row of a batch: whether the batch path accepts it, and if so its ledger rows."""

    accepted: list[bool]
    #: for the accepted rows, in order: (record row, subject row) in ``BulkWriter`` order
    rows: list[tuple[tuple[Any, ...], tuple[Any, ...]]]


def ledger_rows(
    ok: pa.Array,
    col: Any,
    version: pa.Array,
    dated: dict[str, pa.Array],
    attributes: pa.Array,
    ids: Any,
    agency: str,
    stamp: Any,
    dates_as_text: bool,
) -> CheckedBatch:
    accepted = ok.to_pylist()
    if not any(accepted):
        return CheckedBatch(accepted, [])

    every = all(accepted)

    def keep(values: pa.Array) -> list[Any]:
        return (values if every else pc.filter(values, ok)).to_pylist()  # type: ignore[no-any-return]

    def day(values: pa.Array) -> list[Any]:
        return keep(pc.cast(values, pa.string()) if dates_as_text else values)

    ids_text = keep(pc.cast(version, pa.string()))
    records = keep(col("source_record_id"))
    prefix = f"{agency}\x1f"
    record_ids = [
        hashlib.blake2b(f"{prefix}{r}\x1f{v}".encode(), digest_size=16).hexdigest()
        for r, v in zip(records, ids_text, strict=True)
    ]
    count = len(record_ids)
    subject_ids = keep(ids.subject_id)
    regions = keep(col("region"))
    record_columns: dict[str, list[Any]] = {
        "record_id": record_ids,
        "item_code": keep(col("item_code")),
        "subject_id": subject_ids,
        "source_agency": [agency] * count,
        "source_record_id": records,
        "version": keep(version),
        "instrument_type": keep(col("instrument_type")),
        "instrument_number": keep(col("instrument_number")),
        "instrument_issuer": keep(col("instrument_issuer")),
        "instrument_date": day(dated["instrument_date"]),
        "decided_on": day(dated["decided_on"]),
        "published_on": day(dated["published_on"]),
        "occurred_on": day(dated["occurred_on"]),
        "severity": keep(col("severity")),
        "attributes": keep(attributes),
        "region": [r or None for r in regions],
        "delivery_id": [None] * count,
        "recorded_at": [stamp] * count,
    }
    names = keep(col("subject_name"))
    keys = {name: (name_key(name), name_core(name)) for name in set(names)}
    subject_columns: dict[str, list[Any]] = {
        "subject_id": subject_ids,
        "kind": keep(col("subject_kind")),
        "name": names,
        "name_key": [keys[name][0] for name in names],
        "name_core": [keys[name][1] for name in names],
        "region": keep(ids.region),
        "id_masked": keep(ids.id_masked),
        "source_agency": [agency] * count,
        "recorded_at": [stamp] * count,
    }
    record_rows = zip(*(record_columns[c] for c in RECORD_COLUMNS), strict=True)
    subject_rows = zip(*(subject_columns[c] for c in SUBJECT_COLUMNS), strict=True)
    return CheckedBatch(accepted, list(zip(record_rows, subject_rows, strict=True)))
