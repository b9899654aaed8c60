"""What objections and repair applications share: a case routed to a record's source
agency, decided once, on a deadline, listed with whether it is overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..errors import Forbidden, InvalidData, NotFound


def get(conn: sa.Connection, table: sa.Table, key: str, value: str, what: str) -> dict[str, Any]:
    row = conn.execute(sa.select(table).where(table.c[key] == value)).mappings().first()
    if row is None:
        raise NotFound(f"no {what} {value}", code=f"unknown-{what.replace(' ', '-')}")
    return dict(row)


def as_provider(row: dict[str, Any], agency: str | None, what: str) -> None:
    """Only the agency the case is routed to decides it, and only once."""
    if row["provider"] != agency:
        raise Forbidden(
            f"the {what} is routed to {row['provider']}, not to {agency}",
            code=f"not-own-{what.replace(' ', '-')}",
        )
    if row["status"] == "decided":
        raise InvalidData(f"the {what} is decided already", code="case-decided")


def listing(
    conn: sa.Connection,
    table: sa.Table,
    kind: str,
    *,
    today: date,
    due: Callable[[dict[str, Any]], date | None],
    subject_id: str | None = None,
    provider: str | None = None,
    overdue_only: bool = False,
    where: Any = None,
) -> dict[str, Any]:
    """Cases (of a subject, or routed to a provider), each marked overdue when undecided past
    ``due(case)`` and with its evidence files (without content); and how many are overdue
    (escalated)."""
    from .evidence import of_cases

    query = sa.select(table).order_by(table.c.filed_at)
    if subject_id is not None:
        query = query.where(table.c.subject_id == subject_id)
    if provider is not None:
        query = query.where(table.c.provider == provider)
    if where is not None:
        query = query.where(where)
    if overdue_only:
        query = query.where(table.c.status != "decided")  # a decided case is never overdue
    items = []
    for row in conn.execute(query).mappings():
        item = dict(row)
        deadline = due(item)
        item["overdue"] = item["status"] != "decided" and deadline is not None and today > deadline
        if item["overdue"] or not overdue_only:
            items.append(item)
    files = of_cases(conn, kind, [item[f"{kind}_id"] for item in items])
    for item in items:
        item["evidence_files"] = files[item[f"{kind}_id"]]
    return {"items": items, "overdue": sum(1 for i in items if i["overdue"])}
