"""Drift: how the live schema differs from the tables the code declares."""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext


def declared_metadata() -> sa.MetaData:
    """The metadata every table module declares its tables on (imported here, so none is
    left out)."""
    import xinyong.evaluate.tables  # noqa: F401  (evaluations, grades)
    import xinyong.ingest.tables  # noqa: F401  (deliveries, quarantine, journal)
    import xinyong.keys.tables  # noqa: F401  (key fingerprints)
    import xinyong.rights.tables  # noqa: F401  (consents, objections, repairs, reports)
    import xinyong.sanctions.tables  # noqa: F401  (dispatch notices, webhooks, overrides)
    import xinyong.web.tables  # noqa: F401  (accounts and API tokens)
    from xinyong.ledger.tables import metadata

    return metadata


class Difference(NamedTuple):
    """One way the live schema differs from the declared tables."""

    #: the table, or ``table.column``
    where: str
    #: what differs, e.g. ``remove_column`` (declared, not in the database)
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


#: compare_metadata's words, from the database's side
_WORDS = {
    "add_table": "declared, missing from the database",
    "remove_table": "in the database, not declared",
    "add_column": "declared, missing from the database",
    "remove_column": "in the database, not declared",
    "add_index": "index {} declared, missing from the database",
    "remove_index": "index {} in the database, not declared",
    "add_constraint": "constraint {} declared, missing from the database",
    "remove_constraint": "constraint {} in the database, not declared",
    "add_fk": "foreign key {} declared, missing from the database",
    "remove_fk": "foreign key {} in the database, not declared",
}


def _describe(diff: Any) -> list[Difference]:
    """``compare_metadata``'s tuples as differences (column changes come as lists)."""
    if isinstance(diff, list):
        return [d for part in diff for d in _describe(part)]
    kind, *rest = diff
    if kind in ("add_table", "remove_table"):
        return [Difference(rest[0].name, _WORDS[kind])]
    if kind in ("add_column", "remove_column"):
        return [Difference(f"{rest[1]}.{rest[2].name}", _WORDS[kind])]
    if kind in _WORDS:
        item = rest[0]
        return [Difference(item.table.name, _WORDS[kind].format(item.name))]
    if kind.startswith("modify_"):
        _schema, table, column, _info, old, new = rest
        what = f"{kind[len('modify_') :]} is {old!r} in the database, {new!r} declared"
        return [Difference(f"{table}.{column}", what)]
    return [Difference("schema", " ".join(str(part) for part in diff))]


def drift(conn: sa.Connection) -> list[Difference]:
    """How the live schema differs from the declared tables (empty if they agree): what
    ``xinyong db status`` shows and ``xinyong init`` refuses."""
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True}
    )
    return [d for diff in compare_metadata(context, declared_metadata()) for d in _describe(diff)]
