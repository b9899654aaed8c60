"""A released migration is never edited again: today's scripts of the released revisions are
byte for byte those of the newest recorded state (``states/README.md``). A schema change is
a new revision; when one is released, its state is recorded as a new directory there."""

from __future__ import annotations

from pathlib import Path

from tests.migrations.states import STATES, STATES_DIR

VERSIONS = Path(__file__).parents[2] / "src" / "xinyong" / "migrations" / "versions"


def test_released_migrations_are_unchanged() -> None:
    released = sorted((STATES_DIR / STATES[-1] / "versions").glob("*.py"))
    assert [p.name[:4] for p in released] == [f"{n:04}" for n in range(1, len(released) + 1)]
    changed = [p.name for p in released if (VERSIONS / p.name).read_bytes() != p.read_bytes()]
    assert changed == []
