"""The ``xinyong`` command. One module per command group; heavy imports stay inside commands."""

from __future__ import annotations

import sys

import typer

from ..errors import XinyongError
from . import (
    catalogue,
    db,
    demo,
    evaluate,
    ids,
    ingest,
    quarantine,
    sanctions,
    schemes,
    stats,
    synth,
    web,
)

app = typer.Typer(
    name="xinyong",
    help="xinyong (信用): an open, rule-of-law-constrained public credit information system.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(ids.app, name="id")
app.add_typer(catalogue.app, name="catalogue")
app.add_typer(quarantine.app, name="quarantine")
app.add_typer(evaluate.snapshot_app, name="snapshot")
app.add_typer(schemes.app, name="schemes")
app.add_typer(web.audit_app, name="audit")
app.add_typer(web.token_app, name="token")
app.add_typer(web.account_app, name="account")
app.add_typer(web.report_app, name="report")
app.add_typer(sanctions.dispatch_app, name="dispatch")
app.add_typer(sanctions.extract_app, name="extract")
app.command("init")(db.init)
app.command("stats")(stats.stats)
app.command("synth")(synth.synth)
app.command("ingest")(ingest.ingest)
app.command("evaluate")(evaluate.evaluate)
app.command("explain")(evaluate.explain)
app.command("demo")(demo.demo)
app.command("serve")(web.serve)
app.command("screen")(sanctions.screen)


def main() -> None:
    """Entry point: runs the app and renders xinyong's own errors without a traceback."""
    try:
        app()
    except XinyongError as exc:
        from datetime import date

        from ..ids.hiding import mask_numbers
        from .output import error_console

        def shown(text: object) -> str:  # an error never echoes a resident number
            return mask_numbers(str(text), today=date.today())

        error_console().print(
            f"[bold red]error[/] ({exc.code}): {shown(exc.detail)}", highlight=False
        )
        for error in exc.errors[:20]:
            error_console().print(f"  - {shown(error)}", highlight=False)
        sys.exit(2)
