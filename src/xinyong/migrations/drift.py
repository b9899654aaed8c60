"""Drift: how the live schema differs from the tables the code declares."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext


def declared_metadata() -> sa.MetaData:
    """The metadata every table module declares its tables on (imported here, so none is
    left out)."""
    import xinyong.evaluate.tables  # noqa: F401  (evaluations, grades)
    import xinyong.ingest.tables  # noqa: F401  (deliveries, quarantine, journal)
    import xinyong.rights.tables  # noqa: F401  (consents, objections, repairs, reports)
    import xinyong.sanctions.tables  # noqa: F401  (dispatch notices, webhooks, overrides)
    import xinyong.web.tables  # noqa: F401  (accounts and API tokens)
    from xinyong.ledger.tables import metadata

    return metadata


def _describe(diff: Any) -> str:
    """One line for one ``compare_metadata`` difference."""
    if isinstance(diff, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(d) for d in diff)
    kind, *rest = diff
    if kind in ("add_table", "remove_table"):
        return f"{kind} {rest[0].name}"
    if kind in ("add_column", "remove_column"):
        return f"{kind} {rest[1]}.{rest[2].name}"
    if kind in ("add_index", "remove_index"):
        index = rest[0]
        return f"{kind} {index.name} on {index.table.name}"
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        constraint = rest[0]
        return f"{kind} {constraint.name} on {constraint.table.name}"
    if kind.startswith("modify_"):
        _schema, table, column, _info, old, new = rest
        return f"{kind} {table}.{column}: {old!r} in the database, {new!r} declared"
    return " ".join(str(part) for part in diff)


def drift(conn: sa.Connection) -> list[str]:
    """The differences of the live schema from the declared tables, one line each (empty if
    they agree): what ``xinyong db status`` shows and ``xinyong init`` refuses."""
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True}
    )
    return [_describe(d) for d in compare_metadata(context, declared_metadata())]
