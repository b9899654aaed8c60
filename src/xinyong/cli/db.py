"""``xinyong init``: create or migrate the ledger database."""

from __future__ import annotations


def init() -> None:
    """Create the ledger database (XINYONG_DATABASE_URL) or migrate it to the newest schema."""
    from ..ledger import make_engine, upgrade
    from ..settings import Settings
    from .output import console

    settings = Settings()
    engine = make_engine(settings)
    revision = upgrade(engine)
    console().print(
        f"ledger at {engine.url.render_as_string(hide_password=True)} is at revision {revision}"
    )
    from ..ingest.reveal import unscrubbed

    with engine.connect() as conn:
        pending = unscrubbed(conn)
    if pending:  # rows quarantined before migration 0014 hold raw resident numbers
        from .quarantine import run_scrub

        done = run_scrub(settings, engine)
        console().print(
            f"scrubbed {done.rows:,} quarantined rows of raw resident numbers "
            f"({done.values:,} values masked)"
        )
