"""List entries as the portal and the API show them: from the newest evaluation on or before
the date, and only while in force on that date (``evaluate.in_force``: by their dates, and
not ended by a revocation, repair, early exit or upheld objection recorded since the
evaluation); the public lists, what the public must be told about each, and the measures
they bring."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..evaluate.in_force_sql import in_force_clause
from ..evaluate.tables import NEWEST_FIRST, evaluations, list_entries
from ..ledger import Subject
from ..ledger import tables as t
from ..schemes import Pack
from ..schemes.lists import ListType
from ..types import PublicAttribute
from .shown import MAX_PER_PAGE, Page, subject_summary


def latest_evaluation(conn: sa.Connection, pack: Pack, as_of: date) -> dict[str, Any] | None:
    """The newest evaluation of ``pack`` on or before ``as_of``."""
    e = evaluations.c
    row = (
        conn.execute(
            sa.select(evaluations)
            .where(e.pack == f"{pack.id} {pack.meta.version}", e.as_of <= as_of)
            .order_by(*NEWEST_FIRST)
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def evaluation_on(conn: sa.Connection, pack: Pack, as_of: date) -> str | None:
    found = latest_evaluation(conn, pack, as_of)
    return str(found["evaluation_id"]) if found else None


def entry_view(pack: Pack, row: Any) -> dict[str, Any]:
    list_type = pack.lists.get(row["list_id"])
    explanation = row["explanation"]
    if isinstance(explanation, str):
        explanation = json.loads(explanation)
    return {
        "list_id": row["list_id"],
        "list_name_zh": list_type.name_zh if list_type else row["list_id"],
        "list_name_en": list_type.name_en if list_type else row["list_id"],
        "polarity": list_type.polarity if list_type else None,
        "source_agency": row["source_agency"],
        "listed_on": row["listed_on"],
        "active_from": row["active_from"],
        "expires_on": row["expires_on"],
        "legal_basis": explanation.get("legal_basis", []),
        "exit_conditions": explanation.get("exit_conditions"),
        "remedies": explanation.get("remedies"),
    }


def public_lists(pack: Pack, as_of: date) -> list[ListType]:
    return [
        lt
        for lt in pack.lists.values()
        if lt.public is PublicAttribute.PUBLIC
        and lt.effective_from <= as_of
        and (lt.effective_to is None or lt.effective_to > as_of)
    ]


def list_type_view(pack: Pack, list_type: ListType) -> dict[str, Any]:
    """A list type with what the public must be told about it (Shanghai Art 25)."""
    return {
        "id": list_type.id,
        "name_zh": list_type.name_zh,
        "name_en": list_type.name_en,
        "polarity": list_type.polarity,
        "serious": list_type.serious,
        "public": str(list_type.public),
        "subject_kinds": [str(k) for k in list_type.subject_kinds],
        "legal_basis": [pack.cite(r) for r in list_type.legal_basis],
        "entry": list_type.entry.model_dump(mode="json", exclude_none=True),
        "notice": list_type.notice.model_dump(mode="json", exclude_none=True),
        "term": list_type.term.model_dump(mode="json", exclude_none=True)
        if list_type.term
        else None,
        "exit_conditions": list_type.exit_conditions,
        "remedies": list_type.remedies,
        "parameters": {
            name: {
                str(since): {"value": v.value, "reference": pack.cite(v.reference)}
                for since, v in parameter.values.items()
            }
            for name, parameter in list_type.parameters.items()
        },
        "effective_from": list_type.effective_from,
        "effective_to": list_type.effective_to,
    }


def current_entries(
    conn: sa.Connection, pack: Pack, list_id: str, as_of: date, *, page: int = 1, per_page: int = 50
) -> Page:
    """The entries of a public list in force on ``as_of``, newest first, with their subjects."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    evaluation = latest_evaluation(conn, pack, as_of)
    if evaluation is None:
        return Page([], page, per_page, 0)
    le = list_entries.c
    condition = sa.and_(
        le.evaluation_id == evaluation["evaluation_id"],
        le.list_id == list_id,
        in_force_clause(pack, as_of),
    )
    total = conn.execute(sa.select(sa.func.count()).where(condition)).scalar_one()
    rows = conn.execute(
        sa.select(list_entries, t.subjects)
        .join(t.subjects, t.subjects.c.subject_id == le.subject_id)
        .where(condition)
        .order_by(le.active_from.desc(), le.subject_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).mappings()
    items = [{**entry_view(pack, r), "subject": subject_summary(Subject.from_row(r))} for r in rows]
    return Page(items, page, per_page, total)


def entries_of(conn: sa.Connection, evaluation: str | None, subject_id: str) -> list[Any]:
    if evaluation is None:
        return []
    le = list_entries.c
    return list(
        conn.execute(
            sa.select(list_entries).where(
                le.evaluation_id == evaluation, le.subject_id == subject_id
            )
        ).mappings()
    )


def publicly_listed(conn: sa.Connection, pack: Pack, as_of: date, evaluation: str | None) -> Any:
    """EXISTS an entry of the subject in force on a public list (correlated, uses the index)."""
    le = list_entries.c
    return sa.exists().where(
        le.subject_id == t.subjects.c.subject_id,
        le.evaluation_id == (evaluation or evaluation_on(conn, pack, as_of) or ""),
        le.list_id.in_([lt.id for lt in public_lists(pack, as_of)]),
        in_force_clause(pack, as_of),
    )
