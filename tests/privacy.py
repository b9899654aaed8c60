"""The suite's scan for raw resident identity numbers: in responses (``tests/web/conftest.py``),
redirects, CLI output (``tests/cli/test_commands.py::xinyong``) and the database itself.

A raw number anywhere but a reviewer's audited ``quarantine reveal`` is a defect.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

#: 18-digit resident numbers (and 15-digit old ones) anywhere in a text
RAW_ID = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![0-9A-Za-z])")
RAW_ID_BYTES = re.compile(RAW_ID.pattern.encode("ascii"))


def assert_no_raw_id(text: str, where: str) -> None:
    found = RAW_ID.findall(text)
    if found:
        raise AssertionError(f"raw resident number in {where}: {found[:3]}")


def raw_ids_in_sqlite_file(path: Path) -> list[str]:
    """Raw numbers in a SQLite database's bytes (and its write-ahead log, if any), free pages
    included: a number once written and deleted is still a leak."""
    found: list[str] = []
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            found += [m.decode() for m in RAW_ID_BYTES.findall(part.read_bytes())]
    return found


def raw_ids_in_database(engine: sa.Engine) -> list[str]:
    """Raw numbers in any column of any table, every value read as text (PostgreSQL: a dump
    of the text of every row; on SQLite the same, where the file scan is stricter)."""
    found: list[str] = []
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            quoted = conn.dialect.identifier_preparer.quote(table)
            text = "row_to_json(t)::text" if conn.dialect.name == "postgresql" else "*"
            for row in conn.exec_driver_sql(f"SELECT {text} FROM {quoted} AS t"):  # noqa: S608
                found += RAW_ID.findall(" ".join(str(v) for v in row))
    return found
