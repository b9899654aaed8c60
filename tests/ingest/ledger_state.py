"""Everything ingest leaves in a database, as comparable values (for path equivalence)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from xinyong.ingest import tables as it
from xinyong.ledger import make_engine, upgrade
from xinyong.ledger import tables as lt

TABLES = (
    lt.subjects,
    lt.subject_links,
    lt.records,
    lt.record_events,
    it.quarantine,
    it.deliveries,
)


def _value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value if value is None or isinstance(value, int | str) else str(value)


def ledger_state(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table ingest writes, each cell as text, sorted."""
    with engine.connect() as conn:
        return {
            table.name: sorted(
                (tuple(_value(v) for v in row) for row in conn.execute(sa.select(table))),
                key=repr,
            )
            for table in TABLES
        }


def fresh_engine(db_url: str, tmp_path: Path, name: str) -> sa.Engine:
    """An empty, migrated ledger: a new SQLite file, or the PostgreSQL test database reset."""
    if db_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / f'{name}.db'}")
    else:
        engine = make_engine(db_url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    return engine
