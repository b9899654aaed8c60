"""``xinyong quarantine``: review rows that failed validation."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .. import clock

app = typer.Typer(help="Review quarantined rows: list, show, release (corrected) or reject.")


def _engine() -> Any:
    from ..ledger import make_engine, require_current
    from ..settings import Settings

    engine = make_engine(Settings())
    require_current(engine)
    return engine


@app.command("list")
def list_rows(
    source: Annotated[str | None, typer.Option(help="Only rows from this agency.")] = None,
    delivery: Annotated[
        str | None, typer.Option(help="Only rows of this delivery (id prefix).")
    ] = None,
    status: Annotated[str, typer.Option(help="open, released, rejected or all.")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List quarantined rows with their first reason."""
    from rich.table import Table

    from ..ingest.quarantine import QuarantineStatus, list_entries
    from .output import console, print_json

    wanted = None if status == "all" else QuarantineStatus(status)
    with _engine().connect() as conn:
        entries, total = list_entries(
            conn, source=source, delivery_id=delivery, status=wanted, limit=limit, offset=offset
        )
    if as_json:
        print_json({"count": total, "data": [e.shown() for e in entries]})
        return
    table = Table(title=f"{total:,} quarantined rows ({status}); showing {len(entries)}")
    for column in ("id", "source", "file:row", "status", "reason"):
        table.add_column(column)
    for e in entries:
        first = e.errors[0]
        more = f" (+{len(e.errors) - 1} more)" if len(e.errors) > 1 else ""
        table.add_row(
            e.quarantine_id[:12],
            e.source_agency,
            f"{e.file_name}:{e.row_number}",
            e.status,
            f"{first['field']}: {first['message']}{more}",
        )
    console().print(table)


@app.command("show")
def show(
    quarantine_id: Annotated[str, typer.Argument(help="Id, or a unique prefix of 8+ characters.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a quarantined row as delivered, every reason with its fix, and its review history."""
    from ..ingest.quarantine import get_entry
    from .output import console, print_json

    with _engine().connect() as conn:
        entry = get_entry(conn, quarantine_id)
    if as_json:
        print_json(entry.shown())
        return
    console().print(
        f"[bold]{entry.quarantine_id}[/] · {entry.status} · {entry.source_agency} · "
        f"{entry.file_name} row {entry.row_number}"
    )
    console().print("\n[bold]row as delivered[/]")
    for column, value in entry.raw.items():
        kept = (entry.identities or {}).get(column, {})
        note = " (pseudonym kept)" if "pseudonym" in kept else ""
        note = " (sealed: `xinyong quarantine reveal`)" if "sealed" in kept else note
        console().print(f"  {column} = {value!r}{note}")
    if entry.identities is None:
        console().print("  [bold red]not scrubbed[/]: run `xinyong quarantine scrub`")
    console().print("\n[bold]reasons[/]")
    for error in entry.errors:
        console().print(
            f"  - {error['field']}: {error['message']}"
            + (f" (fix: {error['fix']})" if error.get("fix") else "")
        )
    for action in entry.actions:
        console().print(
            f"\n{action['recorded_at']:%Y-%m-%d %H:%M} {action['action']} by "
            f"{action['actor']}: {action['reason'] or ''} {action['changes'] or ''}"
        )


@app.command("release")
def release(
    quarantine_id: Annotated[str, typer.Argument(help="Id, or a unique prefix of 8+ characters.")],
    actor: Annotated[str, typer.Option(help="Who reviews (kept with the action).")],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Correction COLUMN=VALUE on the row as delivered; repeatable."),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why the row may now be accepted.")] = None,
) -> None:
    """Apply corrections and accept the row if it now passes full validation."""
    from ..ids import Mode
    from ..ingest.quarantine import release as do_release
    from ..schemes import load_pack
    from ..settings import Settings
    from .output import audit_cli, console

    changes = {}
    for item in set_ or []:
        column, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r} is not COLUMN=VALUE", param_hint="--set")
        changes[column] = value
    settings = Settings()
    engine = _engine()
    from ..keys.fingerprint import pseudonym_key_for

    entry = do_release(
        engine,
        load_pack(settings.jurisdiction, extra_path=settings.packs_path),
        quarantine_id,
        changes=changes,
        actor=actor,
        reason=reason,
        key=pseudonym_key_for(engine, settings),
        recorded_at=clock.now(settings.as_of),
        mode=Mode(settings.uscc_mode),
        seal_key=settings.quarantine_seal_key,
    )
    audit_cli(engine, "quarantine_release", quarantine_id=entry.quarantine_id, reviewer=actor)
    console().print(f"released {entry.quarantine_id[:12]} → {entry.actions[-1]['result_id']}")


@app.command("reject")
def reject(
    quarantine_id: Annotated[str, typer.Argument(help="Id, or a unique prefix of 8+ characters.")],
    actor: Annotated[str, typer.Option(help="Who reviews (kept with the action).")],
    reason: Annotated[str, typer.Option(help="Why the row is refused (required).")],
) -> None:
    """Refuse a quarantined row for good, with a reason."""
    from ..ingest.quarantine import reject as do_reject
    from ..settings import Settings
    from .output import audit_cli, console

    engine = _engine()
    entry = do_reject(
        engine,
        quarantine_id,
        actor=actor,
        reason=reason,
        recorded_at=clock.now(Settings().as_of),
    )
    audit_cli(engine, "quarantine_reject", quarantine_id=entry.quarantine_id, reviewer=actor)
    console().print(f"rejected {entry.quarantine_id[:12]}")


@app.command("reveal")
def reveal(
    quarantine_id: Annotated[str, typer.Argument(help="Id, or a unique prefix of 8+ characters.")],
    actor: Annotated[str, typer.Option(help="Who reviews (kept in the audit log).")],
    reason: Annotated[str, typer.Option(help="Why the value is needed (required, audited).")],
) -> None:
    """Show a row's sealed values (an invalid resident number as delivered), to a reviewer;
    each reveal is written to the audit log first."""
    from ..ingest.reveal import reveal as do_reveal
    from ..settings import Settings
    from .output import audit_cli, console

    settings = Settings()
    engine = _engine()
    with engine.begin() as conn:
        revealed = do_reveal(
            conn, quarantine_id, reason=reason, seal_key=settings.quarantine_seal_key
        )
        audit_cli(
            engine,
            "quarantine_reveal",
            conn,
            quarantine_id=revealed.quarantine_id,
            reviewer=actor,
            reason=reason,
            columns=sorted(revealed.values),
        )
    for column, value in revealed.values.items():
        console().print(f"  {column} = {value!r}")


@app.command("scrub")
def scrub() -> None:
    """Once after upgrading (`xinyong init` does it too): rewrite rows quarantined before
    migration 0013, which hold raw resident numbers, as ingest now keeps them (pseudonym,
    masked, sealed). Idempotent."""
    from ..settings import Settings
    from .output import console

    done = run_scrub(Settings(), _engine())
    console().print(f"scrubbed {done.rows:,} quarantined rows ({done.values:,} values masked)")


def run_scrub(settings: Any, engine: Any) -> Any:
    """``ingest.reveal.scrub`` under the settings' keys, audited if it rewrote anything."""
    from ..ingest.reveal import scrub as do_scrub
    from ..keys.fingerprint import pseudonym_key_for
    from ..schemes import load_pack
    from .output import audit_cli

    done = do_scrub(
        engine,
        load_pack(settings.jurisdiction, extra_path=settings.packs_path),
        key=pseudonym_key_for(engine, settings),
        seal_key=settings.quarantine_seal_key,
    )
    if done.rows:
        audit_cli(engine, "quarantine_scrub", rows=done.rows, values=done.values)
    return done
