"""The portal's pages for a signed-in subject and for agencies' staff: the own file (``/me``)
with its forms (consents, objections, evidence, repair, reports), the cases routed to an
agency (``/cases``) with theirs, and credit reports (printable and PDF). Each form calls the
same command as the API (``services``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..services import consents, repairs, reports
from ..services import objections as objection_commands
from .deps import (
    ConsentManager,
    Objector,
    Provider,
    RepairApplicant,
    RepairDecider,
    Reporter,
    Uploader,
)
from .pages import form_date, locale_of, render
from .platform import PlatformDep
from .principals import check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/me", response_class=HTMLResponse)
def own_file(
    request: Request,
    p: PlatformDep,
    who: Objector,
) -> Response:
    """A subject's own file: every record (public or not) with its history, list entries,
    who read the file, objections and repair applications — with the forms to file them."""
    from ..ledger import audit
    from ..rights import consent, objections, repair
    from ..rights.grade_notices import whole_file

    subject_id = who.subject_id or ""
    with p.engine.connect() as conn:
        data = whole_file(conn, p.pack, subject_id, p.today(), own=True)
        data["access_log"] = audit.entries(conn, subject_id=subject_id, limit=200)
        data["objections"] = objections.listing(conn, today=p.today(), subject_id=subject_id)
        data["repairs"] = repair.listing(conn, today=p.today(), subject_id=subject_id)
        data["consents"] = [
            {**c.__dict__, "in_force": c.valid_on(p.today())}
            for c in consent.of_subject(conn, subject_id)
        ]
    p.audit(who, "read_file", subject_id=subject_id, purpose="subject_access", via="portal")
    return render(request, "me.html", data, who)


@router.post("/me/consents")
def grant_consent_form(
    p: PlatformDep,
    who: ConsentManager,
    agency: Annotated[str, Form(min_length=1, max_length=64)],
    expires_on: Annotated[str, Form(pattern=r"^\d{4}-\d{2}-\d{2}$")],
) -> Response:
    """The consent form (CSRF-protected): a credit-service agency, until a date."""
    # the field's pattern makes the date present; a past or impossible one is refused
    consents.grant_consent(
        p, who, agency, form_date(expires_on, "expires_on") or date.min, "credit_report"
    )
    return RedirectResponse("/me#consents", status_code=303)


@router.post("/me/consents/{consent_id}/revoke")
def revoke_consent_form(
    p: PlatformDep,
    who: ConsentManager,
    consent_id: str,
) -> Response:
    """Revoke a consent from the portal (CSRF-protected)."""
    consents.revoke_consent(p, who, consent_id[:32])
    return RedirectResponse("/me#consents", status_code=303)


@router.post("/me/objections")
def file_objection_form(
    p: PlatformDep,
    who: Objector,
    target: Annotated[str, Form(max_length=300)],
    grounds: Annotated[str, Form(max_length=5000)],
    target_kind: Annotated[Literal["", "record", "list_entry", "grade", "report"], Form()] = "",
) -> Response:
    """The portal's objection form (CSRF-protected): a record, a list entry, a grade or a
    record in a credit report; without a kind, a key with two colons is a list entry."""
    kind = target_kind or ("list_entry" if target.count(":") >= 2 else "record")
    objection_commands.file_objection(p, who, kind, target, grounds)
    return RedirectResponse("/me#objections", status_code=303)


@router.post("/me/{case}/{case_id}/evidence")
def attach_evidence_form(
    request: Request,
    p: PlatformDep,
    who: Uploader,
    case: Literal["objections", "repairs"],
    case_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
    file: Annotated[UploadFile, File()],
    csrftoken: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The evidence form on an open objection or repair application (CSRF-checked here)."""
    from .uploads import attach_upload

    check_csrf(request, csrftoken)
    attach_upload(p, who, case.removesuffix("s"), case_id, file)
    return RedirectResponse(f"/me#{case}", status_code=303)


@router.post("/me/reports")
def own_report_form(p: PlatformDep, who: Reporter) -> Response:
    """Issue the subject's own credit report (free, within the yearly number) and show it."""
    issued = reports.issue_report(p, who, None)
    return RedirectResponse(f"/reports/{issued['report_id']}", status_code=303)


@router.post("/me/repairs")
def apply_for_repair_form(
    p: PlatformDep,
    who: RepairApplicant,
    record_id: Annotated[str, Form(max_length=32)],
    corrective_action: Annotated[str, Form(max_length=5000)],
    evidence: Annotated[str, Form(max_length=5000)],
    commitment: Annotated[str, Form(max_length=5000)],
) -> Response:
    """The portal's repair form (CSRF-protected); evidence one item per line."""
    repairs.apply_for_repair(
        p, who, record_id, corrective_action, evidence.splitlines(), commitment
    )
    return RedirectResponse("/me#repairs", status_code=303)


@router.post("/cases/repairs/{repair_id}")
def decide_repair_form(
    p: PlatformDep,
    who: RepairDecider,
    repair_id: str,
    outcome: Annotated[str, Form(max_length=20)],
    reasons: Annotated[str, Form(max_length=5000)],
) -> Response:
    """The repair decision form (CSRF-protected)."""
    repairs.decide_repair(p, who, repair_id[:32], outcome, reasons)
    return RedirectResponse("/cases", status_code=303)


@router.get("/cases", response_class=HTMLResponse)
def routed_cases(
    request: Request,
    p: PlatformDep,
    who: Provider,
) -> Response:
    """For a source agency's staff: the objections and repair applications routed to it."""
    from ..rights import objections, repair

    with p.engine.connect() as conn:
        data = {
            "objections": objections.listing(conn, today=p.today(), provider=who.agency),
            "repairs": repair.listing(conn, today=p.today(), provider=who.agency),
        }
    return render(request, "cases.html", data, who)


@router.post("/cases/objections/{objection_id}")
def decide_objection_form(
    p: PlatformDep,
    who: Provider,
    objection_id: str,
    outcome: Annotated[str, Form(max_length=20)],
    reasons: Annotated[str, Form(max_length=5000)],
    statement: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """The decision form (CSRF-protected): deleted, publicity stopped, removed from the list
    or kept (with the subject's statement), with written reasons. Corrections, which carry
    changed attributes, go through the API."""
    objection_commands.decide_objection(
        p, who, objection_id[:32], outcome, reasons, statement=statement.strip() or None
    )
    return RedirectResponse("/cases", status_code=303)


@router.get("/reports/{report_id}.pdf")
def report_as_pdf(
    request: Request,
    p: PlatformDep,
    who: Reporter,
    report_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
) -> Response:
    """An issued credit report as PDF (zh or en), stamped on every page with its date and
    verification code."""
    from .pdf import report_pdf

    row = reports.readable_report(p, who, report_id)
    body = report_pdf(row["body"], row["verification_code"], locale_of(request))
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="credit-report-{report_id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def printable_report(
    request: Request,
    p: PlatformDep,
    who: Reporter,
    report_id: str,
) -> Response:
    """An issued credit report, printable (zh or en), with its date and verification code."""
    row = reports.readable_report(p, who, report_id[:32])
    data = {**row["body"], "verification_code": row["verification_code"]}
    return render(request, "report.html", data, who)
