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
    from ..ids import Classified, Kind, Mode, classify, uscc_exceptions
    from ..settings import Settings
    from .output import print_json

    mode = Mode.LENIENT if lenient else Mode(Settings().uscc_mode)
    today = clock.business_today()
    found = [classify(c, mode=mode, exceptions=uscc_exceptions(), today=today) for c in codes]

    def what(c: Classified) -> str:
        if c.reason is not None:
            return c.reason
        if c.resident is not None:
            r = c.resident
            return f"born {r.birth_date.isoformat()}, {r.sex}, region {r.region}"
        if c.uscc is not None:
            info = c.uscc.authority_info()
            name = f"{info['name_en']} registered with {info['authority']}" if info else "USCC"
            return f"{name}, division {c.uscc.division}"
        if c.kind is Kind.PSEUDONYM:
            return "a keyed pseudonym of a resident identity number"
        return "GB 11714 check passes"

    results = [
        {
            "kind": c.kind.value,
            "shown": c.shown,
            "valid": c.valid,
            "reason": what(c),
            "position": c.position,
            "expected": c.expected,
            "warnings": list(c.warnings),
        }
        for c in found
    ]
    if as_json:
        print_json(results)
    else:
        for c in found:  # tab-separated, for people and for `cut`
            verdict = "valid" if c.valid else "invalid"
            print(f"{c.shown}\t{c.kind}\t{verdict}\t{what(c)}")  # noqa: T201
            for warning in c.warnings:
                print(f"\twarning: {warning}")  # noqa: T201
    raise typer.Exit(0 if all(c.valid for c in found) else 1)
