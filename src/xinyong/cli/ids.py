"""``xinyong id``: check identifiers."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import clock

app = typer.Typer(help="Check Unified Social Credit Codes, organisation codes and resident IDs.")


@app.command("check")
def check(
    codes: Annotated[
        list[str], typer.Argument(help="Codes to check (USCC, organisation code, resident ID).")
    ],
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Accept a USCC with a wrong check character, with a warning "
            "(default: XINYONG_USCC_MODE).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines.")] = False,
) -> None:
    """Print one line per code (kind, valid or invalid, reason); exit 0 only if all are valid.

    Resident ID numbers are never printed in full.
    """
    from ..ids import Mode, check_code
    from ..settings import Settings
    from .output import print_json

    mode = Mode.LENIENT if lenient else Mode(Settings().uscc_mode)
    results = [check_code(code, mode=mode, today=clock.business_today()) for code in codes]
    if as_json:
        print_json([r.__dict__ for r in results])
    else:
        for r in results:  # tab-separated, for people and for `cut`
            print(f"{r.shown}\t{r.kind}\t{'valid' if r.valid else 'invalid'}\t{r.reason}")  # noqa: T201
            for warning in r.warnings:
                print(f"\twarning: {warning}")  # noqa: T201
    raise typer.Exit(0 if all(r.valid for r in results) else 1)
