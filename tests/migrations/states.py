"""Helpers for the migration tests: databases built at a historical state of the migrations,
representative rows in every table, and a catalog of a schema to compare two databases by."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

STATES_DIR = Path(__file__).parent / "states"
#: every historical state, oldest first, in the README's order (each directory must be listed)
STATES = re.findall(r"^\| `(\w+)` \|", (STATES_DIR / "README.md").read_text(), re.MULTILINE)
assert sorted(STATES) == sorted(p.name for p in STATES_DIR.iterdir() if p.is_dir()), STATES


def build_at_state(engine: sa.Engine, state: str) -> None:
    """Create the schema as the migrations directory at commit ``state`` did."""
    config = Config()
    config.set_main_option("script_location", str(STATES_DIR / state))
    config.attributes["engine"] = engine  # what the states up to 0009's env.py read
    with engine.begin() as conn:
        config.attributes["connection"] = conn  # what the released package's env.py reads
        command.upgrade(config, "head")


def _value(table: str, column: sa.Column[Any]) -> Any:
    type_ = column.type
    if isinstance(type_, sa.JSON):
        return {"table": table, "column": column.name, "values": [1, "二"]}
    if isinstance(type_, sa.Boolean):
        return True
    if isinstance(type_, sa.Integer):
        return 7
    if isinstance(type_, sa.Numeric | sa.Float):
        return 1.5
    if isinstance(type_, sa.DateTime):
        return dt.datetime(2026, 9, 30, 8, 15, 30, 123456)
    if isinstance(type_, sa.Date):
        return dt.date(2026, 9, 30)
    if isinstance(type_, sa.LargeBinary):
        return b"%PDF-1.4 " + column.name.encode()
    if isinstance(type_, sa.String):
        text = f"{column.name}·{table}"
        return text[: type_.length] if type_.length else text
    raise AssertionError(f"no representative value for {table}.{column.name} ({type_!r})")


def insert_representative_rows(engine: sa.Engine) -> dict[str, dict[str, Any]]:
    """One row in every table (parents before children, foreign keys pointing at the parent's
    row) but ``audit_head``, the chain's head, which migrations and appenders maintain;
    returns the rows by table."""
    meta = sa.MetaData()
    meta.reflect(engine)
    rows: dict[str, dict[str, Any]] = {}
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if table.name in ("alembic_version", "audit_head"):
                continue
            row = {c.name: _value(table.name, c) for c in table.columns}
            for fk in table.foreign_keys:
                row[fk.parent.name] = rows[fk.column.table.name][fk.column.name]
            conn.execute(table.insert().values(row))
            rows[table.name] = row
    return rows


def read_back(engine: sa.Engine, rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same rows as the database has them now (by primary key, only the columns given)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    found: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for name, row in rows.items():
            table = meta.tables[name]
            key = [table.c[c.name] == row[c.name] for c in table.primary_key.columns]
            got = conn.execute(sa.select(table).where(*key)).mappings().one()
            found[name] = {column: _as_written(got[column]) for column in row}
    return found


def _as_written(value: Any) -> Any:
    """A timestamptz (PostgreSQL since 0013) as the naive UTC value written before it."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def catalog(engine: sa.Engine) -> dict[str, dict[str, Any]]:
    """Per table: columns (type, nullability, server default), primary key, indexes, unique
    constraints and foreign keys, as the database's catalog reports them (order-free)."""
    inspector = sa.inspect(engine)
    tables: dict[str, dict[str, Any]] = {}
    for name in inspector.get_table_names():
        tables[name] = {
            "columns": {
                c["name"]: (str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(name)
            },
            "primary key": inspector.get_pk_constraint(name)["constrained_columns"],
            "indexes": sorted(
                (str(i["name"]), tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(name)
            ),
            "uniques": sorted(
                (str(u["name"]), tuple(u["column_names"]))
                for u in inspector.get_unique_constraints(name)
            ),
            "foreign keys": sorted(
                (
                    str(f["name"]),
                    tuple(f["constrained_columns"]),
                    f["referred_table"],
                    tuple(f["referred_columns"]),
                )
                for f in inspector.get_foreign_keys(name)
            ),
        }
    return tables
