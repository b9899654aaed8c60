"""``xinyong stats``: what the ledger holds."""

from __future__ import annotations

from typing import Annotated

import typer


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print subjects by kind, records by area and sector, deliveries and the quarantine."""
    from ..ingest.report import ingest_totals
    from ..ledger.stats import ledger_stats
    from .context import open_ledger_and_pack
    from .output import console, print_json
    from .summary import print_stats

    _, engine, pack = open_ledger_and_pack()
    with engine.connect() as conn:
        result = ledger_stats(conn, pack.catalogue)
        ingest = ingest_totals(conn)
    if as_json:
        print_json({**result.__dict__, "ingest": ingest})
    else:
        print_stats(result)
        console().print(
            f"deliveries: {ingest['deliveries_loaded']:,} loaded, {ingest['deliveries_loading']:,} "
            f"unfinished, {ingest['deliveries_held']:,} held · quarantine: "
            f"{ingest['quarantine_open']:,} open, {ingest['quarantine_released']:,} released, "
            f"{ingest['quarantine_rejected']:,} rejected"
        )
