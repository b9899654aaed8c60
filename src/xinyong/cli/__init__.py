"""The ``xinyong`` command. One module per command group; heavy imports stay inside commands."""

from __future__ import annotations

import sys

import typer

from ..errors import XinyongError
from . import (
    audit,
    backup,
    calendar_years,
    catalogue,
    db,
    demo,
    evaluate,
    ids,
    ingest,
    jobs,
    keys,
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


@app.callback()
def _platform_calendar() -> None:
    """Every command counts working days on the pack's years and the operator's
    (``XINYONG_CALENDAR_PATH``)."""
    from pydantic import ValidationError

    from ..settings import Settings
    from ..workdays import configure

    try:
        configure(Settings().calendar_path)
    except (ValidationError, XinyongError):
        return  # a command that needs the settings reports what is wrong with them


app.add_typer(ids.app, name="id")
app.add_typer(db.app, name="db")
app.add_typer(calendar_years.app, name="calendar")
app.add_typer(catalogue.app, name="catalogue")
app.add_typer(quarantine.app, name="quarantine")
app.add_typer(evaluate.snapshot_app, name="snapshot")
app.add_typer(schemes.app, name="schemes")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(web.token_app, name="token")
app.add_typer(web.account_app, name="account")
app.add_typer(web.report_app, name="report")
app.add_typer(sanctions.dispatch_app, name="dispatch")
app.add_typer(sanctions.extract_app, name="extract")
app.add_typer(jobs.run_app, name="run")
app.add_typer(jobs.evaluations_app, name="evaluations")
app.command("init")(db.init)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
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
    from pydantic import ValidationError

    from ..settings import settings_error

    try:
        try:
            app()
        except ValidationError as exc:
            if exc.title != "Settings":
                raise
            raise settings_error(exc) from None
    except XinyongError as exc:
        from .. import clock
        from ..ids.hiding import mask_numbers
        from .output import error_console

        def shown(text: object) -> str:  # an error never echoes a resident number
            return mask_numbers(str(text), today=clock.business_today())

        error_console().print(
            f"[bold red]error[/] ({exc.code}): {shown(exc.detail)}", highlight=False
        )
        for error in exc.errors[:20]:
            error_console().print(f"  - {shown(error)}", highlight=False)
        sys.exit(2)
