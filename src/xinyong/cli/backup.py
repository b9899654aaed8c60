"""``xinyong backup`` and ``xinyong restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def _verifier(settings: Any) -> Any:
    """The node's checkpoint verifier when it signs checkpoints: backups and restores then
    check the audit chain against them, as `xinyong audit verify` does."""
    if settings.audit_signing_key_file is None:
        return None
    from ..ledger.notes import NoteSigner

    return NoteSigner.from_file(settings.audit_signing_key_file, settings.audit_log_name).verifier


def backup(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write.")],
) -> None:
    """Back up the ledger database (SQLite's online backup, or pg_dump -Fc of PostgreSQL) with
    a manifest of its ledger digest and audit head; safe while the platform runs."""
    from ..ledger.backup import backup as write
    from .context import open_ledger
    from .output import audit_cli, console

    settings, engine = open_ledger()
    manifest = write(engine, out, verifier=_verifier(settings))
    audit_cli(engine, "backup", file=out.name, ledger_digest=manifest.ledger_digest)
    rows = ", ".join(f"{n:,} {table}" for table, n in manifest.counts.items())
    console().print(
        f"backup written to {out}: {rows}; audit log {manifest.audit_entries:,} entries; "
        f"ledger digest {manifest.ledger_digest[:16]}…"
    )


def restore(
    archive: Annotated[Path, typer.Argument(help="A file written by `xinyong backup`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a database that already holds a ledger.")
    ] = False,
) -> None:
    """Restore a backup onto XINYONG_DATABASE_URL (the same kind of database it came from),
    then verify the ledger digest and the audit chain against its manifest; exit 2 if they
    differ."""
    from ..ledger import make_engine
    from ..ledger.backup import restore as put_back
    from ..settings import Settings
    from .output import audit_cli, console

    if not archive.is_file():
        raise typer.BadParameter(f"{archive} does not exist", param_hint="ARCHIVE")
    settings = Settings()
    engine = make_engine(settings)
    manifest = put_back(engine, archive, replace=replace, verifier=_verifier(settings))
    audit_cli(engine, "restore", file=archive.name, ledger_digest=manifest.ledger_digest)
    console().print(
        f"restored {archive} (taken {manifest.created_at}, revision {manifest.revision}): "
        f"ledger digest and {manifest.audit_entries:,} audit entries verified"
    )
