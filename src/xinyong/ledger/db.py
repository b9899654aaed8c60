"""Database engines for the ledger.

SQLite is the embedded default: WAL journal, foreign keys on, a busy timeout so a reader
does not fail while a writer commits, a page cache of up to 64 MiB for bulk loads.
Its ``FLOOR`` is total, as PostgreSQL's and DuckDB's are (``_floor``). PostgreSQL is the
production store. The schema and its migrations are in :mod:`xinyong.migrations`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import ConfigError
from ..settings import Settings


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # a bulk load updates the records table's six B-trees at once: with SQLite's default
    # 2 MiB page cache their pages are evicted and read again (an upper bound, not reserved)
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()
    # SQLAlchemy registers math.floor as FLOOR, which raises on NULL, and on a number beyond
    # 64-bit integers or not finite (the whole query fails); this one is total, as in
    # PostgreSQL and DuckDB: NULL stays NULL, a REAL gives a REAL, an integer itself
    dbapi_conn.create_function("floor", 1, _floor, deterministic=True)


def _floor(value: object) -> float | int | None:
    if isinstance(value, str):  # text: a number if Python reads one (compiled queries pass
        try:  # only guarded REALs; SQLite's own floor reads less text as numbers)
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, float):  # NULL and integers unchanged, a blob is no number
        return value if isinstance(value, int) else None
    return float(math.floor(value)) if math.isfinite(value) else value


def _json_text(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a refused row kept as delivered): escaped
        return json.dumps(value)
    return text


def make_engine(settings_or_url: Settings | str) -> sa.Engine:
    """An engine for the ledger database.

    Raises:
        ConfigError: the URL cannot be parsed or names a driver that is not installed.
    """
    url = settings_or_url.database_url if isinstance(settings_or_url, Settings) else settings_or_url
    try:
        # JSON stored as UTF-8, not \u escapes: SQLite (3.40, Debian 12) matches a JSON path
        # such as '$."金额"' only against an unescaped key
        engine = sa.create_engine(url, json_serializer=_json_text)
    except (sa.exc.ArgumentError, ModuleNotFoundError, sa.exc.NoSuchModuleError) as exc:
        raise ConfigError(
            f"XINYONG_DATABASE_URL {url!r} cannot be used ({exc}); use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/DBNAME",
            code="bad-database-url",
        ) from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def sqlite_file(engine: sa.Engine) -> Path | None:
    """The file of an SQLite ledger (``None`` for PostgreSQL and in-memory databases)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).resolve()


def refresh_statistics(engine: sa.Engine) -> None:
    """Refresh the query planner's statistics (``ANALYZE``) after a bulk load.

    Without them SQLite picks the catalogue-item index for the double-publicity pages and
    sorts a million rows instead of walking the decision-date index (seconds instead of
    milliseconds). PostgreSQL's autovacuum would get there too, later.
    """
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
