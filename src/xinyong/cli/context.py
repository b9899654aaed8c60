"""What most commands open first: the settings, the migrated ledger, the jurisdiction's pack."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from ..schemes import Pack
    from ..settings import Settings


def open_ledger() -> tuple[Settings, sa.Engine]:
    """The settings and the ledger they name, refused unless it exists and is migrated."""
    from ..ledger import make_engine, require_current
    from ..settings import Settings

    settings = Settings()
    engine = make_engine(settings)
    require_current(engine)
    return settings, engine


def open_ledger_and_pack(jurisdiction: str | None = None) -> tuple[Settings, sa.Engine, Pack]:
    """:func:`open_ledger` and the pack of ``jurisdiction`` (default XINYONG_JURISDICTION)."""
    from ..schemes import load_pack

    settings, engine = open_ledger()
    pack = load_pack(jurisdiction or settings.jurisdiction, extra_path=settings.packs_path)
    return settings, engine, pack
