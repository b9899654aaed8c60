"""Pages for a source agency's staff: the written notices it owes, each printable, and the
forms that record their service.

- ``/notices``: prior notices owed before list entries take effect (告知书), notices of adverse
  grades owed as a scheme's authority, and a look-up for the credit-repair notice served with
  a penalty decision (两书同达);
- ``/notices/prior/{list_id}/{source_record_id}``, ``/notices/grade/{scheme_id}/{subject_id}``,
  ``/notices/repair?record_id=``: each notice as a printable document (zh or en);
- the POST forms record service: a ``notice_served`` decision (through the same validation
  as ``POST /api/decisions``) or the grade notice's service;
- ``/escalations`` (the operator): objections and repair applications past their deadline,
  of every agency, counted per agency; objections awaiting the platform's check, with the
  form that records it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..access import Principal
from ..errors import NotFound
from ..rights import grade_notices, notices
from ..services import notices as notice_commands
from ..services import objections as objection_commands
from ..services import submissions
from .deps import Agency, CaseOverseer, GradeAuthority, ObjectionChecker
from .pages import render
from .platform import Platform, PlatformDep

router = APIRouter(include_in_schema=False)


Key = Annotated[str, Path(max_length=128)]
SchemeId = Annotated[str, Path(max_length=80)]
SubjectId = Annotated[str, Path(max_length=40)]
DocumentNumber = Annotated[str, Form(min_length=1, max_length=128)]


def _prior(
    p: Platform, who: Principal, entry: tuple[str, str] | None = None
) -> list[dict[str, Any]]:
    with p.engine.connect() as conn:
        return notices.pending(
            conn, p.pack, p.evaluation(conn), who.agency or "", p.today(), entry=entry
        )


@router.get("/notices", response_class=HTMLResponse)
def owed_notices(request: Request, p: PlatformDep, who: Agency) -> Response:
    """The notices the agency owes, with links to print each and forms to record service."""
    with p.engine.connect() as conn:
        grades = grade_notices.pending(conn, p.pack, p.evaluation(conn), who.agency or "")
    data = {"prior": _prior(p, who), "grades": grades, "as_of": p.today()}
    return render(request, "notices.html", data, who)


@router.get("/notices/prior/{list_id}/{source_record_id}", response_class=HTMLResponse)
def prior_notice(
    request: Request, p: PlatformDep, who: Agency, list_id: Key, source_record_id: Key
) -> Response:
    """One prior notice, printable: the list, its basis, the reasons, the evidence, the
    subject's rights and the deadline to answer if served today."""
    found = _prior(p, who, (list_id, source_record_id))
    if not found:
        raise NotFound("no prior notice is owed for this entry", code="no-notice-owed")
    return render(request, "notice.html", found[0], who)


@router.post("/notices/prior/{list_id}/{source_record_id}")
def serve_prior_notice(
    p: PlatformDep, who: Agency, list_id: Key, source_record_id: Key, number: DocumentNumber
) -> Response:
    """Record that the prior notice (document ``number``) was served today: a
    ``notice_served`` decision about the agency's record, from which the period runs."""
    decision = submissions.RecordDecision(
        source_record_id=source_record_id,
        decision="notice_served",
        effective_on=p.today(),
        instrument_number=number,
        reason=f"prior notice of listing on {list_id}",
    )
    submissions.submit_decision(p, who, decision)
    return RedirectResponse("/notices", status_code=303)


@router.get("/notices/grade/{scheme_id}/{subject_id}", response_class=HTMLResponse)
def grade_notice(
    request: Request,
    p: PlatformDep,
    who: GradeAuthority,
    scheme_id: SchemeId,
    subject_id: SubjectId,
) -> Response:
    """The notice of an adverse grade, printable, for the scheme's authority."""
    subject_id = p.subject_key(subject_id)
    with p.engine.connect() as conn:
        found = grade_notices.owed(
            conn,
            p.pack,
            agency=who.agency,
            subject_id=subject_id,
            scheme_id=scheme_id,
            today=p.today(),
        )
    return render(request, "notice.html", found, who)


@router.post("/notices/grade/{scheme_id}/{subject_id}")
def serve_grade_notice(
    p: PlatformDep, who: GradeAuthority, scheme_id: SchemeId, subject_id: SubjectId
) -> Response:
    """Record that the grade's notice was served today."""
    notice_commands.serve_grade_notice(p, who, subject_id, scheme_id)
    return RedirectResponse("/notices", status_code=303)


@router.get("/notices/repair", response_class=HTMLResponse)
def repair_notice(
    request: Request,
    p: PlatformDep,
    who: Agency,
    record_id: Annotated[str, Query(pattern="^[0-9a-f]{32}$")],
) -> Response:
    """The credit-repair notice to serve with a penalty decision, printable."""
    return render(request, "notice.html", notice_commands.repair_notice(p, who, record_id), who)


@router.get("/escalations", response_class=HTMLResponse)
def escalations(
    request: Request,
    p: PlatformDep,
    who: CaseOverseer,
) -> Response:
    """Overdue objections and repair applications of every agency, counted per agency."""
    from collections import Counter

    from ..rights import objections, repair

    with p.engine.connect() as conn:
        late = {
            "objections": objections.listing(conn, today=p.today(), overdue_only=True),
            "repairs": repair.listing(conn, today=p.today(), overdue_only=True),
        }
        unchecked = objections.listing(conn, today=p.today(), unchecked_only=True)["items"]
    by_agency = Counter(case["provider"] for kind in late.values() for case in kind["items"])
    data = {
        **late,
        "unchecked": unchecked,
        "by_agency": dict(by_agency.most_common()),
        "as_of": p.today(),
    }
    return render(request, "escalations.html", data, who)


@router.post("/escalations/objections/{objection_id}/check")
def check_objection(
    p: PlatformDep,
    who: ObjectionChecker,
    objection_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
    note: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    """The platform's check form (CSRF-protected)."""
    objection_commands.check_objection(p, who, objection_id, note)
    return RedirectResponse("/escalations", status_code=303)
