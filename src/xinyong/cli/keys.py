"""``xinyong keys …``: the platform's keys — which the ledger was written under, re-keying
the pseudonyms, encrypting the webhook secrets (docs/keys.md). No command prints a key."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="The platform's keys: fingerprints, pseudonym rotation (docs/keys.md).")


@app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The fingerprint of the configured pseudonym key chain against the ledger's. Exits 1
    unless they match (or none is recorded yet)."""
    from ..keys import pseudonym_key_state
    from ..settings import Settings
    from .output import console, print_json
    from .web import _engine

    settings = Settings()
    with _engine().connect() as conn:
        state = pseudonym_key_state(conn, settings.pseudonym_chain)
    shown = {
        "pseudonym_key": state.state,
        "configured_fingerprint": state.configured,
        "ledger_fingerprint": state.recorded,
        "recorded_at": state.recorded_at,
        "rotations": len(settings.pseudonym_chain) - 1,
    }
    if as_json:
        print_json(shown)
    else:
        for name, value in shown.items():
            console().print(f"{name}: {value if value is not None else '—'}")
    if state.state not in ("matches", "absent"):
        raise typer.Exit(1)


@app.command("rotate-pseudonym")
def rotate_pseudonym() -> None:
    """Re-key every person's pseudonym to the last key of XINYONG_PSEUDONYM_ROTATIONS, in one
    transaction (interrupted: nothing changed, run it again), then record the new fingerprint
    and an audit entry. Keep XINYONG_PSEUDONYM_KEY and the earlier rotations as they are."""
    from .. import clock
    from ..keys.rotate import rotate_pseudonyms
    from ..settings import Settings
    from .output import audit_cli, console
    from .web import _engine

    settings = Settings()
    engine = _engine()
    with engine.begin() as conn:
        done = rotate_pseudonyms(conn, settings.pseudonym_chain, now=clock.now(settings.as_of))
        audit_cli(
            engine,
            "keys.rotate_pseudonym",
            conn=conn,
            persons=done.persons,
            from_fingerprint=done.from_fingerprint,
            to_fingerprint=done.to_fingerprint,
        )
    console().print(
        f"re-keyed {done.persons:,} persons ({done.rows:,} rows); the ledger's pseudonym key "
        f"fingerprint is now {done.to_fingerprint}"
    )


@app.command("encrypt-webhooks")
def encrypt_webhooks() -> None:
    """Encrypt every webhook secret still stored in plaintext under XINYONG_WEBHOOK_KEY
    (deliveries do it too, on first use); the agencies keep the same secrets."""
    from ..keys.sealing import webhook_key
    from ..sanctions.webhooks import seal_plaintext
    from ..settings import Settings
    from .output import audit_cli, console
    from .web import _engine

    settings = Settings()
    engine = _engine()
    with engine.begin() as conn:
        sealed = seal_plaintext(conn, key=webhook_key(settings))
        audit_cli(engine, "keys.encrypt_webhooks", conn=conn, sealed=sealed)
    console().print(f"encrypted {sealed:,} webhook secret(s) stored in plaintext")
