"""Writing a synthetic population as a delivery set: CSV files plus ``manifest.json``."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from ..errors import InvalidData
from ..files import atomic_file, write_text
from ..ingest.format import COLUMNS, CONTENT_ORDER, MANIFEST_FORMAT, MANIFEST_NAME, Content
from ..schemes import Pack
from .generate import Population, SynthConfig


def file_name(content: Content, agency: str) -> str:
    return f"{content}-{agency}.csv"


def write_delivery(
    config: SynthConfig,
    pack: Pack,
    out: Path,
    *,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
) -> dict[str, Any]:
    """Generate ``config``'s population into ``out`` and return the manifest written.

    Args:
        on_progress: called with the number of rows written so far, every ``progress_every``.

    Raises:
        InvalidData: ``out`` exists and is not an empty directory (nothing is overwritten).
    """
    if config.subjects < 1:
        raise InvalidData("--subjects must be at least 1", code="invalid-option")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidData(
            f"{out} exists and is not empty; choose a new directory or remove it",
            code="output-exists",
        )
    out.mkdir(parents=True, exist_ok=True)
    population = Population(config, pack)
    rows: Counter[tuple[Content, str]] = Counter()
    items: dict[tuple[Content, str], set[str]] = {}
    with ExitStack() as stack:
        writers: dict[tuple[Content, str], Any] = {}
        written = 0
        for content, agency, row in population.rows():
            key = (content, agency)
            writer = writers.get(key)
            if writer is None:
                handle: IO[str] = stack.enter_context(
                    atomic_file(out / file_name(content, agency), "w")
                )
                writer = writers[key] = csv.writer(handle, lineterminator="\n")
                writer.writerow(COLUMNS[content])
                items[key] = set()
            writer.writerow(row)
            rows[key] += 1
            if content is Content.RECORDS:
                items[key].add(row[2])
            written += 1
            if on_progress is not None and written % progress_every == 0:
                on_progress(written)
    tally = population.tally
    catalogue = pack.catalogue
    manifest = {
        "format": MANIFEST_FORMAT,
        "jurisdiction": pack.id,
        "delivered_on": config.as_of.isoformat(),
        "generator": {
            "name": "xinyong synth",
            "seed": config.seed,
            "subjects": config.subjects,
            "shares": {
                "bad_check": config.bad_check_share,
                "unknown_item": config.unknown_item_share,
                "missing_instrument": config.missing_instrument_share,
                "duplicate": config.duplicate_share,
                "correction": config.correction_share,
                "revocation": config.revocation_share,
            },
        },
        "files": [
            {
                "path": file_name(content, agency),
                "content": str(content),
                "source_agency": agency,
                "format": "csv",
                "rows": rows[(content, agency)],
                "catalogue_items": sorted(i for i in items[(content, agency)] if i in catalogue),
            }
            for content in CONTENT_ORDER
            for agency in sorted(a for c, a in rows if c is content)
        ],
        "expected": {
            "subjects_by_kind": dict(sorted(tally.subjects.items())),
            "persons_only_in_defective_rows": tally.persons_only_in_defective_rows,
            "links": tally.links,
            "records_valid": tally.records_valid,
            "records_defective": dict(sorted(tally.defects.items())),
            "duplicate_rows": tally.duplicates,
            "corrections": tally.corrections,
            "revocations": tally.revocations,
        },
    }
    write_text(out / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest
