"""``xinyong stats``: what the ledger holds."""

from __future__ import annotations

from typing import Annotated

import typer


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print subjects by kind and records by area and sector."""
    from ..ledger import make_engine, require_current
    from ..ledger.stats import ledger_stats
    from ..schemes import load_pack
    from ..settings import Settings
    from .output import print_json
    from .summary import print_stats

    settings = Settings()
    engine = make_engine(settings)
    require_current(engine)
    pack = load_pack(settings.jurisdiction, extra_path=settings.packs_path)
    with engine.connect() as conn:
        result = ledger_stats(conn, pack.catalogue)
    if as_json:
        print_json(result.__dict__)
    else:
        print_stats(result)
