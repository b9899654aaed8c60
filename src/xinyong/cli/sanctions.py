"""``xinyong screen``, ``xinyong dispatch …`` and ``xinyong extract …``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import clock

dispatch_app = typer.Typer(help="Notices of list entries, extensions and lifts to responders.")
extract_app = typer.Typer(help="Signed offline extracts of the measures in force, by action.")

AsOf = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).")]


def _context() -> tuple[Any, Any, Any]:
    from .context import open_ledger_and_pack

    return open_ledger_and_pack()


def _day(as_of: str | None) -> date:
    """``--as-of``, else the platform's date (``XINYONG_AS_OF`` if set, else today)."""
    from ..settings import Settings
    from .dates import parse_day

    return parse_day(as_of, Settings())


def screen(
    subject: Annotated[str, typer.Argument(help="USCC, resident ID number or pseudonym.")],
    action: Annotated[str, typer.Option(help="e.g. aviation.ticket, procurement.bid.")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """May this subject be served for this action? Derived afresh from the ledger; exit 0 on
    allow, 1 on deny, 3 on advise."""
    from ..ids import Mode
    from ..ledger.subject import subject_key
    from ..sanctions import ScreeningIndex
    from ..sanctions.decide import actions_of
    from .output import audit_cli, console, print_json

    settings, engine, pack = _context()
    day = _day(as_of)
    if action not in actions_of(pack):
        raise typer.BadParameter(
            f"use one of {', '.join(sorted(actions_of(pack)))}", param_hint="--action"
        )
    from ..keys.fingerprint import pseudonym_key_for

    mode = Mode(settings.uscc_mode)
    secret = pseudonym_key_for(engine, settings)
    key = subject_key(subject, key=secret, today=day, mode=mode, field="SUBJECT")
    index = ScreeningIndex.for_subjects(engine, pack, day, [key], mode=mode)
    decision = index.check(key, action)
    audit_cli(engine, "screen", subject_id=key, for_action=action, outcome=decision.outcome)
    if as_json:
        print_json(decision.to_dict())
    else:
        console().print(f"{key} · {action} on {day}: [bold]{decision.outcome}[/]")
        for g in (*decision.grounds, *decision.rewards):
            via = f" (as {g.via_role} of {g.via_name})" if g.via_role else ""
            source = g.list_id or f"order {g.order_case}"
            console().print(f"  {g.effect}: {g.measure_zh} / {g.measure_en}{via}")
            console().print(f"    because of {source}, since {g.since}, until {g.until or '—'}")
            if g.memorandum:
                console().print(f"    memorandum: {g.memorandum}")
            console().print(f"    basis: {'; '.join(g.legal_basis)}")
            console().print(f"    implemented by {g.implementing_agency}; remedy: {g.remedy}")
    raise typer.Exit({"allow": 0, "deny": 1, "advise": 3}[decision.outcome])


@dispatch_app.command("run")
def dispatch_run(as_of: AsOf = None) -> None:
    """Write notices for entries, extensions and exits since the last run (idempotent)."""
    from ..evaluate.retention import evaluation_of
    from ..sanctions.dispatch import dispatch
    from .output import audit_cli, console

    settings, engine, pack = _context()
    day = _day(as_of)
    with engine.connect() as conn:
        evaluation = evaluation_of(conn, pack, day)  # never silently an older one
    run = dispatch(engine, pack, evaluation, day, now=clock.now(settings.as_of))
    audit_cli(engine, "dispatch_run", entries=run.entries, exits=run.exits)
    console().print(
        f"dispatched from the evaluation of {day}: {run.entries:,} entry, "
        f"{run.extensions:,} extension and {run.exits:,} exit notices"
    )


@dispatch_app.command("status")
def dispatch_status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per responder: notices, acknowledged, answered, coverage, overdue."""
    from ..sanctions.dispatch import acknowledgement_days, metrics
    from .output import console, print_json

    settings, engine, pack = _context()
    today = clock.today(settings.as_of)
    with engine.connect() as conn:
        found = metrics(conn, today=today, ack_working_days=acknowledgement_days(pack, today))
    if as_json:
        print_json(found)
        return
    for responder, m in found["responders"].items():
        console().print(
            f"{responder:<24} {m['notices']:>7,} notices · {m['acknowledged']:,} acknowledged · "
            f"{m['answered']:,} answered (coverage {m['coverage']}) · {m['overdue']:,} overdue"
        )
    console().print(f"all: {found['notices']:,} notices, coverage {found['coverage']}")


@dispatch_app.command("webhook")
def dispatch_webhook(
    responder: Annotated[str, typer.Argument(help="Responder code (responders.yaml).")],
    url: Annotated[str, typer.Argument(help="Where its notices are POSTed.")],
) -> None:
    """Register a responder's webhook; prints the shared secret that signs deliveries."""
    from ..keys.sealing import webhook_key
    from ..sanctions.webhooks import register
    from .output import audit_cli, console

    settings, engine, pack = _context()
    with engine.begin() as conn:
        secret = register(
            conn, pack, responder, url, now=clock.real_now(), key=webhook_key(settings)
        )
        audit_cli(engine, "webhook_register", conn, responder=responder, url=url)
    console().print(f"webhook for {responder}: {url}\nsecret (give it to the agency): {secret}")


@dispatch_app.command("deliver")
def dispatch_deliver() -> None:
    """POST due notices to registered webhooks once (run it from a scheduler); failures are
    retried later with backoff."""
    from ..keys.sealing import webhook_key
    from ..sanctions.webhooks import deliver
    from .output import console

    settings, engine, _ = _context()
    run = deliver(engine, now=clock.real_now(), key=webhook_key(settings))
    console().print(f"delivered {run.delivered:,} notice(s); {run.failed:,} failed, to retry")


@extract_app.command("keygen")
def extract_keygen(
    out: Annotated[Path, typer.Option(help="Directory for the key pair.")] = Path("keys"),
) -> None:
    """Create the Ed25519 key pair that signs extracts (keep extract-key.pem secret)."""
    from ..sanctions.extract import generate_key
    from .output import console

    private, public = generate_key(out)
    console().print(f"signing key {private} (secret) · public key {public} (give to responders)")


@extract_app.command("write")
def extract_write(
    out: Annotated[Path, typer.Option(help="The extract file to write (.jsonl).")],
    key: Annotated[Path, typer.Option(help="The Ed25519 signing key (PEM).")],
    base: Annotated[
        Path | None, typer.Option(help="An earlier full extract: write the delta from it.")
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Write a signed full extract (or a delta) of the measures in force, by action."""
    from ..evaluate.retention import evaluation_of
    from ..sanctions import ScreeningIndex
    from ..sanctions.extract import lines_of, write
    from .output import audit_cli, console

    settings, engine, pack = _context()
    day = _day(as_of)
    with engine.connect() as conn:
        evaluation = evaluation_of(conn, pack, day)
    index = ScreeningIndex(engine, pack)
    index.build(day, evaluation)
    written = write(lines_of(index), out, as_of=day, key_path=key, base=base)
    audit_cli(engine, "extract_write", file=str(out), lines=written.lines)
    console().print(f"wrote {written.lines:,} lines to {written.path}, signed {written.manifest}")


@extract_app.command("verify")
def extract_verify(
    path: Annotated[Path, typer.Argument(help="The extract file.")],
    public_key: Annotated[Path, typer.Option(help="The platform's public key (PEM).")],
) -> None:
    """Check an extract's signature and hash; exit 2 with the reason if either fails."""
    from ..sanctions.extract import verify
    from .output import console

    manifest = verify(path, public_key)
    console().print(
        f"{path}: signature valid, {manifest['kind']} extract of {manifest['as_of']}, "
        f"{manifest['lines']:,} lines"
    )
