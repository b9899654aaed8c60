"""``xinyong audit …``: verify the hash-chained audit log (against signed checkpoints published
earlier), make the key that signs its checkpoints, sign one now, export them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..ledger.notes import NoteSigner, NoteVerifier

app = typer.Typer(help="The hash-chained audit log of writes and non-public reads.")


def _signer() -> NoteSigner:
    from ..errors import ConfigError
    from ..ledger.notes import NoteSigner
    from ..settings import Settings

    settings = Settings()
    if settings.audit_signing_key_file is None:
        raise ConfigError(
            "XINYONG_AUDIT_SIGNING_KEY_FILE is not set: name the Ed25519 key that signs "
            "checkpoints (make one with `xinyong audit keygen FILE`)",
            code="no-signing-key",
        )
    return NoteSigner.from_file(settings.audit_signing_key_file, settings.audit_log_name)


def _verifier(key: str | None) -> NoteVerifier:
    from ..ledger.notes import NoteVerifier

    if key is None:
        return _signer().verifier
    path = Path(key)
    return NoteVerifier.parse(path.read_text("utf-8") if path.is_file() else key)


@app.command("verify")
def verify(
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Checkpoints published earlier (`xinyong audit checkpoints --out`)."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            help="The verifier key (text or file) the checkpoints must be signed with; "
            "default: the public half of XINYONG_AUDIT_SIGNING_KEY_FILE."
        ),
    ] = None,
) -> None:
    """Walk the audit log's hash chain and its links, and check it holds every checkpoint
    published earlier (--checkpoints), or else the node's stored ones when a signing key is
    set: a recomputed chain or a cut tail fails. Exit 1 and say where if the log was
    changed."""
    import json

    from ..errors import InvalidData
    from ..ledger.checkpoints import verify_against, verify_node
    from ..settings import Settings
    from .output import console, error_console
    from .web import _engine

    checkpoints_held = ""
    with _engine().connect() as conn:
        if checkpoints is None:
            signs = key is not None or Settings().audit_signing_key_file is not None
            result = verify_node(conn, _verifier(key) if signs else None)
            checkpoints_held = "its stored checkpoints" if signs else ""
        else:
            try:
                document = json.loads(checkpoints.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise InvalidData(
                    f"cannot read the checkpoints file {checkpoints}: {exc}",
                    code="bad-checkpoints-file",
                ) from None
            result = verify_against(conn, document, _verifier(key))
            checkpoints_held = f"every checkpoint in {checkpoints}"
    if result.ok:
        held = f", holding {checkpoints_held}" if checkpoints_held else ""
        console().print(f"audit log intact: {result.entries:,} entries{held}")
        return
    error_console().print(f"[bold red]audit log broken[/] at entry {result.seq}: {result.problem}")
    raise typer.Exit(1)


@app.command("keygen")
def keygen(
    file: Annotated[Path, typer.Argument(help="Where to write the private key (PEM, mode 0600).")],
) -> None:
    """Create the Ed25519 key that signs audit checkpoints; set XINYONG_AUDIT_SIGNING_KEY_FILE
    to it. Keep it off the database server's backups; an existing file is never overwritten."""
    from ..keyfiles import write_private_key
    from ..ledger.notes import NoteSigner
    from ..settings import Settings
    from .output import console

    signer = NoteSigner(Settings().audit_log_name, write_private_key(file))
    console().print(f"signing key written to {file} (mode 0600)")
    console().print(f"verifier key: {signer.verifier.vkey}")


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign a checkpoint of the audit log's head now (the server also signs them at the set
    interval)."""
    from ..clock import real_now
    from ..ledger.checkpoints import sign_head
    from .output import console
    from .web import _engine

    signer = _signer()
    with _engine().begin() as conn:
        signed = sign_head(conn, signer, real_now())
    if signed is None:
        console().print("nothing to sign: the log is empty or its head is signed already")
    else:
        console().print(f"checkpoint signed at {signed.size:,} entries")


@app.command("checkpoints")
def checkpoints_export(
    out: Annotated[Path, typer.Option(help="Where to write the checkpoints (JSON).")],
) -> None:
    """Export every signed checkpoint with the verifier key, to keep outside the node."""
    import json

    from ..ledger.checkpoints import published
    from .output import console
    from .web import _engine

    verifier = _signer().verifier
    with _engine().connect() as conn:
        document = published(conn, verifier)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    console().print(f"{len(document['checkpoints'])} checkpoints written to {out}")
