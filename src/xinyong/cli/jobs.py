"""``xinyong run daily`` and ``xinyong evaluations prune``: the scheduled jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import clock

run_app = typer.Typer(help="Scheduled jobs (see docs/deploy.md for timers and cron).")
evaluations_app = typer.Typer(help="Stored evaluations: retention.")


@run_app.command("daily")
def daily(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).")
    ] = None,
    inbox: Annotated[
        Path | None, typer.Option(help="Delivery sets to ingest (default XINYONG_INBOX).")
    ] = None,
    extract_dir: Annotated[
        Path | None, typer.Option(help="Where the extract goes (default XINYONG_EXTRACT_DIR).")
    ] = None,
    key: Annotated[
        Path | None, typer.Option(help="Extract signing key (default XINYONG_EXTRACT_KEY).")
    ] = None,
    no_deliver: Annotated[
        bool, typer.Option("--no-deliver", help="Do not POST notices to webhooks.")
    ] = False,
) -> None:
    """Ingest the inbox, evaluate, dispatch, deliver, write the extract and prune, in that
    order, under one lock; a step whose predecessor is stale is refused with its name."""
    from ..services.daily import DailyOptions, Step, run_daily
    from .context import open_ledger_and_pack
    from .dates import parse_day
    from .output import audit_cli, console

    settings, engine, pack = open_ledger_and_pack()
    options = DailyOptions(
        day=parse_day(as_of, settings),
        now=clock.now(settings.as_of),
        inbox=inbox or settings.inbox,
        extract_dir=extract_dir or settings.extract_dir,
        extract_key=key or settings.extract_key,
        deliver=not no_deliver,
    )

    def show(step: Step) -> None:
        console().print(f"{step.name:<9} {step.status:<8} {step.summary}")

    console().print(f"daily run for {options.day} ({pack.id} {pack.meta.version})")
    run = run_daily(engine, pack, settings, options, on_step=show)
    audit_cli(engine, "run_daily", day=str(run.day), steps=[s.name for s in run.steps])


@evaluations_app.command("prune")
def prune(
    keep_days: Annotated[
        int | None,
        typer.Option(
            help="Keep dates this many days back (default XINYONG_EVALUATION_KEEP_DAYS).", min=1
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, delete nothing.")] = False,
) -> None:
    """Delete superseded evaluations (earlier runs of the same date) and, with a retention
    period, evaluations of dates older than it (the newest before the cut-off stays)."""
    from ..evaluate.retention import prune as drop
    from .context import open_ledger
    from .dates import platform_today
    from .output import audit_cli, console

    settings, engine = open_ledger()
    pruned = drop(
        engine,
        today=platform_today(settings),
        keep_days=keep_days or settings.evaluation_keep_days,
        dry_run=dry_run,
    )
    if not dry_run:
        audit_cli(engine, "evaluations_prune", evaluations=pruned.evaluations)
    verb = "would prune" if dry_run else "pruned"
    console().print(
        f"{verb} {pruned.evaluations:,} evaluation(s): {pruned.entries:,} list entries, "
        f"{pruned.grades:,} grades"
    )
