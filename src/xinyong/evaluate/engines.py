"""Where compiled queries run: the operational database (SQLite or PostgreSQL), or DuckDB or
Spark (``spark.py``) over a Parquet snapshot. Every engine answers with plain Python rows of
the same shape."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Collection
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import sqlalchemy as sa
from sqlglot import exp

from ..errors import ConfigError, NotFound
from .criteria import AMONG, Dialect, to_sql

SNAPSHOT_TABLES = ("records", "subjects", "record_events")


def snapshot_sources(snapshot: Path) -> dict[str, tuple[Path, bool]]:
    """Each snapshot table's file or directory, and whether it is a hive-partitioned dataset
    (``records/``, as ``export_snapshot`` writes it, or a plain ``records.parquet``)."""
    found: dict[str, tuple[Path, bool]] = {}
    for table in SNAPSHOT_TABLES:
        if (snapshot / table).is_dir():
            found[table] = (snapshot / table, True)
        elif (snapshot / f"{table}.parquet").is_file():
            found[table] = (snapshot / f"{table}.parquet", False)
        else:
            raise NotFound(
                f"{snapshot} holds no {table}.parquet; write a snapshot with "
                "`xinyong snapshot export --out DIR`",
                code="no-snapshot",
            )
    return found


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


#: a plain ISO date: ``date.fromisoformat`` alone also takes ``20240101`` and week dates
_ISO_DATE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")


def iso_date(value: Any) -> date | str:
    """``value`` as a ``date`` if it is one or its ISO text (``2024-01-31``), else as text
    (``2024-01-31T10:00``, ``2024-02-30``, ``n/a``)."""
    if isinstance(value, date):
        return value
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def normalise(row: dict[str, Any]) -> dict[str, Any]:
    """Engine-independent values: dates as ``date``, flags and versions as ``int`` (a
    record's own term stays a number: ``casts.whole_months_of`` judges it)."""
    out = dict(row)
    for key in ("decided_on", "effective_on", "last_on"):
        if key in out and out[key] is not None:
            out[key] = _date(out[key])
    if out.get("since_value") is not None:  # a date only if it is one (else its text)
        out["since_value"] = iso_date(out["since_value"])
    for key in ("version", "matches", "term_applies"):
        if key in out and out[key] is not None:
            out[key] = int(out[key])
    value = out.get("streak_value")
    if value is not None:  # a whole number as int; any other (2024.5) counts as none
        out["streak_value"] = int(value) if float(value).is_integer() else float(value)
    return out


class QueryEngine(Protocol):
    name: str
    dialect: Dialect

    def rows(self, query: exp.Expr) -> list[dict[str, Any]]: ...

    def register(self, name: str, table: pa.Table) -> None:
        """Make ``table`` queryable as ``name`` by later ``rows`` calls (replacing it)."""
        ...


#: tells one registered table from another (a connection holds the one it last installed):
#: the same table registered again, by any engine, is not installed again
_registrations = count(1)
#: id(table) → (token, table), least recently registered first
_tokens: OrderedDict[int, tuple[int, pa.Table]] = OrderedDict()
_tokens_lock = threading.Lock()


def _token(table: pa.Table) -> int:
    with _tokens_lock:  # registered from request threads, the follow thread and dispatch
        found = _tokens.get(id(table))
        if found is None or found[1] is not table:
            found = _tokens[id(table)] = (next(_registrations), table)
        _tokens.move_to_end(id(table))  # a calendar registered again stays installed
        while len(_tokens) > 16:
            _tokens.popitem(last=False)
        return found[0]


_INSTALLED = "xinyong_registered_tables"


def _column_type(field: pa.Field) -> sa.types.TypeEngine[Any]:
    if pa.types.is_date(field.type):
        return sa.Date()
    if pa.types.is_integer(field.type):
        return sa.BigInteger()
    if pa.types.is_floating(field.type):
        return sa.Float()
    return sa.Text()


def _install(conn: sa.Connection, name: str, table: pa.Table) -> None:
    """``table`` as a temporary table of this connection, indexed on every column."""
    schema = "pg_temp" if conn.dialect.name == "postgresql" else "temp"
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {schema}.{name}")
    columns = [sa.Column(f.name, _column_type(f)) for f in table.schema]
    temporary = sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"])
    temporary.create(conn)
    rows = table.to_pylist()
    for start in range(0, len(rows), 10_000):
        conn.execute(temporary.insert(), rows[start : start + 10_000])
    for column in columns:
        sa.Index(f"{name}_{column.name}", column).create(conn)
    # statistics: without them PostgreSQL plans day-by-day joins as if the table were tiny
    conn.exec_driver_sql(f"ANALYZE {schema}.{name}" if schema == "pg_temp" else f"ANALYZE {name}")


def register_among(engine: QueryEngine, subjects: Collection[str]) -> None:
    """Make ``subjects`` the set ``criteria.among`` tests read in ``engine``'s queries."""
    engine.register(AMONG, pa.table({"subject_id": pa.array(sorted(subjects), pa.string())}))


class SqlEngine:
    """The ledger database itself."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect: Dialect = "postgres" if engine.dialect.name == "postgresql" else "sqlite"
        self.name = engine.dialect.name
        self._registered: dict[str, tuple[int, pa.Table]] = {}

    def register(self, name: str, table: pa.Table) -> None:
        """Each connection that runs a query gets ``table`` as a temporary table (once)."""
        self._registered[name] = (_token(table), table)

    def rows(self, query: exp.Expr) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            installed: dict[str, int] = conn.info.setdefault(_INSTALLED, {})
            missing = [(n, t) for n, t in self._registered.items() if installed.get(n) != t[0]]
            for name, (token, table) in missing:
                _install(conn, name, table)
                installed[name] = token
            if missing:
                conn.commit()
            result = conn.exec_driver_sql(to_sql(query, self.dialect))
            return [normalise(dict(r)) for r in result.mappings()]


class DuckDBEngine:
    """DuckDB over a snapshot written by ``export_snapshot``."""

    name = "duckdb"
    dialect: Dialect = "duckdb"

    def __init__(self, snapshot: Path, *, threads: int, memory_limit: str) -> None:
        import duckdb

        sources = snapshot_sources(snapshot)
        try:
            self.conn = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
        except duckdb.Error as exc:
            raise ConfigError(f"DuckDB refused its settings: {exc}", code="duckdb-config") from None
        for table, (path, partitioned) in sources.items():
            where = str(path / "**" / "*.parquet" if partitioned else path).replace("'", "''")
            # partition values stay strings ('01' is a province, not the number 1)
            hive = ", hive_partitioning = true, hive_types_autocast = false" if partitioned else ""
            self.conn.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{where}'{hive})")

    def register(self, name: str, table: pa.Table) -> None:
        self.conn.register(name, table)

    def rows(self, query: exp.Expr) -> list[dict[str, Any]]:
        cursor = self.conn.execute(to_sql(query, "duckdb"))
        names = [d[0] for d in cursor.description]
        return [normalise(dict(zip(names, r, strict=True))) for r in cursor.fetchall()]
