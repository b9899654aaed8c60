"""What objections and repair applications share: a case routed to a record's source
agency, decided once, on a deadline, listed with whether it is overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..errors import Forbidden, InvalidData, NotFound
from ..workdays import is_provisional
from .evidence import of_cases

#: a case's deadlines, in working days from ``filed_on`` (``credit_reporting`` objections
#: run in calendar days)
DEADLINES = ("check_due", "decision_due", "extended_to", "feedback_due")


def provisional(row: dict[str, Any]) -> bool:
    """Whether a deadline of the case runs through a provisional calendar year (no State
    Council notice yet): it may move when the notice is added."""
    if row.get("regime") == "credit_reporting":
        return False
    dues = [row[c] for c in DEADLINES if row.get(c) is not None]
    return bool(dues) and is_provisional(row["filed_on"], max(dues))


def get(conn: sa.Connection, table: sa.Table, key: str, value: str, what: str) -> dict[str, Any]:
    row = conn.execute(sa.select(table).where(table.c[key] == value)).mappings().first()
    if row is None:
        raise NotFound(f"no {what} {value}", code=f"unknown-{what.replace(' ', '-')}")
    return {**row, "provisional": provisional(dict(row))}


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
    due: sa.ColumnElement[Any],
    subject_id: str | None = None,
    provider: str | None = None,
    overdue_only: bool = False,
    where: sa.ColumnElement[bool] | None = None,
    page: int = 1,
    per_page: int = 100,
) -> dict[str, Any]:
    """One page of cases (of a subject, or routed to a provider; oldest first), each marked
    overdue when undecided past ``due`` (a SQL expression of the case's next deadline) and
    with its evidence files (without content); how many there are, and how many of them are
    overdue (escalated)."""
    overdue = sa.and_(table.c.status != "decided", due.is_not(None), due < today)
    scope = []
    if subject_id is not None:
        scope.append(table.c.subject_id == subject_id)
    if provider is not None:
        scope.append(table.c.provider == provider)
    if where is not None:
        scope.append(where)
    counted = sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((overdue, 1), else_=0)), 0)
    ).where(*scope)
    if overdue_only:
        scope.append(overdue)
    total, late = conn.execute(counted).one()
    if overdue_only:
        total = late
    query = (
        sa.select(table, overdue.label("overdue"))
        .where(*scope)
        .order_by(table.c.filed_at, table.c[f"{kind}_id"])
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        {**row, "overdue": bool(row["overdue"]), "provisional": provisional(dict(row))}
        for row in conn.execute(query).mappings()
    ]
    files = of_cases(conn, kind, [item[f"{kind}_id"] for item in items])
    for item in items:
        item["evidence_files"] = files[item[f"{kind}_id"]]
    return {
        "items": items,
        "overdue": int(late),
        "page": page,
        "per_page": per_page,
        "total": int(total),
        "pages": max(1, -(-int(total) // per_page)),
    }
