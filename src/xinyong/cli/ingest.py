"""``xinyong ingest``: load deliveries from source agencies; ``xinyong ingest report``."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import clock


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Delivery files (with --source), or directories with a manifest.json; "
            "or the word `report` for the per-source report."
        ),
    ],
    source: Annotated[
        str | None, typer.Option(help="Source agency of the files, e.g. samr.")
    ] = None,
    content: Annotated[
        str | None,
        typer.Option(help="subjects, links, records or decisions (default: from the file name)."),
    ] = None,
    delivered_on: Annotated[
        str | None,
        typer.Option(
            help="Delivery date YYYY-MM-DD: no date in the file may be after it "
            "(default: today; a manifest's own date for directories)."
        ),
    ] = None,
    accept_volume: Annotated[
        bool, typer.Option("--accept-volume", help="Load a delivery held for its size (reviewer).")
    ] = False,
    batch_size: Annotated[int | None, typer.Option(help="Rows per commit.", min=1)] = None,
    row_path: Annotated[
        bool,
        typer.Option(
            "--row-path",
            help="Validate records row by row (the reference the batch path is tested "
            "against) instead of in whole Arrow batches.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validate deliveries into the ledger; invalid rows go to the quarantine with every reason.

    Exit status: 0 if every delivery is loaded (now or before), 1 if one is held for review,
    2 if a file cannot be read. Rerunning after a crash resumes where the last commit ended.
    """
    from ..ids import Mode
    from ..ingest.format import Content
    from ..ingest.service import IngestOptions, ingest_directory, ingest_file
    from ..ledger import make_engine, require_current
    from ..ledger.db import refresh_statistics
    from ..schemes import load_pack
    from ..settings import Settings
    from .dates import parse_day
    from .output import audit_cli, print_json, progress
    from .summary import print_ingest_report, print_outcomes

    settings = Settings()
    engine = make_engine(settings)
    require_current(engine)
    pack = load_pack(settings.jurisdiction, extra_path=settings.packs_path)
    if [str(p) for p in paths] == ["report"] and not Path("report").exists():
        from ..ingest.report import ingest_report

        with engine.connect() as conn:
            reports = ingest_report(conn, pack)
        if as_json:
            print_json([_report_dict(r) for r in reports])
        else:
            print_ingest_report(reports)
        return
    from ..keys.fingerprint import pseudonym_key_for

    options = IngestOptions(
        key=pseudonym_key_for(engine, settings),
        seal_key=settings.quarantine_seal_key,
        delivered_on=parse_day(delivered_on, settings, option="--delivered-on"),
        recorded_at=clock.now(settings.as_of),
        mode=Mode(settings.uscc_mode),
        batch_size=batch_size or settings.bulk_batch_size,
        accept_volume=accept_volume,
        row_path=row_path,
    )
    outcomes = []
    with progress() as bar:
        tasks: dict[str, Any] = {}

        def advance(name: str, done: int, total: int, quarantined: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total, rate="")
            speed = bar.tasks[tasks[name]].speed
            rate = f"{speed:,.0f} rows/s · " if speed else ""
            bar.update(tasks[name], completed=done, rate=f"{rate}{quarantined:,} quarantined")

        for path in paths:
            if path.is_dir():
                outcomes += ingest_directory(
                    engine, pack, path, options=options, on_progress=advance
                )
                continue
            if source is None:
                raise typer.BadParameter("files need --source AGENCY", param_hint="--source")
            outcomes.append(
                ingest_file(
                    engine,
                    pack,
                    path,
                    source=source,
                    options=options,
                    content=Content(content) if content else None,
                    on_progress=partial(advance, path.name),
                )
            )
    if any(o.accepted for o in outcomes):
        refresh_statistics(engine)
    for o in outcomes:
        audit_cli(
            engine,
            "ingest_delivery",
            delivery_id=o.delivery_id,
            file=o.file_name,
            source=o.source_agency,
            status=o.status,
            accepted=o.accepted,
            quarantined=o.quarantined,
        )
    if as_json:
        print_json([{**o.__dict__, "reasons": dict(o.reasons)} for o in outcomes])
    else:
        print_outcomes(outcomes)
    raise typer.Exit(1 if any(o.status == "held" for o in outcomes) else 0)


def _report_dict(report: Any) -> dict[str, Any]:
    data = dict(report.__dict__)
    data["timeliness"] = {
        **report.timeliness.__dict__,
        "on_time_share": report.timeliness.on_time_share,
    }
    return data
