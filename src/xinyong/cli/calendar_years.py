"""``xinyong calendar``: the PRC working-day calendar's years, and adding a year's notice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .. import clock

app = typer.Typer(
    help="The PRC working-day calendar: years (official or provisional), and adding the "
    "State Council's notice for a year."
)


def _year_json(year: Any, *, days: bool) -> dict[str, Any]:
    found: dict[str, Any] = {
        "year": year.year,
        "status": year.status,
        "notice": year.notice.model_dump(mode="json") if year.notice else None,
        "source": year.source,
        "working_days": len(year.working),
    }
    if days:
        found["holidays"] = [
            {"date": d.isoformat(), "name": n} for d, n in sorted(year.holidays.items())
        ]
        found["workdays"] = [
            {"date": d.isoformat(), "name": n} for d, n in sorted(year.workdays.items())
        ]
    return found


def _notice_text(year: Any) -> str:
    if year.notice is None:
        return "no notice yet"
    n = year.notice
    fixture = " [TEST FIXTURE]" if n.test_fixture else ""
    checked = "" if n.verified else " (number/date not verified)"
    return f"{n.number or 'number unknown'}, {n.date or 'date unknown'}{checked}{fixture}"


@app.command("list")
def list_years(
    until: Annotated[
        int | None, typer.Option(help="Show provisional years up to this one (default: next year).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each year with its status: official (its notice) or provisional."""

    from ..workdays import active
    from .output import console, print_json

    cal = active()
    last = until or max(max(cal.official), clock.business_today().year + 1)
    years = [cal.year(y) for y in range(cal.first_year, last + 1)]
    if as_json:
        print_json([_year_json(y, days=False) for y in years])
        return
    for y in years:
        colour = "green" if y.status == "official" else "yellow"
        console().print(f"{y.year}  [{colour}]{y.status:<11}[/] {_notice_text(y)}")
    _, end = cal.coverage()
    console().print(f"later years up to {end.year} are provisional")


@app.command("show")
def show(
    year: Annotated[int | None, typer.Argument(help="The year (default: this year).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A year's days off and make-up working days, and where they come from."""

    from ..workdays import active
    from .output import console, print_json

    found = active().year(year or clock.business_today().year)
    if as_json:
        print_json(_year_json(found, days=True))
        return
    console().print(f"[bold]{found.year}[/]: {found.status} · {_notice_text(found)}")
    if found.notice is not None:
        console().print(f"{found.notice.title} {found.notice.url or ''}")
    console().print(f"source: {found.source}")
    for day, name in sorted(found.holidays.items()):
        console().print(f"  off      {day} {day.strftime('%a')}  {name}")
    for day, name in sorted(found.workdays.items()):
        console().print(f"  worked   {day} {day.strftime('%a')}  {name} (make-up working day)")
    console().print(f"{len(found.working)} working days")


def _print_moves(moves: list[Any], as_json: bool, head: dict[str, Any]) -> None:
    from .output import console, print_json

    if as_json:
        print_json({**head, "moved": [m.to_dict() for m in moves]})
        return
    console().print(f"{len(moves)} open deadline(s) moved")
    for m in moves:
        console().print(
            f"  {m.case} {m.case_id} · subject {m.subject_id} · agency {m.agency} · "
            f"{m.deadline} {m.before} → {m.after}"
            + ("" if m.stored else " (derived: the next `xinyong evaluate` applies it)")
        )


def _calendar_dir(settings: Any) -> Path:
    from ..errors import ConfigError

    if settings.calendar_path is None:
        raise ConfigError(
            "XINYONG_CALENDAR_PATH is not set: added calendar years are kept as files there; "
            "set it to a directory every process of the platform reads, e.g. "
            "XINYONG_CALENDAR_PATH=/var/lib/xinyong/calendar",
            code="no-calendar-path",
        )
    return Path(settings.calendar_path)


@app.command("add")
def add(
    file: Annotated[Path, typer.Argument(help="The year's file, YYYY.yaml, in the pack format.")],
    replace: Annotated[bool, typer.Option(help="Correct a year that is official already.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add a year's State Council notice (holidays and make-up working days), then move
    every open deadline that ran through that year and list them with the parties."""
    import getpass

    from ..ledger import make_engine, require_current
    from ..rights.calendar_moves import add_year
    from ..schemes import load_pack
    from ..settings import Settings

    settings = Settings()
    directory = _calendar_dir(settings)
    engine = make_engine(settings)
    require_current(engine)
    pack = load_pack(settings.jurisdiction, extra_path=settings.packs_path)
    year, moves = add_year(
        engine,
        pack,
        file,
        directory,
        actor=f"cli:{getpass.getuser()}",
        now=clock.now(settings.as_of),
        today=settings.as_of,
        replace=replace,
    )
    head = {
        "year": year.year,
        "status": "official",
        "installed": str(directory / f"{year.year}.yaml"),
    }
    if not as_json:
        from .output import console

        console().print(f"{year.year} is official: {_notice_text(year)}, in {head['installed']}")
    _print_moves(moves, as_json, head)


@app.command("recompute")
def recompute(
    year: Annotated[
        list[int] | None, typer.Option(help="Only these years (default: every official year).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Move open deadlines to the calendar in use (after a pack update shipped a year)."""
    import getpass

    from ..rights.calendar_moves import recompute as recompute_deadlines
    from ..workdays import active
    from .context import open_ledger_and_pack

    settings, engine, pack = open_ledger_and_pack()
    cal = active()
    years = set(year or cal.official)
    with engine.begin() as conn:
        moves = recompute_deadlines(
            conn, pack, cal, years, actor=f"cli:{getpass.getuser()}", now=clock.now(settings.as_of)
        )
    _print_moves(moves, as_json, {"years": sorted(years)})
