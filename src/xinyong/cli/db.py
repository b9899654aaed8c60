"""``xinyong init`` and ``xinyong db``: the ledger database's schema.

``init`` (the documented first command) and ``db upgrade`` create or migrate the database in
XINYONG_DATABASE_URL and refuse to report success while its schema differs from the declared
tables; ``db upgrade --sql`` prints the SQL instead of running it; ``db status`` says where
the database stands.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

app = typer.Typer(help="The ledger database's schema: its revision, pending migrations, drift.")


def _engine() -> Any:
    from ..ledger import make_engine
    from ..settings import Settings

    return make_engine(Settings())


def _where(engine: Any) -> str:
    return str(engine.url.render_as_string(hide_password=True))


def init() -> None:
    """Create the ledger database (XINYONG_DATABASE_URL) or migrate it to the newest schema,
    and record the pseudonym key's fingerprint (or refuse another key than the recorded one)."""
    from ..keys.fingerprint import pseudonym_key_for
    from ..migrations import migrate
    from ..settings import Settings
    from .output import console

    settings = Settings()
    engine = _engine()
    after = migrate(engine)
    pseudonym_key_for(engine, settings)
    console().print(f"ledger at {_where(engine)} is at revision {after.revision}")
    from ..ingest.reveal import unscrubbed

    with engine.connect() as conn:
        pending = unscrubbed(conn)
    if pending:  # rows quarantined before migration 0013 hold raw resident numbers
        from ..settings import Settings
        from .quarantine import run_scrub

        done = run_scrub(Settings(), engine)
        console().print(
            f"scrubbed {done.rows:,} quarantined rows of raw resident numbers "
            f"({done.values:,} values masked)"
        )


@app.command("upgrade")
def upgrade(
    sql: Annotated[
        bool,
        typer.Option(
            "--sql", help="Print the SQL the upgrade would run; the database is not changed."
        ),
    ] = False,
) -> None:
    """Migrate the ledger database to the newest schema (as ``xinyong init``), or print the
    SQL it would run."""
    if not sql:
        init()
        return
    from ..migrations import upgrade_sql
    from .output import error_console

    script = upgrade_sql(_engine())
    sys.stdout.write(script)
    if not script:
        error_console().print("nothing to upgrade: the database is at the newest revision")


@app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The database's revision, the migrations an upgrade would apply, and how its schema
    differs from the declared tables. Exits 1 unless it is at head without drift."""
    from ..migrations import status as schema_status
    from .output import console, print_json

    engine = _engine()
    now = schema_status(engine)
    if as_json:
        print_json(
            {
                "database": _where(engine),
                "revision": now.revision,
                "head": now.head,
                "pending": now.pending,
                "drift": [{"where": d.where, "what": d.what} for d in now.drift],
            }
        )
    else:
        out = console()
        out.print(f"database  {_where(engine)}")
        out.print(f"revision  {now.revision or 'none (never initialised)'}; head {now.head}")
        out.print(f"pending   {', '.join(now.pending) or 'none'}")
        if not now.drift:
            out.print("drift     none: the schema is the declared one")
        elif now.pending:
            out.print(
                f"drift     {len(now.drift)} differences from the declared tables, expected "
                "until the pending migrations are applied (--json lists them)"
            )
        else:
            out.print(f"drift     {len(now.drift)} differences from the declared tables:")
            for difference in now.drift:
                out.print(f"  - {difference}")
    if not now.ok:
        raise typer.Exit(1)
