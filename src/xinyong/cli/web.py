"""``xinyong serve``, ``xinyong token …``, ``xinyong account …`` and ``xinyong report verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .. import clock

report_app = typer.Typer(help="Credit reports issued by the platform.")
token_app = typer.Typer(help="API tokens for agencies: issue, list, revoke.")
account_app = typer.Typer(help="Portal accounts for staff and subjects.")

ROLE_HELP = "operator, source_agency, responding_agency, credit_service or subject"


def _engine() -> Any:
    from ..ledger import make_engine, require_current
    from ..settings import Settings

    engine = make_engine(Settings())
    require_current(engine)
    return engine


def _role(value: str) -> Any:
    from ..access import Role

    try:
        return Role(value)
    except ValueError:
        raise typer.BadParameter(f"use {ROLE_HELP}", param_hint="--role") from None


def _subject(subject: str | None) -> str | None:
    """The subject's ledger key: a resident number pseudonymised here, never stored."""

    from ..ids import Mode
    from ..keys.fingerprint import pseudonym_key_for
    from ..ledger.subject import subject_key
    from ..settings import Settings
    from .dates import platform_today

    if subject is None:
        return None
    settings = Settings()
    return subject_key(
        subject,
        key=pseudonym_key_for(_engine(), settings),
        today=platform_today(settings),
        mode=Mode(settings.uscc_mode),
        field="--subject",
    )


def _password(prompt: str, from_stdin: bool) -> str:
    """A password: the first line of stdin (for scripts), else asked twice, not echoed."""
    import sys

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
) -> None:
    """Serve the API (/api, docs at /api/docs) and the portal (/) with uvicorn."""
    from ..settings import Settings
    from ..web.server import serve as run
    from .output import console

    settings = Settings()
    _engine()  # refuse to start on an unmigrated database, with the fix
    console().print(
        f"xinyong on http://{host}:{port}/ (API docs http://{host}:{port}/api/docs); Ctrl-C stops"
    )
    run(
        host,
        port,
        workers=workers,
        log_level="info" if settings.env == "development" else "warning",
        access_log=settings.access_log,
        trusted_proxies=settings.trusted_proxies,
    )


@token_app.command("issue")
def token_issue(
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    label: Annotated[str, typer.Option(help="Who holds it, e.g. 'Shenzhen tax bureau system'.")],
    agency: Annotated[str | None, typer.Option(help="Agency code (agency roles).")] = None,
    subject: Annotated[
        str | None, typer.Option(help="USCC, resident ID or pseudonym (subject role).")
    ] = None,
    items: Annotated[
        str | None, typer.Option(help="Comma-separated catalogue items it may submit.")
    ] = None,
    days: Annotated[int, typer.Option(help="Days until it expires (1–730).")] = 90,
) -> None:
    """Issue an API token. It is printed once; only its hash is kept."""
    from ..web.credentials import issue_token
    from .output import audit_cli, console

    engine = _engine()
    with engine.begin() as conn:
        issued = issue_token(
            conn,
            role=_role(role),
            label=label,
            now=clock.real_now(),
            days=days,
            agency=agency,
            subject_id=_subject(subject),
            items=[i.strip() for i in items.split(",") if i.strip()] if items else None,
        )
        audit_cli(engine, "token_issue", conn, token_id=issued.token_id, role=role, agency=agency)
    console().print(f"token {issued.token_id}, expires {issued.expires_at}:\n{issued.token}")


@token_app.command("list")
def token_list() -> None:
    """Every token with its scope, expiry and revocation (never the token itself)."""
    from ..web.credentials import list_tokens
    from .output import console

    with _engine().connect() as conn:
        for t in list_tokens(conn):
            state = (
                f"revoked {t['revoked_at']}" if t["revoked_at"] else f"expires {t['expires_at']}"
            )
            scope = t["agency"] or t["subject_id"] or ""
            console().print(f"{t['token_id']}  {t['role']:<18} {scope:<20} {state}  {t['label']}")


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id.")]) -> None:
    """Revoke a token at once."""
    from ..web.credentials import revoke_token
    from .output import audit_cli, console

    engine = _engine()
    with engine.begin() as conn:
        revoke_token(conn, token_id, now=clock.real_now())
        audit_cli(engine, "token_revoke", conn, token_id=token_id)
    console().print(f"token {token_id} revoked")


@account_app.command("add")
def account_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    agency: Annotated[str | None, typer.Option(help="Agency code (agency roles).")] = None,
    subject: Annotated[
        str | None, typer.Option(help="USCC, resident ID or pseudonym (subject role).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin (scripts).")
    ] = False,
) -> None:
    """Create a portal account; the password is asked for (not echoed), or read from stdin."""
    from ..web.credentials import add_account
    from .output import audit_cli, console

    subject_id = _subject(subject)
    password = _password("password", password_stdin)
    engine = _engine()
    with engine.begin() as conn:
        add_account(
            conn,
            username=username,
            password=password,
            role=_role(role),
            now=clock.real_now(),
            agency=agency,
            subject_id=subject_id,
        )
        audit_cli(engine, "account_add", conn, username=username, role=role, agency=agency)
    console().print(f"account {username} ({role}) created")


@account_app.command("disable")
def account_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable an account at once: every open session of it ends."""
    from ..web.credentials import disable_account
    from .output import audit_cli, console

    engine = _engine()
    with engine.begin() as conn:
        ended = disable_account(conn, username, now=clock.real_now())
        audit_cli(engine, "account_disable", conn, username=username, sessions_ended=ended)
    console().print(f"account {username} disabled; {ended} open session(s) ended")


@account_app.command("password")
def account_password(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from stdin.")
    ] = False,
) -> None:
    """Set an account's password (asked for, or read from stdin); every open session of the
    account ends at once."""
    from ..web.credentials import change_password
    from .output import audit_cli, console

    password = _password("new password", password_stdin)
    engine = _engine()
    with engine.begin() as conn:
        ended = change_password(conn, username, password, now=clock.real_now())
        audit_cli(engine, "account_password", conn, username=username, sessions_ended=ended)
    console().print(f"password of {username} changed; {ended} open session(s) ended")


@report_app.command("verify")
def report_verify(
    code: Annotated[str, typer.Argument(help="The verification code printed on the report.")],
    file: Annotated[
        Path | None, typer.Option(help="A JSON copy of the report, to check it is unaltered.")
    ] = None,
) -> None:
    """Say whether a code was issued (for whom, as of when) and, with --file, whether the copy
    is unaltered; exit 1 if it was altered."""
    import json

    from ..rights.report import verify
    from .output import console, error_console

    copy = json.loads(file.read_text("utf-8")) if file else None
    with _engine().connect() as conn:
        found = verify(conn, code, copy)
    console().print(
        f"issued {found['issued_at']} for {found['for']}: subject {found['subject_id']}, data "
        f"as of {found['as_of']} (report {found['report_id']})"
    )
    if copy is not None:
        if not found["unaltered"]:
            error_console().print("[bold red]the copy differs from the report issued[/]")
            raise typer.Exit(1)
        console().print("the copy is unaltered")
