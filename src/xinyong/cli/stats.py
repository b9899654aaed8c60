"""``xinyong stats``: what the ledger holds."""

from __future__ import annotations

from typing import Annotated

import typer


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print subjects by kind, records by area and sector, deliveries and the quarantine."""
    from ..ingest.report import ingest_totals
    from ..ledger import make_engine, require_current
    from ..ledger.stats import ledger_stats
    from ..schemes import load_pack
    from ..settings import Settings
    from .output import console, print_json
    from .summary import print_stats

    settings = Settings()
    engine = make_engine(settings)
    require_current(engine)
    pack = load_pack(settings.jurisdiction, extra_path=settings.packs_path)
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
