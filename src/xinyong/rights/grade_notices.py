"""A subject's grades in its file, and the written notice owed before an adverse grade is
shown to anyone else.

Grades in a file are derived from the ledger at the moment of reading (``subject_grades``),
not taken from the last evaluation, so a correction, a deletion or a repair changes them at
once. Each carries its score, every indicator's contribution with the parameter's reference,
the records counted, whether an objection to it is open, and — for a grade the scheme marks
adverse (不良信用评价, Shenzhen Art 39) — whether its notice was served.

An adverse grade is shown to no one but its subject until the scheme's authority has served
written notice of it (``serve``); it is visible to others from the day after service. The
notices an authority owes are the adverse grades of the last evaluation without one
(``pending``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..disclosure.own_file import full_file
from ..disclosure.publicity import visible_to_others
from ..errors import FieldError, Forbidden, InvalidData, NotFound
from ..evaluate.grading import subject_grades
from ..evaluate.tables import grades
from ..ledger import tables as t
from ..schemes import Pack
from .tables import grade_notices, objections

RIGHTS = (
    "You may see the standards and rules of this evaluation and every record it counts; you "
    "may object to the grade or to any record behind it on the platform; and you may apply "
    "for administrative reconsideration or bring an administrative lawsuit."
)
WITHHELD = "an adverse grade, not shown before its written notice is served (Shenzhen Art 39)"


def _served(conn: sa.Connection, subject_id: str) -> dict[tuple[str, str], date]:
    n = grade_notices.c
    return {
        (scheme_id, grade): served_on
        for scheme_id, grade, served_on in conn.execute(
            sa.select(n.scheme_id, n.grade, n.served_on).where(n.subject_id == subject_id)
        ).all()
    }


def file_grades(
    conn: sa.Connection, pack: Pack, subject_id: str, kind: str, today: date, *, own: bool
) -> list[dict[str, Any]]:
    """The subject's grades as its file shows them; for anyone but the subject (``own``
    false), an adverse grade without a served notice is replaced by why it is withheld."""
    served = _served(conn, subject_id)
    o = objections.c
    disputed = set(
        conn.execute(
            sa.select(o.target).where(
                o.subject_id == subject_id, o.target_kind == "grade", o.status == "open"
            )
        ).scalars()
    )
    shown = []
    for found in subject_grades(conn, pack, subject_id, kind, today):
        grade, scheme = found.grade, pack.grades[found.grade.scheme_id]
        adverse = grade.grade in scheme.adverse_grades
        served_on = served.get((scheme.id, grade.grade))
        view: dict[str, Any] = {
            "scheme_id": scheme.id,
            "name_zh": scheme.name_zh,
            "name_en": scheme.name_en,
        }
        if not own and not visible_to_others(adverse, served_on, today):
            shown.append({**view, "withheld": WITHHELD})
            continue
        shown.append(
            {
                **view,
                "grade": grade.grade,
                "score": grade.score,
                "direct": grade.direct,
                "contributions": grade.contributions,
                "records": found.records,
                "legal_basis": [pack.cite(r) for r in scheme.legal_basis],
                "authority": scheme.authority,
                "adverse": adverse,
                "notice_served_on": served_on,
                "disputed": scheme.id in disputed,
            }
        )
    return shown


def notice(pack: Pack, scheme_id: str, subject: Any, grade: str, score: int) -> dict[str, Any]:
    """The written notice of an adverse grade."""
    scheme = pack.grades[scheme_id]
    return {
        "kind": "grade_notice",
        "subject_id": subject["subject_id"],
        "subject_name": subject["name"],
        "scheme_id": scheme.id,
        "scheme_zh": scheme.name_zh,
        "scheme_en": scheme.name_en,
        "grade": grade,
        "score": score,
        "legal_basis": [pack.cite(r) for r in scheme.legal_basis],
        "authority": scheme.authority,
        "rights": RIGHTS,
        "standards": f"/api/grades (scheme {scheme.id}); the subject's file shows each record",
    }


def pending(
    conn: sa.Connection, pack: Pack, evaluation: str | None, agency: str, *, limit: int = 200
) -> dict[str, Any]:
    """Adverse grades of the last evaluation under the agency's schemes with no notice served:
    the first ``limit`` notices and how many there are."""
    schemes = [
        s for s in pack.grades.values() if s.authority == agency and s.adverse_grades and s.enabled
    ]
    if evaluation is None or not schemes:
        return {"items": [], "total": 0}
    g, n, s = grades.c, grade_notices.c, t.subjects.c
    condition = sa.and_(
        g.evaluation_id == evaluation,
        sa.or_(*[sa.and_(g.scheme_id == x.id, g.grade.in_(x.adverse_grades)) for x in schemes]),
        ~sa.exists().where(
            n.subject_id == g.subject_id, n.scheme_id == g.scheme_id, n.grade == g.grade
        ),
    )
    total = conn.execute(sa.select(sa.func.count()).select_from(grades).where(condition))
    rows = conn.execute(
        sa.select(g.scheme_id, g.grade, g.score, s.subject_id, s.name)
        .join(t.subjects, s.subject_id == g.subject_id)
        .where(condition)
        .order_by(g.scheme_id, g.subject_id)
        .limit(limit)
    ).mappings()
    items = [notice(pack, r["scheme_id"], r, r["grade"], r["score"]) for r in rows]
    return {"items": items, "total": total.scalar_one()}


def owed(
    conn: sa.Connection,
    pack: Pack,
    *,
    agency: str | None,
    subject_id: str,
    scheme_id: str,
    today: date,
) -> dict[str, Any]:
    """The notice of the subject's current adverse grade under ``scheme_id``, as its
    authority ``agency`` prints and serves it.

    Raises:
        NotFound: no such scheme or subject, or the subject has no grade under it.
        Forbidden: the agency is not the scheme's authority.
        InvalidData: the subject's grade is not adverse.
    """
    scheme = pack.grades.get(scheme_id)
    subject = (
        conn.execute(sa.select(t.subjects).where(t.subjects.c.subject_id == subject_id))
        .mappings()
        .first()
    )
    if scheme is None or subject is None:
        raise NotFound("no such scheme or subject", code="unknown-grade")
    if scheme.authority != agency:
        raise Forbidden(
            f"notices of {scheme.id} are served by {scheme.authority}, not {agency}",
            code="not-own-scheme",
        )
    found = next(
        (
            x.grade
            for x in subject_grades(conn, pack, subject_id, subject["kind"], today)
            if x.grade.scheme_id == scheme.id
        ),
        None,
    )
    if found is None:
        raise NotFound(f"the subject has no grade under {scheme.id}", code="unknown-grade")
    if found.grade not in scheme.adverse_grades:
        raise InvalidData(
            f"the subject's grade {found.grade} is not adverse: no notice is owed",
            code="not-adverse",
            errors=[FieldError("scheme_id", f"grades {found.grade}", "serve adverse grades")],
        )
    served_on = _served(conn, subject_id).get((scheme.id, found.grade))
    return {**notice(pack, scheme.id, subject, found.grade, found.score), "served_on": served_on}


def serve(
    conn: sa.Connection,
    pack: Pack,
    *,
    agency: str | None,
    subject_id: str,
    scheme_id: str,
    actor: str,
    today: date,
    now: datetime,
) -> dict[str, Any]:
    """Record that the notice ``owed`` was served today; serving it again changes nothing.
    Returns the notice with ``served_on`` and the day the grade becomes visible to others."""
    found = owed(conn, pack, agency=agency, subject_id=subject_id, scheme_id=scheme_id, today=today)
    served_on = found["served_on"]
    if served_on is None:
        served_on = today
        conn.execute(
            grade_notices.insert().values(
                subject_id=subject_id,
                scheme_id=found["scheme_id"],
                grade=found["grade"],
                served_on=today,
                served_by=actor,
                recorded_at=now,
            )
        )
    return {
        **found,
        "served_on": served_on,
        "visible_to_others_from": served_on + timedelta(days=1),
    }


def whole_file(
    conn: sa.Connection, pack: Pack, subject_id: str, today: date, *, own: bool
) -> dict[str, Any]:
    """The whole file (``disclosure.own_file.full_file``) with the subject's grades as ``own``
    (the subject itself) or anyone else may see them."""
    found = full_file(conn, pack, subject_id, today)
    found["grades"] = file_grades(conn, pack, subject_id, found["subject"]["kind"], today, own=own)
    return found
