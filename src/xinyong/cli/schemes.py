"""``xinyong schemes check``: lint jurisdiction packs against the rule-of-law invariants."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import clock

app = typer.Typer(help="Jurisdiction packs: check them against the rule-of-law invariants.")


@app.command("check")
def check(
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help="Pack ids to check (default: every pack)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Load and lint packs; exit 1 if any has an error (it must not be adopted)."""
    from ..schemes.lint import check_packs, pack_ids
    from ..settings import Settings
    from .output import console, print_json

    settings = Settings()
    ids = jurisdiction or pack_ids(settings.packs_path)
    results = check_packs(ids, extra_path=settings.packs_path, today=clock.business_today())
    if as_json:
        print_json({pack: [f.__dict__ for f in found] for pack, found in results.items()})
    else:
        colour = {"error": "red", "warning": "yellow", "info": "dim"}
        for pack, found in results.items():
            errors = sum(f.level == "error" for f in found)
            console().print(
                f"[bold]{pack}[/]: {'[red]' if errors else '[green]'}"
                f"{errors} error(s)[/], {sum(f.level == 'warning' for f in found)} "
                "warning(s)"
            )
            for f in found:
                console().print(f"  [{colour[f.level]}]{f.level}[/] {f.where}: {f.message}")
    failed = any(f.level == "error" for found in results.values() for f in found)
    raise typer.Exit(1 if failed else 0)
