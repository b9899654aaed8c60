"""A released migration is never edited again: today's scripts of the released revisions are
byte for byte those of the newest recorded state (``states/README.md``). A schema change is
a new revision; when one is released, its state is recorded as a new directory there."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from tests.migrations.states import STATES, STATES_DIR
from xinyong.migrations import alembic_config

VERSIONS = Path(__file__).parents[2] / "src" / "xinyong" / "migrations" / "versions"


def test_released_migrations_are_unchanged() -> None:
    released = sorted((STATES_DIR / STATES[-1] / "versions").glob("*.py"))
    assert [p.name[:4] for p in released] == [f"{n:04}" for n in range(1, len(released) + 1)]
    changed = [p.name for p in released if (VERSIONS / p.name).read_bytes() != p.read_bytes()]
    assert changed == []


def test_the_revisions_form_one_chain_named_by_their_files() -> None:
    # a migration written against another head (e.g. down_revision "0009" next to 0010)
    # must be rechained, or upgrades stop at "multiple heads"
    scripts = ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://")))
    chain = list(reversed(list(scripts.walk_revisions())))
    assert [s.down_revision for s in chain] == [None, *[s.revision for s in chain[:-1]]]
    assert [s.revision for s in chain] == [f"{n:04}" for n in range(1, len(chain) + 1)]
    assert [Path(str(s.path)).name[:5] for s in chain] == [f"{s.revision}_" for s in chain]
    assert sorted(p.name for p in VERSIONS.glob("*.py")) == [Path(str(s.path)).name for s in chain]


def test_no_scripts_are_left_where_they_would_be_ignored() -> None:
    # the scripts moved from ledger/migrations; any found there was never applied
    old = VERSIONS.parents[1] / "ledger" / "migrations"
    assert sorted(str(p.relative_to(old)) for p in old.rglob("*.py")) == []
