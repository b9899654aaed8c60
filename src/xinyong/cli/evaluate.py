"""``xinyong evaluate``, ``xinyong explain`` and ``xinyong snapshot export``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import clock

snapshot_app = typer.Typer(help="Parquet snapshots of the ledger, for DuckDB or Spark evaluation.")

AsOf = Annotated[str, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD.")]
Jurisdiction = Annotated[
    str | None, typer.Option("--jurisdiction", "-j", help="Pack id; default XINYONG_JURISDICTION.")
]


def _context(jurisdiction: str | None) -> tuple[Any, Any, Any]:
    from .context import open_ledger_and_pack

    return open_ledger_and_pack(jurisdiction)


def evaluate(
    as_of: AsOf,
    jurisdiction: Jurisdiction = None,
    engine_name: Annotated[
        str, typer.Option("--engine", help="sql (the ledger), duckdb or spark.")
    ] = "sql",
    snapshot: Annotated[
        str | None,
        typer.Option(help="Snapshot directory for --engine duckdb or spark (spark: or a URL)."),
    ] = None,
    diff: Annotated[
        str | None,
        typer.Option(
            "--diff",
            help="A proposed pack (id, or a pack directory): show who would enter and leave "
            "each list, without storing anything.",
        ),
    ] = None,
    include_pilots: Annotated[
        bool,
        typer.Option("--include-pilots", help="Also grade under pilot schemes (off by default)."),
    ] = False,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental",
            help="Start from the newest stored evaluation: re-derive only the subjects that can "
            "have changed and copy the rest (a full evaluation, saying why, when it cannot).",
        ),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Recompute the date in full and compare digests with the evaluation just made "
            "(or, alone, the stored one of the date); exit 1 and show the first differences.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Derive every list's entries and every subject's grades on a date, and store them; print
    list sizes by status and grade distributions."""
    from ..evaluate import DuckDBEngine, SqlEngine
    from ..evaluate.digest import stored_summary
    from ..evaluate.incremental import evaluate_incremental
    from .dates import parse_day
    from .incremental import (
        full_evaluation,
        how_made,
        print_how,
        print_verification,
        verified,
        verify_stored,
    )
    from .output import print_json, progress
    from .summary import print_grade_distribution, print_list_sizes

    settings, engine, pack = _context(jurisdiction)
    day = parse_day(as_of, settings)
    if (incremental or verify) and (engine_name != "sql" or diff is not None):
        raise typer.BadParameter(
            "--incremental and --verify run on the ledger itself (--engine sql, no --diff)",
            param_hint="--incremental/--verify",
        )
    if engine_name in ("duckdb", "spark") and snapshot is None:
        raise typer.BadParameter(
            f"--engine {engine_name} needs --snapshot DIR", param_hint="--snapshot"
        )
    if engine_name == "duckdb":
        assert snapshot is not None
        query_engine: Any = DuckDBEngine(
            Path(snapshot),
            threads=settings.duckdb_threads,
            memory_limit=settings.duckdb_memory_limit,
        )
    elif engine_name == "spark":
        from ..evaluate.spark import SparkEngine

        assert snapshot is not None
        master = None if settings.spark_master == "submit" else settings.spark_master
        query_engine = SparkEngine(
            snapshot, master=master, driver_memory=settings.spark_driver_memory
        )
    elif engine_name == "sql":
        query_engine = SqlEngine(engine)
    else:
        raise typer.BadParameter("use sql, duckdb or spark", param_hint="--engine")
    if diff is not None:
        _print_diff(query_engine, pack, _proposed(diff, settings), day, as_json)
        return
    if verify and not incremental:
        verify_stored(engine, pack, day, include_pilots, as_json)
        return
    # what is recorded from now on is the next incremental evaluation's to re-derive
    started = clock.now(settings.as_of)
    with progress() as bar:
        task = bar.add_task("evaluating", total=len(pack.lists), rate="")
        run = (evaluate_incremental if incremental else full_evaluation(query_engine))(
            engine,
            pack,
            day,
            recorded_at=started,
            include_pilots=include_pilots,
            on_list=lambda name: bar.update(task, advance=1, rate=name),
        )
    with engine.connect() as conn:
        by_list, grades = stored_summary(conn, run.evaluation_id)
    checked = verified(engine, pack, day, run, include_pilots) if verify else None
    how = how_made(run) if incremental else None
    if as_json:
        print_json(
            {
                "as_of": day,
                "pack": f"{pack.id} {pack.meta.version}",
                "engine": query_engine.name,
                "evaluation_id": run.evaluation_id,
                "lists": by_list,
                "grades": grades,
                **({"incremental": how} if how is not None else {}),
                **({"verify": checked} if checked is not None else {}),
            }
        )
    else:
        print_list_sizes(
            by_list, pack, f"Lists on {day} ({pack.id} {pack.meta.version}, {query_engine.name})"
        )
        print_grade_distribution(grades, pack, f"Grades on {day}")
        if how is not None:
            print_how(how)
        if checked is not None:
            print_verification(checked)
    if checked is not None and not checked["ok"]:
        raise typer.Exit(1)


def _proposed(name: str, settings: Any) -> Any:
    from ..schemes import load_pack

    path = Path(name)
    if (path / "pack.yaml").is_file():
        return load_pack(path.resolve().name, extra_path=path.resolve().parent)
    return load_pack(name, extra_path=settings.packs_path)


def _print_diff(query_engine: Any, current: Any, proposed: Any, day: date, as_json: bool) -> None:
    from ..evaluate import evaluate_lists
    from ..evaluate.run import diff_entries
    from .output import console, print_json

    changes = diff_entries(
        evaluate_lists(query_engine, current, day), evaluate_lists(query_engine, proposed, day)
    )
    if as_json:
        print_json({"as_of": day, "current": current.id, "proposed": proposed.id, "lists": changes})
        return
    console().print(f"On {day}, {proposed.id} ({proposed.path}) against {current.id}:")
    for list_id, change in changes.items():
        console().print(
            f"  {list_id}: {len(change['enter']):,} would enter, "
            f"{len(change['leave']):,} would leave"
        )
        for verb in ("enter", "leave"):
            for subject in change[verb][:5]:
                console().print(f"    {verb} {subject}")
            if len(change[verb]) > 5:
                console().print(f"    … and {len(change[verb]) - 5:,} more")


def explain(
    subject: Annotated[str, typer.Argument(help="USCC, or a resident ID number (pseudonymised).")],
    as_of: AsOf,
    jurisdiction: Jurisdiction = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """For each list the subject is on or has been on, and each grade: the rule, its legal
    basis, the records behind it, when it starts and ends, each indicator's contribution."""
    from ..evaluate.explain import explain_subject
    from ..ids import Mode
    from ..ledger.query import get_subject
    from ..ledger.subject import subject_key
    from .dates import parse_day
    from .output import console, print_json

    settings, engine, pack = _context(jurisdiction)
    day = parse_day(as_of, settings)
    from ..keys.fingerprint import pseudonym_key_for

    code = subject_key(
        subject,
        key=pseudonym_key_for(engine, settings),
        today=day,
        mode=Mode(settings.uscc_mode),
        field="SUBJECT",
    )
    with engine.connect() as conn:
        get_subject(conn, code)  # an unknown subject is "not registered", not an empty answer
    found = explain_subject(engine, pack, code, day)
    entries, grades = found.entries, found.grades
    if as_json:
        print_json(found.to_dict())
        return
    for g in grades:
        scheme = pack.grades[g.scheme_id]
        how = f"set directly by {g.direct}" if g.direct else f"score {g.score}"
        console().print(
            f"\n[bold]{scheme.name_zh} / {scheme.name_en}[/] · grade [bold]{g.grade}[/] ({how})"
        )
        console().print(f"  legal basis: {'; '.join(pack.cite(r) for r in scheme.legal_basis)}")
        for c in g.contributions.values():
            console().print(
                f"  {c['description']}: {c['count']} record(s), {c['points']:+} ({c['reference']})"
            )
    if not entries:
        console().print(f"\non {day} the subject is on no list and has left none")
    for e in entries:
        x = e.explanation
        console().print(f"\n[bold]{x['list']}[/] ({e.list_id}) · [bold]{e.status}[/]")
        console().print(f"  legal basis: {'; '.join(x['legal_basis'])}")
        console().print(
            f"  triggered by {e.source_agency} record {e.source_record_id} "
            f"(ledger ids {', '.join(r[:12] for r in x['triggering_records'])}), "
            f"decided {e.listed_on}"
        )
        dates = [
            f"noticed {e.noticed_on}" if e.noticed_on else "",
            f"active from {e.active_from}" if e.active_from else "awaiting prior notice",
            f"until {e.expires_on}" if e.expires_on else "no fixed term",
            f"exited {e.exited_on} ({e.exit_reason})" if e.exited_on else "",
        ]
        console().print("  " + " · ".join(d for d in dates if d))
        for name, p in x["parameters"].items():
            console().print(
                f"  {name} = {p['value']} since {p.get('since')} ({p.get('reference')})"
            )
        console().print(f"  exit: {x['exit_conditions']}")
        console().print(f"  remedies: {x['remedies']}")


@snapshot_app.command("export")
def export(out: Annotated[Path, typer.Option(help="Directory for the Parquet files.")]) -> None:
    """Write the ledger's records (partitioned by province and catalogue item), subjects and
    record events as Parquet, for `evaluate --engine duckdb` or `--engine spark`."""
    from ..evaluate.snapshot import export_snapshot
    from .output import console

    _, engine, _ = _context(None)
    counts = export_snapshot(engine, out)
    console().print(
        f"wrote {counts['records']:,} records and {counts['record_events']:,} events to {out}"
    )
